"""The bottleneck dashboard: which agency holds applications, how many are past their SLA.

Administrators asked for it to see which agency (OPD) keeps permits too long. The
page draws its bar charts as inline SVG on the server (no script, no CDN); the
same filters download the applications as CSV, without any personal data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp_jinja2
from aiohttp import web
from yarl import URL

from bot.admin.charts import bar_chart
from bot.console.formats import number
from bot.console.security import admin_only
from bot.console.spreadsheets import csv_document, csv_download
from bot.keys import SESSIONS, SETTINGS
from permits.bottleneck import (
    ExportRow,
    Filters,
    PermitChoice,
    bottlenecks,
    export_rows,
    permit_choices,
)
from permits.clock import day_start, today

DASHBOARD_PATH = "/console/admin/dashboard"
CSV_PATH = "/console/admin/dashboard.csv"

CSV_HEADER = (
    "Nomor permohonan",
    "Jenis izin",
    "Status",
    "Tahap",
    "Instansi",
    "Tanggal pengajuan",
    "Hari kerja di tahap ini",
    "Total hari kerja",
    "SLA (hari kerja)",
    "Lewat SLA (hari kerja)",
)


@dataclass(frozen=True)
class FormValues:
    """The filter form as the administrator filled it in, to show it again."""

    permit: str
    since: str
    until: str


# --- the filters ---------------------------------------------------------------------


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _midnight(day: date | None, zone: ZoneInfo) -> datetime | None:
    """The start of a day at the office."""
    return day_start(day, zone) if day else None


def _read_filters(request: web.Request, choices: list[PermitChoice]) -> tuple[Filters, FormValues]:
    """Filters from the query; an unknown permit type or a malformed date is ignored."""
    wanted = request.query.get("jenis", "")
    slug = wanted if wanted in {choice.slug for choice in choices} else None
    since, until = _day(request.query.get("dari")), _day(request.query.get("sampai"))
    zone = request.app[SETTINGS].office_zone
    # "sampai" is inclusive on the form: the window ends at the next day's midnight.
    filters = Filters(
        slug,
        _midnight(since, zone),
        _midnight(until + timedelta(days=1) if until else None, zone),
    )
    shown = FormValues(
        slug or "", since.isoformat() if since else "", until.isoformat() if until else ""
    )
    return filters, shown


def _csv_url(shown: FormValues) -> str:
    query = {"jenis": shown.permit, "dari": shown.since, "sampai": shown.until}
    return str(URL(CSV_PATH).with_query({key: value for key, value in query.items() if value}))


# --- the page ------------------------------------------------------------------------


@admin_only
async def dashboard_page(request: web.Request) -> web.StreamResponse:
    async with request.app[SESSIONS]() as session:
        choices = await permit_choices(session)
        filters, shown = _read_filters(request, choices)
        figures = await bottlenecks(session, filters)
    charts = {
        "open": bar_chart(
            "open-by-agency",
            "Permohonan berjalan per instansi",
            [(row.short_name, row.count, number(row.count)) for row in figures.open_by_agency],
            titles=[row.name for row in figures.open_by_agency],
        ),
        "late": bar_chart(
            "late-by-agency",
            "Permohonan melewati SLA per instansi",
            [(row.short_name, row.late, number(row.late)) for row in figures.late_by_agency],
            "var(--late)",
            titles=[row.agency for row in figures.late_by_agency],
        ),
        "hold": bar_chart(
            "hold-by-agency",
            "Rata-rata lama di tiap instansi (hari kerja)",
            [
                (row.short_name, row.mean_days, number(row.mean_days, 1))
                for row in figures.hold_by_agency
            ],
            titles=[row.agency for row in figures.hold_by_agency],
        ),
        "stage": bar_chart(
            "open-by-stage",
            "Permohonan berjalan per tahap",
            [(row.name, row.count, number(row.count)) for row in figures.open_by_stage],
        ),
    }
    context: dict[str, Any] = {
        "nav": "dashboard",
        "choices": choices,
        "form": shown,
        "figures": figures,
        "charts": charts,
        "csv_url": _csv_url(shown),
    }
    return aiohttp_jinja2.render_template("dashboard.html", request, context)


# --- the CSV export ----------------------------------------------------------------------


def _csv_line(row: ExportRow) -> tuple[object, ...]:
    return (
        row.number,
        row.permit_name,
        row.status_label,
        row.stage,
        row.agency,
        row.submitted_on.isoformat(),
        row.days_at_stage,
        row.total_days,
        row.sla_days,
        row.days_late,
    )


def csv_text(rows: list[ExportRow]) -> str:
    return csv_document(CSV_HEADER, (_csv_line(row) for row in rows))


@admin_only
async def dashboard_csv(request: web.Request) -> web.StreamResponse:
    zone = request.app[SETTINGS].office_zone
    async with request.app[SESSIONS]() as session:
        filters, _ = _read_filters(request, await permit_choices(session))
        rows = await export_rows(session, filters, zone=zone)
    name = f"hambatan-perizinan-{today(zone).isoformat()}.csv"
    return csv_download(csv_text(rows), name)


def setup(app: web.Application) -> None:
    app.router.add_get(DASHBOARD_PATH, dashboard_page)
    app.router.add_get(CSV_PATH, dashboard_csv)
