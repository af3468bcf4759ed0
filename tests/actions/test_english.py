"""Answers in English for foreign investors: fixed texts from the English catalogue,
facts from the database's English texts, the language kept across turns."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import ActionExecutor
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from permits.demo_english import FAQ_EN, PERMIT_TYPES_EN
from permits.models import PermitType
from tests.actions.conftest import action_call, run

NIB = PERMIT_TYPES_EN["nib"]


def permit(value: str, text: str, word: str) -> dict[str, Any]:
    start = text.lower().index(word.lower())
    return {"entity": "permit_type", "value": value, "start": start, "end": start + len(word)}


async def test_an_english_question_is_answered_with_the_english_texts(
    executor: ActionExecutor,
) -> None:
    text = "What documents do I need for a business license? NIB"
    call = action_call(
        "action_answer_requirements",
        text,
        "ask_requirements",
        entities=[permit("nib", text, "NIB")],
    )
    answer, _, slots = await run(executor, call)
    assert NIB["name"] in answer
    assert all(item in answer for item in NIB["requirements"])
    assert "Persyaratan" not in answer and "Diproses oleh" not in answer
    assert slots["language"] == "en"


async def test_a_message_that_tells_nothing_keeps_the_conversations_english(
    executor: ActionExecutor,
) -> None:
    call = action_call(
        "action_answer_fee", "PBG", "ask_fee", slots={"language": "en", "permit_type": "pbg"}
    )
    answer, _, slots = await run(executor, call)
    assert PERMIT_TYPES_EN["pbg"]["name"] in answer and "Biaya" not in answer
    assert "language" not in slots or slots["language"] == "en"


async def test_an_indonesian_message_switches_back(executor: ActionExecutor) -> None:
    call = action_call(
        "action_answer_fee",
        "biayanya brp kak",
        "ask_fee",
        slots={"language": "en", "permit_type": "pbg"},
    )
    answer, _, slots = await run(executor, call)
    assert answer.startswith("Biaya Persetujuan Bangunan Gedung (PBG)")
    assert slots["language"] == "id"


async def test_a_text_the_office_did_not_translate_is_sent_in_indonesian_and_said_so(
    executor: ActionExecutor, demo: async_sessionmaker[AsyncSession]
) -> None:
    async with demo() as session, session.begin():
        await session.execute(update(PermitType).where(PermitType.slug == "nib").values(english={}))
    text = "what are the requirements for NIB?"
    call = action_call(
        "action_answer_requirements",
        text,
        "ask_requirements",
        entities=[permit("nib", text, "NIB")],
    )
    answer, _, _ = await run(executor, call)
    assert "Nomor Induk Berusaha" in answer  # the Indonesian name and list
    assert answer.endswith(
        "Some of this information is not yet available in English, so it is shown in Indonesian."
    )


async def test_an_english_faq_answer(executor: ActionExecutor) -> None:
    call = action_call("action_answer_faq", "what are your opening hours?", "faq/jam_layanan")
    answer, _, _ = await run(executor, call)
    # {jam_layanan}: the office hours the executor's settings give (ALWAYS_OPEN), in English
    assert answer == FAQ_EN["jam_layanan"]["answer"].format(jam_layanan="every day, 24 hours")
