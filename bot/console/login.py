"""Signing in to the console and out of it (/console/login, /console/logout).

The login form answers every refusal with one sentence and after a password check
of the same cost (permits.staff), and bot/console/throttle.py slows repeated
failures down, so the form tells an attacker neither which names exist nor lets
them guess quickly. Its CSRF cookie is checked by bot/console/security.py.
"""

from __future__ import annotations

import functools
import hmac
import logging
import math
import secrets

import aiohttp_jinja2
from aiohttp import web

from bot.console import throttle
from bot.console.live import HUB
from bot.console.security import (
    CONSOLE,
    LOGIN_CSRF_COOKIE,
    LOGIN_PATH,
    STAFF_COOKIE,
    current_staff,
    login_url,
    redirect,
    safe_next,
)
from bot.console.throttle import LOGIN_GUARD
from bot.keys import SESSIONS, SETTINGS
from bot.limiting import client_address
from permits.demo import DEMO_STAFF_PASSWORD
from permits.staff import (
    SESSION_LIFETIME,
    LoginRefused,
    SignedIn,
    hash_token,
    log_in,
    log_out,
    session_for,
)

log = logging.getLogger(__name__)

LOGOUT_PATH = "/console/logout"

# One answer for a wrong password, an unknown name and a locked or inactive account, so
# the login form never tells an attacker which names exist.
WRONG_CREDENTIALS = "Nama pengguna atau kata sandi salah."
TOO_MANY_ATTEMPTS = (
    "Terlalu banyak percobaan masuk yang gagal. Demi keamanan, silakan coba lagi dalam "
    "{wait}. Jika lupa kata sandi, hubungi admin."
)
BUSY = "Layanan masuk sedang sibuk. Silakan coba lagi dalam beberapa detik."
BUSY_RETRY_SECONDS = 5

SIGNED_OFF = "keluar"
NOTICES: dict[str, tuple[str, str]] = {
    SIGNED_OFF: ("info", "Anda sudah keluar."),
}


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
                return redirect(next_path)  # already signed in
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
    return _signed_in(request, result.token, next_path)


def _signed_in(request: web.Request, token: str, next_path: str) -> web.Response:
    """The redirect that carries the new session cookie and drops the login form's."""
    response = redirect(next_path)
    response.set_cookie(
        STAFF_COOKIE,
        token,
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
    response = redirect(login_url(notice=SIGNED_OFF))
    response.del_cookie(STAFF_COOKIE, path=CONSOLE)
    return response


def setup(app: web.Application) -> None:
    throttle.setup(app)
    app.router.add_get(LOGIN_PATH, login_form)
    app.router.add_post(LOGIN_PATH, login_submit)
    app.router.add_post(LOGOUT_PATH, logout)
