"""Staff sign-in for the console: session cookie, CSRF and origin checks, staff accounts.

Every page under /console except the login page and static files needs a live
staff session (permits.staff). The cookie holds only a random token; the session
row carries the CSRF token that every form and fetch must send back. The login
form, which has no session yet, uses a double-submit cookie instead, so nobody
can sign a visitor into an attacker's account from another site.
"""

from __future__ import annotations

import functools
import hmac
import logging
import math
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp_jinja2
from aiohttp import web
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from yarl import URL

from bot.console import throttle
from bot.console.live import HUB
from bot.console.throttle import LOGIN_GUARD
from bot.keys import SESSIONS, SETTINGS
from bot.limiting import client_address
from permits.audit import Actor, record
from permits.demo import DEMO_STAFF_PASSWORD
from permits.models import StaffSession, StaffUser, utcnow
from permits.staff import (
    MIN_PASSWORD_LENGTH,
    ROLES,
    SESSION_LIFETIME,
    InvalidUsername,
    LoginRefused,
    SignedIn,
    UsernameTaken,
    WeakPassword,
    create_user,
    hash_token,
    log_in,
    log_out,
    session_for,
)

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

CONSOLE = "/console"
LOGIN_PATH = "/console/login"
LOGOUT_PATH = "/console/logout"
STAFF_PATH = "/console/staff"
STATIC_PREFIX = "/console/static/"
STAFF_COOKIE = "tanya_staff"
LOGIN_CSRF_COOKIE = "tanya_login_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LOCAL_ZONE = ZoneInfo("Asia/Jakarta")  # the office's clock, for "last login" on the staff page
ROLE_LABELS = {"agent": "Petugas", "admin": "Admin"}

# One answer for a wrong password, an unknown name and a locked or inactive account, so
# the login form never tells an attacker which names exist.
WRONG_CREDENTIALS = "Nama pengguna atau kata sandi salah."
TOO_MANY_ATTEMPTS = (
    "Terlalu banyak percobaan masuk yang gagal. Demi keamanan, silakan coba lagi dalam "
    "{wait}. Jika lupa kata sandi, hubungi admin."
)
BUSY = "Layanan masuk sedang sibuk. Silakan coba lagi dalam beberapa detik."
BUSY_RETRY_SECONDS = 5
CSRF_REFUSED = "Permintaan ditolak: token keamanan tidak sah. Muat ulang halaman lalu coba lagi."
ORIGIN_REFUSED = "Permintaan ditolak: permintaan datang dari situs lain."
SIGNED_OUT = "Sesi Anda sudah berakhir atau Anda belum masuk. Silakan masuk kembali."
ADMIN_ONLY = "Halaman ini hanya untuk admin."

NOTICES: dict[str, tuple[str, str]] = {
    "keluar": ("info", "Anda sudah keluar."),
    "masuk-dulu": ("info", "Silakan masuk terlebih dahulu."),
    "petugas-dibuat": ("info", "Akun petugas berhasil dibuat."),
    "petugas-dinonaktifkan": (
        "info",
        "Akun petugas dinonaktifkan; sesi yang masih terbuka sudah diakhiri.",
    ),
    "petugas-diaktifkan": ("info", "Akun petugas diaktifkan kembali."),
}


@dataclass(frozen=True)
class Staff:
    """The signed-in staff member, as handlers and templates see them."""

    id: int
    username: str
    full_name: str
    role: str
    csrf_token: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True)
class _Lookup:
    """The cookie resolved once per request (None: no live session)."""

    staff: Staff | None


STAFF = web.RequestKey("console_staff", Staff)
_LOOKUP = web.RequestKey("console_staff_lookup", _Lookup)

# The refusal page; kept here so the module brings no template of its own for it.
_REFUSAL_TEMPLATE = """{% extends "base.html" %}
{% block title %}{{ heading }}{% endblock %}
{% block content %}
<section class="card" role="alert">
  <h1>{{ heading }}</h1>
  <p>{{ message }}</p>
  {% if login_link %}<p><a href="{{ login_link }}">Masuk ke konsol</a></p>{% endif %}
</section>
{% endblock %}
"""


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


def _redirect(location: str) -> web.Response:
    """A 302 as a returned response (not raised), so cookies can be set on it."""
    return web.Response(status=302, headers={"Location": location})


def _login_url(next_path: str | None = None, notice: str | None = None) -> str:
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
    context = dict(request.get(aiohttp_jinja2.REQUEST_CONTEXT_KEY) or {})
    context.update(
        heading=heading,
        message=message,
        login_link=_login_url() if login_link else "",
        flashes=[],
    )
    if "staff" not in context:
        context["staff"] = None
    template = aiohttp_jinja2.get_env(request.app).from_string(_REFUSAL_TEMPLATE)
    return web.Response(
        text=template.render(context), status=status, content_type="text/html", charset="utf-8"
    )


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
            return _redirect(_login_url(request.path_qs, "masuk-dulu"))
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


# --- login and logout ------------------------------------------------------------


def _cookie_secure(request: web.Request) -> bool:
    settings = request.app[SETTINGS]
    return settings.public_url.startswith("https") or settings.env == "production"


def _login_page(
    request: web.Request,
    csrf_token: str,
    *,
    next_path: str,
    username: str = "",
    error: str = "",
    status: int | None = None,
) -> web.Response:
    context = {
        "staff": None,  # the login page shows no staff header, whoever the old cookie was
        "csrf_token": csrf_token,
        "next": next_path,
        "username": username,
        "error": error,
    }
    if status is None:
        status = 401 if error else 200
    return aiohttp_jinja2.render_template("login.html", request, context, status=status)


def _with_login_csrf_cookie(request: web.Request, response: web.Response, token: str) -> None:
    if request.cookies.get(LOGIN_CSRF_COOKIE) == token:
        return
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        path=LOGIN_PATH,
        httponly=True,
        samesite="Strict",
        secure=_cookie_secure(request),
    )


async def login_form(request: web.Request) -> web.StreamResponse:
    next_path = safe_next(request.query.get("next"))
    token = request.cookies.get(STAFF_COOKIE)
    if token:
        async with request.app[SESSIONS]() as session:
            if await session_for(session, token) is not None:
                return _redirect(next_path)  # already signed in
    # Reusing the cookie's token keeps a second open login tab working.
    csrf_token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
    response = _login_page(request, csrf_token, next_path=next_path)
    _with_login_csrf_cookie(request, response, csrf_token)
    return response


async def login_submit(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    username = str(form.get("username", "")).strip()
    password = str(form.get("password", ""))
    next_path = safe_next(str(form.get("next", "")))
    csrf_token = request.cookies.get(LOGIN_CSRF_COOKIE, "")  # checked by the middleware
    page = functools.partial(_login_page, request, csrf_token, next_path=next_path)
    guard = request.app[LOGIN_GUARD]
    address = client_address(request, request.app[SETTINGS].trusted_proxy_hops)
    wait = await guard.wait_seconds(address, username)
    if wait:
        log.warning(
            "staff login throttled",
            extra={"event": "login_throttled", "username": username, "retry_after": wait},
        )
        return _retry_later(page(username=username, error=_too_many(wait), status=429), wait)
    if not username or not password:
        return page(username=username, error=WRONG_CREDENTIALS)
    async with guard.slot() as admitted:
        if not admitted:
            log.warning("staff login refused: too many waiting", extra={"event": "login_busy"})
            busy = page(username=username, error=BUSY, status=429)
            return _retry_later(busy, BUSY_RETRY_SECONDS)
        result = await _check_password(request, username, password)
    if isinstance(result, LoginRefused):
        await guard.failed(address, username)
        _log_refused_login(username, result)
        return page(username=username, error=WRONG_CREDENTIALS)
    await guard.succeeded(username)
    log.info(
        "staff signed in",
        extra={"event": "login_succeeded", "staff_id": result.user.id, "username": username},
    )
    response = _redirect(next_path)
    response.set_cookie(
        STAFF_COOKIE,
        result.token,
        path=CONSOLE,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="Lax",
        secure=_cookie_secure(request),
    )
    response.del_cookie(LOGIN_CSRF_COOKIE, path=LOGIN_PATH)
    return response


async def _check_password(
    request: web.Request, username: str, password: str
) -> SignedIn | LoginRefused:
    if _demo_password_in_production(request, password):
        return LoginRefused(locked=False)
    async with request.app[SESSIONS]() as session:
        return await log_in(session, username, password)


def _too_many(wait: int) -> str:
    minutes = math.ceil(wait / 60)
    return TOO_MANY_ATTEMPTS.format(wait=f"{wait} detik" if wait < 60 else f"{minutes} menit")


def _retry_later(response: web.Response, seconds: int) -> web.Response:
    response.headers["Retry-After"] = str(seconds)
    return response


def _demo_password_in_production(request: web.Request, password: str) -> bool:
    """The demo accounts' password is printed in the README: never a way in on a real
    installation, whichever account (demo data loaded by mistake, or a copied password)."""
    if request.app[SETTINGS].env != "production":
        return False
    if not hmac.compare_digest(password.encode(), DEMO_STAFF_PASSWORD.encode()):
        return False
    log.warning("staff login refused: demo password in production", extra={"event": "login_demo"})
    return True


def _log_refused_login(username: str, result: LoginRefused) -> None:
    if result.locked:
        log.warning(
            "staff login refused: account locked",
            extra={"event": "login_locked", "username": username},
        )
    else:
        log.warning(
            "staff login refused: wrong credentials",
            extra={"event": "login_failed", "username": username},
        )


async def logout(request: web.Request) -> web.StreamResponse:
    staff = current_staff(request)
    token = request.cookies[STAFF_COOKIE]
    async with request.app[SESSIONS]() as session:
        await log_out(session, token)
    await request.app[HUB].end_sessions(token_hash=hash_token(token))  # its open tabs
    log.info("staff signed out", extra={"event": "logout", "staff_id": staff.id})
    response = _redirect(_login_url(notice="keluar"))
    response.del_cookie(STAFF_COOKIE, path=CONSOLE)
    return response


# --- staff accounts (admin) --------------------------------------------------------


@dataclass(frozen=True)
class StaffRow:
    """One account as the staff page lists it."""

    id: int
    username: str
    full_name: str
    role: str
    role_label: str
    active: bool
    locked: bool
    last_login: str


def _local_time(moment: datetime | None) -> str:
    if moment is None:
        return "Belum pernah"
    return moment.astimezone(LOCAL_ZONE).strftime("%d-%m-%Y %H.%M WIB")


async def _staff_rows(session: AsyncSession) -> list[StaffRow]:
    now = utcnow()
    users = await session.scalars(select(StaffUser).order_by(StaffUser.username))
    return [
        StaffRow(
            id=user.id,
            username=user.username,
            full_name=user.full_name,
            role=user.role,
            role_label=ROLE_LABELS.get(user.role, user.role),
            active=user.active,
            locked=user.locked_until is not None and user.locked_until > now,
            last_login=_local_time(user.last_login_at),
        )
        for user in users
    ]


async def _staff_page(
    request: web.Request,
    *,
    error: str = "",
    form: dict[str, str] | None = None,
    status: int = 200,
) -> web.Response:
    async with request.app[SESSIONS]() as session:
        rows = await _staff_rows(session)
    context = {
        "nav": "staff",
        "accounts": rows,
        "roles": [(role, ROLE_LABELS[role]) for role in ROLES],
        "min_password_length": MIN_PASSWORD_LENGTH,
        "error": error,
        "form": form or {"username": "", "full_name": "", "role": "agent"},
        "me": current_staff(request).id,
    }
    return aiohttp_jinja2.render_template("staff.html", request, context, status=status)


@admin_only
async def staff_list(request: web.Request) -> web.StreamResponse:
    return await _staff_page(request)


@admin_only
async def staff_action(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    action = str(form.get("action", ""))
    if action == "create":
        return await _create_account(request, {key: str(form.get(key, "")) for key in _FIELDS})
    if action in ("deactivate", "activate"):
        return await _change_active(request, str(form.get("user_id", "")), action == "activate")
    return await _staff_page(request, error="Permintaan tidak dikenal.", status=400)


_FIELDS = ("username", "full_name", "role", "password")


INVALID_USERNAME = (
    "Nama pengguna harus 3–60 karakter: huruf kecil, angka, titik, garis bawah atau tanda hubung."
)


def _account_form_error(fields: dict[str, str]) -> str:
    if not fields["full_name"].strip():
        return "Nama lengkap wajib diisi."
    if fields["role"] not in ROLES:
        return "Peran harus Petugas atau Admin."
    return ""


async def _create_account(request: web.Request, fields: dict[str, str]) -> web.Response:
    shown = {key: fields[key] for key in ("username", "full_name", "role")}  # never the password
    error = _account_form_error(fields)
    if error:
        return await _staff_page(request, error=error, form=shown, status=400)
    try:
        async with request.app[SESSIONS]() as session:
            # Added first: create_user's commit stores the account and its entry together.
            _record_account(request, session, "staff.create", fields, active=True)
            user = await create_user(
                session, fields["username"], fields["full_name"], fields["role"], fields["password"]
            )
    except InvalidUsername:
        return await _staff_page(request, error=INVALID_USERNAME, form=shown, status=400)
    except WeakPassword:
        error = f"Kata sandi awal minimal {MIN_PASSWORD_LENGTH} karakter."
        return await _staff_page(request, error=error, form=shown, status=400)
    except UsernameTaken:
        error = "Nama pengguna itu sudah dipakai. Pilih nama lain."
        return await _staff_page(request, error=error, form=shown, status=400)
    log.info(
        "staff account created",
        extra={
            "event": "staff_created",
            "staff_id": user.id,
            "role": user.role,
            "by_staff_id": current_staff(request).id,
        },
    )
    return _redirect(f"{STAFF_PATH}?pesan=petugas-dibuat")


def _record_account(
    request: web.Request,
    session: AsyncSession,
    action: str,
    fields: dict[str, str],
    *,
    active: bool,
) -> None:
    """An account change in the audit log (never a password)."""
    after = {
        "username": fields["username"].strip().lower(),
        "full_name": fields["full_name"].strip(),
        "role": fields["role"],
        "active": active,
    }
    before = None if action == "staff.create" else {**after, "active": not active}
    record(session, actor_of(request), action, f"staff:{after['username']}", before, after)


async def _change_active(request: web.Request, user_id: str, active: bool) -> web.Response:
    me = current_staff(request)
    if not user_id.isdigit():
        return await _staff_page(request, error="Akun tidak ditemukan.", status=404)
    if int(user_id) == me.id and not active:
        return await _staff_page(
            request, error="Anda tidak dapat menonaktifkan akun Anda sendiri.", status=400
        )
    async with request.app[SESSIONS]() as session:
        user = await session.get(StaffUser, int(user_id))
        if user is None:
            return await _staff_page(request, error="Akun tidak ditemukan.", status=404)
        fields = {"username": user.username, "full_name": user.full_name, "role": user.role}
        action = "staff.activate" if active else "staff.deactivate"
        _record_account(request, session, action, fields, active=active)
        user.active = active
        if not active:
            # Deactivation takes effect at once: every browser of that account is signed out.
            await session.execute(delete(StaffSession).where(StaffSession.user_id == user.id))
        await session.commit()
    if not active:
        await request.app[HUB].end_sessions(staff_id=user.id)
    log.info(
        "staff account activated" if active else "staff account deactivated",
        extra={
            "event": "staff_active_changed",
            "staff_id": user.id,
            "active": active,
            "by_staff_id": me.id,
        },
    )
    notice = "petugas-diaktifkan" if active else "petugas-dinonaktifkan"
    return _redirect(f"{STAFF_PATH}?pesan={notice}")


def setup(app: web.Application) -> None:
    throttle.setup(app)
    app.middlewares.append(staff_middleware)
    app.router.add_get(LOGIN_PATH, login_form)
    app.router.add_post(LOGIN_PATH, login_submit)
    app.router.add_post(LOGOUT_PATH, logout)
    app.router.add_get(STAFF_PATH, staff_list)
    app.router.add_post(STAFF_PATH, staff_action)
