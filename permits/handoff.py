"""The call centre's queue: a conversation waits, an agent holds it, then it is closed.

    queued ──claim──▶ active ──hand back / close──▶ closed ──▶ satisfaction survey
    callback ──"Sudah ditelepon"──▶ closed   (nobody there: the applicant is phoned later)

The live queue is open within office hours, and at any hour while an agent is on
duty ("Piket", permits.staff). Otherwise an applicant who can be phoned back is
offered a call-back (CALLBACK_CHANNELS), anyone else hears when agents are back.

At most one handoff of a conversation is open (queued or active): a partial
unique index enforces it. Claiming is one conditional UPDATE, so when two agents
click at once exactly one of them gets the conversation, on any database.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

from permits.clock import local_day
from permits.errors import NotLinked
from permits.models import Conversation, Handoff, Message, StaffUser, utcnow
from permits.office_hours import OfficeHours
from permits.staff import someone_on_duty
from permits.states import (
    OPEN_HANDOFF_STATES,
    QUEUE_HANDOFF_STATES,
    HandoffState,
    MessageDirection,
)
from permits.status import is_shared_chat, linked_phone
from permits.transcripts import channel_of

REASONS = {
    "request": "Meminta petugas",
    "fallback": "Bot dua kali tidak paham",
    "complaint": "Pengaduan",
}
OUTCOMES = {
    "answered": "Terjawab",
    "referred": "Dirujuk ke instansi/loket",
    "no_response": "Pengguna tidak merespons",
    "handed_back": "Dikembalikan ke bot",
    "callback_done": "Sudah ditelepon balik",
}
DEFAULT_HANDLING = timedelta(minutes=5)  # before the office has any history
RECENT = 20  # closed handoffs that set the expected handling time
SURVEY_VALID_FOR = timedelta(days=1)
CALLBACK_VALID_FOR = timedelta(days=1)  # a number sent later than this is not taken
# Channels whose applicant can be phoned back. WhatsApp's address is the applicant's
# own number (Twilio verified it), so the bot confirms it instead of asking; a private
# Telegram chat has the number its owner shared, or the applicant types one, and the
# agent can still write there later. The web chat's visitor and the API's caller are
# anonymous and unreachable once they leave: a number typed there belongs to nobody
# we know, so they are told when agents are back instead of being promised a call.
CALLBACK_CHANNELS = frozenset({"whatsapp", "telegram"})


@dataclass(frozen=True)
class Queued:
    handoff_id: int
    position: int  # 1 = next; 0 = an agent already holds the conversation
    expected_wait: timedelta


@dataclass(frozen=True)
class QueueItem:
    handoff_id: int
    conversation_id: str
    channel: str
    reason: str
    state: str
    created_at: datetime
    agent_id: int | None
    agent_name: str | None
    last_text: str | None
    callback_phone: str | None  # the number sent, else the one the channel knows

    @property
    def reason_label(self) -> str:
        return REASONS.get(self.reason, self.reason)


@dataclass(frozen=True)
class Callback:
    """A call-back request as the conversation page shows it."""

    handoff_id: int
    reason: str
    phone: str | None
    created_at: datetime
    done_at: datetime | None  # None: still to be called
    done_by: str | None

    @property
    def reason_label(self) -> str:
        return REASONS.get(self.reason, self.reason)


@dataclass
class AgentDay:
    """One agent's closed conversations on one day (office time zone)."""

    day: date
    agent: str
    handled: int = 0
    waits: list[float] = field(default_factory=list)  # minutes
    handling: list[float] = field(default_factory=list)  # minutes
    outcomes: Counter[str] = field(default_factory=Counter)
    scores: list[int] = field(default_factory=list)

    @property
    def mean_wait(self) -> float | None:
        return statistics.fmean(self.waits) if self.waits else None

    @property
    def mean_handling(self) -> float | None:
        return statistics.fmean(self.handling) if self.handling else None

    @property
    def mean_score(self) -> float | None:
        return statistics.fmean(self.scores) if self.scores else None


async def request_handoff(session: AsyncSession, conversation_id: str, reason: str) -> Queued:
    """Queue the conversation (once; asking again keeps its place) and say where it stands."""
    handoff = await open_handoff(session, conversation_id)
    if handoff is None:
        handoff = Handoff(conversation_id=conversation_id, reason=reason)
        session.add(handoff)
        try:
            await session.commit()
        except IntegrityError:  # the same conversation asked twice at once
            await session.rollback()
            handoff = await open_handoff(session, conversation_id)
            assert handoff is not None
    if handoff.state == HandoffState.ACTIVE:
        return Queued(handoff.id, 0, timedelta(0))
    position = await _position(session, handoff)
    return Queued(handoff.id, position, await expected_wait(session, position))


async def live_queue_open(session: AsyncSession, hours: OfficeHours, now: datetime) -> bool:
    """Whether a conversation asking for a person joins the live queue: within office
    hours (as always), or at any hour while an agent is on duty."""
    return hours.is_open(now) or await someone_on_duty(session)


def can_call_back(conversation_id: str) -> bool:
    """Whether the channel can reach the applicant by phone (CALLBACK_CHANNELS); a
    Telegram group is nobody's phone."""
    return channel_of(conversation_id) in CALLBACK_CHANNELS and not is_shared_chat(conversation_id)


async def known_phone(session: AsyncSession, conversation_id: str) -> str | None:
    """The applicant's number the channel already knows: the WhatsApp address, or the
    contact a Telegram user shared. None: it has to be asked for."""
    try:
        return await linked_phone(session, conversation_id)
    except NotLinked:
        return None


async def request_callback(
    session: AsyncSession, conversation_id: str, reason: str, phone: str | None = None
) -> Handoff:
    """Nobody there: remember that the user wants a call, to `phone` when the channel
    knows it (else the number comes next). Asking again keeps the one request."""
    handoff = await session.scalar(
        select(Handoff)
        .where(Handoff.conversation_id == conversation_id, Handoff.state == HandoffState.CALLBACK)
        .order_by(Handoff.id.desc())
        .limit(1)
    )
    if handoff is None:
        handoff = Handoff(
            conversation_id=conversation_id, reason=reason, state=HandoffState.CALLBACK
        )
        session.add(handoff)
    if phone is not None and handoff.callback_phone is None:
        handoff.callback_phone = phone
    await session.commit()
    return handoff


async def awaiting_callback_number(session: AsyncSession, conversation_id: str) -> Handoff | None:
    """The call-back a number the user sends now is for: one still without a number, or
    one to the WhatsApp number itself, which the user may replace with another."""
    own = (
        await known_phone(session, conversation_id)
        if channel_of(conversation_id) == "whatsapp"
        else None
    )
    return await session.scalar(
        select(Handoff)
        .where(
            Handoff.conversation_id == conversation_id,
            Handoff.state == HandoffState.CALLBACK,
            Handoff.callback_phone.is_(None) | (Handoff.callback_phone == own),
            Handoff.created_at > utcnow() - CALLBACK_VALID_FOR,
        )
        .order_by(Handoff.id.desc())
        .limit(1)
    )


async def record_callback_number(session: AsyncSession, handoff: Handoff, phone: str) -> None:
    handoff.callback_phone = phone
    await session.commit()


async def open_handoff(session: AsyncSession, conversation_id: str) -> Handoff | None:
    return await session.scalar(
        select(Handoff).where(
            Handoff.conversation_id == conversation_id, Handoff.state.in_(OPEN_HANDOFF_STATES)
        )
    )


def holder_of(
    conversation_id: ColumnElement[str] | QueryableAttribute[str] | str,
) -> Select[int | None]:
    """The agent holding a conversation: the one on its active handoff. The rule is
    here once; the gateway's turn folds it into its own statement
    (bot/conversation/diversions.py)."""
    return (
        select(Handoff.agent_id)
        .where(Handoff.conversation_id == conversation_id, Handoff.state == HandoffState.ACTIVE)
        .limit(1)  # at most one handoff is open (uq_handoffs_open_conversation)
    )


async def claim(session: AsyncSession, handoff_id: int, agent_id: int) -> bool:
    """Take a queued conversation. False when someone else was first (or it left the queue)."""
    result = await session.execute(
        update(Handoff)
        .where(Handoff.id == handoff_id, Handoff.state == HandoffState.QUEUED)
        .values(state=HandoffState.ACTIVE, agent_id=agent_id, claimed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    await session.commit()
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def close(
    session: AsyncSession, handoff_id: int, agent_id: int, outcome: str, note: str = ""
) -> Handoff | None:
    """End the agent's hold (handing back to the bot is the outcome "handed_back")."""
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}")
    result = await session.execute(
        update(Handoff)
        .where(
            Handoff.id == handoff_id,
            Handoff.state == HandoffState.ACTIVE,
            Handoff.agent_id == agent_id,
        )
        .values(state=HandoffState.CLOSED, closed_at=utcnow(), outcome=outcome, note=note or None)
        .execution_options(synchronize_session=False)
    )
    await session.commit()
    if not result.rowcount:  # type: ignore[attr-defined]
        return None
    return await session.get(Handoff, handoff_id, populate_existing=True)


async def callbacks_of(
    session: AsyncSession, conversation_id: str, limit: int = 5
) -> list[Callback]:
    """The conversation's call-back requests, newest first: those waiting and those done."""
    rows = await session.execute(
        select(Handoff, StaffUser.full_name, Conversation.linked_phone)
        .outerjoin(StaffUser, StaffUser.id == Handoff.agent_id)
        .outerjoin(Conversation, Conversation.id == Handoff.conversation_id)
        .where(
            Handoff.conversation_id == conversation_id,
            (Handoff.state == HandoffState.CALLBACK) | (Handoff.outcome == "callback_done"),
        )
        .order_by(Handoff.id.desc())
        .limit(limit)
        .execution_options(populate_existing=True)  # fresh after close_callback's UPDATE
    )
    return [
        Callback(
            handoff_id=handoff.id,
            reason=handoff.reason,
            phone=handoff.callback_phone or linked,
            created_at=handoff.created_at,
            done_at=handoff.closed_at,
            done_by=agent_name,
        )
        for handoff, agent_name, linked in rows
    ]


async def close_callback(session: AsyncSession, handoff_id: int, agent_id: int) -> bool:
    """Mark a call-back done ("Sudah ditelepon"). False when it was done already."""
    result = await session.execute(
        update(Handoff)
        .where(Handoff.id == handoff_id, Handoff.state == HandoffState.CALLBACK)
        .values(
            state=HandoffState.CLOSED,
            agent_id=agent_id,
            claimed_at=utcnow(),
            closed_at=utcnow(),
            outcome="callback_done",
        )
        .execution_options(synchronize_session=False)
    )
    await session.commit()
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def mark_survey_asked(session: AsyncSession, handoff: Handoff) -> None:
    handoff.survey_asked_at = utcnow()
    await session.commit()


async def awaiting_survey(session: AsyncSession, conversation_id: str) -> Handoff | None:
    return await session.scalar(
        select(Handoff)
        .where(
            Handoff.conversation_id == conversation_id,
            Handoff.state == HandoffState.CLOSED,
            Handoff.survey_asked_at > utcnow() - SURVEY_VALID_FOR,
            Handoff.survey_score.is_(None),
        )
        .order_by(Handoff.id.desc())
        .limit(1)
    )


async def record_survey(session: AsyncSession, handoff: Handoff, score: int) -> None:
    if not 1 <= score <= 4:
        raise ValueError("the SKM scale is 1 to 4")
    handoff.survey_score = score
    await session.commit()


async def open_handoff_counts(session: AsyncSession) -> dict[str, int]:
    """How many conversations are queued, held by an agent, or waiting for a call-back."""
    rows = await session.execute(
        select(Handoff.state, func.count())
        .where(Handoff.state.in_(QUEUE_HANDOFF_STATES))
        .group_by(Handoff.state)
    )
    return {state: count for state, count in rows.all()}


async def queue_items(session: AsyncSession) -> list[QueueItem]:
    """Waiting, held and call-back conversations, oldest first, with their latest question."""
    last_text = (
        select(Message.text)
        .where(
            Message.conversation_id == Handoff.conversation_id,
            Message.direction == MessageDirection.IN,
        )
        .order_by(Message.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    rows = await session.execute(
        select(Handoff, StaffUser.full_name, last_text, Conversation.linked_phone)
        .outerjoin(StaffUser, StaffUser.id == Handoff.agent_id)
        .outerjoin(Conversation, Conversation.id == Handoff.conversation_id)
        .where(Handoff.state.in_(QUEUE_HANDOFF_STATES))
        .order_by(Handoff.id)
    )
    return [
        QueueItem(
            handoff_id=handoff.id,
            conversation_id=handoff.conversation_id,
            channel=handoff.conversation_id.partition(":")[0],
            reason=handoff.reason,
            state=handoff.state,
            created_at=handoff.created_at,
            agent_id=handoff.agent_id,
            agent_name=agent_name,
            last_text=text,
            callback_phone=handoff.callback_phone or linked,
        )
        for handoff, agent_name, text, linked in rows
    ]


async def expected_wait(session: AsyncSession, position: int) -> timedelta:
    """Position × the recent mean handling time ÷ the agents who worked in the last hour."""
    recent = (
        await session.execute(
            select(Handoff.claimed_at, Handoff.closed_at)
            .where(Handoff.state == HandoffState.CLOSED, Handoff.claimed_at.is_not(None))
            .order_by(Handoff.id.desc())
            .limit(RECENT)
        )
    ).all()
    durations = [closed - claimed for claimed, closed in recent if claimed and closed]
    handling = sum(durations, timedelta(0)) / len(durations) if durations else DEFAULT_HANDLING
    agents = await session.scalar(
        select(func.count(func.distinct(Handoff.agent_id))).where(
            Handoff.claimed_at > utcnow() - timedelta(hours=1)
        )
    )
    return handling * position / max(1, agents or 0)


async def agent_days(
    session: AsyncSession, since: datetime, until: datetime, zone: ZoneInfo
) -> list[AgentDay]:
    """Closed conversations per agent and day at the office (`zone`): waiting, handling,
    outcomes, satisfaction."""
    rows = await session.execute(
        select(Handoff, StaffUser.full_name)
        .join(StaffUser, StaffUser.id == Handoff.agent_id)
        .where(Handoff.state == HandoffState.CLOSED)
        .where(Handoff.closed_at >= since, Handoff.closed_at < until)
        .order_by(Handoff.closed_at)
    )
    days: dict[tuple[date, str], AgentDay] = {}
    for handoff, agent in rows:
        assert handoff.closed_at is not None
        day = local_day(handoff.closed_at, zone)
        entry = days.setdefault((day, agent), AgentDay(day, agent))
        entry.handled += 1
        entry.outcomes[handoff.outcome or "?"] += 1
        if handoff.claimed_at is not None:
            entry.waits.append(_minutes(handoff.claimed_at - handoff.created_at))
            entry.handling.append(_minutes(handoff.closed_at - handoff.claimed_at))
        if handoff.survey_score is not None:
            entry.scores.append(handoff.survey_score)
    return sorted(days.values(), key=lambda d: (d.day, d.agent), reverse=True)


def daily_totals(rows: list[AgentDay]) -> list[AgentDay]:
    """The same figures for the whole call centre, per day."""
    totals: dict[date, AgentDay] = defaultdict(lambda: AgentDay(date.min, "Semua petugas"))
    for row in rows:
        total = totals[row.day]
        total.day = row.day
        total.handled += row.handled
        total.waits += row.waits
        total.handling += row.handling
        total.outcomes += row.outcomes
        total.scores += row.scores
    return sorted(totals.values(), key=lambda d: d.day, reverse=True)


async def _position(session: AsyncSession, handoff: Handoff) -> int:
    ahead = await session.scalar(
        select(func.count())
        .select_from(Handoff)
        .where(Handoff.state == HandoffState.QUEUED, Handoff.id < handoff.id)
    )
    return (ahead or 0) + 1


def _minutes(delta: timedelta) -> float:
    return delta.total_seconds() / 60
