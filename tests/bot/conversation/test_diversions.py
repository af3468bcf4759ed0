"""bot/conversation/diversions.py: the messages the gateway answers itself, never Rasa.

The same diversions seen from an agent's console are in tests/bot/console/."""

from __future__ import annotations

import re

from aiohttp.test_utils import TestServer
from sqlalchemy import select

from permits.db import create_engine, create_sessionmaker
from permits.handoff import claim, close, mark_survey_asked, request_callback, request_handoff
from permits.models import Handoff, StaffUser
from tests.bot.conftest import Client, FakeRasa, send
from tests.bot.console.conftest import add_staff

PASSWORD = "sandi-petugas-rahasia"


async def handoff_of(database_url: str, conversation_id: str) -> Handoff:
    engine = create_engine(database_url)
    async with create_sessionmaker(engine)() as session:
        handoff = await session.scalar(
            select(Handoff).where(Handoff.conversation_id == conversation_id)
        )
    await engine.dispose()
    assert handoff is not None
    return handoff


async def held_by_an_agent(database_url: str, conversation_id: str, *, closed: bool) -> None:
    """An agent took the conversation over (and, `closed`, handed it back and asked
    the survey), as the console does."""
    await add_staff(database_url, "siti", "agent", PASSWORD)
    engine = create_engine(database_url)
    async with create_sessionmaker(engine)() as session:
        siti = await session.scalar(select(StaffUser.id).where(StaffUser.username == "siti"))
        assert siti is not None
        queued = await request_handoff(session, conversation_id, "request")
        assert await claim(session, queued.handoff_id, siti)
        if closed:
            handoff = await close(session, queued.handoff_id, siti, "answered")
            assert handoff is not None
            await mark_survey_asked(session, handoff)
    await engine.dispose()


async def test_a_conversation_an_agent_holds_gets_no_answer_from_the_bot(
    gateway: Client, gateway_database: str, fake_rasa: tuple[FakeRasa, TestServer]
) -> None:
    rasa, _ = fake_rasa
    await held_by_an_agent(gateway_database, "api:dipegang", closed=False)
    status, body = await send(gateway, "api:dipegang", "halo min?")
    assert (status, body["messages"]) == (200, [])  # the agent answers, not the bot
    assert rasa.received == []
    assert rasa.parsed == ["halo min?"]  # read only, for the agent's suggestions


async def test_a_survey_answer_is_recorded_and_thanked_for_not_sent_to_rasa(
    gateway: Client, gateway_database: str, fake_rasa: tuple[FakeRasa, TestServer]
) -> None:
    rasa, _ = fake_rasa
    await held_by_an_agent(gateway_database, "api:survei", closed=True)
    status, body = await send(gateway, "api:survei", "4 Sangat baik")
    assert status == 200
    assert body["messages"][0]["text"] == (
        "Terima kasih atas penilaian Anda (4 dari 4). Masukan Anda kami gunakan "
        "untuk memperbaiki layanan."
    )
    assert (await handoff_of(gateway_database, "api:survei")).survey_score == 4
    assert rasa.received == []


async def test_a_call_back_number_is_noted_for_the_agents_not_sent_to_rasa(
    gateway: Client, gateway_database: str, fake_rasa: tuple[FakeRasa, TestServer]
) -> None:
    rasa, _ = fake_rasa
    engine = create_engine(gateway_database)
    async with create_sessionmaker(engine)() as session:
        await request_callback(session, "api:telepon", "request")  # as the action does
    await engine.dispose()
    status, body = await send(gateway, "api:telepon", "telp aja ke 0812-3456-7890 ya")
    assert status == 200
    assert "Nomor +6281234567890 sudah kami catat" in body["messages"][0]["text"]
    assert (await handoff_of(gateway_database, "api:telepon")).callback_phone == "+6281234567890"
    assert rasa.received == []


async def test_a_score_or_a_number_nobody_asked_for_goes_to_rasa(
    gateway: Client, fake_rasa: tuple[FakeRasa, TestServer]
) -> None:
    rasa, _ = fake_rasa
    await send(gateway, "api:biasa", "4")
    await send(gateway, "api:biasa", "0812-3456-7890")
    assert rasa.received == [("api:biasa", "4"), ("api:biasa", "0812-3456-7890")]


async def test_an_english_speaker_is_thanked_for_a_score_in_english(
    gateway: Client, gateway_database: str, fake_rasa: tuple[FakeRasa, TestServer]
) -> None:
    await send(gateway, "api:survey-en", "Hello, how long does a building permit take?")
    await held_by_an_agent(gateway_database, "api:survey-en", closed=True)
    status, body = await send(gateway, "api:survey-en", "3")
    assert status == 200
    assert body["messages"][0]["text"].startswith("Thank you for your rating (3 out of 4)")
    assert (await handoff_of(gateway_database, "api:survey-en")).survey_score == 3


async def test_an_english_speakers_call_back_number_is_confirmed_in_english(
    gateway: Client, gateway_database: str, fake_rasa: tuple[FakeRasa, TestServer]
) -> None:
    await send(gateway, "api:callback-en", "Could someone from your office call me back please?")
    engine = create_engine(gateway_database)
    async with create_sessionmaker(engine)() as session:
        await request_callback(session, "api:callback-en", "request")
    await engine.dispose()
    status, body = await send(gateway, "api:callback-en", "0812-3456-7890")
    said = body["messages"][0]["text"]
    assert status == 200 and said.startswith("Thank you. We have noted the number +6281234567890")
    # When the agents are back, with the day and month in English too.
    assert re.search(r"call you from \w+day \d{1,2} [A-Z][a-z]+ at \d\d:\d\d W", said), said
