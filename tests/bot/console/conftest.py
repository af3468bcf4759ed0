"""Helpers for console tests: staff accounts and signing in like a browser.

In this folder the `gateway` fixture is a gateway that already has an admin and an
agent account (it overrides the plain one of tests/bot/conftest.py)."""

from __future__ import annotations

import re

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy import select

from permits.db import create_engine, create_sessionmaker
from permits.demo import load_demo
from permits.models import StaffUser
from permits.staff import create_user
from tests.bot.conftest import GatewayFactory

Client = TestClient[web.Request, web.Application]
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]*)"')
ADMIN_PASSWORD = "admin-sandi-rahasia-1"
AGENT_PASSWORD = "petugas-sandi-rahasia"
WRONG_CREDENTIALS = "Nama pengguna atau kata sandi salah."


async def add_staff(database_url: str, username: str, role: str, password: str) -> None:
    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            await create_user(session, username, username.title(), role, password)
    finally:
        await engine.dispose()


async def staff_rows(database_url: str) -> dict[str, StaffUser]:
    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            return {user.username: user for user in await session.scalars(select(StaffUser))}
    finally:
        await engine.dispose()


async def page_token(client: Client, path: str = "/console/staff") -> str:
    """The CSRF token of a signed-in page."""
    response = await client.get(path)
    assert response.status == 200, await response.text()
    return csrf_in(await response.text())


def csrf_in(html: str) -> str:
    found = CSRF_FIELD.search(html)
    assert found is not None, "no csrf_token field on the page"
    return found.group(1)


async def sign_in(
    client: Client, username: str, password: str, *, next_path: str | None = None
) -> aiohttp.ClientResponse:
    """Open the login form like a browser, then submit it; the redirect is not followed."""
    query = {"next": next_path} if next_path is not None else {}
    page = await client.get("/console/login", params=query)
    html = await page.text()
    form = {"csrf_token": csrf_in(html), "username": username, "password": password}
    hidden_next = re.search(r'name="next" value="([^"]*)"', html)
    if hidden_next:
        form["next"] = hidden_next.group(1).replace("&amp;", "&")
    return await client.post("/console/login", data=form, allow_redirects=False)


async def signed_in(client: Client, username: str, password: str) -> None:
    response = await sign_in(client, username, password)
    assert response.status == 302, await response.text()


async def with_demo(database_url: str, password: str) -> None:
    """The demo catalogue and applications, an agent "siti" and an admin "admin"."""
    engine = create_engine(database_url)
    async with create_sessionmaker(engine)() as session:
        await load_demo(session)
    await engine.dispose()
    await add_staff(database_url, "siti", "agent", password)
    await add_staff(database_url, "admin", "admin", password)


@pytest.fixture
async def gateway(make_gateway: GatewayFactory, gateway_database: str) -> Client:
    """A gateway with the admin "admin" and the agent "sari" (ADMIN_PASSWORD, AGENT_PASSWORD)."""
    await add_staff(gateway_database, "admin", "admin", ADMIN_PASSWORD)
    await add_staff(gateway_database, "sari", "agent", AGENT_PASSWORD)
    return await make_gateway()
