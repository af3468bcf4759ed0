"""Console sign-in through the gateway: sessions, lock-out, CSRF, origins, the first admin.

The staff-account pages are tested in tests/bot/admin/test_staff_pages.py, the login
limits against floods in test_login_limits.py."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from yarl import URL

from bot.app import create_app
from bot.console.security import STAFF_COOKIE, current_staff
from permits.demo import DEMO_STAFF_PASSWORD
from tests.bot.conftest import FakeRasa, GatewayFactory, settings_for
from tests.bot.console.conftest import (
    ADMIN_PASSWORD,
    AGENT_PASSWORD,
    WRONG_CREDENTIALS,
    add_staff,
    csrf_in,
    page_token,
    sign_in,
    signed_in,
    staff_rows,
)

Client = TestClient[web.Request, web.Application]
ROOT = Path(__file__).resolve().parents[3]
LOCKED = "Akun dikunci sementara karena terlalu banyak percobaan gagal. Coba lagi dalam 15 menit."
CSRF_REFUSED = "Permintaan ditolak: token keamanan tidak sah. Muat ulang halaman lalu coba lagi."


# --- helpers ------------------------------------------------------------------------


def staff_cookie(client: Client) -> str:
    for cookie in client.session.cookie_jar:
        if cookie.key == STAFF_COOKIE:
            return cookie.value
    raise AssertionError("no staff cookie")


# --- a gateway with test-only console routes ---------------------------------------------


async def whoami(request: web.Request) -> web.Response:
    staff = current_staff(request)
    return web.json_response({"username": staff.username, "admin": staff.is_admin})


async def echo(request: web.Request) -> web.Response:
    return web.json_response({"ok": True, "by": current_staff(request).username})


async def live(request: web.Request) -> web.WebSocketResponse:
    socket = web.WebSocketResponse()
    await socket.prepare(request)
    await socket.send_json({"hello": current_staff(request).username})
    await socket.close()
    return socket


@pytest.fixture
async def console(
    fake_rasa: tuple[FakeRasa, TestServer],
    gateway_database: str,
    aiohttp_client: Callable[..., Any],
) -> Client:
    """The gateway plus three routes under /console that only this test module has."""
    _, server = fake_rasa
    app = create_app(settings_for(str(server.make_url("")), gateway_database))
    app.router.add_get("/console/uji/saya", whoami)
    app.router.add_post("/console/uji/kirim", echo)
    app.router.add_get("/console/uji/langsung", live)
    await add_staff(gateway_database, "admin", "admin", ADMIN_PASSWORD)
    await add_staff(gateway_database, "sari", "agent", AGENT_PASSWORD)
    client: Client = await aiohttp_client(app)
    return client


# --- signing in -------------------------------------------------------------------------


async def test_an_admin_signs_in_and_reaches_the_staff_page(gateway: Client) -> None:
    response = await sign_in(gateway, "admin", ADMIN_PASSWORD)
    assert response.status == 302 and response.headers["Location"] == "/console"
    cookie = response.cookies[STAFF_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == "/console"
    assert cookie["max-age"] == str(12 * 3600) and not cookie["secure"]
    page = await gateway.get("/console/staff")
    html = await page.text()
    assert page.status == 200
    assert "Akun Petugas" in html and "Admin (Admin)" in html and "sari" in html


async def test_the_session_cookie_is_secure_behind_https(
    make_gateway: GatewayFactory, gateway_database: str
) -> None:
    await add_staff(gateway_database, "admin", "admin", ADMIN_PASSWORD)
    gateway = await make_gateway(public_url="https://ptsp.sukamaju.go.id")
    form_page = await gateway.get("/console/login")
    login_csrf = form_page.cookies["tanya_login_csrf"]
    assert login_csrf["secure"]
    # The test client talks plain http, so it would not send a Secure cookie back itself.
    response = await gateway.post(
        "/console/login",
        data={"csrf_token": login_csrf.value, "username": "admin", "password": ADMIN_PASSWORD},
        cookies={"tanya_login_csrf": login_csrf.value},
        allow_redirects=False,
    )
    assert response.status == 302
    assert response.cookies[STAFF_COOKIE]["secure"]


async def test_a_wrong_password_or_unknown_name_gets_the_same_generic_error(
    gateway: Client,
) -> None:
    for username, password in [("admin", "bukan-sandinya"), ("tidak-ada", ADMIN_PASSWORD)]:
        response = await sign_in(gateway, username, password)
        html = await response.text()
        assert response.status == 401
        assert WRONG_CREDENTIALS in html and LOCKED not in html
        assert STAFF_COOKIE not in response.cookies
    assert (await gateway.get("/console/staff", allow_redirects=False)).status == 302


async def test_five_failures_lock_the_account_even_for_the_right_password(
    make_gateway: GatewayFactory, gateway_database: str
) -> None:
    await add_staff(gateway_database, "admin", "admin", ADMIN_PASSWORD)
    await add_staff(gateway_database, "sari", "agent", AGENT_PASSWORD)
    # A throttle wide enough to reach the account's own lock-out.
    gateway = await make_gateway(login_limit_per_username="100 per minute")
    for attempt in range(5):
        response = await sign_in(gateway, "sari", f"tebakan-{attempt}-salah")
        assert WRONG_CREDENTIALS in await response.text()
    right = await sign_in(gateway, "sari", AGENT_PASSWORD)
    assert right.status == 401 and WRONG_CREDENTIALS in await right.text()
    assert STAFF_COOKIE not in right.cookies
    # The admin sees the lock on the staff page.
    await signed_in(gateway, "admin", ADMIN_PASSWORD)
    assert "Terkunci" in await (await gateway.get("/console/staff")).text()


async def test_a_login_without_the_form_token_is_refused(gateway: Client) -> None:
    await gateway.get("/console/login")  # the browser has the login cookie...
    response = await gateway.post(  # ...but a foreign page does not know the form's token
        "/console/login",
        data={"csrf_token": "tebakan", "username": "admin", "password": ADMIN_PASSWORD},
        allow_redirects=False,
    )
    assert response.status == 403 and CSRF_REFUSED in await response.text()
    assert STAFF_COOKIE not in response.cookies


@pytest.mark.parametrize(
    "next_path",
    [
        "https://penipu.example/console",
        "//penipu.example/console",
        "/\\penipu.example",
        "javascript:alert(1)",
        "/chat/demo",
        "/console/../chat/demo",
    ],
)
async def test_next_never_leads_to_another_site(gateway: Client, next_path: str) -> None:
    response = await sign_in(gateway, "admin", ADMIN_PASSWORD, next_path=next_path)
    assert response.status == 302 and response.headers["Location"] == "/console"


async def test_after_login_the_staff_member_returns_to_the_page_they_asked_for(
    gateway: Client,
) -> None:
    redirect = await gateway.get("/console/staff?urut=nama", allow_redirects=False)
    assert redirect.status == 302
    login_url = redirect.headers["Location"]
    assert login_url.startswith("/console/login?")
    form_page = await gateway.get(login_url)
    assert "Silakan masuk terlebih dahulu." in await form_page.text()
    next_path = form_page.url.query["next"]
    assert next_path == "/console/staff?urut=nama"
    response = await sign_in(gateway, "admin", ADMIN_PASSWORD, next_path=next_path)
    assert response.headers["Location"] == "/console/staff?urut=nama"


# --- refusals --------------------------------------------------------------------------


async def test_signed_out_requests_are_sent_to_login_or_refused(console: Client) -> None:
    page = await console.get("/console/staff", allow_redirects=False)
    login_url = URL(page.headers["Location"])
    assert page.status == 302
    assert login_url.path == "/console/login" and login_url.query["next"] == "/console/staff"
    form = await console.post("/console/staff", data={"action": "create"})
    assert form.status == 401 and "Silakan masuk kembali" in await form.text()
    fetch = await console.get("/console/uji/saya", headers={"Accept": "application/json"})
    assert fetch.status == 401 and "Silakan masuk kembali" in (await fetch.json())["error"]
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await console.ws_connect("/console/uji/langsung")
    assert refused.value.status == 401


async def test_an_agent_is_refused_the_staff_page_but_not_the_console(console: Client) -> None:
    await signed_in(console, "sari", AGENT_PASSWORD)
    page = await console.get("/console/staff")
    assert page.status == 403 and "Halaman ini hanya untuk admin." in await page.text()
    assert (await (await console.get("/console/uji/saya")).json()) == {
        "username": "sari",
        "admin": False,
    }


async def test_a_signed_in_websocket_opens(console: Client) -> None:
    await signed_in(console, "sari", AGENT_PASSWORD)
    async with console.ws_connect("/console/uji/langsung") as socket:
        assert await socket.receive_json() == {"hello": "sari"}


@pytest.mark.parametrize("token", [None, "", "palsu-token-csrf"])
async def test_a_forged_or_missing_csrf_token_changes_nothing(
    console: Client, gateway_database: str, token: str | None
) -> None:
    await signed_in(console, "admin", ADMIN_PASSWORD)
    form = {
        "action": "create",
        "username": "penyusup",
        "full_name": "Penyusup",
        "role": "admin",
        "password": "sandi-penyusup-123",
    }
    if token is not None:
        form["csrf_token"] = token
    created = await console.post("/console/staff", data=form)
    assert created.status == 403 and CSRF_REFUSED in await created.text()
    assert "penyusup" not in await staff_rows(gateway_database)

    logout_form = {} if token is None else {"csrf_token": token}
    logout = await console.post("/console/logout", data=logout_form, allow_redirects=False)
    assert logout.status == 403
    assert (await console.get("/console/uji/saya")).status == 200  # still signed in


async def test_the_csrf_header_serves_scripts(console: Client) -> None:
    await signed_in(console, "sari", AGENT_PASSWORD)
    page = await console.get("/console/staff")  # 403 for an agent, but the layout has the token
    token = csrf_in(await page.text())
    sent = await console.post("/console/uji/kirim", headers={"X-CSRF-Token": token})
    assert sent.status == 200 and (await sent.json())["by"] == "sari"
    forged = await console.post("/console/uji/kirim", headers={"X-CSRF-Token": token + "x"})
    assert forged.status == 403 and (await forged.json())["error"] == CSRF_REFUSED


async def test_a_cross_origin_post_or_websocket_is_refused(console: Client) -> None:
    await signed_in(console, "sari", AGENT_PASSWORD)
    token = csrf_in(await (await console.get("/console/staff")).text())
    headers = {"X-CSRF-Token": token}
    foreign = await console.post(
        "/console/uji/kirim", headers={**headers, "Origin": "https://penipu.example"}
    )
    assert foreign.status == 403
    opaque = await console.post("/console/uji/kirim", headers={**headers, "Origin": "null"})
    assert opaque.status == 403
    own = str(console.make_url("").origin())
    assert (await console.post("/console/uji/kirim", headers={**headers, "Origin": own})).ok
    public = "http://127.0.0.1:8080"  # settings.public_url, as seen through a proxy
    assert (await console.post("/console/uji/kirim", headers={**headers, "Origin": public})).ok
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await console.ws_connect("/console/uji/langsung", origin="https://penipu.example")
    assert refused.value.status == 403
    login = await console.post(
        "/console/login",
        data={"username": "admin", "password": ADMIN_PASSWORD},
        headers={"Origin": "https://penipu.example"},
    )
    assert login.status == 403


# --- signing out -------------------------------------------------------------------------


async def test_logging_out_ends_the_session_for_good(console: Client) -> None:
    await signed_in(console, "admin", ADMIN_PASSWORD)
    old_cookie = staff_cookie(console)
    token = await page_token(console)
    response = await console.post(
        "/console/logout", data={"csrf_token": token}, allow_redirects=False
    )
    assert response.status == 302
    assert response.headers["Location"] == "/console/login?pesan=keluar"
    assert response.cookies[STAFF_COOKIE].value == ""
    farewell = await console.get(response.headers["Location"])
    assert "Anda sudah keluar." in await farewell.text()
    replayed = await console.get(
        "/console/uji/saya",
        cookies={STAFF_COOKIE: old_cookie},
        headers={"Accept": "application/json"},
    )
    assert replayed.status == 401


# --- the command line ------------------------------------------------------------------


async def run_create_admin(database_url: str, username: str, password: str) -> tuple[int, str]:
    env = {
        **os.environ,
        "TANYA_DATABASE_URL": database_url,
        "TANYA_ADMIN_PASSWORD": password,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "permits",
        "create-admin",
        "--username",
        username,
        "--name",
        "Kepala Loket",
        cwd=ROOT,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, output.decode()


async def test_the_first_admin_is_created_on_the_command_line(
    fake_rasa: tuple[FakeRasa, TestServer], aiohttp_client: Callable[..., Any], tmp_path: Path
) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'baru' / 'tanya.db'}"  # not migrated yet
    code, output = await run_create_admin(database_url, "kepala", "sandi-kepala-loket-1")
    assert code == 0, output
    assert "Akun admin kepala dibuat." in output

    weak, weak_output = await run_create_admin(database_url, "wakil", "pendek")
    assert weak == 1 and "minimal 10 karakter" in weak_output
    taken, taken_output = await run_create_admin(database_url, "kepala", "sandi-kepala-loket-2")
    assert taken == 1 and "sudah dipakai" in taken_output

    _, rasa = fake_rasa
    gateway: Client = await aiohttp_client(
        create_app(settings_for(str(rasa.make_url("")), database_url))
    )
    await signed_in(gateway, "kepala", "sandi-kepala-loket-1")
    page = await gateway.get("/console/staff")
    assert page.status == 200 and "Kepala Loket (Admin)" in await page.text()


async def test_production_refuses_the_demo_password_even_for_a_real_account(
    make_gateway: GatewayFactory, gateway_database: str
) -> None:
    """An account whose password is the README's demo password cannot sign in when
    TANYA_ENV=production; in development it can. Fails on 538ba62, which let it in."""
    await add_staff(gateway_database, "admin", "admin", DEMO_STAFF_PASSWORD)
    production = await make_gateway(
        env="production", rasa_token="r" * 32, api_token="a" * 32, public_url="https://ptsp.id"
    )
    form_page = await production.get("/console/login")
    login_csrf = form_page.cookies["tanya_login_csrf"].value
    response = await production.post(
        "/console/login",
        data={"csrf_token": login_csrf, "username": "admin", "password": DEMO_STAFF_PASSWORD},
        cookies={"tanya_login_csrf": login_csrf},  # Secure: the http test client keeps it
        allow_redirects=False,
    )
    assert response.status == 401
    assert WRONG_CREDENTIALS in await response.text()
    assert STAFF_COOKIE not in response.cookies
    development = await make_gateway()
    await signed_in(development, "admin", DEMO_STAFF_PASSWORD)
