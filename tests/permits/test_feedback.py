"""Applicants' verdicts on answers and the wrong answers they file (both databases)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from permits.feedback import (
    REPHRASE_SECONDS,
    Answered,
    FeedbackSource,
    answer_with_reply,
    is_rephrasing,
    note_rephrasing,
    record_verdict,
    verdicts_between,
)
from permits.inbox import file_unrecognised
from permits.models import AnswerFeedback, Message, UnrecognisedMessage, utcnow
from permits.states import MessageState
from permits.transcripts import Outgoing, record_inbound, settle_inbound

CONVERSATION = "web:pemohon-1"
HOURS = "Loket buka Senin–Jumat 08.00–15.00 WIB."


async def asked(
    session: AsyncSession,
    text: str,
    answer: str,
    *,
    intent: str = "ask_fee",
    confidence: float = 0.93,
    nlu: dict[str, Any] | None = None,
    buttons: list[dict[str, str]] | None = None,
    conversation_id: str = CONVERSATION,
) -> Answered:
    """A question the NLU read and the bot answered, as a turn writes it."""
    question = await record_inbound(session, conversation_id, text, None)
    assert question is not None
    replies = await settle_inbound(
        session,
        question,
        MessageState.ANSWERED,
        [Outgoing(answer, buttons or [])],
        intent=intent,
        confidence=confidence,
        nlu=nlu or {"entities": [], "ranking": [], "faq_topic": None},
    )
    return Answered(question, replies)


async def inbox(session: AsyncSession) -> list[UnrecognisedMessage]:
    rows = await session.scalars(select(UnrecognisedMessage).order_by(UnrecognisedMessage.id))
    return list(rows.all())


async def move_answer_back(session: AsyncSession, answered: Answered, seconds: float) -> None:
    """As if the answer had been written `seconds` earlier."""
    for reply in answered.replies:
        await session.execute(
            update(Message)
            .where(Message.id == reply.id)
            .values(at=reply.at - timedelta(seconds=seconds))
        )
    await session.commit()


@pytest.mark.parametrize(
    ("question", "question_permit", "text", "permit", "rephrased"),
    [
        ("brp lama ngurus imb", "pbg", "maksud saya biaya imb", "pbg", True),
        ("syarat sip", "sip_dokter", "bukan itu, SIP apoteker", "sipa", True),
        ("jam buka?", None, "Maksudnya jam buka hari Sabtu", None, True),
        ("biaya pbg", "pbg", "jawabannya salah", None, True),
        ("how long for a NIB", "nib", "I mean the fee for a NIB", "nib", True),
        ("brp lama ngurus imb", "pbg", "berapa lama ngurus imb", "pbg", True),
        ("syarat PBG", "pbg", "syarat SLF", "slf", False),  # another permit
        ("syarat PBG", "pbg", "biaya PBG", "pbg", False),  # a follow-up question
        ("syarat PBG", "pbg", "syarat untuk rumah tinggal apa saja", None, False),
        ("syarat PBG", "pbg", "salah satu syaratnya apa", None, False),  # not "salah"
        ("halo", None, "terima kasih", None, False),
    ],
)
def test_what_counts_as_asking_again(
    question: str, question_permit: str | None, text: str, permit: str | None, rephrased: bool
) -> None:
    assert is_rephrasing(question, question_permit, text, permit) is rephrased


async def test_a_confident_answer_judged_unhelpful_reaches_the_inbox_with_its_answer(
    session: AsyncSession,
) -> None:
    faq = {"entities": [], "ranking": [], "faq_topic": "jam_layanan"}
    answered = await asked(session, "kantor buka jam brp", HOURS, intent="faq", nlu=faq)
    found = await answer_with_reply(session, CONVERSATION, answered.replies[-1].id)
    assert found is not None and found.question.id == answered.question.id
    assert await record_verdict(session, found, False, FeedbackSource.BUTTON)
    await session.commit()
    [entry] = await inbox(session)
    assert (entry.text, entry.intent, entry.confidence) == (
        "kantor buka jam brp",
        "faq/jam_layanan",
        0.93,
    )
    assert (entry.feedback, entry.answer, entry.rephrasing) == ("not_helpful", HOURS, None)


async def test_an_answer_keeps_its_first_verdict_only(session: AsyncSession) -> None:
    answered = await asked(session, "biaya pbg", "Biaya PBG: retribusi daerah.")
    assert await record_verdict(session, answered, False, FeedbackSource.BUTTON)
    assert not await record_verdict(session, answered, True, FeedbackSource.KEYWORD)
    assert not await record_verdict(session, answered, False, FeedbackSource.KEYWORD)
    await session.commit()
    verdicts = (await session.scalars(select(AnswerFeedback))).all()
    assert [(v.helpful, v.source) for v in verdicts] == [(False, "button")]
    assert len(await inbox(session)) == 1


async def test_a_helpful_answer_stays_out_of_the_inbox(session: AsyncSession) -> None:
    answered = await asked(session, "biaya pbg", "Biaya PBG: retribusi daerah.")
    assert await record_verdict(session, answered, True, FeedbackSource.BUTTON)
    await session.commit()
    assert await inbox(session) == []


async def test_an_unsure_question_judged_unhelpful_is_marked_not_filed_twice(
    session: AsyncSession,
) -> None:
    answered = await asked(session, "izin keramaian nikahan", "Syarat PBG: ...", confidence=0.41)
    file_unrecognised(session, CONVERSATION, "izin keramaian nikahan", "ask_requirements", 0.41)
    await session.commit()
    await record_verdict(session, answered, False, FeedbackSource.KEYWORD)
    await session.commit()
    [entry] = await inbox(session)
    assert (entry.feedback, entry.answer) == ("not_helpful", "Syarat PBG: ...")


async def test_only_the_bots_answers_of_the_own_conversation_can_be_judged(
    session: AsyncSession,
) -> None:
    answered = await asked(session, "biaya pbg", "Biaya PBG: retribusi daerah.")
    other = await asked(session, "biaya slf", "Biaya SLF: gratis.", conversation_id="web:lain")
    asked_back = await asked(
        session, "syarat", "Izin apa?", buttons=[{"title": "PBG", "payload": "PBG"}]
    )
    reply_id = answered.replies[0].id
    assert await answer_with_reply(session, "web:lain", reply_id) is None
    assert await answer_with_reply(session, CONVERSATION, answered.question.id) is None  # theirs
    assert await answer_with_reply(session, CONVERSATION, other.replies[0].id) is None
    assert await answer_with_reply(session, CONVERSATION, 10**9) is None
    found = await answer_with_reply(session, CONVERSATION, asked_back.replies[0].id)
    assert found is not None and found.asked_back


async def rephrase(session: AsyncSession, text: str) -> bool:
    message = await record_inbound(session, CONVERSATION, text, None)
    assert message is not None
    filed = await note_rephrasing(session, message, {"entities": []})
    await session.commit()
    return filed


async def test_a_question_asked_again_right_after_files_the_answer_it_got(
    session: AsyncSession,
) -> None:
    await asked(session, "brp lama ngurus imb", "Biaya PBG: retribusi daerah.")
    assert await rephrase(session, "maksud saya berapa hari prosesnya")
    [entry] = await inbox(session)
    assert (entry.text, entry.feedback) == ("brp lama ngurus imb", "rephrased")
    assert entry.answer == "Biaya PBG: retribusi daerah."
    assert entry.rephrasing == "maksud saya berapa hari prosesnya"
    assert not await rephrase(session, "maksud saya berapa hari")  # no answer since


async def test_asking_again_long_after_the_answer_is_a_new_question(
    session: AsyncSession,
) -> None:
    answered = await asked(session, "brp lama ngurus imb", "Biaya PBG: retribusi daerah.")
    await move_answer_back(session, answered, REPHRASE_SECONDS + 5)
    assert not await rephrase(session, "maksud saya berapa hari prosesnya")
    assert await inbox(session) == []


async def test_a_message_sent_before_the_answer_came_does_not_judge_it(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        question = await record_inbound(session, CONVERSATION, "brp lama ngurus imb", None)
        early = await record_inbound(session, CONVERSATION, "maksud saya pbg", None)
        assert question is not None and early is not None
        await settle_inbound(
            session,
            question,
            MessageState.ANSWERED,
            [Outgoing("Lama proses PBG: 14 hari")],
            intent="ask_duration",
            confidence=0.9,
        )
        assert not await note_rephrasing(session, early, {"entities": []})


async def test_a_question_back_is_not_judged_by_a_rephrasing(session: AsyncSession) -> None:
    await asked(session, "syarat", "Izin apa?", buttons=[{"title": "PBG", "payload": "PBG"}])
    assert not await rephrase(session, "maksud saya syarat PBG")


async def test_the_report_counts_verdicts_given_on_purpose(session: AsyncSession) -> None:
    for text, helpful, source in [
        ("biaya pbg", True, FeedbackSource.BUTTON),
        ("biaya slf", True, FeedbackSource.KEYWORD),
        ("syarat pbg", False, FeedbackSource.BUTTON),
        ("jam buka", False, FeedbackSource.REPHRASED),  # inferred: not a verdict given
    ]:
        await record_verdict(session, await asked(session, text, "jawaban"), helpful, source)
    await session.commit()
    now = utcnow()
    counted = await verdicts_between(session, now - timedelta(hours=1), now + timedelta(hours=1))
    assert counted == {True: 2, False: 1}
    assert await verdicts_between(session, now + timedelta(hours=1), now + timedelta(hours=2)) == {}
    assert await session.scalar(select(func.count()).select_from(AnswerFeedback)) == 4
