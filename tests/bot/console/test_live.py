"""An agent's live console socket (/console/ws) lives no longer than their session."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import aiohttp
from aiohttp import WSMsgType, web
from aiohttp.test_utils import TestClient
from sqlalchemy import select, update

from bot.keys import SESSIONS
from permits.models import StaffSession, StaffUser, utcnow
from tests.bot.conftest import GatewayFactory
from tests.bot.console.conftest import add_staff, csrf_in, signed_in

Client = TestClient[web.Request, web.Application]
PASSWORD = "sandi-petugas-rahasia-9"
REDIS_URL = "redis://127.0.0.1:6379/0"
SESSION_ENDED = 4401


async def closed_within(socket: aiohttp.ClientWebSocketResponse, seconds: float) -> int | None:
    """The close code if the server closes the socket within `seconds`, else None."""
    try:
        while True:
            message = await asyncio.wait_for(socket.receive(), timeout=seconds)
            if message.type == WSMsgType.CLOSE:
                return int(message.data)  # the server's close code
            if message.type in (WSMsgType.CLOSED, WSMsgType.CLOSING):
                return socket.close_code
    except TimeoutError:
        return None


async def test_signing_out_closes_the_open_console_tabs(
    make_gateway: GatewayFactory, gateway_database: str
) -> None:
    """A tab left open after logout stops receiving transcripts at once. Fails on
    538ba62, where the socket stayed open."""
    await add_staff(gateway_database, "sari", "agent", PASSWORD)
    agent = await make_gateway()
    await signed_in(agent, "sari", PASSWORD)
    async with agent.ws_connect("/console/ws") as live:
        token = csrf_in(await (await agent.get("/console")).text())
        await agent.post("/console/logout", data={"csrf_token": token}, allow_redirects=False)
        assert await closed_within(live, 3) == SESSION_ENDED


async def test_deactivation_on_another_replica_closes_the_agents_tabs(
    make_gateway: GatewayFactory, gateway_database: str
) -> None:
    """The agent's console is open on one gateway replica; an administrator on another
    deactivates the account: the socket closes (Redis carries the news). Fails on
    538ba62."""
    await add_staff(gateway_database, "sari", "agent", PASSWORD)
    await add_staff(gateway_database, "admin", "admin", PASSWORD)
    agent_side = await make_gateway(redis_url=REDIS_URL)
    admin_side = await make_gateway(redis_url=REDIS_URL)
    await signed_in(agent_side, "sari", PASSWORD)
    await signed_in(admin_side, "admin", PASSWORD)
    async with agent_side.ws_connect("/console/ws") as live:
        page = await (await admin_side.get("/console/staff")).text()
        async with admin_side.app[SESSIONS]() as session:
            sari = await session.scalar(select(StaffUser.id).where(StaffUser.username == "sari"))
        await admin_side.post(
            "/console/staff",
            data={"csrf_token": csrf_in(page), "action": "deactivate", "user_id": str(sari)},
        )
        assert await closed_within(live, 3) == SESSION_ENDED


async def test_an_expired_session_is_noticed_by_the_periodic_check(
    make_gateway: GatewayFactory, gateway_database: str
) -> None:
    """Fails on 538ba62, which never re-checked an open socket's session."""
    await add_staff(gateway_database, "sari", "agent", PASSWORD)
    agent = await make_gateway(console_session_check_seconds=0.3)
    await signed_in(agent, "sari", PASSWORD)
    async with agent.ws_connect("/console/ws") as live:
        assert await closed_within(live, 0.8) is None  # a live session keeps its socket
        async with agent.app[SESSIONS]() as session:
            await session.execute(
                update(StaffSession).values(expires_at=utcnow() - timedelta(seconds=1))
            )
            await session.commit()
        assert await closed_within(live, 3) == SESSION_ENDED
