"""Staff change their own password (/console/password)."""

from __future__ import annotations

from aiohttp import web
from aiohttp.test_utils import TestClient

from tests.bot.conftest import GatewayFactory
from tests.bot.console.conftest import add_staff, csrf_in, sign_in, signed_in

Client = TestClient[web.Request, web.Application]
OLD = "sandi-lama-petugas-1"
NEW = "Gunung-Merapi-7-hijau"


async def change(client: Client, old: str, new: str, repeat: str | None = None) -> tuple[int, str]:
    page = await client.get("/console/password")
    assert page.status == 200
    form = {
        "csrf_token": csrf_in(await page.text()),
        "old_password": old,
        "new_password": new,
        "repeat_password": new if repeat is None else repeat,
    }
    response = await client.post("/console/password", data=form, allow_redirects=False)
    return response.status, response.headers.get("Location", "") or await response.text()


async def test_staff_change_their_own_password_and_every_session_ends(
    make_gateway: GatewayFactory, gateway_database: str
) -> None:
    """An agent changes their password: the old one first, a strength check, then
    every session ends and only the new password signs in. Fails on 538ba62, which
    had no such page (staff could not change their own password)."""
    await add_staff(gateway_database, "sari", "agent", OLD)
    sari = await make_gateway()
    await signed_in(sari, "sari", OLD)
    refusals = [
        (("salah-sandi-lama", NEW), "Kata sandi lama salah."),
        ((OLD, "pendek"), "minimal 10 karakter"),
        ((OLD, "password123"), "terlalu umum"),
        ((OLD, "sari-2026-rahasia"), "nama pengguna"),
        ((OLD, "aaaaaaaaaaaa"), "terlalu seragam"),
        ((OLD, OLD), "berbeda dari kata sandi lama"),
        ((OLD, NEW, "Gunung-Merapi-7-biru"), "tidak sama"),
    ]
    for args, expected in refusals:
        status, text = await change(sari, *args)
        assert status == 400 and expected in text, (args, text)
    status, location = await change(sari, OLD, NEW)
    assert status == 303 and location == "/console/login?pesan=kata-sandi-diganti"
    assert "Kata sandi sudah diganti" in await (await sari.get(location)).text()
    assert (await sari.get("/console", allow_redirects=False)).status == 302  # signed out
    assert (await sign_in(sari, "sari", OLD)).status == 401
    await signed_in(sari, "sari", NEW)


async def test_a_password_change_is_in_the_audit_log_without_the_password(
    make_gateway: GatewayFactory, gateway_database: str
) -> None:
    """Fails on 538ba62 (no password page, nothing audited)."""
    await add_staff(gateway_database, "admin", "admin", OLD)
    admin = await make_gateway()
    await signed_in(admin, "admin", OLD)
    assert (await change(admin, OLD, NEW))[0] == 303
    await signed_in(admin, "admin", NEW)
    log = await (await admin.get("/console/admin/audit", params={"jenis": "petugas"})).text()
    assert "Kata sandi diganti sendiri" in log and "staff:admin" in log
    assert NEW not in log and OLD not in log and "argon2" not in log
