"""Applicants' verdicts on the bot's answers, and the wrong answers they reveal.

The inbox (permits/inbox.py) gets what the NLU was unsure of; a confident mistake it
never sees. So an applicant's own verdict files the answer too:

- BUTTON: "Apakah jawaban ini membantu? Ya · Tidak" under the latest answer in the
  web chat (bot/channels/web_feedback.py);
- KEYWORD: a reply such as "tidak membantu" or "membantu", on any channel
  (bot/conversation/feedback.py);
- REPHRASED: the applicant's next message asks the question again (`is_rephrasing`).

An answer is what the bot said to one message the NLU read: its replies share
`reply_to`. An answer that offered choices (buttons) asked back instead of answering
and is not judged. Each answer keeps one verdict, the first given (a unique question
id). A "not helpful" or rephrased answer is filed in the inbox with the question, the
intent the NLU read (an FAQ answer as faq/<topic>), the answer given and the
rephrasing; a question already there (it was also read with low confidence) gets
those added instead of a second entry. The verdicts given on purpose (button,
keyword) are counted on the Laporan page as the share of helpful answers.

The rephrasing rule. A message rephrases the question before it when it is the
applicant's next message, sent after the answer and within REPHRASE_SECONDS of it,
and either
  1. opens with a correction: "maksud saya ...", "maksudnya ...", "bukan itu ...",
     "bukan begitu", "yang saya tanyakan ...", "jawabannya salah", "I mean ...";
  2. or says the question again in nearly the same words (token-sort similarity at
     least SAME_WORDS on normalised text), naming no other permit.
Not counted: a message merely read as the same intent (a follow-up such as "syarat
PBG" then "syarat untuk rumah tinggal?" is no complaint), and a reworded question
that the NLU reads as another intent without a correction word: telling those from
a new question needs meaning the gateway does not have.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, cast

from rapidfuzz import fuzz
from sqlalchemy import Table, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from permits.inbox import normalise
from permits.models import AnswerFeedback, Message, UnrecognisedMessage, utcnow
from permits.states import InboxState, MessageDirection, MessageState, Sender
from permits.transcripts import permit_of, replies_to

REPHRASE_SECONDS = 120
SAME_WORDS = 85  # token-sort similarity (0-100) of a question said again
FAQ_INTENT = "faq"
_CORRECTION = re.compile(
    r"^(?:(?:bukan|tidak|tdk|nggak|ngga|gak|ga|no)\s+)?"
    r"(?:maksud(?:nya|ku)?|bukan\s+(?:itu|begitu|gitu|yang\s+itu|yg\s+itu)"
    r"|(?:yang|yg)\s+(?:saya|sy|aku)\s+tanya(?:kan)?|jawaban(?:nya)?\s+salah"
    r"|salah\s+jawab|i\s+meant?|that\s+s\s+not|that\s+is\s+not|not\s+what\s+i)\b"
)
_FEEDBACK = cast(Table, AnswerFeedback.__table__)


class FeedbackSource(StrEnum):
    BUTTON = "button"  # the web chat's "Ya"/"Tidak"
    KEYWORD = "keyword"  # a reply such as "tidak membantu"
    REPHRASED = "rephrased"  # the applicant asked again right after the answer


class FiledBecause(StrEnum):
    """Why an inbox entry is there besides an unsure reading (UnrecognisedMessage.feedback)."""

    NOT_HELPFUL = "not_helpful"
    REPHRASED = "rephrased"


@dataclass(frozen=True)
class Answered:
    """A user's message the NLU read and the bot's replies to it."""

    question: Message
    replies: list[Message]

    @property
    def text(self) -> str:
        return "\n\n".join(reply.text for reply in self.replies)

    @property
    def at(self) -> datetime:
        return self.replies[-1].at

    @property
    def asked_back(self) -> bool:
        """The bot offered choices: a question back, not an answer to judge."""
        return any(reply.buttons for reply in self.replies)


def intent_name(intent: str | None, nlu: dict[str, Any] | None) -> str | None:
    """The intent as the intent contract names it: an FAQ answer by its topic
    ("faq/jam_layanan"), since "faq" alone does not say which answer was given."""
    topic = (nlu or {}).get("faq_topic")
    if intent == FAQ_INTENT and topic:
        return f"{FAQ_INTENT}/{topic}"
    return intent


def is_correction(text: str) -> bool:
    return _CORRECTION.match(normalise(text)) is not None


def is_rephrasing(
    question: str, question_permit: str | None, text: str, permit: str | None
) -> bool:
    """Whether `text` asks `question` again (the module's rule, without its timing)."""
    if is_correction(text):
        return True
    if question_permit and permit and question_permit != permit:
        return False  # the same words about another permit: a new question
    return fuzz.token_sort_ratio(normalise(question), normalise(text)) >= SAME_WORDS


async def answer_of(session: AsyncSession, question: Message) -> Answered | None:
    """The bot's answer to `question`, if the NLU read it and the bot answered."""
    if question.state != MessageState.ANSWERED or question.intent is None:
        return None  # answered by the gateway (a survey score, feedback) or an agent
    replies = [r for r in await replies_to(session, question) if r.sender == Sender.BOT]
    if not replies:
        return None
    return Answered(question, replies)


async def answer_with_reply(
    session: AsyncSession, conversation_id: str, reply_id: int
) -> Answered | None:
    """The answer one of whose replies is `reply_id`, in this conversation only."""
    reply = await session.get(Message, reply_id)
    if (
        reply is None
        or reply.conversation_id != conversation_id
        or reply.direction != MessageDirection.OUT
        or reply.reply_to is None
    ):
        return None
    question = await session.get(Message, reply.reply_to)
    return None if question is None else await answer_of(session, question)


async def previous_question(session: AsyncSession, message: Message) -> Message | None:
    """The user's message just before `message` in its conversation."""
    return await session.scalar(
        select(Message)
        .where(
            Message.conversation_id == message.conversation_id,
            Message.direction == MessageDirection.IN,
            Message.id < message.id,
        )
        .order_by(Message.id.desc())
        .limit(1)
    )


async def record_verdict(
    session: AsyncSession,
    answered: Answered,
    helpful: bool,
    source: FeedbackSource,
    rephrasing: str | None = None,
) -> bool:
    """Keep the verdict and file an unhelpful answer in the inbox, in the caller's
    transaction; False when the answer had its verdict already (the first one stays)."""
    question = answered.question
    row = {
        "question_id": question.id,
        "conversation_id": question.conversation_id,
        "helpful": helpful,
        "source": source,
        "created_at": utcnow(),
    }
    # One statement that is safe when two windows answer at once: no error to recover.
    inserted = await session.scalar(_insert_verdict(session.get_bind().dialect.name), row)
    if inserted is None:
        return False
    if not helpful:
        rephrased = source == FeedbackSource.REPHRASED
        because = FiledBecause.REPHRASED if rephrased else FiledBecause.NOT_HELPFUL
        await _file(session, answered, because, rephrasing)
    return True


@functools.cache
def _insert_verdict(dialect: str) -> Any:
    dialect_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        dialect_insert(_FEEDBACK)
        .on_conflict_do_nothing(index_elements=[_FEEDBACK.c.question_id])
        .returning(_FEEDBACK.c.id)
    )


async def has_verdict(session: AsyncSession, question: Message) -> bool:
    found = await session.scalar(
        select(AnswerFeedback.id).where(AnswerFeedback.question_id == question.id)
    )
    return found is not None


async def note_rephrasing(session: AsyncSession, message: Message, nlu: dict[str, Any]) -> bool:
    """File the previous answer when `message` (just read by the NLU as `nlu`) rephrases
    its question; in the caller's transaction. Whether it did."""
    question = await previous_question(session, message)
    if question is None or not is_rephrasing(
        question.text, question.permit_type, message.text, permit_of(nlu)
    ):
        return False
    answered = await answer_of(session, question)
    if answered is None or answered.asked_back:
        return False
    since_answer = message.at - answered.at
    if not timedelta(0) <= since_answer <= timedelta(seconds=REPHRASE_SECONDS):
        return False  # typed before the answer came, or long after
    return await record_verdict(
        session, answered, False, FeedbackSource.REPHRASED, rephrasing=message.text
    )


async def _file(
    session: AsyncSession, answered: Answered, because: FiledBecause, rephrasing: str | None
) -> None:
    question = answered.question
    entry = await session.scalar(
        select(UnrecognisedMessage)
        .where(
            UnrecognisedMessage.conversation_id == question.conversation_id,
            UnrecognisedMessage.text == question.text,
            UnrecognisedMessage.created_at >= question.at,
            UnrecognisedMessage.state == InboxState.NEW,
        )
        .limit(1)
    )
    if entry is None:  # a confident answer: not in the inbox yet
        entry = UnrecognisedMessage(
            conversation_id=question.conversation_id,
            text=question.text,
            intent=intent_name(question.intent, question.nlu),
            confidence=question.confidence,
        )
        session.add(entry)
    entry.feedback = because
    entry.answer = answered.text
    entry.rephrasing = rephrasing


async def verdicts_between(
    session: AsyncSession, start: datetime, end: datetime
) -> dict[bool, int]:
    """Verdicts given on purpose (button or keyword) in [start, end), by helpful."""
    rows = await session.execute(
        select(AnswerFeedback.helpful, func.count())
        .where(
            AnswerFeedback.created_at >= start,
            AnswerFeedback.created_at < end,
            AnswerFeedback.source != FeedbackSource.REPHRASED,
        )
        .group_by(AnswerFeedback.helpful)
    )
    return {bool(helpful): count for helpful, count in rows}
