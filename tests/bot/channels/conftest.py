"""WhatsApp helpers shared by test_whatsapp.py and test_whatsapp_outbound.py: a gateway
with WhatsApp on against the fake Twilio, signed webhook posts and the stored messages."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.keys import SESSIONS
from permits.models import Message
from tests.bot.conftest import PUBLIC_URL, GatewayFactory, whatsapp_settings
from tests.fakes.twilio import TEMPLATE_SID, FakeTwilio, sign, whatsapp_message

BUDI = "+6281234567890"  # applicant of LATE_PBG in the demo data
CONVERSATION = f"whatsapp:{BUDI}"
LATE_PBG = "PTSP-2025-7KQ4MZ"
Client = TestClient[web.Request, web.Application]


@pytest.fixture
def make_whatsapp_gateway(
    make_gateway: GatewayFactory, fake_twilio: tuple[FakeTwilio, TestServer]
) -> GatewayFactory:
    """A gateway with WhatsApp on, talking to the fake Twilio; more settings may change."""

    async def make(**overrides: Any) -> Client:
        _, server = fake_twilio
        settings = whatsapp_settings(server) | {"twilio_notification_content_sid": TEMPLATE_SID}
        return await make_gateway(**(settings | overrides))

    return make


@pytest.fixture
async def whatsapp_gateway(make_whatsapp_gateway: GatewayFactory) -> Client:
    return await make_whatsapp_gateway()


async def deliver(
    client: Client,
    form: dict[str, str],
    headers: dict[str, str] | None = None,
    path: str = "/whatsapp/webhook",
) -> int:
    """Post a form as Twilio does, signed over the public URL unless headers are given."""
    if headers is None:
        headers = sign(PUBLIC_URL + path, form)
    response = await client.post(path, data=form, headers=headers)
    return response.status


async def ask(client: Client, text: str) -> int:
    return await deliver(client, whatsapp_message(BUDI, text))


async def stored(client: Client, direction: str) -> list[Message]:
    async with client.app[SESSIONS]() as session:
        rows = await session.scalars(
            select(Message).where(Message.direction == direction).order_by(Message.id)
        )
        return list(rows.all())


async def outbound_when(
    client: Client, done: Callable[[Message], bool], seconds: float = 8.0
) -> list[Message]:
    """The outbound rows once there are some and `done` holds for all (or time is up)."""
    deadline = time.monotonic() + seconds
    while True:
        rows = await stored(client, "out")
        if (rows and all(done(row) for row in rows)) or time.monotonic() > deadline:
            return rows
        await asyncio.sleep(0.1)
