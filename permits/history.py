"""A conversation's transcript read back, as the web chat and the console show it."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from permits.intent_labels import full_intent, intent_label
from permits.models import Conversation, Message
from permits.outbox import delivery_step


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
        "intent_label": _intent_label(row),
        "confidence": row.confidence,
        "delivery_status": row.delivery_status,
        "delivery": delivery_step(row),
        "time": f"{row.at.astimezone(zone):%H.%M}",
    }


def _intent_label(row: Message) -> str | None:
    """The NLU's reading as staff read it ("FAQ: jam layanan"), on the page and live."""
    intent = full_intent(row.intent, row.nlu)
    return intent_label(intent) if intent else None
