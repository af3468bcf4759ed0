"""Console logins under a flood (issue 18): the limits per name and per address, shared
through Redis by the gateway replicas; a locked account that answers like a wrong password,
and password hashing on two threads with the excess turned away."""

from __future__ import annotations

import asyncio
import re
import statistics
import threading
import time
import uuid

import aiohttp
import pytest

from bot.console.security import STAFF_COOKIE
from tests.bot.conftest import GatewayFactory
from tests.bot.console.conftest import (
    ADMIN_PASSWORD,
    AGENT_PASSWORD,
    WRONG_CREDENTIALS,
    Client,
    add_staff,
    csrf_in,
    sign_in,
    signed_in,
)

TOO_MANY = "Terlalu banyak percobaan masuk yang gagal."


async def sign_in_from(
    client: Client, address: str, username: str, password: str
) -> aiohttp.ClientResponse:
    """A login form submitted from `address`, as the reverse proxy in front reports it."""
    page = await client.get("/console/login")
    form = {"csrf_token": csrf_in(await page.text()), "username": username, "password": password}
    return await client.post(
        "/console/login",
        data=form,
        headers={"X-Forwarded-For": address},
        allow_redirects=False,
    )


@pytest.mark.parametrize(("username", "last_try"), [("sari", AGENT_PASSWORD), ("siapa", "x" * 12)])
async def test_repeated_failures_for_one_name_are_answered_429_in_indonesian(
    gateway: Client, username: str, last_try: str
) -> None:
    """After five failures for a name (existing or not: the answer is the same), even the
    right password waits, told so in Indonesian with Retry-After; other staff can still
    sign in. Fails on 538ba62, which kept checking passwords (401) without limit."""
    for attempt in range(5):
        assert (await sign_in(gateway, username, f"tebakan-{attempt}-salah")).status == 401
    refused = await sign_in(gateway, username, last_try)
    assert refused.status == 429
    assert TOO_MANY in await refused.text() and "menit" in await refused.text()
    assert 60 < int(refused.headers["Retry-After"]) <= 300
    assert STAFF_COOKIE not in refused.cookies
    await signed_in(gateway, "admin", ADMIN_PASSWORD)


async def test_one_address_trying_many_names_is_slowed_down_others_are_not(
    make_gateway: GatewayFactory, gateway_database: str
) -> None:
    """Fails on 538ba62: no limit per client address."""
    await add_staff(gateway_database, "admin", "admin", ADMIN_PASSWORD)
    gateway = await make_gateway(login_limit_per_address="3 per minute", trusted_proxy_hops=1)
    for n in range(3):
        response = await sign_in_from(gateway, "203.0.113.7", f"nama-{n}", "tebakan-salah-1")
        assert response.status == 401
    refused = await sign_in_from(gateway, "203.0.113.7", "admin", ADMIN_PASSWORD)
    assert refused.status == 429 and TOO_MANY in await refused.text()
    assert int(refused.headers["Retry-After"]) <= 60
    elsewhere = await sign_in_from(gateway, "198.51.100.9", "admin", ADMIN_PASSWORD)
    assert elsewhere.status == 302


def error_shown(html: str) -> str:
    found = re.search(r'<p class="flash flash-error"[^>]*>([^<]*)</p>', html)
    return found.group(1) if found else ""


async def test_locked_wrong_and_unknown_accounts_get_the_same_answer_in_the_same_time(
    make_gateway: GatewayFactory, gateway_database: str
) -> None:
    """A locked account answers like a wrong password or an unknown name: same status,
    same words, and a password check of the same cost. Fails on 538ba62, which said
    "Akun dikunci" (the name exists) and answered a locked account without hashing."""
    await add_staff(gateway_database, "admin", "admin", ADMIN_PASSWORD)
    await add_staff(gateway_database, "sari", "agent", AGENT_PASSWORD)
    gateway = await make_gateway(login_limit_per_username="100 per minute")
    for attempt in range(5):
        await sign_in(gateway, "sari", f"tebakan-{attempt}-salah")
    cases = {
        "locked": ("sari", AGENT_PASSWORD),
        "wrong": ("admin", "salah-salah-1"),
        "unknown": ("tak-dikenal", "salah-salah-1"),
    }
    answers: dict[str, set[tuple[int, str]]] = {kind: set() for kind in cases}
    seconds: dict[str, list[float]] = {kind: [] for kind in cases}
    for _ in range(5):
        for kind, (username, password) in cases.items():
            started = time.perf_counter()
            response = await sign_in(gateway, username, password)
            seconds[kind].append(time.perf_counter() - started)
            answers[kind].add((response.status, error_shown(await response.text())))
    assert answers["locked"] == answers["wrong"] == answers["unknown"] == {(401, WRONG_CREDENTIALS)}
    typical = {kind: statistics.median(values) for kind, values in seconds.items()}
    assert typical["locked"] > 0.5 * typical["wrong"], typical
    assert typical["unknown"] > 0.5 * typical["wrong"], typical


async def test_a_login_flood_waits_for_two_hashing_threads_and_the_excess_is_turned_away(
    make_gateway: GatewayFactory, gateway_database: str
) -> None:
    """Twelve logins at once: at most two argon2 checks (64 MiB each) run at a time, on
    their own threads, and logins beyond TANYA_LOGIN_MAX_PENDING get 429 at once
    instead of piling up. Fails on 538ba62, which ran them all in the default pool."""
    gateway = await make_gateway(login_max_pending=4)
    page = await gateway.get("/console/login")
    token = csrf_in(await page.text())
    hashing: set[int] = set()
    peak = 0
    flooding = True

    async def watch() -> None:
        nonlocal peak
        while flooding:
            threads = [t for t in threading.enumerate() if t.name.startswith("argon2")]
            hashing.update(t.ident or 0 for t in threads)
            peak = max(peak, sum(1 for t in threads if t.is_alive()))
            await asyncio.sleep(0.002)

    async def attempt(n: int) -> tuple[int, str]:
        response = await gateway.post(
            "/console/login",
            data={"csrf_token": token, "username": f"banjir-{n}", "password": "salah-salah-1"},
            allow_redirects=False,
        )
        return response.status, error_shown(await response.text())

    watcher = asyncio.create_task(watch())
    results = await asyncio.gather(*(attempt(n) for n in range(12)))
    flooding = False
    await watcher
    assert {status for status, _ in results} == {401, 429}, results
    assert all("sibuk" in text for status, text in results if status == 429)
    assert 1 <= len(hashing) <= 2 and peak <= 2


async def test_gateway_replicas_share_the_login_counts_through_redis(
    make_gateway: GatewayFactory, gateway_database: str
) -> None:
    """Failures on one replica count on the other (the real Redis at 127.0.0.1), so a
    load balancer does not multiply the allowance. Fails on 538ba62 (no limit at all)."""
    name = f"tamu-{uuid.uuid4().hex[:8]}"  # Redis outlives the test: a name of its own
    settings = {"redis_url": "redis://127.0.0.1:6379/0", "login_limit_per_username": "2 per minute"}
    first, second = await make_gateway(**settings), await make_gateway(**settings)
    assert (await sign_in(first, name, "tebakan-salah-1")).status == 401
    assert (await sign_in(second, name, "tebakan-salah-2")).status == 401
    assert (await sign_in(first, name, "tebakan-salah-3")).status == 429
    assert (await sign_in(second, name, "tebakan-salah-4")).status == 429


async def test_staff_can_still_sign_in_when_redis_is_away(
    make_gateway: GatewayFactory, gateway_database: str
) -> None:
    """The login counts live in Redis; without it, logins go on (the account lock-out and
    the bounded hashing still hold) instead of failing with 500. Passes on 538ba62 too,
    which used no Redis at login: it guards the login limits added since."""
    await add_staff(gateway_database, "admin", "admin", ADMIN_PASSWORD)
    gateway = await make_gateway(redis_url="redis://127.0.0.1:9/0")
    assert (await sign_in(gateway, "admin", "tebakan-salah-1")).status == 401
    await signed_in(gateway, "admin", ADMIN_PASSWORD)
