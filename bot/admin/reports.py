"""The report a head of office reads (Laporan): questions per day by channel, what they
were about, what became of them, waiting time for an agent, satisfaction (SKM) and
complaints, for a range of days; the same range downloads as CSV, one row per day.

The counting is permits.reports (SQL) and permits.report_figures (sums of its rows);
this module reads the range, names things in Indonesian and shapes the charts
(bot/admin/charts.py, drawn as inline SVG by the template: no script, no CDN).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from yarl import URL

from bot.admin.charts import PALETTE, bar_chart, decimal, line_chart, share_chart, thousands
from bot.console.queue import CHANNEL_LABELS
from bot.console.security import admin_only
from bot.console.spreadsheets import csv_document, csv_download
from bot.keys import SESSIONS, SETTINGS
from permits import report_figures as figures
from permits.clock import today
from permits.complaint_categories import CATEGORY_LABELS
from permits.intent_labels import intent_label
from permits.reports import OTHER_CHANNEL, WAIT_LIMITS, Counts, Outcome, Period, count_period
from permits.states import ComplaintCategory

REPORT_PATH = "/console/admin/laporan"
CSV_PATH = "/console/admin/laporan.csv"
DEFAULT_DAYS = 30
MAX_DAYS = 366  # a year, leap years included
TOP = 10

OUTCOMES = (
    (Outcome.BOT, "Dijawab bot", "var(--ok)"),
    (Outcome.AGENT, "Ditangani petugas", "var(--accent)"),
    (Outcome.NOT_UNDERSTOOD, "Tidak dipahami", "var(--late)"),
    (Outcome.UNANSWERED, "Tidak terjawab", "#8a94a0"),
)
# What was asked of a permit, as the permits table's columns; other intents add up
# under "Lainnya".
ASPECTS = (
    ("ask_requirements", "Syarat"),
    ("ask_fee", "Biaya"),
    ("ask_duration", "Lama proses"),
    ("ask_procedure", "Prosedur"),
)
CATEGORIES = tuple(ComplaintCategory)
SCORE_LABELS = {1: "1 · Tidak puas", 2: "2 · Kurang puas", 3: "3 · Puas", 4: "4 · Sangat puas"}
GRADE_LABELS = {"A": "Sangat baik", "B": "Baik", "C": "Kurang baik", "D": "Tidak baik"}


def wait_labels() -> list[str]:
    """'< 1 menit', '1–5 menit', ... '> 60 menit', from the classes' bounds."""
    minutes = [limit // 60 for limit in WAIT_LIMITS]
    labels = [f"< {minutes[0]} menit"]
    labels += [f"{low}–{high} menit" for low, high in pairwise(minutes)]
    return [*labels, f"> {minutes[-1]} menit"]


def channel_label(channel: str) -> str:
    if channel == OTHER_CHANNEL:
        return "Kanal lain"
    return CHANNEL_LABELS.get(channel, channel)


def category_label(category: str) -> str:
    return CATEGORY_LABELS.get(category, category)


def optional(value: float | None, places: int = 1) -> str:
    return "–" if value is None else decimal(value, places)


def percent(share: float | None) -> str:
    return "–" if share is None else f"{decimal(100 * share)} %"


# --- the range ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Range:
    period: Period
    capped: bool  # the administrator asked for more than MAX_DAYS


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def read_range(request: web.Request) -> Range:
    """The days of ?dari=&sampai= (both included); a missing or malformed day gives the
    last DEFAULT_DAYS days, reversed days are swapped, more than MAX_DAYS is cut."""
    zone = request.app[SETTINGS].office_zone
    last = _day(request.query.get("sampai")) or today(zone)
    first = _day(request.query.get("dari")) or last - timedelta(days=DEFAULT_DAYS - 1)
    first, last = min(first, last), max(first, last)
    capped = (last - first).days + 1 > MAX_DAYS
    if capped:
        first = last - timedelta(days=MAX_DAYS - 1)
    return Range(Period(first, last, zone), capped)


def _csv_url(period: Period) -> str:
    query = {"dari": period.first.isoformat(), "sampai": period.last.isoformat()}
    return str(URL(CSV_PATH).with_query(query))


# --- the page ----------------------------------------------------------------------------------


def _questions_chart(counts: Counts, days: list[figures.DayFigures]) -> Any:
    channels = figures.channels_seen(counts)
    totals = figures.channel_totals(counts)
    return line_chart(
        "questions-per-day",
        "Pertanyaan per hari menurut kanal",
        [row.day for row in days],
        [
            (
                channel_label(channel),
                [row.questions.get(channel, 0) for row in days],
                thousands(totals[channel]),
            )
            for channel in channels
        ],
    )


def _satisfaction_chart(satisfaction: figures.Satisfaction) -> Any:
    # A span without answers has no value: the line joins the spans that have one.
    return line_chart(
        "satisfaction-trend",
        "Nilai SKM (25–100)",
        [point.span.first for point in satisfaction.trend],
        [
            (
                "Nilai SKM",
                [
                    None if point.mean is None else point.mean * figures.SKM_FACTOR
                    for point in satisfaction.trend
                ],
                optional(satisfaction.value, 2),
            )
        ],
    )


def report_context(counts: Counts) -> dict[str, Any]:
    """Everything the template shows, from the period's counts."""
    days = figures.daily(counts)
    outcomes = figures.outcome_totals(counts)
    waits = figures.wait_figures(counts)
    satisfaction = figures.satisfaction(counts)
    complaints = figures.complaint_totals(counts)
    intents = figures.top_intents(counts, TOP)
    permits = figures.top_permits(counts, TOP)
    return {
        "question_total": figures.question_total(counts),
        "channel_totals": figures.channel_totals(counts),
        "outcomes": [(key, label, outcomes[key]) for key, label, _ in OUTCOMES],
        "bot_share": percent(
            outcomes[Outcome.BOT] / sum(outcomes.values()) if sum(outcomes.values()) else None
        ),
        "helpful_share": percent(figures.helpful_share(counts)),
        "verdict_total": sum(counts.verdicts.values()),
        "intents": intents,
        "permits": permits,
        "aspects": ASPECTS,
        "waits": waits,
        "wait_rows": list(zip(wait_labels(), waits.classes, strict=True)),
        "satisfaction": satisfaction,
        "complaints": [(category, complaints.get(category, 0)) for category in CATEGORIES],
        "complaint_total": sum(complaints.values()),
        "charts": {
            "questions": _questions_chart(counts, days),
            "outcomes": share_chart(
                "outcomes",
                "Nasib pertanyaan",
                [(key, label, colour, outcomes[key]) for key, label, colour in OUTCOMES],
            ),
            "intents": bar_chart(
                "top-intents",
                "Maksud pertanyaan terbanyak",
                [(intent_label(name), count, thousands(count)) for name, count in intents],
            ),
            "permits": bar_chart(
                "top-permits",
                "Izin yang paling banyak ditanyakan",
                [(permit.name, permit.total, thousands(permit.total)) for permit in permits],
                PALETTE[1],
            ),
            "waits": bar_chart(
                "wait-classes",
                "Lama menunggu sampai diambil petugas",
                [
                    (label, count, thousands(count))
                    for label, count in zip(wait_labels(), waits.classes, strict=True)
                ],
                PALETTE[2],
            ),
            "satisfaction": _satisfaction_chart(satisfaction),
            "complaints": bar_chart(
                "complaint-categories",
                "Pengaduan menurut kategori",
                [
                    (
                        category_label(category),
                        complaints.get(category, 0),
                        thousands(complaints.get(category, 0)),
                    )
                    for category in CATEGORIES
                ],
                PALETTE[4],
            ),
        },
    }


@admin_only
async def report_page(request: web.Request) -> web.StreamResponse:
    chosen = read_range(request)
    async with request.app[SESSIONS]() as session:
        counts = await count_period(session, chosen.period)
    context: dict[str, Any] = {
        "nav": "laporan",
        "period": chosen.period,
        "capped": chosen.capped,
        "max_days": MAX_DAYS,
        "csv_url": _csv_url(chosen.period),
        "intent_label": intent_label,
        "channel_label": channel_label,
        "category_label": category_label,
        "grade_labels": GRADE_LABELS,
        "score_labels": SCORE_LABELS,
        "decimal": decimal,
        "optional": optional,
        "percent": percent,
        "thousands": thousands,
        **report_context(counts),
    }
    return aiohttp_jinja2.render_template("laporan.html", request, context)


# --- the CSV export ----------------------------------------------------------------------------


def csv_header(channels: list[str]) -> tuple[str, ...]:
    return (
        "Tanggal",
        "Pertanyaan",
        *(f"Pertanyaan {channel_label(channel)}" for channel in channels),
        "Diteruskan ke petugas",
        "Diambil petugas",
        "Rata-rata menunggu (menit)",
        "Jawaban survei",
        "Rata-rata kepuasan (1-4)",
        "Pengaduan",
        *(f"Pengaduan {category_label(category)}" for category in CATEGORIES),
    )


def _csv_line(row: figures.DayFigures, channels: list[str]) -> tuple[object, ...]:
    return (
        row.day.isoformat(),
        row.question_total,
        *(row.questions.get(channel, 0) for channel in channels),
        row.handoffs,
        row.claimed,
        "" if row.mean_wait_minutes is None else decimal(row.mean_wait_minutes),
        row.survey_answers,
        "" if row.survey_mean is None else decimal(row.survey_mean, 2),
        sum(row.complaints.values()),
        *(row.complaints.get(category, 0) for category in CATEGORIES),
    )


def csv_text(counts: Counts) -> str:
    channels = figures.channels_seen(counts)
    lines = (_csv_line(row, channels) for row in figures.daily(counts))
    return csv_document(csv_header(channels), lines)


@admin_only
async def report_csv(request: web.Request) -> web.StreamResponse:
    period = read_range(request).period
    async with request.app[SESSIONS]() as session:
        counts = await count_period(session, period)
    name = f"laporan-{period.first.isoformat()}-{period.last.isoformat()}.csv"
    return csv_download(csv_text(counts), name)


def setup(app: web.Application) -> None:
    app.router.add_get(REPORT_PATH, report_page)
    app.router.add_get(CSV_PATH, report_csv)
