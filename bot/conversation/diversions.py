"""Messages the gateway handles itself instead of passing them to Rasa.

- The conversation is held by an agent: the bot stays silent; the message is
  stored ("held") and the agent sees it live.
- The user answers the satisfaction survey sent after an agent closed the
  conversation (1-4, the SKM scale): the score is recorded and thanked for.
- Outside office hours the user asked to be called back and now sends a phone
  number: it is recorded for the agents.
- The user judges the bot's previous answer ("tidak membantu", "membantu"): the
  verdict is kept and thanked for (bot/conversation/feedback.py).
Anything else goes to Rasa.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.conversation.feedback import verdict_reply
from bot.conversation.presence import conversation_language
from permits.handoff import (
    awaiting_callback_number,
    awaiting_survey,
    holder_of,
    record_callback_number,
    record_survey,
)
from permits.models import Conversation, Message, utcnow
from permits.office_hours import OfficeHours
from permits.office_profile import current_office_hours
from permits.phones import phone_in
from permits.states import MessageDirection, MessageState
from permits.texts import N_, _, speaking
from permits.transcripts import Outgoing

# Catalogue msgids, translated when sent.
SURVEY_QUESTION = N_(
    "Terima kasih telah menghubungi petugas kami. Bagaimana penilaian Anda terhadap "
    "pelayanan tadi? Balas dengan angka:\n1 = Tidak baik\n2 = Kurang baik\n3 = Baik\n"
    "4 = Sangat baik"
)
SURVEY_CHOICES = [  # (title, payload): the payload is the score the gateway reads
    (N_("1 Tidak baik"), "1"),
    (N_("2 Kurang baik"), "2"),
    (N_("3 Baik"), "3"),
    (N_("4 Sangat baik"), "4"),
]
SURVEY_THANKS = N_(
    "Terima kasih atas penilaian Anda ({score} dari 4). Masukan Anda kami gunakan "
    "untuk memperbaiki layanan."
)
CALLBACK_NOTED = N_(
    "Terima kasih. Nomor {phone} sudah kami catat; petugas kami akan menelepon Anda mulai "
    "{opening}."
)
_SCORE = re.compile(r"^\s*([1-4])(?!\d)")


def survey() -> Outgoing:
    """The satisfaction survey sent when an agent closes the conversation."""
    buttons = [{"title": _(title), "payload": score} for title, score in SURVEY_CHOICES]
    return Outgoing(_(SURVEY_QUESTION), buttons)


@dataclass(frozen=True)
class Diverted:
    state: MessageState  # HELD (an agent answers) or ANSWERED (by the replies here)
    replies: list[Outgoing] = field(default_factory=list)


@dataclass(frozen=True)
class TurnContext:
    """What answering a message needs to know of its conversation."""

    held: bool  # an agent holds the conversation (the bot stays silent)
    offered: list[
        dict[str, str]
    ]  # the buttons of the bot's last answer (bot/conversation/guard.py)


# One statement instead of two per turn (the agent holding it, the offered buttons),
# built once: constructing a statement costs about as much CPU as running it.
_TURN_CONTEXT = select(
    Conversation.offered_buttons, holder_of(Conversation.id).scalar_subquery()
).where(Conversation.id == bindparam("conversation_id"))


async def turn_context(session: AsyncSession, conversation_id: str) -> TurnContext:
    row = (await session.execute(_TURN_CONTEXT, {"conversation_id": conversation_id})).first()
    if row is None:  # no conversation row, so no handoff and no buttons either
        return _context_of(None, None)
    return _context_of(*row)


# A turn's first statement: the conversation's unanswered messages, oldest first,
# with the context for answering the first of them.
_PENDING_WITH_CONTEXT = (
    select(Message, Conversation.offered_buttons, holder_of(Conversation.id).scalar_subquery())
    .join(Conversation, Conversation.id == Message.conversation_id)
    .where(
        Message.conversation_id == bindparam("conversation_id"),
        Message.direction == MessageDirection.IN,
        Message.state == MessageState.PENDING,
    )
    .order_by(Message.id)
)


async def pending_turns(
    session: AsyncSession, conversation_id: str
) -> AsyncIterator[tuple[Message, TurnContext]]:
    """The unanswered messages, oldest first, each with the context of its turn.

    The first one's context comes with the messages, in one query; answering a
    message can change it (its buttons, a handoff), so each later one reads it again."""
    parameters = {"conversation_id": conversation_id}
    rows = (await session.execute(_PENDING_WITH_CONTEXT, parameters)).all()
    for position, (message, offered, agent_id) in enumerate(rows):
        if position == 0:
            yield message, _context_of(offered, agent_id)
        else:
            yield message, await turn_context(session, conversation_id)


def _context_of(offered: list[dict[str, str]] | None, agent_id: int | None) -> TurnContext:
    return TurnContext(held=agent_id is not None, offered=list(offered or []))


def survey_score(text: str) -> int | None:
    match = _SCORE.match(text)
    return int(match.group(1)) if match else None


class Diversions:
    def __init__(self, office_hours: OfficeHours) -> None:
        self._hours = office_hours

    async def divert(
        self, session: AsyncSession, inbound: Message, context: TurnContext
    ) -> Diverted | None:
        conversation_id, text = inbound.conversation_id, inbound.text
        if context.held:
            return Diverted(MessageState.HELD)
        score = survey_score(text)
        if score is not None and (survey := await awaiting_survey(session, conversation_id)):
            await record_survey(session, survey, score)
            # "3" tells no language: the thanks is in the one the applicant wrote in.
            with speaking(await conversation_language(session, conversation_id)):
                rating_thanks = _(SURVEY_THANKS, score=score)
            return Diverted(MessageState.ANSWERED, [Outgoing(rating_thanks)])
        phone = phone_in(text)
        if phone and (callback := await awaiting_callback_number(session, conversation_id)):
            await record_callback_number(session, callback, phone)
            hours = await current_office_hours(session, self._hours)  # as an admin set them
            with speaking(await conversation_language(session, conversation_id)):
                noted = _(CALLBACK_NOTED, phone=phone, opening=hours.describe_opening(utcnow()))
            return Diverted(MessageState.ANSWERED, [Outgoing(noted)])
        if (thanks := await verdict_reply(session, inbound)) is not None:
            return Diverted(MessageState.ANSWERED, [thanks])
        return None
