"""Who is with the applicant: an agent or the virtual assistant.

When an agent takes a conversation over, and when it goes back to the bot, the
applicant is told in the transcript, on every channel: a system message queued for
the delivery worker like any other, in the language the applicant writes in
(permits/language.py). What the web chat shows besides (the agent's name in the
header, typing both ways, the applicant leaving) is bot/channels/web_presence.py and
bot/console/presence.py; the wire formats are in bot/channels/web.py and
bot/console/live.py.

The applicant sees the agent's first name only ("Petugas Rina"): enough to know a
person answers and to name them in a complaint, while the full name of a member of
staff stays inside the office.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from permits.language import language_of
from permits.models import Handoff, Message, StaffUser
from permits.states import OPEN_HANDOFF_STATES, HandoffState, MessageDirection, Sender
from permits.texts import N_, _, configured_language, speaking
from permits.transcripts import Outgoing, ensure_conversation, queue_outbound

# Catalogue msgids, translated when sent.
AGENT_JOINED = N_("Petugas {name} bergabung dalam percakapan dan akan membantu Anda.")
BACK_TO_BOT = N_(
    "Terima kasih. Percakapan ini kami kembalikan ke asisten virtual; silakan lanjutkan "
    'pertanyaan Anda di sini, atau ketik "petugas" bila perlu dibantu petugas lagi.'
)
FINISHED = N_("Percakapan dengan petugas sudah selesai. Terima kasih telah menghubungi kami.")
LANGUAGE_LOOKBACK = 10  # the applicant's latest messages read for their language


def first_name(full_name: str) -> str:
    """The name an applicant is shown: the first word that is not a title ("Ir.",
    "Hj."); the whole name if it has nothing else."""
    words = full_name.split()
    names = [word for word in words if not word.endswith(".")]
    return (names or words or [full_name])[0]


async def conversation_language(session: AsyncSession, conversation_id: str) -> str:
    """The language the applicant writes in, as the bot keeps it: that of their latest
    message that tells, else the office's."""
    said = await session.scalars(
        select(Message.text)
        .where(
            Message.conversation_id == conversation_id,
            Message.direction == MessageDirection.IN,
        )
        .order_by(Message.id.desc())
        .limit(LANGUAGE_LOOKBACK)
    )
    return language_of(said.all(), default=configured_language())


async def queue_agent_joined(
    session: AsyncSession, conversation_id: str, agent_full_name: str
) -> Message:
    """Tell the applicant an agent has taken the conversation (sent once committed)."""
    with speaking(await conversation_language(session, conversation_id)):
        text = _(AGENT_JOINED, name=first_name(agent_full_name))
    await ensure_conversation(session, conversation_id)  # queued before it said a word
    return queue_outbound(session, conversation_id, Outgoing(text), sender=Sender.SYSTEM)


@dataclass(frozen=True)
class Attendance:
    """Whether agents attend to a conversation: it waits for one or one holds it."""

    open: bool  # queued or held by an agent: the agents' console cares about it
    agent: str | None  # the first name of the agent holding it, if one does

    @property
    def held(self) -> bool:
        return self.agent is not None


async def attendance(session: AsyncSession, conversation_id: str) -> Attendance:
    """One small indexed query (at most one handoff of a conversation is open)."""
    row = (
        await session.execute(
            select(Handoff.state, StaffUser.full_name)
            .outerjoin(StaffUser, StaffUser.id == Handoff.agent_id)
            .where(
                Handoff.conversation_id == conversation_id,
                Handoff.state.in_(OPEN_HANDOFF_STATES),
            )
            .limit(1)
        )
    ).first()
    if row is None:
        return Attendance(open=False, agent=None)
    state, full_name = row
    held = state == HandoffState.ACTIVE and full_name is not None
    return Attendance(open=True, agent=first_name(full_name) if held else None)


class Throttle:
    """At most one event per key every `seconds`: typing is told, not streamed."""

    def __init__(self, seconds: float) -> None:
        self._seconds = seconds
        self._last: dict[str, float] = {}

    def allows(self, key: str) -> bool:
        now = time.monotonic()
        last = self._last.get(key)
        if last is not None and now - last < self._seconds:
            return False
        self._last[key] = now
        return True

    def forget(self, key: str) -> None:
        self._last.pop(key, None)


class TypingThrottle:
    """Typing told at most every `seconds` per key, and its end (the box emptied) too,
    counted apart so that an end right after typing is told. After an end, or
    `forget` (a message sent), the next keystroke is news again."""

    def __init__(self, seconds: float) -> None:
        self._typing = Throttle(seconds)
        self._stopped = Throttle(seconds)

    def allows(self, key: str, *, stopped: bool) -> bool:
        if not stopped:
            return self._typing.allows(key)
        self._typing.forget(key)
        return self._stopped.allows(key)

    def forget(self, key: str) -> None:
        self._typing.forget(key)
