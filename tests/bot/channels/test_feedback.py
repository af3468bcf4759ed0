"""Applicants judging the bot's answers on every channel: a reply such as "tidak
membantu" (bot/conversation/feedback.py), the web chat's "Ya"/"Tidak" frame
(bot/channels/web_feedback.py), and a question asked again right after its answer;
an unhelpful answer reaches the administrators' inbox with the answer given."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from bot.conversation.feedback import Verdict, verdict_in
from bot.keys import SESSIONS
from permits.language import ENGLISH, INDONESIAN
from permits.models import AnswerFeedback, UnrecognisedMessage
from tests.bot.conftest import Client, chat_window, send, settled
from tests.bot.drivers import (
    ApiDriver,
    Driver,
    TelegramDriver,
    WebDriver,
    WhatsAppDriver,
    World,
)

THANKS_NOT_HELPFUL = (
    "Terima kasih atas masukannya. Pertanyaan Anda kami teruskan ke tim kami agar "
    'jawabannya diperbaiki. Jika perlu bantuan sekarang, ketik "bicara dengan petugas".'
)
THANKS_HELPFUL = "Terima kasih atas masukannya. Senang bisa membantu!"
CHANNELS: dict[str, Callable[[World], Driver]] = {
    "telegram": TelegramDriver,
    "whatsapp": WhatsAppDriver,
    "web": WebDriver,
    "api": ApiDriver,
}


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("tidak membantu", Verdict(False, INDONESIAN)),
        ("Jawabannya gak membantu!!", Verdict(False, INDONESIAN)),
        ("kurang membantu", Verdict(False, INDONESIAN)),
        ("jawaban salah", Verdict(False, INDONESIAN)),
        ("membantu", Verdict(True, INDONESIAN)),
        ("Sangat membantu 👍", Verdict(True, INDONESIAN)),
        ("not helpful", Verdict(False, ENGLISH)),
        ("That's not helpful.", Verdict(False, ENGLISH)),
        ("helpful", Verdict(True, ENGLISH)),
        # The survey's numbers, a numbered list's choice, and sentences stay what they are.
        ("1", None),
        ("4 Sangat baik", None),
        ("tidak", None),
        ("sangat membantu terima kasih", None),
        ("apakah petugas bisa membantu saya?", None),
    ],
)
def test_a_verdict_is_a_whole_reply_of_its_own(text: str, verdict: Verdict | None) -> None:
    assert verdict_in(text) == verdict


async def inbox(world: World) -> list[UnrecognisedMessage]:
    async with world.client.app[SESSIONS]() as session:
        rows = await session.scalars(select(UnrecognisedMessage).order_by(UnrecognisedMessage.id))
        return list(rows.all())


async def verdicts(world: World) -> list[tuple[bool, str]]:
    async with world.client.app[SESSIONS]() as session:
        rows = await session.scalars(select(AnswerFeedback).order_by(AnswerFeedback.id))
        return [(row.helpful, row.source) for row in rows]


@pytest.mark.parametrize("channel", CHANNELS)
async def test_tidak_membantu_files_the_answer_in_the_inbox_on_every_channel(
    world: World, channel: str
) -> None:
    driver = CHANNELS[channel](world)
    await driver.say(1, "syarat pbg")
    assert await driver.replies(1, 1) == ["jawaban: syarat pbg"]
    await driver.say(1, "tidak membantu")
    assert await driver.replies(1, 2) == ["jawaban: syarat pbg", THANKS_NOT_HELPFUL]
    await driver.close()
    assert [text for _, text in world.rasa.received] == ["syarat pbg"]  # not the verdict
    [entry] = await inbox(world)
    assert (entry.conversation_id, entry.text) == (driver.conversation(1), "syarat pbg")
    assert (entry.intent, entry.answer, entry.feedback) == (
        "ask_fee",
        "jawaban: syarat pbg",
        "not_helpful",
    )
    assert await verdicts(world) == [(False, "keyword")]


async def test_an_english_verdict_is_thanked_in_english(world: World) -> None:
    driver = TelegramDriver(world)
    await driver.say(1, "how long does a NIB take")
    await driver.replies(1, 1)
    await driver.say(1, "not helpful")
    thanks = (await driver.replies(1, 2))[1]
    assert thanks.startswith("Thank you for your feedback.")
    assert [entry.text for entry in await inbox(world)] == ["how long does a NIB take"]


async def test_a_helpful_answer_is_counted_and_stays_out_of_the_inbox(world: World) -> None:
    driver = WhatsAppDriver(world)
    await driver.say(1, "biaya slf")
    await driver.replies(1, 1)
    await driver.say(1, "sangat membantu")
    assert (await driver.replies(1, 2))[1] == THANKS_HELPFUL
    await driver.say(1, "sangat membantu")  # said twice: thanked again, counted once
    assert (await driver.replies(1, 3))[2] == THANKS_HELPFUL
    assert await inbox(world) == []
    assert await verdicts(world) == [(True, "keyword")]


async def test_a_verdict_with_no_answer_before_it_goes_to_rasa(world: World) -> None:
    driver = TelegramDriver(world)
    await driver.say(1, "tidak membantu")
    assert await driver.replies(1, 1) == ["jawaban: tidak membantu"]
    assert await verdicts(world) == []


async def test_a_question_back_is_not_judged(world: World) -> None:
    world.rasa.buttons = [{"title": "PBG", "payload": "/inform"}]
    driver = TelegramDriver(world)
    await driver.say(1, "syaratnya apa")
    await driver.replies(1, 1)
    world.rasa.buttons = []
    await driver.say(1, "tidak membantu")
    assert (await driver.replies(1, 2))[1] == "jawaban: tidak membantu"
    assert await inbox(world) == []


async def test_a_question_asked_again_right_after_files_the_first_answer(
    gateway: Client,
) -> None:
    await send(gateway, "api:ulang", "brp lama ngurus imb")
    status, _ = await send(gateway, "api:ulang", "maksud saya berapa hari prosesnya")
    assert status == 200
    async with gateway.app[SESSIONS]() as session:
        [entry] = (await session.scalars(select(UnrecognisedMessage))).all()
    assert (entry.text, entry.answer, entry.feedback, entry.rephrasing) == (
        "brp lama ngurus imb",
        "jawaban: brp lama ngurus imb",
        "rephrased",
        "maksud saya berapa hari prosesnya",
    )


async def web_answer(socket: aiohttp.ClientWebSocketResponse, text: str) -> dict[str, Any]:
    """Ask in the chat window; the bot's answer as the window receives it."""
    await socket.send_json({"type": "message", "id": "c1", "text": text})
    while (event := await socket.receive_json())["type"] != "message":
        pass
    return event


async def judge(
    socket: aiohttp.ClientWebSocketResponse, message_id: int, helpful: bool
) -> dict[str, Any]:
    await socket.send_json({"type": "feedback", "id": message_id, "helpful": helpful})
    while (event := await socket.receive_json())["type"] != "feedback":
        pass
    return event


async def test_tidak_under_a_web_answer_files_it_once(gateway: Client) -> None:
    token = "pengunjung-umpan-balik-0123456789"
    async with chat_window(gateway, token) as socket:
        answer = await web_answer(socket, "kantor buka jam brp")
        assert answer["from"] == "bot"
        assert await judge(socket, answer["id"], False) == {
            "type": "feedback",
            "id": answer["id"],
            "kept": True,
        }
        assert (await judge(socket, answer["id"], True))["kept"] is False  # sent once
    await settled(gateway.app)
    async with gateway.app[SESSIONS]() as session:
        [entry] = (await session.scalars(select(UnrecognisedMessage))).all()
        [verdict] = (await session.scalars(select(AnswerFeedback))).all()
    assert (entry.text, entry.answer, entry.feedback) == (
        "kantor buka jam brp",
        "jawaban: kantor buka jam brp",
        "not_helpful",
    )
    assert (verdict.helpful, verdict.source) == (False, "button")


async def test_a_window_judges_only_its_own_conversations_answers(gateway: Client) -> None:
    async with chat_window(gateway, "pengunjung-pertama-0123456789ab") as first:
        answer = await web_answer(first, "biaya pbg")
    async with chat_window(gateway, "pengunjung-kedua-0123456789abcd") as second:
        assert (await judge(second, answer["id"], False))["kept"] is False
    async with gateway.app[SESSIONS]() as session:
        assert (await session.scalars(select(AnswerFeedback))).all() == []
