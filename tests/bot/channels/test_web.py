"""The web live chat's websocket through the gateway on a fake Rasa (browser tests: e2e)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from sqlalchemy import select

from bot.channels.web import conversation_for
from bot.channels.web_widget import PLACEHOLDER, widget_script
from bot.console.queue import conversation_url
from bot.conversation.notices import SLOW_DOWN
from bot.keys import SESSIONS
from permits.db import create_engine, create_sessionmaker
from permits.handoff import request_handoff
from permits.models import Message
from permits.texts import DOMAIN, catalogue
from tests.bot.conftest import FakeRasa, GatewayFactory, chat_window, open_chat
from tests.bot.console.conftest import add_staff, csrf_in, signed_in

Client = TestClient[web.Request, web.Application]
Socket = aiohttp.ClientWebSocketResponse
TOKEN = "pengunjung-situs-0123456789abcdef"


async def events_until(socket: Socket, kind: str, seconds: float = 5) -> list[dict[str, Any]]:
    """Every event received up to and including the first of `kind`."""
    seen: list[dict[str, Any]] = []
    while not seen or seen[-1]["type"] != kind:
        seen.append(await asyncio.wait_for(socket.receive_json(), timeout=seconds))
    return seen


async def quiet_for(socket: Socket, seconds: float) -> list[dict[str, Any]]:
    """Events that arrive within `seconds` (none expected, usually)."""
    seen: list[dict[str, Any]] = []
    try:
        while True:
            seen.append(await asyncio.wait_for(socket.receive_json(), timeout=seconds))
    except TimeoutError:
        return seen


async def say(socket: Socket, client_id: str, text: str) -> None:
    await socket.send_json({"type": "message", "id": client_id, "text": text})


async def test_a_new_visitor_gets_a_session_and_an_answer(
    make_gateway: GatewayFactory, fake_rasa: tuple[FakeRasa, TestServer]
) -> None:
    rasa, _ = fake_rasa
    gateway = await make_gateway()
    async with chat_window(gateway) as socket:
        session, history = await events_until(socket, "history")
        assert session["type"] == "session" and len(session["token"]) >= 20
        assert history["messages"] == []
        await say(socket, "c1", "syarat pbg")
        events = await events_until(socket, "message")
    assert [e["type"] for e in events] == ["received", "typing", "message"]
    assert events[-1]["text"] == "jawaban: syarat pbg"
    assert rasa.received == [(conversation_for(session["token"]), "syarat pbg")]


async def test_reconnecting_with_the_token_shows_the_history(make_gateway: GatewayFactory) -> None:
    gateway = await make_gateway()
    async with chat_window(gateway, TOKEN) as socket:
        await events_until(socket, "history")
        await say(socket, "c1", "biaya reklame")
        await events_until(socket, "message")
    async with chat_window(gateway, TOKEN) as socket:
        session, history = await events_until(socket, "history")
    assert session["token"] == TOKEN
    assert [(m["from"], m["text"]) for m in history["messages"]] == [
        ("user", "biaya reklame"),
        ("bot", "jawaban: biaya reklame"),
    ]


async def test_a_message_resent_after_a_reconnect_is_answered_once(
    make_gateway: GatewayFactory, fake_rasa: tuple[FakeRasa, TestServer]
) -> None:
    rasa, _ = fake_rasa
    gateway = await make_gateway()
    async with chat_window(gateway, TOKEN) as socket:
        await events_until(socket, "history")
        await say(socket, "same-id", "lama proses nib")
        await events_until(socket, "message")
        await say(socket, "same-id", "lama proses nib")
        again = await quiet_for(socket, 1.0)
    assert [e["type"] for e in again] == ["received"]  # acknowledged, not answered again
    assert len(rasa.received) == 1


async def test_bad_frames_get_an_indonesian_explanation(
    make_gateway: GatewayFactory, fake_rasa: tuple[FakeRasa, TestServer]
) -> None:
    rasa, _ = fake_rasa
    gateway = await make_gateway()  # max_message_chars is 200 in these tests
    async with chat_window(gateway, TOKEN) as socket:
        await events_until(socket, "history")
        await socket.send_str("bukan json")
        not_json = await events_until(socket, "error")
        await say(socket, "c1", "   ")
        empty = await events_until(socket, "error")
        await say(socket, "c2", "x" * 201)
        too_long = await events_until(socket, "error")
        await socket.send_json({"type": "message", "id": "bad id!", "text": "halo"})
        bad_id = await events_until(socket, "error")
    assert not_json[-1]["text"] == "Format pesan tidak dikenal."
    assert "kosong" in empty[-1]["text"]
    assert "terlalu panjang" in too_long[-1]["text"]
    assert bad_id[-1]["text"] == "Format pesan tidak dikenal."
    assert rasa.received == []


async def inbound_texts(client: Client) -> list[str]:
    async with client.app[SESSIONS]() as session:
        rows = await session.scalars(
            select(Message.text).where(Message.direction == "in").order_by(Message.id)
        )
        return list(rows.all())


async def test_a_flood_is_dropped_unstored_and_each_dropped_message_is_told(
    make_gateway: GatewayFactory, fake_rasa: tuple[FakeRasa, TestServer]
) -> None:
    """Over the conversation's limit, frames are neither stored nor sent to Rasa; each
    gets an error with its id (the widget stops resending it). Fails on 538ba62, which
    stored every frame of the flood."""
    rasa, _ = fake_rasa
    gateway = await make_gateway(conversation_rate_limit="3/minute")
    async with chat_window(gateway, TOKEN) as socket:
        await events_until(socket, "history")
        for number in range(6):
            await say(socket, f"c{number}", f"cek status PTSP-2025-AAAA{number:02d}")
        events = await quiet_for(socket, 1.5)
    answers = [e["text"] for e in events if e["type"] == "message"]
    dropped = [e for e in events if e["type"] == "error"]
    assert len(rasa.received) == 3 and len(answers) == 3
    assert all(text.startswith("jawaban:") for text in answers)
    assert sorted(e["id"] for e in dropped) == ["c3", "c4", "c5"]
    assert all(e["text"] == SLOW_DOWN for e in dropped)
    assert len(await inbound_texts(gateway)) == 3


async def test_a_flood_written_in_english_is_told_in_english(
    make_gateway: GatewayFactory, fake_rasa: tuple[FakeRasa, TestServer]
) -> None:
    gateway = await make_gateway(conversation_rate_limit="1/minute")
    async with chat_window(gateway, TOKEN) as socket:
        await events_until(socket, "history")
        for number in range(2):
            await say(socket, f"e{number}", f"how long does the building permit take? ({number})")
        events = await quiet_for(socket, 1.5)
    [dropped] = [e for e in events if e["type"] == "error"]
    assert (dropped["id"], dropped["text"]) == (
        "e1",
        "You have sent too many messages in a short time. Please wait a moment "
        "before sending another message.",
    )


async def test_new_connections_do_not_reset_the_limit_of_an_address(
    make_gateway: GatewayFactory, fake_rasa: tuple[FakeRasa, TestServer]
) -> None:
    """Reconnecting without the session starts a new conversation, with a fresh limit of
    its own; the address's limit still holds. Fails on 538ba62 (no limit per address)."""
    gateway = await make_gateway(web_message_limit_per_address="4/minute")
    told: list[dict[str, Any]] = []
    for visit in range(3):
        async with chat_window(gateway) as socket:
            await events_until(socket, "history")
            for number in range(2):
                await say(socket, f"v{visit}-{number}", f"syarat izin {visit}{number}")
            told += await quiet_for(socket, 0.8)
    assert [e["id"] for e in told if e["type"] == "error"] == ["v2-0", "v2-1"]
    assert len(await inbound_texts(gateway)) == 4
    assert len(fake_rasa[0].received) == 4


async def test_too_many_connections_from_one_address_are_refused(
    make_gateway: GatewayFactory,
) -> None:
    """Fails on 538ba62, which accepted any number of connections."""
    gateway = await make_gateway(web_connection_limit_per_address="3/minute", trusted_proxy_hops=1)
    crowd = {"X-Forwarded-For": "203.0.113.9"}
    for _ in range(3):
        async with chat_window(gateway, headers=crowd) as socket:
            await events_until(socket, "history")
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await open_chat(gateway, headers=crowd)
    assert refused.value.status == 429
    async with chat_window(gateway, headers={"X-Forwarded-For": "198.51.100.4"}) as other:
        await events_until(other, "history")


async def test_another_visitors_conversation_cannot_be_read(make_gateway: GatewayFactory) -> None:
    gateway = await make_gateway()
    async with chat_window(gateway, TOKEN) as socket:
        await events_until(socket, "history")
        await say(socket, "c1", "cek status PTSP-2025-7KQ4MZ")
        await events_until(socket, "message")
    # The conversation id is not a session token: using it starts a new conversation.
    guessed = conversation_for(TOKEN).removeprefix("web:")
    async with chat_window(gateway, guessed) as socket:
        session, history = await events_until(socket, "history")
    assert history["messages"] == []
    assert session["token"] == guessed


async def test_the_session_token_travels_in_the_first_frame_not_the_url(
    make_gateway: GatewayFactory,
) -> None:
    """The token resumes a conversation only from the first frame; in the URL (where
    access and proxy logs keep it) it opens nothing. Fails on 538ba62, where
    ?session= in the URL was the way to resume."""
    gateway = await make_gateway()
    async with chat_window(gateway, TOKEN) as socket:
        session, _ = await events_until(socket, "history")
        assert session["token"] == TOKEN
        await say(socket, "c1", "jam buka")
        await events_until(socket, "message")
    async with gateway.ws_connect(f"/chat/ws?session={TOKEN}") as socket:
        await socket.send_json({"type": "hello"})
        session, history = await events_until(socket, "history")
    assert session["token"] != TOKEN and history["messages"] == []
    async with chat_window(gateway, TOKEN) as socket:
        _, history = await events_until(socket, "history")
    assert [m["text"] for m in history["messages"]] == ["jam buka", "jawaban: jam buka"]


def widget_texts(script: str) -> dict[str, Any]:
    """The texts object the gateway wrote into widget.js."""
    start = script.index("var T = ") + len("var T = ")
    texts, _ = json.JSONDecoder().raw_decode(script[start:])
    assert isinstance(texts, dict)
    return texts


async def test_the_widget_script_carries_its_texts_from_the_catalogue(
    make_gateway: GatewayFactory,
) -> None:
    gateway = await make_gateway()
    response = await gateway.get("/widget.js")
    assert response.status == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    script = await response.text()
    assert PLACEHOLDER not in script
    texts = widget_texts(script)
    assert texts["send"] == "Kirim"
    assert texts["greeting"].startswith("Halo! Saya asisten virtual {title}.")
    assert texts["starters"] == [
        "Syarat PBG",
        "Biaya izin usaha",
        "Cek status permohonan",
        "Bicara dengan petugas",
    ]


def test_a_translated_catalogue_translates_the_widget(tmp_path: Path) -> None:
    english = Catalog(locale="en", domain=DOMAIN)
    english.add("Kirim", "Send")
    english.add("Syarat PBG", "Building permit requirements")
    folder = tmp_path / "en" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / f"{DOMAIN}.mo").open("wb") as mo:
        write_mo(mo, english)
    texts = widget_texts(widget_script(catalogue("en", tmp_path)).decode())
    assert texts["send"] == "Send"
    assert texts["starters"][0] == "Building permit requirements"
    assert texts["typing"] == "Asisten sedang mengetik"  # not translated: the source text


# --- presence: who attends the conversation, typing (bot/channels/web_presence.py) ---

AGENT_PASSWORD = "sandi-petugas-rahasia-9"


async def queue_for_an_agent(database_url: str, conversation_id: str) -> int:
    """The conversation waits for an agent, as the action server queues it."""
    engine = create_engine(database_url)
    async with create_sessionmaker(engine)() as session:
        queued = await request_handoff(session, conversation_id, "request")
    await engine.dispose()
    return queued.handoff_id


async def agent_console(gateway: Client, aiohttp_client: Any, database_url: str) -> Client:
    """The agent "siti" (full name "Siti") signed in to the console, in another browser."""
    await add_staff(database_url, "siti", "agent", AGENT_PASSWORD)
    agent: Client = await aiohttp_client(gateway.server)
    await signed_in(agent, "siti", AGENT_PASSWORD)
    return agent


async def take_over(agent: Client, database_url: str, conversation_id: str) -> str:
    """The agent claims the queued conversation in the console; its page's HTML."""
    handoff_id = await queue_for_an_agent(database_url, conversation_id)
    token = csrf_in(await (await agent.get("/console")).text())
    claimed = await agent.post(
        f"/console/handoffs/{handoff_id}/claim",
        data={"csrf_token": token, "conversation_id": conversation_id},
        allow_redirects=False,
    )
    assert claimed.status == 303
    return await (await agent.get(conversation_url(conversation_id))).text()


@contextlib.asynccontextmanager
async def window_held_by(
    agent: Client, gateway: Client, database_url: str
) -> AsyncIterator[Socket]:
    """The applicant's chat window, once the agent has taken the conversation over."""
    async with chat_window(gateway, TOKEN) as socket:
        await events_until(socket, "history")
        await say(socket, "c1", "minta petugas")
        await events_until(socket, "message")
        await take_over(agent, database_url, conversation_for(TOKEN))
        await quiet_for(socket, 0.8)  # the notice of the agent joining
        yield socket


async def test_an_agent_taking_over_is_announced_and_the_bot_shows_no_typing(
    make_gateway: GatewayFactory,
    gateway_database: str,
    fake_rasa: tuple[FakeRasa, TestServer],
    aiohttp_client: Any,
) -> None:
    """Fails before presence: nothing told the applicant, and every held message got
    the bot's typing dots, which then stayed for 20 s with no answer coming."""
    rasa, _ = fake_rasa
    gateway = await make_gateway()
    agent = await agent_console(gateway, aiohttp_client, gateway_database)
    conversation_id = conversation_for(TOKEN)
    async with chat_window(gateway, TOKEN) as socket:
        await events_until(socket, "history")
        await say(socket, "c1", "mau bicara dengan petugas")
        await events_until(socket, "message")
        page = await take_over(agent, gateway_database, conversation_id)
        joined = await quiet_for(socket, 1.0)
        assert {"type": "agent", "name": "Siti"} in joined  # the header names the agent
        notices = [(e["from"], e["text"]) for e in joined if e["type"] == "message"]
        assert notices == [
            ("system", "Petugas Siti bergabung dalam percakapan dan akan membantu Anda.")
        ]

        await say(socket, "c2", "halo, masih di sana?")
        held = await quiet_for(socket, 1.0)
        assert [e["type"] for e in held] == ["received"]  # no dots: the agent answers
        assert len(rasa.received) == 1

        back = await agent.post(
            conversation_url(conversation_id) + "/hand-back",
            data={"csrf_token": csrf_in(page)},
            allow_redirects=False,
        )
        assert back.status == 303
        returned = await quiet_for(socket, 1.0)
        assert {"type": "agent", "name": None} in returned
        said = [e["text"] for e in returned if e["type"] == "message"]
        assert "kami kembalikan ke asisten virtual" in said[0]

        await say(socket, "c3", "syarat pbg")
        answered = await events_until(socket, "message")
    assert [e["type"] for e in answered] == ["received", "typing", "message"]  # the bot again


async def test_a_reopened_window_knows_an_agent_holds_the_conversation(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    gateway = await make_gateway()
    agent = await agent_console(gateway, aiohttp_client, gateway_database)
    async with chat_window(gateway, TOKEN) as socket:
        _, history = await events_until(socket, "history")
        assert history["agent"] is None
        await say(socket, "c1", "halo")
        await events_until(socket, "message")
    await take_over(agent, gateway_database, conversation_for(TOKEN))
    async with chat_window(gateway, TOKEN) as socket:
        _, history = await events_until(socket, "history")
    assert history["agent"] == "Siti"
    assert history["messages"][-1]["text"].startswith("Petugas Siti bergabung")


async def test_an_english_speaking_applicant_is_told_in_english(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    gateway = await make_gateway()
    agent = await agent_console(gateway, aiohttp_client, gateway_database)
    async with chat_window(gateway, TOKEN) as socket:
        await events_until(socket, "history")
        await say(socket, "c1", "Can I talk to an officer about my business license, please?")
        await events_until(socket, "message")
        await take_over(agent, gateway_database, conversation_for(TOKEN))
        joined = await quiet_for(socket, 1.0)
    said = [e["text"] for e in joined if e["type"] == "message"]
    assert said == ["Agent Siti has joined the conversation and will help you."]


async def test_the_agents_typing_reaches_the_window_of_the_conversation_they_hold(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    gateway = await make_gateway()
    agent = await agent_console(gateway, aiohttp_client, gateway_database)
    await add_staff(gateway_database, "budi", "agent", AGENT_PASSWORD)
    other: Client = await aiohttp_client(gateway.server)
    await signed_in(other, "budi", AGENT_PASSWORD)
    async with window_held_by(agent, gateway, gateway_database) as socket:
        typing = {"type": "typing", "conversation_id": conversation_for(TOKEN)}
        async with other.ws_connect("/console/ws") as not_holding:
            await not_holding.send_json(typing)  # another agent cannot type in it
            assert await quiet_for(socket, 0.8) == []
        async with agent.ws_connect("/console/ws") as holding:
            for _ in range(3):  # keystrokes: one event per few seconds is enough
                await holding.send_json(typing)
            shown = await quiet_for(socket, 0.8)
    assert shown == [{"type": "typing", "from": "agent"}]


async def test_the_agent_emptying_the_reply_box_takes_their_typing_back_at_once(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    """Fails while the window's "Petugas sedang mengetik" could only time out (6 s after
    the agent's last keystroke), though the agent had deleted what they wrote."""
    gateway = await make_gateway()
    agent = await agent_console(gateway, aiohttp_client, gateway_database)
    async with window_held_by(agent, gateway, gateway_database) as socket:
        typing = {"type": "typing", "conversation_id": conversation_for(TOKEN)}
        async with agent.ws_connect("/console/ws") as console:
            await console.send_json(typing)
            await console.send_json(typing | {"stopped": True})  # within the typing throttle
            await console.send_json(typing)  # typing again: news, not throttled
            shown = await quiet_for(socket, 0.8)
    assert shown == [
        {"type": "typing", "from": "agent"},
        {"type": "typing", "from": "agent", "stopped": True},
        {"type": "typing", "from": "agent"},
    ]
