"""bot/conversation/flood.py: the flood limit per conversation.

The channels' floods (one notice, a flood of photos) are in tests/bot/test_bad_input.py,
the web chat's in tests/bot/channels/test_web.py."""

from __future__ import annotations

from aiohttp.test_utils import TestServer
from sqlalchemy import select

from bot.keys import SESSIONS
from permits.models import Message
from tests.bot.conftest import (
    FakeRasa,
    GatewayFactory,
    send,
)


async def test_the_api_has_the_channels_flood_limit(
    make_gateway: GatewayFactory, fake_rasa: tuple[FakeRasa, TestServer]
) -> None:
    fake, _ = fake_rasa
    client = await make_gateway(conversation_rate_limit="3/minute")
    answered = [await send(client, "api:flood", f"syarat pbg {n}") for n in range(3)]
    assert [status for status, _ in answered] == [200, 200, 200]
    status, body = await send(client, "api:flood", "syarat pbg lagi")
    assert status == 429
    assert "terlalu banyak" in body["messages"][0]["text"]
    assert len(fake.received) == 3  # the fourth never reached Rasa
    # Kept in the transcript as limited, and another conversation is still answered.
    async with client.app[SESSIONS]() as session:
        states = (
            await session.scalars(
                select(Message.state).where(
                    Message.conversation_id == "api:flood", Message.direction == "in"
                )
            )
        ).all()
    assert sorted(states) == ["answered", "answered", "answered", "limited"]
    assert (await send(client, "api:other", "syarat pbg"))[0] == 200
