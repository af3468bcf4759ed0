"""Transcripts: every message in and out, and the outbox the delivery worker drains.

Inbound messages are stored before anything else happens to them, so a message
that arrives while Rasa is down is kept (state "pending") and answered later.
Outbound messages are queued in the same transaction that produced them and
sent by the delivery worker (bot/conversation/delivery.py), which claims them with a lease so
that two workers never send the same message.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, bindparam, exists, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from permits.models import Conversation, Message, utcnow
from permits.states import MessageDirection, MessageKind, MessageState, Sender

MAX_DELIVERY_ATTEMPTS = 8
# The tables, for Core statements on the hot path of a turn (see settle_inbound).
_MESSAGES = cast(Table, Message.__table__)
_CONVERSATIONS = cast(Table, Conversation.__table__)


@dataclass(frozen=True)
class Outgoing:
    """A message for the user: text and the buttons the channel should render."""

    text: str
    buttons: list[dict[str, str]] = field(default_factory=list)


def channel_of(conversation_id: str) -> str:
    return conversation_id.partition(":")[0]


async def ensure_conversation(
    session: AsyncSession, conversation_id: str, *, inbound_at: datetime | None = None
) -> None:
    """Create the conversation row if it does not exist, in one statement that is safe
    under concurrency. With `inbound_at` (a user's message arriving) an existing row
    also notes it as its latest message."""
    now = inbound_at or utcnow()
    values = {
        "id": conversation_id,
        "channel": channel_of(conversation_id),
        "created_at": now,
        "last_message_at": now,
        "last_inbound_at": inbound_at,
    }
    dialect = session.get_bind().dialect.name
    await session.execute(_upsert(dialect, inbound=inbound_at is not None), values)


@functools.cache
def _upsert(dialect: str, *, inbound: bool) -> Any:
    """The statement of ensure_conversation, built once per dialect and kind (building a
    statement costs about as much CPU as running it)."""
    dialect_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = dialect_insert(_CONVERSATIONS)
    if not inbound:
        return statement.on_conflict_do_nothing()
    return statement.on_conflict_do_update(
        index_elements=[_CONVERSATIONS.c.id],
        set_={
            "last_message_at": statement.excluded.last_message_at,
            "last_inbound_at": statement.excluded.last_inbound_at,
        },
    )


async def record_inbound(
    session: AsyncSession,
    conversation_id: str,
    text: str,
    external_id: str | None,
    *,
    commit: bool = True,
) -> Message | None:
    """Store a user's message; None if the channel delivered this message before.

    With commit=False the caller may still change the row's state (e.g. to
    "limited") before it commits, so no other turn sees it as pending first.
    """
    now = utcnow()
    # The conversation's row first (the message refers to it); a repeated delivery
    # rolls both back.
    await ensure_conversation(session, conversation_id, inbound_at=now)
    message = Message(
        conversation_id=conversation_id,
        direction=MessageDirection.IN,
        sender=Sender.USER,
        text=text,
        external_id=external_id,
        state=MessageState.PENDING,
        at=now,
    )
    session.add(message)
    try:
        await session.flush()
    except IntegrityError:
        await session.rollback()
        return None
    if commit:
        await session.commit()
    return message


async def inbound_by_external_id(
    session: AsyncSession, conversation_id: str, external_id: str
) -> Message | None:
    return await session.scalar(
        select(Message).where(
            Message.conversation_id == conversation_id,
            Message.external_id == external_id,
            Message.direction == MessageDirection.IN,
        )
    )


async def replies_to(session: AsyncSession, inbound: Message) -> list[Message]:
    """The answer to a user's message, in the order it was written."""
    query = (
        select(Message)
        .where(Message.conversation_id == inbound.conversation_id, Message.reply_to == inbound.id)
        .order_by(Message.id)
    )
    return list((await session.scalars(query)).all())


async def conversations_with_pending(session: AsyncSession, older_than: datetime) -> list[str]:
    """Conversations holding messages nobody answered yet (e.g. Rasa was down)."""
    query = (
        select(Message.conversation_id)
        .where(
            Message.direction == MessageDirection.IN,
            Message.state == MessageState.PENDING,
            Message.at < older_than,
        )
        .group_by(Message.conversation_id)
        .order_by(func.min(Message.id))
    )
    return list((await session.scalars(query)).all())


def queue_outbound(
    session: AsyncSession,
    conversation_id: str,
    message: Outgoing,
    *,
    sender: Sender = Sender.BOT,
    kind: MessageKind = MessageKind.CHAT,
    template_variables: dict[str, str] | None = None,
    state: MessageState = MessageState.QUEUED,
    agent_id: int | None = None,
    reply_to: int | None = None,
) -> Message:
    """Add an outbound message to the session; it is sent once the transaction commits."""
    row = Message(
        conversation_id=conversation_id,
        direction=MessageDirection.OUT,
        sender=sender,
        agent_id=agent_id,
        kind=kind,
        text=message.text,
        buttons=message.buttons or None,
        template_variables=template_variables,
        state=state,
        at=utcnow(),
        reply_to=reply_to,
    )
    session.add(row)
    return row


async def settle_inbound(
    session: AsyncSession,
    inbound: Message,
    state: MessageState,
    replies: list[Outgoing],
    *,
    intent: str | None = None,
    confidence: float | None = None,
    nlu: dict[str, Any] | None = None,
    delivered: bool = False,
    offered: list[dict[str, str]] | None = None,
) -> list[Message]:
    """Mark an inbound message handled and queue its replies, in one transaction.

    `delivered`: the replies already reached the user (the synchronous API).
    `offered`: the buttons of this answer, which replace those the conversation was
    offered before (None: an answer that does not change them, e.g. an agent's).
    """
    # Core statements on the tables, built once: the ORM's unit of work and building
    # a statement cost more CPU than running it, on every turn.
    changes: dict[str, Any] = {
        "conversation_id": inbound.conversation_id,
        "last_message_at": utcnow(),
    }
    if offered is not None:
        changes["offered_buttons"] = offered or None
    # The conversation's row before the message's, the order record_inbound locks
    # them in: the other way round, a repeated delivery holding the conversation
    # waits in the unique check for this message's row while this transaction waits
    # for the conversation, and PostgreSQL aborts one of them as a deadlock.
    await session.execute(_conversation_update(offered is not None), changes)
    handled = {"state": state, "intent": intent, "confidence": confidence, "nlu": nlu}
    await session.execute(_SETTLE_MESSAGE, {"message_id": inbound.id, **handled})
    for key, value in handled.items():
        set_committed_value(inbound, key, value)  # as stored, so not flushed again
    reply_state = MessageState.SENT if delivered else MessageState.QUEUED
    rows = await _insert_replies(session, inbound, replies, reply_state)
    await session.commit()
    return rows


@functools.cache
def _conversation_update(sets_offered: bool) -> Any:
    """settle_inbound's UPDATE of the conversation, with or without its buttons."""
    values: dict[str, Any] = {"last_message_at": bindparam("last_message_at")}
    if sets_offered:
        values["offered_buttons"] = bindparam("offered_buttons")
    return (
        update(_CONVERSATIONS)
        .where(_CONVERSATIONS.c.id == bindparam("conversation_id"))
        .values(values)
    )


_SETTLE_MESSAGE = (
    update(_MESSAGES)
    .where(_MESSAGES.c.id == bindparam("message_id"))
    .values(
        state=bindparam("state"),
        intent=bindparam("intent"),
        confidence=bindparam("confidence"),
        nlu=bindparam("nlu"),
    )
)
_INSERT_MESSAGES = insert(_MESSAGES).returning(_MESSAGES.c.id, sort_by_parameter_order=True)


async def _insert_replies(
    session: AsyncSession, inbound: Message, replies: list[Outgoing], state: MessageState
) -> list[Message]:
    """The replies' rows, written by one INSERT and returned as persistent objects."""
    if not replies:
        return []
    now = utcnow()
    values = [
        {
            **_EMPTY_ROW,
            "conversation_id": inbound.conversation_id,
            "direction": MessageDirection.OUT,
            "sender": Sender.BOT,
            "kind": MessageKind.CHAT,
            "text": reply.text,
            "buttons": reply.buttons or None,
            "state": state,
            "attempts": 0,
            "at": now,
            "reply_to": inbound.id,
        }
        for reply in replies
    ]
    ids = (await session.execute(_INSERT_MESSAGES, values)).scalars().all()
    rows = []
    for message_id, row_values in zip(ids, values, strict=True):
        row = Message(id=message_id, **row_values)
        make_transient_to_detached(row)  # every column is set, so nothing is loaded
        session.add(row)
        rows.append(row)
    return rows


# Every column of a message but its id, empty: a reply's row starts from it, so that
# all its attributes are known and none is loaded from the database later.
_EMPTY_ROW: dict[str, Any] = dict.fromkeys(c.name for c in _MESSAGES.columns if not c.primary_key)


async def told_recently(
    session: AsyncSession, conversation_id: str, kind: MessageKind, since: datetime
) -> bool:
    """Whether the user already got a message of this kind (a service notice) since then."""
    query = select(Message.id).where(
        Message.conversation_id == conversation_id,
        Message.direction == MessageDirection.OUT,
        Message.kind == kind,
        Message.at >= since,
    )
    return (await session.scalar(query.limit(1))) is not None


async def claim_deliveries(
    session: AsyncSession, lease: timedelta, limit: int = 50, now: datetime | None = None
) -> list[Message]:
    """Lease the oldest queued message of each conversation that is due.

    Only the oldest one per conversation, so that two workers (or two gateway
    replicas) never send a conversation's messages out of order. The lease is
    re-checked in the UPDATE itself: of two workers racing for a row, one wins.
    """
    now = now or utcnow()
    earlier = aliased(Message)
    has_earlier_queued = exists().where(
        earlier.conversation_id == Message.conversation_id,
        earlier.direction == MessageDirection.OUT,
        earlier.state == MessageState.QUEUED,
        earlier.id < Message.id,
    )
    free = (Message.lease_until.is_(None)) | (Message.lease_until < now)
    due = (Message.next_attempt_at.is_(None)) | (Message.next_attempt_at <= now)
    candidates = (
        select(Message.id)
        .where(Message.direction == MessageDirection.OUT, Message.state == MessageState.QUEUED)
        .where(due, free)
        .where(~has_earlier_queued)
        .order_by(Message.id)
        .limit(limit)
    )
    ids = list((await session.scalars(candidates)).all())
    if not ids:
        return []
    claimed = await session.scalars(
        update(Message)
        .where(Message.id.in_(ids), Message.state == MessageState.QUEUED, free)
        .values(lease_until=now + lease)
        .returning(Message.id)
    )
    claimed_ids = list(claimed.all())
    await session.commit()
    rows = await session.scalars(
        select(Message).where(Message.id.in_(claimed_ids)).order_by(Message.id)
    )
    return list(rows.all())


async def mark_sent(session: AsyncSession, message_id: int, provider_id: str | None) -> None:
    await session.execute(
        update(Message)
        .where(Message.id == message_id)
        .values(state=MessageState.SENT, provider_id=provider_id, lease_until=None, error=None)
    )
    await session.commit()


def retry_delay(attempts: int) -> timedelta:
    """Exponential back-off: 2 s, 4 s, 8 s ... capped at ten minutes."""
    return timedelta(seconds=min(2**attempts, 600))


async def mark_attempt_failed(
    session: AsyncSession, message: Message, error: str, *, permanent: bool = False
) -> MessageState:
    """Record a failed send; returns the new state (queued for a retry, or failed)."""
    attempts = message.attempts + 1
    give_up = permanent or attempts >= MAX_DELIVERY_ATTEMPTS
    state = MessageState.FAILED if give_up else MessageState.QUEUED
    await session.execute(
        update(Message)
        .where(Message.id == message.id)
        .values(
            state=state,
            attempts=attempts,
            error=error[:300],
            lease_until=None,
            next_attempt_at=utcnow() + retry_delay(attempts),
        )
    )
    await session.commit()
    return state


# How far a delivery got, by Twilio's message statuses. A report never moves a message
# back: callbacks are retried and arrive out of order ("sent" after "read"), and a
# replayed old one must not undo a newer one. A failure outranks the steps before
# it, not a confirmed delivery.
# These are the provider's words, stored as they come in Message.delivery_status; they
# are not MessageState, though three of them are spelled alike: the state says whether
# our worker handed the message to the channel (sent) or gave up (failed), the status
# what Twilio reported afterwards. Nothing else compares them, so they stay strings.
DELIVERY_PROGRESS = {
    "accepted": 1,
    "scheduled": 1,
    "queued": 2,
    "sending": 3,
    "sent": 4,
    "canceled": 5,
    "failed": 5,
    "undelivered": 5,
    "delivered": 6,
    "read": 7,
}


def _behind(status: str) -> list[str]:
    """The statuses a report of `status` may replace."""
    rank = DELIVERY_PROGRESS[status]
    return [known for known, step in DELIVERY_PROGRESS.items() if step < rank]


async def record_delivery_status(
    session: AsyncSession, provider_id: str, status: str, error_code: str | None = None
) -> bool:
    """Store a channel's delivery report (e.g. Twilio's status callback) when it is
    further than what is stored; True when stored. The check is in the UPDATE itself,
    so two callbacks racing on two replicas still keep the furthest. A status that is
    not an outbound message's (unknown to DELIVERY_PROGRESS) is not stored."""
    if status not in DELIVERY_PROGRESS:
        return False
    values: dict[str, Any] = {"delivery_status": status}
    if error_code:
        values["delivery_error_code"] = error_code[:12]
    result = await session.execute(
        update(Message)
        .where(
            Message.provider_id == provider_id,
            or_(Message.delivery_status.is_(None), Message.delivery_status.in_(_behind(status))),
        )
        .values(**values)
    )
    await session.commit()
    return bool(getattr(result, "rowcount", 0))


async def history(session: AsyncSession, conversation_id: str, limit: int = 50) -> list[Message]:
    """The latest `limit` messages of a conversation, oldest first."""
    query = (
        select(Message)
        .where(Message.conversation_id == conversation_id)
        .order_by(Message.id.desc())
        .limit(limit)
    )
    return list(reversed((await session.scalars(query)).all()))


async def last_inbound_at(session: AsyncSession, conversation_id: str) -> datetime | None:
    return await session.scalar(
        select(Conversation.last_inbound_at).where(Conversation.id == conversation_id)
    )


async def link_phone(session: AsyncSession, conversation_id: str, phone: str) -> None:
    """Record that this conversation speaks for the applicant with `phone`."""
    await ensure_conversation(session, conversation_id)
    await session.execute(
        update(Conversation).where(Conversation.id == conversation_id).values(linked_phone=phone)
    )
    await session.commit()


def as_outgoing(row: Message) -> Outgoing:
    return Outgoing(text=row.text, buttons=list(row.buttons or []))


def serialise(row: Message) -> dict[str, Any]:
    """A transcript line as the web chat shows it."""
    return {
        "id": row.id,
        "from": row.sender,
        "text": row.text,
        "buttons": list(row.buttons or []),
        "at": row.at.isoformat(),
    }


def console_line(row: Message, zone: ZoneInfo) -> dict[str, Any]:
    """A transcript line as the console shows it: with the NLU's reading and delivery,
    and the time at the office (`zone`)."""
    return {
        **serialise(row),
        "direction": row.direction,
        "kind": row.kind,
        "state": row.state,
        "intent": row.intent,
        "confidence": row.confidence,
        "delivery_status": row.delivery_status,
        "time": f"{row.at.astimezone(zone):%H.%M}",
    }
