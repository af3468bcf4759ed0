"""A staff member changes their own password (/console/password).

The old password first (a stolen session alone cannot take the account over; wrong
guesses count in the login throttle), then the strength check of permits.staff. On
success every session of the account ends, this one too, and the login form says so;
the audit log records the change, never the password.
"""

from __future__ import annotations

import aiohttp_jinja2
from aiohttp import web

from bot.console.live import HUB
from bot.console.security import actor_of, current_staff
from bot.console.throttle import LOGIN_GUARD
from bot.keys import SESSIONS, SETTINGS
from bot.limiting import client_address
from permits.staff import MIN_PASSWORD_LENGTH, WeakPassword, WrongPassword, change_password

PASSWORD_PATH = "/console/password"
CHANGED = "kata-sandi-diganti"
NOTICES = {
    CHANGED: ("info", "Kata sandi sudah diganti. Silakan masuk dengan kata sandi baru."),
}
WRONG_OLD = "Kata sandi lama salah."
NOT_REPEATED = "Kata sandi baru dan ulangannya tidak sama."
TOO_MANY = "Terlalu banyak percobaan yang salah. Silakan coba lagi dalam {minutes} menit."
WEAK = {
    "short": f"Kata sandi baru minimal {MIN_PASSWORD_LENGTH} karakter.",
    "common": "Kata sandi itu terlalu umum dan mudah ditebak. Pilih yang lain.",
    "username": "Kata sandi tidak boleh memuat nama pengguna Anda.",
    "repetitive": "Kata sandi terlalu seragam: pakai lebih banyak huruf, angka atau tanda.",
    "unchanged": "Kata sandi baru harus berbeda dari kata sandi lama.",
}


def _page(request: web.Request, error: str = "", status: int = 200) -> web.Response:
    context = {"nav": "password", "error": error, "min_length": MIN_PASSWORD_LENGTH}
    return aiohttp_jinja2.render_template("password.html", request, context, status=status)


async def password_form(request: web.Request) -> web.StreamResponse:
    return _page(request)


async def password_submit(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    old, new = str(form.get("old_password", "")), str(form.get("new_password", ""))
    if new != str(form.get("repeat_password", "")):
        return _page(request, NOT_REPEATED, 400)
    staff = current_staff(request)
    guard = request.app[LOGIN_GUARD]
    address = client_address(request, request.app[SETTINGS].trusted_proxy_hops)
    if wait := await guard.wait_seconds(address, staff.username):
        response = _page(request, TOO_MANY.format(minutes=-(-wait // 60)), 429)
        response.headers["Retry-After"] = str(wait)
        return response
    try:
        async with request.app[SESSIONS]() as session:
            await change_password(session, staff.id, old, new, actor_of(request))
        await request.app[HUB].end_sessions(staff_id=staff.id)
    except WrongPassword:
        await guard.failed(address, staff.username)
        return _page(request, WRONG_OLD, 400)
    except WeakPassword as weak:
        return _page(request, WEAK.get(weak.reason, WEAK["short"]), 400)
    raise web.HTTPSeeOther(f"/console/login?pesan={CHANGED}")


def setup(app: web.Application) -> None:
    app.router.add_get(PASSWORD_PATH, password_form)
    app.router.add_post(PASSWORD_PATH, password_submit)
