"""The call centre's console: staff login, the handoff queue, conversations, suggestions.

Pages are server-rendered Jinja2 templates (Indonesian), enhanced by one small
script for live updates over the console's websocket. `setup(app)` adds the
routes, the template engine (with the `local_time` filter: a moment in the office's
zone) and the staff middleware (session and CSRF). The administrators' pages
(bot/admin) use the same engine and middleware; they import the console, never the
other way round, and add their notices with `add_notices`.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import AsyncIterator, Mapping
from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web

from bot.console import (
    assist,
    canned,
    complaints,
    conversation,
    headers,
    login,
    password,
    queue,
    security,
    stats,
)
from bot.console.live import HUB, ConsoleHub
from bot.keys import BUS, SESSIONS, SETTINGS
from permits.clock import local_time, zone_label

HERE = Path(__file__).parent

# Short codes in a redirect's ?pesan= become these notices, so nothing is kept
# between requests and a reload does not repeat an action. Each module declares its own.
NOTICES: dict[str, tuple[str, str]] = {
    **security.NOTICES,
    **login.NOTICES,
    **queue.NOTICES,
    **conversation.NOTICES,
    **complaints.NOTICES,
    **canned.NOTICES,
    **password.NOTICES,
}
APP_NOTICES = web.AppKey("console_notices", dict[str, tuple[str, str]])
QUEUE_POLL_SECONDS = 1.0


def add_notices(app: web.Application, notices: Mapping[str, tuple[str, str]]) -> None:
    """Notices of pages outside this package (the admin pages) that share the layout."""
    app[APP_NOTICES].update(notices)


async def notices(request: web.Request) -> dict[str, object]:
    code = request.query.get("pesan", "")
    kind, text = request.app[APP_NOTICES].get(code, ("", ""))
    return {"flashes": [{"kind": kind, "text": text}] if text else []}


def _templates(app: web.Application) -> None:
    env = aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader([HERE / "templates", HERE.parent / "admin" / "templates"]),
        autoescape=jinja2.select_autoescape(default=True),
        context_processors=[security.staff_context, notices],
    )
    zone = app[SETTINGS].office_zone
    env.filters["local_time"] = functools.partial(local_time, zone=zone)
    env.globals["zone_label"] = zone_label(zone)


def setup(app: web.Application) -> None:
    app[APP_NOTICES] = dict(NOTICES)
    _templates(app)
    app.router.add_static("/console/static", HERE / "static")
    headers.setup(app)
    app[HUB] = ConsoleHub(app[BUS], app[SETTINGS].office_zone)
    app.cleanup_ctx.append(live_updates)
    security.setup(app)
    for module in (login, queue, conversation, assist, complaints, stats, canned, password):
        module.setup(app)


async def live_updates(app: web.Application) -> AsyncIterator[None]:
    """Watch the queue for every agent's console; close their sockets on shutdown."""
    hub = app[HUB]
    interval = app[SETTINGS].console_session_check_seconds
    watchers = [
        asyncio.create_task(hub.watch_queue(app[SESSIONS], QUEUE_POLL_SECONDS)),
        asyncio.create_task(hub.watch_sessions(app[SESSIONS], interval)),
    ]
    yield
    for watcher in watchers:
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher
    await hub.close()
