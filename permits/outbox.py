"""The outbox: outbound messages leased to the delivery worker, and what became of them.

Outbound messages are queued in the transaction that produced them
(permits.transcripts.queue_outbound) and sent by the delivery worker
(bot/conversation/delivery.py), which claims them here with a lease so that two
workers never send the same message. The channels' delivery reports (Twilio's
status callbacks, the web chat's read receipts) are stored here too, and what the
console makes of them (delivery_step).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from permits.models import Message, utcnow
from permits.states import MessageDirection, MessageState, Sender

MAX_DELIVERY_ATTEMPTS = 8


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


async def mark_sent(
    session: AsyncSession, message_id: int, provider_id: str | None
) -> Message | None:
    """Record that the channel took the message; the row as it is now (for the console)."""
    sent = await session.scalar(
        update(Message)
        .where(Message.id == message_id)
        .values(state=MessageState.SENT, provider_id=provider_id, lease_until=None, error=None)
        .returning(Message)
    )
    await session.commit()
    return sent


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


def _further_than_stored(status: str) -> ColumnElement[bool]:
    return or_(Message.delivery_status.is_(None), Message.delivery_status.in_(_behind(status)))


async def record_delivery_status(
    session: AsyncSession, provider_id: str, status: str, error_code: str | None = None
) -> list[Message]:
    """Store a channel's delivery report (e.g. Twilio's status callback) when it is
    further than what is stored; the rows it moved (none: a late or replayed report).
    The check is in the UPDATE itself, so two callbacks racing on two replicas still
    keep the furthest. A status that is not an outbound message's (unknown to
    DELIVERY_PROGRESS) is not stored."""
    if status not in DELIVERY_PROGRESS:
        return []
    values: dict[str, Any] = {"delivery_status": status}
    if error_code:
        values["delivery_error_code"] = error_code[:12]
    moved = await session.scalars(
        update(Message)
        .where(Message.provider_id == provider_id, _further_than_stored(status))
        .values(**values)
        .returning(Message)
    )
    rows = list(moved.all())
    await session.commit()
    return rows


async def record_read(session: AsyncSession, conversation_id: str, up_to: int) -> list[Message]:
    """The applicant saw the conversation up to message `up_to` (the web chat reports it):
    the agents' replies until then are read; the rows this moved. Only agents' replies,
    whose lines show it. The state is not checked: the window may show a reply before
    the worker has marked it sent."""
    moved = await session.scalars(
        update(Message)
        .where(
            Message.conversation_id == conversation_id,
            Message.direction == MessageDirection.OUT,
            Message.sender == Sender.AGENT,
            Message.id <= up_to,
            _further_than_stored("read"),
        )
        .values(delivery_status="read")
        .returning(Message)
    )
    rows = list(moved.all())
    await session.commit()
    return rows


# What the console shows on an outbound line, from the worker's state and the channel's
# report: queued (not handed to the channel yet), sent, delivered, read or failed.
# Telegram and the API report nothing after sending, so their lines stay "sent".
DELIVERY_STEPS = {
    "accepted": "sent",
    "scheduled": "sent",
    "queued": "sent",
    "sending": "sent",
    "sent": "sent",
    "canceled": "failed",
    "failed": "failed",
    "undelivered": "failed",
    "delivered": "delivered",
    "read": "read",
}


def delivery_step(row: Message) -> str | None:
    """How far an outbound message got (None for a user's message): see DELIVERY_STEPS."""
    if row.direction != MessageDirection.OUT:
        return None
    if row.state == MessageState.FAILED:
        return "failed"
    if row.state != MessageState.SENT:
        return "queued"
    return DELIVERY_STEPS.get(row.delivery_status or "", "sent")
