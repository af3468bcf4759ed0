"""An agent's live console socket (/console/ws) lives no longer than their session."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from datetime import timedelta

import aiohttp
import pytest
from aiohttp import WSMsgType, web
from aiohttp.test_utils import TestClient
from sqlalchemy import select, update

from bot.channels import web_presence
from bot.channels.web import conversation_for
from bot.keys import SESSIONS
from permits.db import create_engine, create_sessionmaker
from permits.handoff import claim, request_handoff
from permits.models import Handoff, StaffSession, StaffUser, utcnow
from tests.bot.conftest import GatewayFactory, chat_window
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


# --- presence: what agents see of a web-chat applicant (bot/channels/web_presence.py) ---


async def applicant_events(live: aiohttp.ClientWebSocketResponse, seconds: float) -> list[str]:
    """The states of the applicant events a console receives within `seconds`."""
    states: list[str] = []
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            while True:
                event = await live.receive_json()
                if event["type"] == "applicant":
                    states.append(event["state"])
    return states


async def waiting_for_an_agent(database_url: str, conversation_id: str) -> None:
    engine = create_engine(database_url)
    async with create_sessionmaker(engine)() as session:
        await request_handoff(session, conversation_id, "request")
    await engine.dispose()


async def test_the_agent_sees_the_applicant_typing_leaving_and_coming_back(
    make_gateway: GatewayFactory, gateway_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fails before presence, when the console heard nothing of the applicant."""
    monkeypatch.setattr(web_presence, "LEFT_AFTER_SECONDS", 0.3)
    await add_staff(gateway_database, "sari", "agent", PASSWORD)
    gateway = await make_gateway()
    agent = gateway  # the agent's browser; the chat windows are other sockets
    await signed_in(agent, "sari", PASSWORD)
    token = f"pemohon-{uuid.uuid4().hex}"
    async with agent.ws_connect("/console/ws") as live:
        # Nobody attends this conversation yet: the console hears nothing of it.
        async with chat_window(gateway, token) as window:
            await window.receive_json()  # the session
            await window.receive_json()  # the history
            await window.send_json({"type": "typing"})
        assert await applicant_events(live, 0.8) == []

        await waiting_for_an_agent(gateway_database, conversation_for(token))
        async with chat_window(gateway, token) as window:
            await window.receive_json()
            await window.receive_json()
            for _ in range(3):  # keystrokes close together are one event
                await window.send_json({"type": "typing"})
            assert await applicant_events(live, 0.8) == ["back", "typing"]
        assert await applicant_events(live, 1.0) == ["left"]

        # A reload is not leaving: the window is back before the grace time is over.
        async with chat_window(gateway, token) as window:
            await window.receive_json()
        async with chat_window(gateway, token) as window:
            await window.receive_json()
            assert await applicant_events(live, 0.8) == ["back", "back"]


async def test_the_agent_sees_the_applicant_stop_typing_when_they_empty_the_box(
    make_gateway: GatewayFactory, gateway_database: str
) -> None:
    """Fails while "Pemohon sedang mengetik…" could only time out in the console."""
    await add_staff(gateway_database, "sari", "agent", PASSWORD)
    gateway = await make_gateway()
    await signed_in(gateway, "sari", PASSWORD)
    token = f"pemohon-{uuid.uuid4().hex}"
    await waiting_for_an_agent(gateway_database, conversation_for(token))
    async with (
        gateway.ws_connect("/console/ws") as live,
        chat_window(gateway, token) as window,
    ):
        await window.receive_json()  # the session
        await window.receive_json()  # the history
        assert await applicant_events(live, 0.5) == ["back"]
        await window.send_json({"type": "typing"})
        await window.send_json({"type": "typing", "stopped": True})
        await window.send_json({"type": "typing"})  # typing again at once: told again
        assert await applicant_events(live, 0.8) == ["typing", "idle", "typing"]


async def test_the_applicant_typing_on_one_replica_reaches_an_agent_on_another(
    make_gateway: GatewayFactory, gateway_database: str
) -> None:
    """The chat window holds a socket to one replica, the agent's console to another:
    the events cross through Redis, both ways."""
    await add_staff(gateway_database, "sari", "agent", PASSWORD)
    chat_side = await make_gateway(redis_url=REDIS_URL)
    agent_side = await make_gateway(redis_url=REDIS_URL)
    await signed_in(agent_side, "sari", PASSWORD)
    token = f"pemohon-{uuid.uuid4().hex}"
    conversation_id = conversation_for(token)
    await waiting_for_an_agent(gateway_database, conversation_id)
    engine = create_engine(gateway_database)
    async with create_sessionmaker(engine)() as session:
        sari = await session.scalar(select(StaffUser.id).where(StaffUser.username == "sari"))
        handoff = await session.scalar(select(Handoff.id))
        assert sari is not None and handoff is not None
        assert await claim(session, handoff, sari)
    await engine.dispose()
    async with (
        agent_side.ws_connect("/console/ws") as live,
        chat_window(chat_side, token) as window,
    ):
        await window.receive_json()  # the session
        history = await window.receive_json()
        assert history["agent"] == "Sari"
        await window.send_json({"type": "typing"})
        assert "typing" in await applicant_events(live, 2.0)
        await live.send_json({"type": "typing", "conversation_id": conversation_id})
        shown = await asyncio.wait_for(window.receive_json(), timeout=3)
    assert shown == {"type": "typing", "from": "agent"}
