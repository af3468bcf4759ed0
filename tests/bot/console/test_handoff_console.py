"""An agent takes over a web-chat conversation in the console (gateway on a fake Rasa)."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.channels.web import conversation_for
from bot.console.queue import conversation_url
from permits.db import create_engine, create_sessionmaker
from permits.demo import load_demo
from permits.handoff import request_callback, request_handoff
from permits.models import Handoff, Message
from tests.bot.conftest import FakeRasa, GatewayFactory, chat_window, settled, until
from tests.bot.console.conftest import add_staff, csrf_in, signed_in

Client = TestClient[web.Request, web.Application]
Socket = aiohttp.ClientWebSocketResponse
TOKEN = "warga-yang-minta-petugas-0123"
CONVERSATION = conversation_for(TOKEN)
PAGE = conversation_url(CONVERSATION)
PASSWORD = "sandi-petugas-rahasia"
LATE = "PTSP-2025-7KQ4MZ"


async def prepare(database_url: str) -> None:
    """Demo data, two agents, and the web user already in the queue (as the action
    server puts them there when they ask for a person)."""
    engine = create_engine(database_url)
    async with create_sessionmaker(engine)() as session:
        await load_demo(session)
    await engine.dispose()
    await add_staff(database_url, "siti", "agent", PASSWORD)
    await add_staff(database_url, "budi", "agent", PASSWORD)


async def queue_user(database_url: str) -> None:
    engine = create_engine(database_url)
    async with create_sessionmaker(engine)() as session:
        await request_handoff(session, CONVERSATION, "request")
    await engine.dispose()


async def next_message(socket: Socket) -> dict[str, Any]:
    while True:
        event: dict[str, Any] = await asyncio.wait_for(socket.receive_json(), timeout=8)
        if event["type"] == "message":
            return event


async def say(socket: Socket, client_id: str, text: str) -> None:
    await socket.send_json({"type": "message", "id": client_id, "text": text})


async def claim_from_queue(agent: Client) -> aiohttp.ClientResponse:
    queue = await agent.get("/console")
    html = await queue.text()
    handoff_id = re.search(r"/console/handoffs/(\d+)/claim", html)
    assert handoff_id is not None, html
    return await agent.post(
        f"/console/handoffs/{handoff_id.group(1)}/claim",
        data={"csrf_token": csrf_in(html), "conversation_id": CONVERSATION},
        allow_redirects=False,
    )


async def test_an_agent_claims_answers_and_hands_back(
    make_gateway: GatewayFactory,
    gateway_database: str,
    fake_rasa: tuple[FakeRasa, TestServer],
    aiohttp_client: Any,
) -> None:
    rasa, _ = fake_rasa
    await prepare(gateway_database)
    user = await make_gateway()
    agent = await aiohttp_client(user.server)  # the same gateway, another browser
    await signed_in(agent, "siti", PASSWORD)

    async with chat_window(user, TOKEN) as socket:
        await say(socket, "m1", "mau bicara dengan petugas")
        await next_message(socket)
        await queue_user(gateway_database)

        queue_page = await (await agent.get("/console")).text()
        assert "mau bicara dengan petugas" in queue_page and "Meminta petugas" in queue_page

        claimed = await claim_from_queue(agent)
        assert claimed.status == 303 and claimed.headers["Location"] == PAGE
        joined = await next_message(socket)  # presence: the applicant is told who took over
        assert (joined["from"], joined["text"]) == (
            "system",
            "Petugas Siti bergabung dalam percakapan dan akan membantu Anda.",
        )

        # Held by the agent: the bot stays silent, the NLU still reads the message.
        rasa.readings[f"status {LATE} gmn"] = {
            "intent": {"name": "check_status", "confidence": 0.91},
            "entities": [{"entity": "application_number", "value": LATE}],
            "intent_ranking": [{"name": "check_status", "confidence": 0.91}],
        }
        asked_before = len(rasa.received)
        await say(socket, "m2", f"status {LATE} gmn")
        await until(lambda: f"status {LATE} gmn" in rasa.parsed)  # read for the console
        await settled(user.app)  # the turn is over: Rasa would have been asked by now
        assert len(rasa.received) == asked_before
        page = await (await agent.get(PAGE)).text()
        assert f"status {LATE} gmn" in page and "Cek status · 91%" in page
        assert re.search(r'data-console="language"[^>]*>Bahasa Indonesia<', page)
        # The first suggestion is the live status of the number the user gave.
        suggestion = re.search(r'data-console="suggestion-text">([^<]*)<', page)
        assert suggestion is not None and f"Status permohonan {LATE}" in suggestion.group(1)
        assert "terlambat 2 hari" in suggestion.group(1)

        reply = await agent.post(
            PAGE + "/reply",
            data={"csrf_token": csrf_in(page), "text": "Halo, saya Siti. Berkas Anda di DPUPR."},
            allow_redirects=False,
        )
        assert reply.status == 303
        answer = await next_message(socket)
        assert (answer["from"], answer["text"]) == (
            "agent",
            "Halo, saya Siti. Berkas Anda di DPUPR.",
        )

        back = await agent.post(
            PAGE + "/hand-back", data={"csrf_token": csrf_in(page)}, allow_redirects=False
        )
        assert back.status == 303
        farewell = await next_message(socket)
        survey = await next_message(socket)
        assert "asisten virtual" in farewell["text"]
        assert "1 = Tidak baik" in survey["text"] and len(survey["buttons"]) == 4

        await say(socket, "m3", "4 Sangat baik")  # the survey answer, not a question
        thanks = await next_message(socket)
        assert "4 dari 4" in thanks["text"]
        await say(socket, "m4", "syarat pbg")  # the bot answers again
        assert (await next_message(socket))["text"] == "jawaban: syarat pbg"

    engine = create_engine(gateway_database)
    async with create_sessionmaker(engine)() as session:
        handoff = await session.scalar(select(Handoff))
        held = await session.scalar(select(Message).where(Message.state == "held"))
    await engine.dispose()
    assert handoff is not None and (handoff.outcome, handoff.survey_score) == ("handed_back", 4)
    assert held is not None and held.intent == "check_status"


async def test_the_agent_sees_the_language_the_applicant_writes_in(
    make_gateway: GatewayFactory,
    gateway_database: str,
    fake_rasa: tuple[FakeRasa, TestServer],
    aiohttp_client: Any,
) -> None:
    await prepare(gateway_database)
    user = await make_gateway()
    agent = await aiohttp_client(user.server)
    await signed_in(agent, "siti", PASSWORD)
    async with chat_window(user, TOKEN) as socket:
        await say(socket, "m1", "Can I talk to an officer about my business license, please?")
        await next_message(socket)
        await say(socket, "m2", "PTSP-2025-7KQ4MZ")  # tells nothing: still English
        await next_message(socket)
    page = await (await agent.get(PAGE)).text()
    assert re.search(r'data-console="language"[^>]*>Bahasa Inggris<', page)


async def test_only_one_agent_can_take_a_conversation(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await prepare(gateway_database)
    user = await make_gateway()
    siti, budi = await aiohttp_client(user.server), await aiohttp_client(user.server)
    await signed_in(siti, "siti", PASSWORD)
    await signed_in(budi, "budi", PASSWORD)
    async with chat_window(user, TOKEN) as socket:
        await say(socket, "m1", "halo")
        await next_message(socket)
    await queue_user(gateway_database)
    budi_page = await (await budi.get("/console")).text()
    assert (await claim_from_queue(siti)).status == 303
    handoff_id = re.search(r"/console/handoffs/(\d+)/claim", budi_page)
    assert handoff_id is not None
    late = await budi.post(
        f"/console/handoffs/{handoff_id.group(1)}/claim",
        data={"csrf_token": csrf_in(budi_page), "conversation_id": CONVERSATION},
        allow_redirects=False,
    )
    assert late.headers["Location"] == "/console?pesan=sudah-diambil"
    page = await (await budi.get(PAGE)).text()
    assert "Ditangani petugas lain" in page and 'data-console="reply"' not in page
    refused = await budi.post(
        PAGE + "/reply",
        data={"csrf_token": csrf_in(page), "text": "saya juga"},
        allow_redirects=False,
    )
    assert refused.headers["Location"].endswith("pesan=bukan-milik-anda")


async def test_the_queue_updates_live_for_every_agent(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await prepare(gateway_database)
    user = await make_gateway()
    agent = await aiohttp_client(user.server)
    await signed_in(agent, "siti", PASSWORD)
    async with agent.ws_connect("/console/ws") as live:
        # The watcher has read the (empty) queue once: an agent who just connected is
        # told to load it. Waiting for that, not a fixed time, also keeps it from being
        # taken for the event the new user causes.
        first = await asyncio.wait_for(live.receive_json(), timeout=5)
        assert first == {"type": "queue"}
        await queue_user(gateway_database)
        event = await asyncio.wait_for(live.receive_json(), timeout=5)
    assert event == {"type": "queue"}
    assert "Tidak ada yang menunggu" not in await (await agent.get("/console/queue")).text()


async def test_after_hours_a_call_back_number_is_taken_and_shown_to_agents(
    make_gateway: GatewayFactory,
    gateway_database: str,
    fake_rasa: tuple[FakeRasa, TestServer],
    aiohttp_client: Any,
) -> None:
    rasa, _ = fake_rasa
    await prepare(gateway_database)
    user = await make_gateway()
    agent = await aiohttp_client(user.server)
    await signed_in(agent, "siti", PASSWORD)
    engine = create_engine(gateway_database)
    async with create_sessionmaker(engine)() as session:
        await request_callback(session, CONVERSATION, "request")  # waiting for its number
    await engine.dispose()
    async with chat_window(user, TOKEN) as socket:
        await say(socket, "m1", "telp aja ke 0812-3456-7890 ya")
        noted = await next_message(socket)
    assert "+6281234567890 sudah kami catat" in noted["text"]
    assert rasa.received == []  # the number never went to the NLU as a question
    queue = await (await agent.get("/console")).text()
    assert 'data-console="callback-item"' in queue and "+6281234567890" in queue
    handoff_id = re.search(r"/console/callbacks/(\d+)/done", queue)  # bot/console/duty.py
    assert handoff_id is not None
    done = await agent.post(
        f"/console/callbacks/{handoff_id.group(1)}/done",
        data={"csrf_token": csrf_in(queue)},
        allow_redirects=False,
    )
    assert done.headers["Location"] == "/console?pesan=sudah-ditelepon"
    assert 'data-console="callback-item"' not in await (await agent.get("/console")).text()
