"""bot/conversation/answering.py: what the user is sent for Rasa's answer, and the inbox."""

from __future__ import annotations

from aiohttp.test_utils import TestServer
from sqlalchemy import select

from bot.keys import SESSIONS
from permits.models import UnrecognisedMessage
from tests.bot.conftest import (
    Client,
    FakeRasa,
    send,
)


async def test_a_silent_rasa_turn_becomes_an_apology(
    gateway: Client, fake_rasa: tuple[FakeRasa, TestServer]
) -> None:
    fake, _ = fake_rasa
    fake.silent = True  # what Rasa answers when the action server is down
    status, body = await send(gateway, "api:quiet", "syarat imb")
    assert status == 200
    assert body["messages"][0]["text"] == (  # what an action says when the database is down
        "Maaf, sistem data kami sedang gangguan sehingga saya belum bisa menjawab. Silakan "
        "coba lagi beberapa saat lagi, atau hubungi petugas di call center 1500164."
    )


async def test_messages_the_bot_did_not_understand_reach_the_inbox(
    gateway: Client, fake_rasa: tuple[FakeRasa, TestServer]
) -> None:
    rasa, _ = fake_rasa
    rasa.intents = {
        "beli pulsa dong": ("out_of_scope", 0.88),
        "xkcd qwer": ("nlu_fallback", 0.31),
        "izin apa ya yg itu": ("ask_requirements", 0.42),
    }
    for text in [*rasa.intents, "syarat pbg"]:
        status, _ = await send(gateway, "api:inbox", text)
        assert status == 200
    async with gateway.app[SESSIONS]() as session:
        filed = (await session.scalars(select(UnrecognisedMessage))).all()
    assert sorted((m.text, m.intent) for m in filed) == [
        ("beli pulsa dong", "out_of_scope"),
        ("izin apa ya yg itu", "ask_requirements"),
        ("xkcd qwer", "nlu_fallback"),
    ]
