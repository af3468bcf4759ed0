"""Status-change notifications: one message per subscriber, on its own channel, exactly once.

Telegram and WhatsApp go to their fake servers, the web chat to an open
websocket; the status changes through the gateway's API and through the data
layer. The crash test runs the gateway as a real process and kills it with
SIGKILL while a notification is being sent.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select, update

from bot.channels.web import conversation_for
from devstack.supervisor import free_port
from permits.db import create_engine, create_sessionmaker
from permits.demo import load_demo
from permits.models import Application, Conversation, Message, Subscription, utcnow
from permits.progress import StatusChange, change_status
from permits.transcripts import ensure_conversation
from tests.bot.conftest import (
    API_TOKEN,
    RASA_TOKEN,
    STATUS_TOKEN,
    GatewayFactory,
    chat_window,
    telegram_settings,
    whatsapp_settings,
)
from tests.fakes.telegram import FakeTelegram
from tests.fakes.twilio import FakeTwilio

ROOT = Path(__file__).resolve().parents[2]
PUBLIC_URL = "https://izin.sukamaju.go.id"
TELEGRAM_SECRET = "rahasia-webhook-telegram-123"
TELEGRAM_CHAT = 5550001
WHATSAPP_NUMBER = "+6281234567890"
WEB_TOKEN = "pelanggan-web-token-0123456789"
Client = TestClient[web.Request, web.Application]


@dataclass
class Subscribers:
    number: str
    telegram: str = f"telegram:{TELEGRAM_CHAT}"
    whatsapp: str = f"whatsapp:{WHATSAPP_NUMBER}"
    web: str = conversation_for(WEB_TOKEN)

    @property
    def all(self) -> list[str]:
        return [self.telegram, self.whatsapp, self.web]


async def subscribe_three_channels(database_url: str) -> Subscribers:
    """Demo data, and one application followed from Telegram, WhatsApp and the web chat."""
    engine = create_engine(database_url)
    sessions = create_sessionmaker(engine)
    async with sessions() as session:
        await load_demo(session)
        application = await session.scalar(select(Application).order_by(Application.id))
        assert application is not None
        subscribers = Subscribers(number=application.number)
        for conversation_id in subscribers.all:
            await ensure_conversation(session, conversation_id)
            session.add(
                Subscription(conversation_id=conversation_id, application_id=application.id)
            )
        # The user wrote on WhatsApp an hour ago: inside the 24-hour window.
        await session.execute(
            update(Conversation)
            .where(Conversation.id == subscribers.whatsapp)
            .values(last_inbound_at=utcnow() - timedelta(hours=1))
        )
        await session.commit()
    await engine.dispose()
    return subscribers


async def notifications_of(database_url: str) -> dict[str, list[Message]]:
    engine = create_engine(database_url)
    async with create_sessionmaker(engine)() as session:
        rows = (await session.scalars(select(Message).where(Message.kind == "notification"))).all()
    await engine.dispose()
    found: dict[str, list[Message]] = {}
    for row in rows:
        found.setdefault(row.conversation_id, []).append(row)
    return found


def channel_settings(telegram: TestServer, twilio: TestServer) -> dict[str, Any]:
    return telegram_settings(telegram) | whatsapp_settings(twilio)


@pytest.fixture
async def fakes(
    fake_telegram: tuple[FakeTelegram, TestServer], fake_twilio: tuple[FakeTwilio, TestServer]
) -> tuple[FakeTelegram, TestServer, FakeTwilio, TestServer]:
    return (*fake_telegram, *fake_twilio)


async def next_chat_message(socket: aiohttp.ClientWebSocketResponse) -> dict[str, Any]:
    while True:
        event: dict[str, Any] = await asyncio.wait_for(socket.receive_json(), timeout=8)
        if event["type"] == "message":
            return event


async def no_more_chat_messages(socket: aiohttp.ClientWebSocketResponse, seconds: float) -> None:
    with pytest.raises(TimeoutError):
        await next_chat_message_within(socket, seconds)


async def next_chat_message_within(
    socket: aiohttp.ClientWebSocketResponse, seconds: float
) -> dict[str, Any]:
    return await asyncio.wait_for(next_chat_message(socket), timeout=seconds)


async def test_every_subscriber_hears_of_a_status_change_once_on_its_channel(
    make_gateway: GatewayFactory,
    gateway_database: str,
    fakes: tuple[FakeTelegram, TestServer, FakeTwilio, TestServer],
) -> None:
    telegram, telegram_server, twilio, twilio_server = fakes
    subscribers = await subscribe_three_channels(gateway_database)
    gateway = await make_gateway(**channel_settings(telegram_server, twilio_server))
    async with chat_window(gateway, WEB_TOKEN) as socket:
        response = await gateway.post(
            f"/api/applications/{subscribers.number.lower()}/status",
            json={"status": "perlu_perbaikan", "stage": "Verifikasi teknis", "note": "gambar"},
            headers={"Authorization": f"Bearer {STATUS_TOKEN}"},
        )
        assert response.status == 200, await response.text()

        web_message = await next_chat_message(socket)
        sent_telegram = await telegram.wait_for_sent(1)
        sent_whatsapp = await twilio.wait_for_sent(1)
        for text in (web_message["text"], sent_telegram[0]["text"], sent_whatsapp[0]["Body"]):
            assert subscribers.number in text
            assert "Perlu perbaikan berkas" in text
            assert "Verifikasi teknis" in text
        assert int(sent_telegram[0]["chat_id"]) == TELEGRAM_CHAT
        assert sent_whatsapp[0]["To"] == f"whatsapp:{WHATSAPP_NUMBER}"

        # Several delivery rounds later, still one each.
        await no_more_chat_messages(socket, 1.5)
    assert len(telegram.sent) == 1
    assert len(twilio.sent) == 1
    stored = await notifications_of(gateway_database)
    assert sorted(stored) == sorted(subscribers.all)
    assert all(len(rows) == 1 and rows[0].state == "sent" for rows in stored.values())


async def test_a_change_made_in_the_database_reaches_subscribers_too(
    make_gateway: GatewayFactory,
    gateway_database: str,
    fakes: tuple[FakeTelegram, TestServer, FakeTwilio, TestServer],
) -> None:
    """The import command and the CLI change statuses without the gateway's API."""
    telegram, telegram_server, twilio, twilio_server = fakes
    subscribers = await subscribe_three_channels(gateway_database)
    await make_gateway(**channel_settings(telegram_server, twilio_server))
    engine = create_engine(gateway_database)
    async with create_sessionmaker(engine)() as session:
        await change_status(session, StatusChange(subscribers.number, "selesai"))
    await engine.dispose()
    assert "Selesai, izin terbit" in (await telegram.wait_for_sent(1))[0]["text"]
    assert "Selesai, izin terbit" in (await twilio.wait_for_sent(1))[0]["Body"]
    assert len(telegram.sent) == 1 and len(twilio.sent) == 1


async def test_an_unknown_application_or_status_is_refused_with_a_reason(
    make_gateway: GatewayFactory, gateway_database: str
) -> None:
    subscribers = await subscribe_three_channels(gateway_database)
    gateway = await make_gateway()
    headers = {"Authorization": f"Bearer {STATUS_TOKEN}"}
    missing = await gateway.post(
        "/api/applications/PTSP-2025-ZZZZZZ/status", json={"status": "selesai"}, headers=headers
    )
    assert missing.status == 404
    assert "tidak ditemukan" in (await missing.json())["error"]
    wrong = await gateway.post(
        f"/api/applications/{subscribers.number}/status", json={"status": "beres"}, headers=headers
    )
    assert wrong.status == 400
    assert "diproses" in (await wrong.json())["error"]  # the allowed values are named
    anonymous = await gateway.post(
        f"/api/applications/{subscribers.number}/status", json={"status": "selesai"}
    )
    assert anonymous.status == 401
    assert await notifications_of(gateway_database) == {}


class GatewayProcess:
    """`python -m bot serve` as a real process, so it can be killed with SIGKILL."""

    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.env, self.cwd = env, cwd
        self.port = int(env["TANYA_GATEWAY_PORT"])
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        log = (self.cwd / "gateway.log").open("ab")
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "serve", env=self.env, cwd=self.cwd, stdout=log, stderr=log
        )
        deadline = time.monotonic() + 30
        async with aiohttp.ClientSession() as http:
            while time.monotonic() < deadline:
                try:
                    async with http.get(f"http://127.0.0.1:{self.port}/health") as response:
                        if response.status == 200:
                            return
                except aiohttp.ClientError:
                    await asyncio.sleep(0.2)
        raise AssertionError(f"gateway did not start: {(self.cwd / 'gateway.log').read_text()}")

    async def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.terminate()
            await self.process.wait()


@pytest.fixture
async def gateway_process(
    gateway_database: str,
    fakes: tuple[FakeTelegram, TestServer, FakeTwilio, TestServer],
    tmp_path: Path,
) -> AsyncIterator[GatewayProcess]:
    _, telegram_server, _, twilio_server = fakes
    settings = {
        **channel_settings(telegram_server, twilio_server),
        "database_url": gateway_database,
        "gateway_port": free_port(),
        "rasa_url": "http://127.0.0.1:9",  # no Rasa needed: nothing here asks it
        "rasa_token": RASA_TOKEN,
        "api_token": API_TOKEN,
        "delivery_poll_seconds": 0.3,
        "delivery_lease_seconds": 2,
    }
    env = {key: value for key, value in os.environ.items() if not key.startswith("TANYA_")}
    env.update({f"TANYA_{key.upper()}": str(value) for key, value in settings.items()})
    env["PYTHONPATH"] = str(ROOT)
    process = GatewayProcess(env, cwd=tmp_path)  # tmp_path: no developer's .env is read
    yield process
    await process.stop()


async def test_a_gateway_killed_mid_send_sends_each_notification_exactly_once(
    gateway_database: str,
    gateway_process: GatewayProcess,
    fakes: tuple[FakeTelegram, TestServer, FakeTwilio, TestServer],
) -> None:
    telegram, _, twilio, _ = fakes
    subscribers = await subscribe_three_channels(gateway_database)
    telegram.holding = True  # the Telegram send will hang until the worker is dead
    await gateway_process.start()
    engine = create_engine(gateway_database)
    async with create_sessionmaker(engine)() as session:
        await change_status(session, StatusChange(subscribers.number, "diproses", "Survei lokasi"))
    await engine.dispose()

    assert await telegram.wait_for_held(1) == 1
    await twilio.wait_for_sent(1)  # WhatsApp went out before the crash
    await gateway_process.kill()
    telegram.release()  # the cut-off request never reaches Telegram

    await gateway_process.start()
    sent = await telegram.wait_for_sent(1, seconds=15)
    await asyncio.sleep(3)  # longer than the lease: a second send would show by now
    assert len(sent) == 1 and "Survei lokasi" in sent[0]["text"]
    assert len(twilio.sent) == 1, "the WhatsApp notification sent before the crash is not resent"
    stored = await notifications_of(gateway_database)
    assert {conversation: len(rows) for conversation, rows in stored.items()} == {
        conversation: 1 for conversation in subscribers.all
    }
    assert all(rows[0].state == "sent" for rows in stored.values())
