"""Transcripts: every message in and out of a conversation, written as it happens.

Inbound messages are stored before anything else happens to them, so a message
that arrives while Rasa is down is kept (state "pending") and answered later.
Outbound messages are queued in the same transaction that produced them and
sent by the delivery worker through the outbox (permits.outbox). Reading a
transcript back is permits.history.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from permits.models import Conversation, Message, utcnow
from permits.states import MessageDirection, MessageKind, MessageState, Sender

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


def permit_of(nlu: dict[str, Any] | None) -> str | None:
    """The first permit_type entity of the NLU's reading (the permit the user named),
    kept in its own column for the reports (permits/reports.py)."""
    for entity in (nlu or {}).get("entities") or []:
        if entity.get("entity") == "permit_type" and entity.get("value"):
            return str(entity["value"])
    return None


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
    handled = {
        "state": state,
        "intent": intent,
        "confidence": confidence,
        "nlu": nlu,
        "permit_type": permit_of(nlu),
    }
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
        permit_type=bindparam("permit_type"),
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


async def link_phone(session: AsyncSession, conversation_id: str, phone: str) -> None:
    """Record that this conversation speaks for the applicant with `phone`."""
    await ensure_conversation(session, conversation_id)
    await session.execute(
        update(Conversation).where(Conversation.id == conversation_id).values(linked_phone=phone)
    )
    await session.commit()


def as_outgoing(row: Message) -> Outgoing:
    return Outgoing(text=row.text, buttons=list(row.buttons or []))
