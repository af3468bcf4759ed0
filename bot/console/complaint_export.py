"""The complaints of a period as CSV, for the office's SP4N-LAPOR! follow-up.

`/console/complaints.csv?dari=2026-03-01&sampai=2026-03-31&kategori=integritas`: the
days are the office's calendar days, "sampai" included; a missing or malformed day
leaves that end open, a category not offered means all of them. The rows carry no
personal data (permits/complaint_report.py).
"""

from __future__ import annotations

from datetime import date, timedelta

from aiohttp import web

from bot.console.spreadsheets import csv_document, csv_download
from bot.keys import SESSIONS, SETTINGS
from permits.clock import day_start, today, zone_label
from permits.complaint_categories import CATEGORY_LABELS
from permits.complaint_report import ReportRow, report_rows

CSV_PATH = "/console/complaints.csv"


def csv_header(zone_name: str) -> tuple[str, ...]:
    return (
        "Nomor tiket",
        f"Masuk ({zone_name})",
        "Kategori",
        "Status",
        "Isi pengaduan",
        "Tanggapan",
    )


def _csv_line(row: ReportRow) -> tuple[str, ...]:
    return (row.ticket, row.filed_at, row.category, row.state, row.text, row.answer)


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _filename(since: date | None, until: date | None, category: str | None) -> str:
    parts = ["pengaduan", category or "semua"]
    if since:
        parts.append(since.isoformat())
    if until:
        parts.append("sd-" + until.isoformat())
    return "-".join(parts) + ".csv"


async def complaints_csv(request: web.Request) -> web.StreamResponse:
    zone = request.app[SETTINGS].office_zone
    since, until = _day(request.query.get("dari")), _day(request.query.get("sampai"))
    wanted = request.query.get("kategori", "")
    category = wanted if wanted in CATEGORY_LABELS else None
    start = day_start(since, zone) if since else None
    # "sampai" is inclusive on the form: the period ends at the next day's midnight.
    end = day_start(until + timedelta(days=1), zone) if until else None
    async with request.app[SESSIONS]() as session:
        rows = await report_rows(session, start, end, category, zone)
    document = csv_document(csv_header(zone_label(zone)), (_csv_line(row) for row in rows))
    name = _filename(since, until or today(zone), category)
    return csv_download(document, name)


def setup(app: web.Application) -> None:
    app.router.add_get(CSV_PATH, complaints_csv)
