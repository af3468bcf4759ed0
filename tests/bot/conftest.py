"""What the gateway's tests share: a fake Rasa server speaking the gateway channel's
wire format (engine/channel.py), gateways on it, and waits on a state instead of
fixed sleeps (`until`, `settled`)."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, or_, select

from bot.app import create_app
from bot.keys import DELIVERY, SESSIONS, TURNS
from bot.settings import GatewaySettings
from permits.db import migrate
from permits.models import Message, utcnow
from permits.states import MessageDirection, MessageState
from tests.fakes.telegram import TOKEN as TELEGRAM_TOKEN
from tests.fakes.telegram import FakeTelegram
from tests.fakes.twilio import ACCOUNT_SID, AUTH_TOKEN, WHATSAPP_FROM, FakeTwilio

if TYPE_CHECKING:
    from tests.bot.drivers import World, WorldFactory

RASA_TOKEN = "fake-rasa-token"
API_TOKEN = "test-api-token"
STATUS_TOKEN = "test-status-token"
AUTH = {"Authorization": f"Bearer {API_TOKEN}"}


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
    started: list[str] = field(default_factory=list)  # texts whose answer is under way
    faq_topics: dict[str, str] = field(default_factory=dict)  # text → FAQ sub-intent chosen

    async def webhook(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {RASA_TOKEN}":
            return web.json_response({"error": "unauthorised"}, status=401)
        if self.down:
            return web.json_response({"error": "restarting"}, status=503)
        if self.failures_left:
            self.failures_left -= 1
            return web.json_response({"error": "restarting"}, status=500)
        body = await request.json()
        self.started.append(body["message"])
        await asyncio.sleep(self.delays.get(body["message"], 0))
        self.received.append((body["sender"], body["message"]))
        self.repeats.append(body.get("repeat"))
        answer = {
            "recipient_id": body["sender"],
            "text": self.replies.get(body["message"], f"jawaban: {body['message']}"),
            "buttons": self.buttons,
        }
        name, confidence = self.intents.get(body["message"], ("ask_fee", 0.93))
        topic = self.faq_topics.get(body["message"])
        selector = {"faq": {"response": {"intent_response_key": f"faq/{topic}"}}}
        return web.json_response(
            {
                "messages": [] if self.silent else [answer],
                "intent": {"name": name, "confidence": confidence},
                "entities": [],
                "intent_ranking": [{"name": name, "confidence": confidence}],
                "response_selector": selector if topic else {},
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


Client = TestClient[web.Request, web.Application]
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


@pytest.fixture
async def telegram_gateway(
    make_gateway: GatewayFactory, fake_telegram: tuple[FakeTelegram, TestServer]
) -> TestClient[web.Request, web.Application]:
    """A gateway with Telegram in webhook mode against the fake Bot API."""
    _, server = fake_telegram
    return await make_gateway(**telegram_settings(server))


def whatsapp_settings(server: TestServer) -> dict[str, Any]:
    """Gateway settings for WhatsApp against the fake Twilio."""
    return {
        "public_url": PUBLIC_URL,
        "twilio_account_sid": ACCOUNT_SID,
        "twilio_auth_token": AUTH_TOKEN,
        "twilio_whatsapp_from": WHATSAPP_FROM,
        "twilio_api_url": str(server.make_url("")).rstrip("/"),
    }


def channel_settings(telegram: TestServer, twilio: TestServer) -> dict[str, Any]:
    """Gateway settings for both Telegram and WhatsApp against their fakes."""
    return telegram_settings(telegram) | whatsapp_settings(twilio)


@pytest.fixture
async def fakes(
    fake_telegram: tuple[FakeTelegram, TestServer], fake_twilio: tuple[FakeTwilio, TestServer]
) -> tuple[FakeTelegram, TestServer, FakeTwilio, TestServer]:
    return (*fake_telegram, *fake_twilio)


@pytest.fixture
def make_world(
    make_gateway: GatewayFactory,
    fake_rasa: tuple[FakeRasa, TestServer],
    fake_telegram: tuple[FakeTelegram, TestServer],
    fake_twilio: tuple[FakeTwilio, TestServer],
) -> WorldFactory:
    """One gateway with every entry point on (Telegram webhook, WhatsApp, API, web chat),
    driven through tests/bot/drivers.py."""
    from tests.bot.drivers import World  # the drivers import this module

    async def make(**overrides: Any) -> World:
        settings = telegram_settings(fake_telegram[1]) | whatsapp_settings(fake_twilio[1])
        client = await make_gateway(**(settings | overrides))
        return World(client, fake_rasa[0], fake_telegram[0], fake_twilio[0])

    return make


@pytest.fixture
async def world(make_world: WorldFactory) -> World:
    return await make_world()


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


async def until(condition: Callable[[], bool | Awaitable[bool]], seconds: float = 10) -> None:
    """Wait until `condition` holds, checking often; fail when it does not within `seconds`."""
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        result = condition()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"not reached within {seconds} s")
        await asyncio.sleep(0.02)


async def settled(app: web.Application, seconds: float = 10) -> None:
    """Wait until the gateway has nothing left to do in the background: every turn in
    progress has finished and no reply is due for sending. Only then does asserting
    that something did NOT happen prove it, which a fixed sleep cannot."""
    await app[TURNS].close()  # waits for the turns in progress; the gateway keeps running
    app[DELIVERY].wake()

    async def nothing_due() -> bool:
        async with app[SESSIONS]() as session:
            due = await session.scalar(
                select(func.count())
                .select_from(Message)
                .where(
                    Message.direction == MessageDirection.OUT,
                    Message.state == MessageState.QUEUED,
                    or_(Message.next_attempt_at.is_(None), Message.next_attempt_at <= utcnow()),
                )
            )
        return not due

    await until(nothing_due, seconds)


# --- the HTTP API, as a caller uses it ------------------------------------------------


async def send(client: Client, conversation: str, text: str) -> tuple[int, dict[str, Any]]:
    """One message through the HTTP API: the status and the JSON answer."""
    response = await client.post(
        "/api/messages", json={"conversation_id": conversation, "text": text}, headers=AUTH
    )
    return response.status, await response.json()


async def conversation_has(client: Client, conversation: str, stored: int) -> bool:
    """Whether `stored` messages of the conversation have been received (stored)."""
    async with client.app[SESSIONS]() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(Message)
            .where(Message.conversation_id == conversation, Message.direction == "in")
        )
    return count == stored


async def settled_reply(client: Client, conversation: str, seconds: float = 10) -> Message:
    """The bot's reply in the conversation once delivery is done with it (not queued)."""
    query = select(Message).where(
        Message.conversation_id == conversation,
        Message.direction == "out",
        Message.state != "queued",
    )
    async with asyncio.timeout(seconds):
        while True:
            async with client.app[SESSIONS]() as session:
                reply = await session.scalar(query)
            if reply is not None:
                return reply
            await asyncio.sleep(0.1)
