"""Staff accounts for administrators (/console/staff): list, create, deactivate and
activate again. Deactivation signs the account out at once, its open consoles too.

The queries and the audit entries are permits.staff_admin's; this module reads the
form, answers in Indonesian and logs who changed which account (never a password).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import aiohttp_jinja2
from aiohttp import web

from bot.admin.forms import form_text
from bot.console.live import HUB
from bot.console.security import actor_of, admin_only, current_staff, redirect
from bot.keys import SESSIONS, SETTINGS
from permits.clock import local_time
from permits.staff import (
    MIN_PASSWORD_LENGTH,
    ROLES,
    InvalidUsername,
    UsernameTaken,
    WeakPassword,
    agents_on_duty,
)
from permits.staff_admin import (
    OwnAccount,
    StaffAccount,
    UnknownAccount,
    create_account,
    set_account_active,
    staff_accounts,
)

log = logging.getLogger(__name__)

STAFF_PATH = "/console/staff"
ROLE_LABELS = {"agent": "Petugas", "admin": "Admin"}
NEVER = "Belum pernah"
CREATED, DEACTIVATED, ACTIVATED = "petugas-dibuat", "petugas-dinonaktifkan", "petugas-diaktifkan"
NOTICES: dict[str, tuple[str, str]] = {
    CREATED: ("info", "Akun petugas berhasil dibuat."),
    DEACTIVATED: (
        "info",
        "Akun petugas dinonaktifkan; sesi yang masih terbuka sudah diakhiri.",
    ),
    ACTIVATED: ("info", "Akun petugas diaktifkan kembali."),
}
INVALID_USERNAME = (
    "Nama pengguna harus 3–60 karakter: huruf kecil, angka, titik, garis bawah atau tanda hubung."
)
UNKNOWN_ACCOUNT = "Akun tidak ditemukan."
OWN_ACCOUNT = "Anda tidak dapat menonaktifkan akun Anda sendiri."
_FIELDS = ("username", "full_name", "role", "password")


@dataclass(frozen=True)
class StaffRow:
    """One account as the staff page shows it."""

    id: int
    username: str
    full_name: str
    role: str
    role_label: str
    active: bool
    locked: bool
    last_login: str
    on_duty_since: str  # "" when not on duty ("Piket", bot/console/duty.py)


def _last_login(moment: datetime | None, zone: ZoneInfo) -> str:
    return NEVER if moment is None else local_time(moment, zone)


def staff_row(
    account: StaffAccount, zone: ZoneInfo, on_duty_since: datetime | None = None
) -> StaffRow:
    return StaffRow(
        id=account.id,
        username=account.username,
        full_name=account.full_name,
        role=account.role,
        role_label=ROLE_LABELS.get(account.role, account.role),
        active=account.active,
        locked=account.locked,
        last_login=_last_login(account.last_login_at, zone),
        on_duty_since="" if on_duty_since is None else local_time(on_duty_since, zone),
    )


async def _staff_page(
    request: web.Request,
    *,
    error: str = "",
    form: dict[str, str] | None = None,
    status: int = 200,
) -> web.Response:
    async with request.app[SESSIONS]() as session:
        accounts = await staff_accounts(session)
        on_duty = await agents_on_duty(session)
    zone = request.app[SETTINGS].office_zone
    context = {
        "nav": "staff",
        "accounts": [staff_row(account, zone, on_duty.get(account.id)) for account in accounts],
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
    action = form_text(form, "action")
    if action == "create":
        return await _create_account(request, {key: form_text(form, key) for key in _FIELDS})
    if action in ("deactivate", "activate"):
        return await _change_active(request, form_text(form, "user_id"), action == "activate")
    return await _staff_page(request, error="Permintaan tidak dikenal.", status=400)


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
            user = await create_account(
                session,
                fields["username"],
                fields["full_name"],
                fields["role"],
                fields["password"],
                actor_of(request),
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
    return redirect(f"{STAFF_PATH}?pesan={CREATED}")


async def _change_active(request: web.Request, user_id: str, active: bool) -> web.Response:
    if not user_id.isdigit():
        return await _staff_page(request, error=UNKNOWN_ACCOUNT, status=404)
    try:
        async with request.app[SESSIONS]() as session:
            user = await set_account_active(session, int(user_id), active, actor_of(request))
    except OwnAccount:
        return await _staff_page(request, error=OWN_ACCOUNT, status=400)
    except UnknownAccount:
        return await _staff_page(request, error=UNKNOWN_ACCOUNT, status=404)
    if not active:
        await request.app[HUB].end_sessions(staff_id=user.id)
    log.info(
        "staff account activated" if active else "staff account deactivated",
        extra={
            "event": "staff_active_changed",
            "staff_id": user.id,
            "active": active,
            "by_staff_id": current_staff(request).id,
        },
    )
    return redirect(f"{STAFF_PATH}?pesan={ACTIVATED if active else DEACTIVATED}")


def setup(app: web.Application) -> None:
    app.router.add_get(STAFF_PATH, staff_list)
    app.router.add_post(STAFF_PATH, staff_action)
