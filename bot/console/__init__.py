"""The call centre's console: staff login, the handoff queue, conversations, suggestions.

Pages are server-rendered Jinja2 templates (Indonesian), enhanced by one small
script for live updates over the console's websocket. `setup(app)` adds the
routes, the template engine (with filters for what staff read: `local_time`, a moment
in the office's zone; `number` and `percent`, Indonesian separators; `intent_label`;
`days_line`, an application's status line), the staff middleware (session and CSRF)
and the console's own 404 and error pages. The administrators' pages
(bot/admin) use the same engine and middleware; they import the console, never the
other way round, and add their notices with `add_notices`.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web

from bot.console import (
    assist,
    canned,
    complaints,
    conversation,
    duty,
    headers,
    login,
    password,
    queue,
    security,
    stats,
)
from bot.console.formats import number, percent
from bot.console.live import HUB, ConsoleHub
from bot.keys import BUS, SESSIONS, SETTINGS
from bot.metrics import METRICS
from permits.clock import local_time, zone_label
from permits.intent_labels import intent_label
from permits.status import days_line

HERE = Path(__file__).parent
log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

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
    **duty.NOTICES,
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
    env.filters["number"] = number
    env.filters["percent"] = percent
    env.filters["intent_label"] = intent_label
    env.filters["days_line"] = days_line
    env.globals["zone_label"] = zone_label(zone)


# --- the console's own error pages ------------------------------------------------

NOT_FOUND = "Halaman yang Anda cari tidak ada di konsol. Periksa kembali alamatnya."
NOT_ALLOWED = "Alamat ini tidak menerima permintaan seperti itu. Kembali ke halaman sebelumnya."
FAILED = (
    "Maaf, terjadi kesalahan pada sistem saat membuka halaman ini. Silakan coba lagi "
    "sebentar lagi; bila masih terjadi, beri tahu admin jam kejadiannya."
)


def _is_console_page(request: web.Request) -> bool:
    """A console or admin page a browser asked for (not a static file, script or socket)."""
    path = request.path
    if not headers.is_console(path) or path.startswith(security.STATIC_PREFIX):
        return False
    accept = request.headers.get("Accept", "")
    wants_json = "application/json" in accept and "text/html" not in accept
    return not wants_json and request.headers.get("Upgrade", "").lower() != "websocket"


def _own_text(exc: web.HTTPException) -> str:
    """The handler's own words ("Percakapan tidak ditemukan."), not aiohttp's English."""
    text = exc.text or ""
    return "" if text == f"{exc.status}: {exc.reason}" else text


def _error_page(request: web.Request, template: str, status: int, message: str) -> web.Response:
    context = {"message": message, "flashes": [], "status": status}
    try:
        return aiohttp_jinja2.render_template(template, request, context, status=status)
    except Exception:  # the layout itself failed: plain words are still an answer
        log.exception("console error page failed", extra={"path": request.path})
        return web.Response(text=message, status=status)


@web.middleware
async def error_pages(request: web.Request, handler: Handler) -> web.StreamResponse:
    """An unknown console address or a failure shows an Indonesian page in the console's
    layout; details of a failure go to the log only."""
    if not _is_console_page(request):
        return await handler(request)
    try:
        return await handler(request)
    except web.HTTPNotFound as exc:
        return _error_page(request, "404.html", 404, _own_text(exc) or NOT_FOUND)
    except web.HTTPMethodNotAllowed as exc:
        return _error_page(request, "error.html", exc.status, _own_text(exc) or NOT_ALLOWED)
    except web.HTTPException:
        raise  # redirects and the handlers' own refusals
    except Exception:
        request.app[METRICS].errors.labels("unhandled").inc()
        log.exception("unhandled console error", extra={"path": request.path})
        return _error_page(request, "error.html", 500, FAILED)


def setup(app: web.Application) -> None:
    app[APP_NOTICES] = dict(NOTICES)
    _templates(app)
    app.router.add_static("/console/static", HERE / "static")
    headers.setup(app)
    app[HUB] = ConsoleHub(app[BUS], app[SETTINGS].office_zone)
    app.cleanup_ctx.append(live_updates)
    app.middlewares.append(error_pages)  # outside the staff middleware: its pages have a staff
    security.setup(app)
    for module in (login, queue, conversation, duty, assist, complaints, stats, canned, password):
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
