"""A fake Rasa server speaking the gateway channel's wire format (engine/channel.py)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from bot.settings import GatewaySettings
from permits.db import migrate
from tests.fakes.telegram import TOKEN as TELEGRAM_TOKEN
from tests.fakes.telegram import FakeTelegram
from tests.fakes.twilio import ACCOUNT_SID, AUTH_TOKEN, WHATSAPP_FROM, FakeTwilio

RASA_TOKEN = "fake-rasa-token"
API_TOKEN = "test-api-token"
STATUS_TOKEN = "test-status-token"


@dataclass
class FakeRasa:
    received: list[tuple[str, str]] = field(default_factory=list)
    delays: dict[str, float] = field(default_factory=dict)  # message text → seconds
    failures_left: int = 0
    buttons: list[dict[str, str]] = field(default_factory=list)
    silent: bool = False  # answer with no bot messages
    replies: dict[str, str] = field(default_factory=dict)  # message text → answer text
    down: bool = False  # refuse every request, like a Rasa that is restarting
    parsed: list[str] = field(default_factory=list)  # texts read by the NLU-only endpoint
    readings: dict[str, dict[str, Any]] = field(default_factory=dict)  # text → parse result
    intents: dict[str, tuple[str, float]] = field(default_factory=dict)  # text → intent, score
    repeats: list[bool | None] = field(default_factory=list)  # the "repeat" of each received

    async def webhook(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {RASA_TOKEN}":
            return web.json_response({"error": "unauthorised"}, status=401)
        if self.down:
            return web.json_response({"error": "restarting"}, status=503)
        if self.failures_left:
            self.failures_left -= 1
            return web.json_response({"error": "restarting"}, status=500)
        body = await request.json()
        await asyncio.sleep(self.delays.get(body["message"], 0))
        self.received.append((body["sender"], body["message"]))
        self.repeats.append(body.get("repeat"))
        answer = {
            "recipient_id": body["sender"],
            "text": self.replies.get(body["message"], f"jawaban: {body['message']}"),
            "buttons": self.buttons,
        }
        name, confidence = self.intents.get(body["message"], ("ask_fee", 0.93))
        return web.json_response(
            {
                "messages": [] if self.silent else [answer],
                "intent": {"name": name, "confidence": confidence},
                "entities": [],
                "intent_ranking": [{"name": name, "confidence": confidence}],
            }
        )

    async def health(self, request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"}, status=503 if self.down else 200)

    async def parse(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {RASA_TOKEN}":
            return web.json_response({"error": "unauthorised"}, status=401)
        if self.down:
            return web.json_response({"error": "restarting"}, status=503)
        text = (await request.json())["text"]
        self.parsed.append(text)
        default = {
            "intent": {"name": "ask_fee", "confidence": 0.93},
            "entities": [],
            "intent_ranking": [{"name": "ask_fee", "confidence": 0.93}],
        }
        return web.json_response(self.readings.get(text, default))


@pytest.fixture
async def fake_rasa(aiohttp_server: Callable[..., Any]) -> tuple[FakeRasa, TestServer]:
    fake = FakeRasa()
    app = web.Application()
    app.router.add_post("/webhooks/gateway/webhook", fake.webhook)
    app.router.add_post("/webhooks/gateway/parse", fake.parse)
    app.router.add_get("/webhooks/gateway/", fake.health)
    return fake, await aiohttp_server(app)


@pytest.fixture
async def gateway_database(tmp_path: Path) -> str:
    """A migrated SQLite database for the gateway's transcripts and outbox."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'gateway.db'}"
    await migrate(url)
    return url


def settings_for(rasa_url: str, database_url: str, **overrides: Any) -> GatewaySettings:
    values: dict[str, Any] = {
        "rasa_url": rasa_url,
        "database_url": database_url,
        "delivery_poll_seconds": 0.2,
        "recovery_interval_seconds": 0.5,
        "rasa_token": RASA_TOKEN,
        "api_token": API_TOKEN,
        "status_token": STATUS_TOKEN,
        "rasa_retry_seconds": 1.5,
        "max_message_chars": 200,
    }
    values.update(overrides)
    return GatewaySettings(**values)


@pytest.fixture
async def gateway(
    fake_rasa: tuple[FakeRasa, TestServer],
    gateway_database: str,
    aiohttp_client: Callable[..., Any],
) -> TestClient[web.Request, web.Application]:
    _, server = fake_rasa
    client: TestClient[web.Request, web.Application] = await aiohttp_client(
        create_app(settings_for(str(server.make_url("")), gateway_database))
    )
    return client


GatewayFactory = Callable[..., Awaitable[TestClient[web.Request, web.Application]]]


@pytest.fixture
def make_gateway(
    fake_rasa: tuple[FakeRasa, TestServer],
    gateway_database: str,
    aiohttp_client: Callable[..., Any],
) -> GatewayFactory:
    """A gateway on the fake Rasa with some settings changed (channels switched on...)."""

    async def make(**overrides: Any) -> TestClient[web.Request, web.Application]:
        _, server = fake_rasa
        settings = settings_for(str(server.make_url("")), gateway_database, **overrides)
        client: TestClient[web.Request, web.Application] = await aiohttp_client(
            create_app(settings)
        )
        return client

    return make


PUBLIC_URL = "https://izin.sukamaju.go.id"
TELEGRAM_SECRET = "rahasia-webhook-telegram-123"


@pytest.fixture
async def fake_telegram(aiohttp_server: Callable[..., Any]) -> tuple[FakeTelegram, TestServer]:
    fake = FakeTelegram()
    return fake, await aiohttp_server(fake.app())


@pytest.fixture
async def fake_twilio(aiohttp_server: Callable[..., Any]) -> tuple[FakeTwilio, TestServer]:
    fake = FakeTwilio()
    return fake, await aiohttp_server(fake.app())


def telegram_settings(server: TestServer) -> dict[str, Any]:
    """Gateway settings for Telegram's webhook mode against the fake Bot API."""
    return {
        "public_url": PUBLIC_URL,
        "telegram_mode": "webhook",
        "telegram_token": TELEGRAM_TOKEN,
        "telegram_secret_token": TELEGRAM_SECRET,
        "telegram_api_url": str(server.make_url("/bot")),
    }


def whatsapp_settings(server: TestServer) -> dict[str, Any]:
    """Gateway settings for WhatsApp against the fake Twilio."""
    return {
        "public_url": PUBLIC_URL,
        "twilio_account_sid": ACCOUNT_SID,
        "twilio_auth_token": AUTH_TOKEN,
        "twilio_whatsapp_from": WHATSAPP_FROM,
        "twilio_api_url": str(server.make_url("")).rstrip("/"),
    }


async def open_chat(
    client: TestClient[web.Request, web.Application], token: str | None = None, **kwargs: Any
) -> aiohttp.ClientWebSocketResponse:
    """A chat window's socket, as the widget opens it: the session token (if any) in the
    first frame, never in the URL."""
    socket = await client.ws_connect("/chat/ws", **kwargs)
    await socket.send_json({"type": "hello", "session": token} if token else {"type": "hello"})
    return socket


@contextlib.asynccontextmanager
async def chat_window(
    client: TestClient[web.Request, web.Application], token: str | None = None, **kwargs: Any
) -> AsyncIterator[aiohttp.ClientWebSocketResponse]:
    socket = await open_chat(client, token, **kwargs)
    try:
        yield socket
    finally:
        await socket.close()
