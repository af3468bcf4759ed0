"""bot/conversation/flood.py and notices.py: the flood limit per conversation, and the
one notice a flood gets, on the API and the webhooks (the web chat's, dropped unstored,
is in tests/bot/channels/test_web.py)."""

from __future__ import annotations

from collections import Counter

import pytest
from aiohttp.test_utils import TestServer
from sqlalchemy import select

from bot.channels.base import NOT_TEXT
from bot.keys import SESSIONS
from permits.models import Message
from tests.bot.conftest import (
    FakeRasa,
    GatewayFactory,
    send,
)
from tests.bot.drivers import (
    DRIVERS,
    TelegramDriver,
    WhatsAppDriver,
    WorldFactory,
    inbound,
    still_answers_others,
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


# max_message_chars is 200 in these tests (tests/bot/conftest.py).
TOO_LONG = "Pesan terlalu panjang (maksimal 200 karakter)."
SLOW_DOWN = (
    "Pesan Anda terlalu banyak dalam waktu singkat. Mohon tunggu sebentar sebelum "
    "mengirim pesan lagi."
)


SLOW_DOWN_EN = (
    "You have sent too many messages in a short time. Please wait a moment "
    "before sending another message."
)
ENGLISH = "how long does the building permit take?"


async def test_the_api_asks_an_applicant_writing_english_to_slow_down_in_english(
    make_gateway: GatewayFactory, fake_rasa: tuple[FakeRasa, TestServer]
) -> None:
    client = await make_gateway(conversation_rate_limit="1/minute")
    assert (await send(client, "api:english-flood", ENGLISH))[0] == 200
    status, body = await send(client, "api:english-flood", ENGLISH + " please")
    assert status == 429
    assert [m["text"] for m in body["messages"]] == [SLOW_DOWN_EN]


# The API answers a flood 429 (above); the web chat drops a flood unstored
# (tests/bot/channels/test_web.py); webhooks' senders are verified by their platforms, so
# theirs is kept, marked limited.
FLOODED = ["telegram", "whatsapp"]


@pytest.mark.parametrize("channel", FLOODED)
async def test_a_flood_gets_one_notice_while_everyone_else_is_answered(
    make_world: WorldFactory, channel: str
) -> None:
    world = await make_world(conversation_rate_limit="3/minute")
    driver = DRIVERS[channel](world)
    try:
        for n in range(10):
            await driver.say(0, f"cek status PTSP-2025-AAAA{n:02d}")
        await still_answers_others(driver)  # while the flood is being held back
        told = await driver.replies(0, 4)
        assert Counter(text.startswith("jawaban:") for text in told) == {True: 3, False: 1}
        assert told.count(SLOW_DOWN) == 1
        states = Counter(row.state for row in await inbound(world, driver.conversation(0)))
        assert states == {"answered": 3, "limited": 7}  # kept, not answered
        assert len([s for s, _ in world.rasa.received if s == driver.conversation(0)]) == 3
    finally:
        await driver.close()


async def test_an_applicant_writing_english_is_asked_to_slow_down_in_english(
    make_world: WorldFactory,
) -> None:
    world = await make_world(conversation_rate_limit="2/minute")
    driver = DRIVERS["whatsapp"](world)
    try:
        for n in range(4):
            await driver.say(0, f"{ENGLISH} ({n})")
        told = await driver.replies(0, 3)
        assert told.count(SLOW_DOWN_EN) == 1
        assert SLOW_DOWN not in told
    finally:
        await driver.close()


@pytest.mark.parametrize("channel", ["telegram", "whatsapp"])
async def test_a_flood_of_texts_refused_or_photos_is_not_echoed_either(
    make_world: WorldFactory, channel: str
) -> None:
    world = await make_world(conversation_rate_limit="3/minute")
    driver = DRIVERS[channel](world)
    assert isinstance(driver, TelegramDriver | WhatsAppDriver)
    for n in range(4):
        await driver.say(0, f"{n} " + "x" * 300)
        await driver.send_photo(0)
    told = await driver.replies(0, 4)
    assert Counter(told) == {TOO_LONG: 2, NOT_TEXT: 1, SLOW_DOWN: 1}
    states = Counter(row.state for row in await inbound(world, driver.conversation(0)))
    assert states == {"answered": 3, "limited": 5}
    assert world.rasa.received == []
    await still_answers_others(driver)
