"""The web live chat's websocket through the gateway on a fake Rasa (browser tests: e2e)."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.channels.web import conversation_for
from tests.bot.conftest import FakeRasa, GatewayFactory

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
    async with gateway.ws_connect("/chat/ws") as socket:
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
    async with gateway.ws_connect(f"/chat/ws?session={TOKEN}") as socket:
        await events_until(socket, "history")
        await say(socket, "c1", "biaya reklame")
        await events_until(socket, "message")
    async with gateway.ws_connect(f"/chat/ws?session={TOKEN}") as socket:
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
    async with gateway.ws_connect(f"/chat/ws?session={TOKEN}") as socket:
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
    async with gateway.ws_connect(f"/chat/ws?session={TOKEN}") as socket:
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


async def test_a_flood_is_held_back_with_one_notice(
    make_gateway: GatewayFactory, fake_rasa: tuple[FakeRasa, TestServer]
) -> None:
    rasa, _ = fake_rasa
    gateway = await make_gateway(conversation_rate_limit="3/minute")
    async with gateway.ws_connect(f"/chat/ws?session={TOKEN}") as socket:
        await events_until(socket, "history")
        for number in range(6):
            await say(socket, f"c{number}", f"cek status PTSP-2025-AAAA{number:02d}")
        events = await quiet_for(socket, 1.5)
    texts = [e["text"] for e in events if e["type"] == "message"]
    assert len(rasa.received) == 3
    assert sum("terlalu banyak" in text for text in texts) == 1
    assert sum(text.startswith("jawaban:") for text in texts) == 3


async def test_another_visitors_conversation_cannot_be_read(make_gateway: GatewayFactory) -> None:
    gateway = await make_gateway()
    async with gateway.ws_connect(f"/chat/ws?session={TOKEN}") as socket:
        await events_until(socket, "history")
        await say(socket, "c1", "cek status PTSP-2025-7KQ4MZ")
        await events_until(socket, "message")
    # The conversation id is not a session token: using it starts a new conversation.
    guessed = conversation_for(TOKEN).removeprefix("web:")
    async with gateway.ws_connect(f"/chat/ws?session={guessed}") as socket:
        session, history = await events_until(socket, "history")
    assert history["messages"] == []
    assert session["token"] == guessed
