"""Who may use the console: the staff session, CSRF and origin checks, the admin role.

Every page under /console except the login page and static files needs a live
staff session (permits.staff). The cookie holds only a random token; the session
row carries the CSRF token that every form and fetch must send back. The login
form, which has no session yet, uses a double-submit cookie instead (its checks
are here too, its pages in bot/console/login.py), so nobody can sign a visitor
into an attacker's account from another site.
"""

from __future__ import annotations

import functools
import hmac
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from yarl import URL

from bot.keys import SESSIONS, SETTINGS
from permits.audit import Actor
from permits.models import StaffSession, StaffUser
from permits.staff import session_for

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

CONSOLE = "/console"
LOGIN_PATH = "/console/login"
STATIC_PREFIX = "/console/static/"
STAFF_COOKIE = "tanya_staff"
LOGIN_CSRF_COOKIE = "tanya_login_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

CSRF_REFUSED = "Permintaan ditolak: token keamanan tidak sah. Muat ulang halaman lalu coba lagi."
ORIGIN_REFUSED = "Permintaan ditolak: permintaan datang dari situs lain."
SIGNED_OUT = "Sesi Anda sudah berakhir atau Anda belum masuk. Silakan masuk kembali."
ADMIN_ONLY = "Halaman ini hanya untuk admin."

SIGN_IN_FIRST = "masuk-dulu"
NOTICES: dict[str, tuple[str, str]] = {
    SIGN_IN_FIRST: ("info", "Silakan masuk terlebih dahulu."),
}


@dataclass(frozen=True)
class Staff:
    """The signed-in staff member, as handlers and templates see them."""

    id: int
    username: str
    full_name: str
    role: str
    csrf_token: str
    on_duty: bool = False  # "Piket" (permits.staff): the live queue is open at any hour

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True)
class _Lookup:
    """The cookie resolved once per request (None: no live session)."""

    staff: Staff | None


STAFF = web.RequestKey("console_staff", Staff)
_LOOKUP = web.RequestKey("console_staff_lookup", _Lookup)


def actor_of(request: web.Request) -> Actor:
    """The signed-in staff member, as the audit log records them."""
    staff = current_staff(request)
    return Actor(staff.id, staff.full_name)


def current_staff(request: web.Request) -> Staff:
    """The signed-in staff member; only routes behind staff_middleware have one."""
    try:
        return request[STAFF]
    except KeyError:
        raise RuntimeError(f"{request.path} is not behind the staff middleware") from None


# --- where the rules apply ---------------------------------------------------


def _is_console(path: str) -> bool:
    return path == CONSOLE or path.startswith(CONSOLE + "/")


def _needs_session(path: str) -> bool:
    return _is_console(path) and path != LOGIN_PATH and not path.startswith(STATIC_PREFIX)


def _is_websocket(request: web.Request) -> bool:
    return request.headers.get("Upgrade", "").lower() == "websocket"


def _wants_json(request: web.Request) -> bool:
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


def _wants_page(request: web.Request) -> bool:
    """A browser navigating to a page, which a redirect to the login form helps."""
    navigating = request.method in ("GET", "HEAD") and not _is_websocket(request)
    return navigating and not _wants_json(request)


def safe_next(value: str | None) -> str:
    """A console path to return to after login; anything else (another site) is dropped."""
    if not value or not value.startswith("/") or value.startswith("//"):
        return CONSOLE
    if "\\" in value or any(ord(char) < 32 for char in value):
        return CONSOLE  # browsers read "/\evil.example" as another host
    if ".." in value or "%2e" in value.lower():
        return CONSOLE  # dot segments could walk out of /console
    url = URL(value)
    if url.is_absolute() or url.scheme or not _is_console(url.path) or url.path == LOGIN_PATH:
        return CONSOLE
    return value


def redirect(location: str) -> web.Response:
    """A 302 as a returned response (not raised), so cookies can be set on it."""
    return web.Response(status=302, headers={"Location": location})


def login_url(next_path: str | None = None, notice: str | None = None) -> str:
    query: dict[str, str] = {}
    if next_path and safe_next(next_path) != CONSOLE:
        query["next"] = next_path
    if notice:
        query["pesan"] = notice
    return str(URL(LOGIN_PATH).with_query(query))


# --- resolving the cookie ------------------------------------------------------


def _staff_from(staff_session: StaffSession, user: StaffUser) -> Staff:
    return Staff(
        id=user.id,
        username=user.username,
        full_name=user.full_name,
        role=user.role,
        csrf_token=staff_session.csrf_token,
        on_duty=staff_session.on_duty_since is not None,
    )


async def _resolve_staff(request: web.Request) -> Staff | None:
    """The cookie's live session, looked up at most once per request."""
    if _LOOKUP in request:
        return request[_LOOKUP].staff
    staff: Staff | None = None
    token = request.cookies.get(STAFF_COOKIE)
    if token:
        async with request.app[SESSIONS]() as session:
            found = await session_for(session, token)
        if found is not None:
            staff = _staff_from(*found)
    request[_LOOKUP] = _Lookup(staff)
    return staff


async def staff_context(request: web.Request) -> dict[str, Any]:
    """Jinja context: the signed-in staff on console pages (None elsewhere, no lookup)."""
    if not _needs_session(request.path):
        return {"staff": None}
    return {"staff": await _resolve_staff(request)}


# --- refusals ------------------------------------------------------------------


async def _refusal(
    request: web.Request, status: int, heading: str, message: str, *, login_link: bool = False
) -> web.Response:
    """JSON for scripts, a console page (same layout) for browsers."""
    if _wants_json(request) or _is_websocket(request) or CSRF_HEADER in request.headers:
        return web.json_response({"error": message}, status=status)
    page_context = request.get(aiohttp_jinja2.REQUEST_CONTEXT_KEY) or {}
    context: dict[str, Any] = {
        "heading": heading,
        "message": message,
        "login_link": login_url() if login_link else "",
        "flashes": [],
        "staff": page_context.get("staff"),  # None before the middleware found the session
    }
    return aiohttp_jinja2.render_template("refusal.html", request, context, status=status)


# --- origin and CSRF -------------------------------------------------------------


def _origin_key(value: str) -> tuple[str, str, int | None] | None:
    url = URL(value)
    if not url.scheme or not url.host:
        return None
    return url.scheme.lower(), url.host.lower(), url.port


def _origin_allowed(request: web.Request) -> bool:
    """No Origin header (old browsers, curl) is allowed; a foreign one is not."""
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    key = _origin_key(origin)
    own = {_origin_key(str(request.url.origin())), _origin_key(request.app[SETTINGS].public_url)}
    return key is not None and key in own


async def _submitted_csrf_token(request: web.Request) -> str:
    header = request.headers.get(CSRF_HEADER)
    if header is not None:
        return header
    if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()  # cached: the handler reads the same form again
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else ""
    return ""


def _tokens_match(submitted: str, expected: str | None) -> bool:
    if not submitted or not expected:
        return False
    return hmac.compare_digest(submitted.encode(), expected.encode())


async def _csrf_refusal(request: web.Request) -> web.Response:
    log.warning("console request with a bad csrf token refused", extra={"path": request.path})
    return await _refusal(request, 403, "Permintaan ditolak", CSRF_REFUSED)


@web.middleware
async def staff_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Console pages need a live session; every change needs the CSRF token and our origin."""
    path = request.path
    if not _is_console(path) or path.startswith(STATIC_PREFIX):
        return await handler(request)
    unsafe = request.method not in SAFE_METHODS
    if (unsafe or _is_websocket(request)) and not _origin_allowed(request):
        log.warning(
            "cross-origin console request refused",
            extra={"path": path, "origin": request.headers.get("Origin")},
        )
        return await _refusal(request, 403, "Permintaan ditolak", ORIGIN_REFUSED)
    if path == LOGIN_PATH:
        if unsafe and not _tokens_match(
            await _submitted_csrf_token(request), request.cookies.get(LOGIN_CSRF_COOKIE)
        ):
            return await _csrf_refusal(request)
        return await handler(request)
    staff = await _resolve_staff(request)
    if staff is None:
        if _wants_page(request):
            return redirect(login_url(request.path_qs, SIGN_IN_FIRST))
        return await _refusal(request, 401, "Belum masuk", SIGNED_OUT, login_link=True)
    if unsafe and not _tokens_match(await _submitted_csrf_token(request), staff.csrf_token):
        return await _csrf_refusal(request)
    request[STAFF] = staff
    return await handler(request)


def admin_only(handler: Handler) -> Handler:
    """Refuse (403) a route to staff who are not administrators."""

    @functools.wraps(handler)
    async def guarded(request: web.Request) -> web.StreamResponse:
        if not current_staff(request).is_admin:
            return await _refusal(request, 403, "Akses ditolak", ADMIN_ONLY)
        return await handler(request)

    return guarded


def setup(app: web.Application) -> None:
    app.middlewares.append(staff_middleware)
