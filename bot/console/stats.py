"""Statistics per agent and per day: conversations handled, waiting and handling time,
outcomes, and the satisfaction survey (SKM scale 1-4)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from bot.keys import SESSIONS, SETTINGS
from permits.clock import day_start, today
from permits.handoff import OUTCOMES, agent_days, daily_totals

DEFAULT_DAYS = 7
MAX_DAYS = 366


def _day(text: str | None, fallback: date) -> date:
    try:
        return date.fromisoformat(text) if text else fallback
    except ValueError:
        return fallback


@aiohttp_jinja2.template("stats.html")
async def stats_page(request: web.Request) -> dict[str, Any]:
    zone = request.app[SETTINGS].office_zone
    until = _day(request.query.get("sampai"), today(zone))
    since = _day(request.query.get("dari"), until - timedelta(days=DEFAULT_DAYS - 1))
    since = max(since, until - timedelta(days=MAX_DAYS))
    start, end = day_start(since, zone), day_start(until + timedelta(days=1), zone)
    async with request.app[SESSIONS]() as session:
        rows = await agent_days(session, start, end, zone)
    return {
        "nav": "stats",
        "since": since.isoformat(),
        "until": until.isoformat(),
        "rows": rows,
        "totals": daily_totals(rows),
        "outcomes": OUTCOMES,
    }


def setup(app: web.Application) -> None:
    app.router.add_get("/console/stats", stats_page)
