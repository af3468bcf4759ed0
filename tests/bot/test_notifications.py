"""Status-change notifications: one message per subscriber, on its own channel, exactly once.

Telegram and WhatsApp go to their fake servers, the web chat to an open
websocket; the status changes through the gateway's API and through the data
layer. That each is sent exactly once even when the gateway is killed mid-send is
tests/bot/conversation/test_delivery.py.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.keys import DELIVERY
from permits.db import create_engine, create_sessionmaker
from permits.progress import StatusChange, change_status
from tests.bot.conftest import (
    STATUS_TOKEN,
    GatewayFactory,
    channel_settings,
    chat_window,
    settled,
)
from tests.bot.subscribers import (
    TELEGRAM_CHAT,
    WEB_TOKEN,
    WHATSAPP_NUMBER,
    notifications_of,
    subscribe_three_channels,
)
from tests.fakes.telegram import FakeTelegram
from tests.fakes.twilio import FakeTwilio

Client = TestClient[web.Request, web.Application]


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

        # Several delivery rounds later, still one each: rounds run here, not waited for.
        await settled(gateway.app)
        for _ in range(3):
            assert await gateway.app[DELIVERY].deliver_due() == 0
        await no_more_chat_messages(socket, 0.2)  # nothing already on its way either
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
