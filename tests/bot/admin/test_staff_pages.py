"""The staff-account page (/console/staff): an administrator creates, deactivates and
activates accounts; times are shown in the office's zone."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy import select, update

from permits.db import create_engine, create_sessionmaker
from permits.models import AuditEntry, StaffSession, StaffUser
from tests.bot.conftest import GatewayFactory
from tests.bot.console.conftest import add_staff, page_token, sign_in, signed_in, staff_rows

Client = TestClient[web.Request, web.Application]
ADMIN_PASSWORD = "admin-sandi-rahasia-1"
AGENT_PASSWORD = "petugas-sandi-rahasia"
WRONG_CREDENTIALS = "Nama pengguna atau kata sandi salah."
# 06.30 UTC: 13.30 in Jakarta (WIB), 14.30 in Makassar (WITA).
LAST_LOGIN = datetime(2026, 3, 5, 6, 30, tzinfo=UTC)


async def session_count(database_url: str) -> int:
    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            return len((await session.scalars(select(StaffSession.token_hash))).all())
    finally:
        await engine.dispose()


async def set_last_login(database_url: str, username: str, moment: datetime) -> None:
    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            await session.execute(
                update(StaffUser).where(StaffUser.username == username).values(last_login_at=moment)
            )
            await session.execute(update(AuditEntry).values(at=moment))
            await session.commit()
    finally:
        await engine.dispose()


@pytest.fixture
async def gateway(make_gateway: GatewayFactory, gateway_database: str) -> Client:
    await add_staff(gateway_database, "admin", "admin", ADMIN_PASSWORD)
    await add_staff(gateway_database, "sari", "agent", AGENT_PASSWORD)
    return await make_gateway()


async def test_an_admin_creates_an_agent_who_can_then_sign_in(
    make_gateway: GatewayFactory, gateway: Client, gateway_database: str
) -> None:
    await signed_in(gateway, "admin", ADMIN_PASSWORD)
    token = await page_token(gateway)
    password = "sandi-awal-dewi-2025"
    created = await gateway.post(
        "/console/staff",
        data={
            "csrf_token": token,
            "action": "create",
            "username": "Dewi",
            "full_name": "Dewi Lestari",
            "role": "agent",
            "password": password,
        },
    )
    html = await created.text()
    assert created.status == 200 and "Akun petugas berhasil dibuat." in html
    assert "Dewi Lestari" in html and "Belum pernah" in html
    dewi = (await staff_rows(gateway_database))["dewi"]
    assert dewi.role == "agent" and dewi.active
    assert dewi.password_hash.startswith("$argon2id$") and password not in dewi.password_hash
    other_browser = await make_gateway()
    await signed_in(other_browser, "dewi", password)


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("sari", "sandi-cukup-panjang", "Nama pengguna itu sudah dipakai."),
        ("dewi", "pendek", "Kata sandi awal minimal 10 karakter."),
        ("dewi lestari", "sandi-cukup-panjang", "Nama pengguna harus 3–60 karakter"),
    ],
)
async def test_a_bad_new_account_is_explained_and_not_created(
    gateway: Client, gateway_database: str, username: str, password: str, message: str
) -> None:
    await signed_in(gateway, "admin", ADMIN_PASSWORD)
    token = await page_token(gateway)
    form = {
        "csrf_token": token,
        "action": "create",
        "username": username,
        "full_name": "Dewi Lestari",
        "role": "agent",
        "password": password,
    }
    response = await gateway.post("/console/staff", data=form)
    html = await response.text()
    assert response.status == 400 and message in html
    assert password not in html  # the form is shown again, without the password
    assert sorted(await staff_rows(gateway_database)) == ["admin", "sari"]


async def test_deactivating_an_agent_ends_their_session(
    make_gateway: GatewayFactory, gateway: Client, gateway_database: str
) -> None:
    agent_browser = await make_gateway()
    await signed_in(agent_browser, "sari", AGENT_PASSWORD)
    assert (await agent_browser.get("/console/staff", allow_redirects=False)).status == 403
    await signed_in(gateway, "admin", ADMIN_PASSWORD)
    sari = (await staff_rows(gateway_database))["sari"]
    token = await page_token(gateway)

    response = await gateway.post(
        "/console/staff", data={"csrf_token": token, "action": "deactivate", "user_id": sari.id}
    )
    assert "Akun petugas dinonaktifkan" in await response.text()
    assert (await agent_browser.get("/console/staff", allow_redirects=False)).status == 302
    assert await session_count(gateway_database) == 1  # the admin's own
    again = await sign_in(agent_browser, "sari", AGENT_PASSWORD)
    assert WRONG_CREDENTIALS in await again.text()

    await gateway.post(
        "/console/staff", data={"csrf_token": token, "action": "activate", "user_id": sari.id}
    )
    await signed_in(agent_browser, "sari", AGENT_PASSWORD)


async def test_an_admin_cannot_deactivate_themself(gateway: Client, gateway_database: str) -> None:
    await signed_in(gateway, "admin", ADMIN_PASSWORD)
    admin = (await staff_rows(gateway_database))["admin"]
    token = await page_token(gateway)
    response = await gateway.post(
        "/console/staff", data={"csrf_token": token, "action": "deactivate", "user_id": admin.id}
    )
    assert response.status == 400
    assert "Anda tidak dapat menonaktifkan akun Anda sendiri." in await response.text()
    assert (await staff_rows(gateway_database))["admin"].active
    assert (await gateway.get("/console/staff")).status == 200


# --- the office's time zone ------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "shown"),
    [("Asia/Jakarta", "05-03-2026 13.30 WIB"), ("Asia/Makassar", "05-03-2026 14.30 WITA")],
)
async def test_times_are_shown_in_the_office_zone_of_the_settings(
    make_gateway: GatewayFactory, gateway_database: str, zone: str, shown: str
) -> None:
    """The last login on the staff page and the audit log's times follow
    TANYA_OFFICE_TIMEZONE: an office in Makassar reads WITA, an hour ahead of WIB."""
    await add_staff(gateway_database, "admin", "admin", ADMIN_PASSWORD)
    await add_staff(gateway_database, "sari", "agent", AGENT_PASSWORD)
    gateway = await make_gateway(office_timezone=zone)
    await signed_in(gateway, "admin", ADMIN_PASSWORD)
    sari = (await staff_rows(gateway_database))["sari"]
    token = await page_token(gateway)
    await gateway.post(
        "/console/staff", data={"csrf_token": token, "action": "deactivate", "user_id": sari.id}
    )
    await set_last_login(gateway_database, "sari", LAST_LOGIN)  # and the audit entry's time

    staff_page = await (await gateway.get("/console/staff")).text()
    sari_row = re.search(r"<td>sari</td>.*?</tr>", staff_page, re.DOTALL)
    assert sari_row is not None and f"<td>{shown}</td>" in sari_row.group(0)
    audit_page = await (await gateway.get("/console/admin/audit?jenis=petugas")).text()
    assert f"<td>{shown}</td>" in audit_page
    assert f"({shown.split()[-1]})" in audit_page  # the page says which zone it shows
