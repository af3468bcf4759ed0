"""Transcripts: a message recorded once, answered with its replies (both databases)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from permits.history import history
from permits.models import Message
from permits.transcripts import Outgoing, record_inbound, settle_inbound


async def test_a_repeated_delivery_is_recognised(session: AsyncSession) -> None:
    first = await record_inbound(session, "telegram:42", "syarat pbg", "tg-1001")
    again = await record_inbound(session, "telegram:42", "syarat pbg", "tg-1001")
    assert first is not None and again is None
    stored = await history(session, "telegram:42")
    assert [(m.text, m.state) for m in stored] == [("syarat pbg", "pending")]


async def test_answering_marks_the_message_and_queues_replies_together(
    session: AsyncSession,
) -> None:
    inbound = await record_inbound(session, "web:abc", "biaya pbg", "web-1")
    assert inbound is not None
    await settle_inbound(
        session, inbound, "answered", [Outgoing("Biaya PBG ...")], intent="ask_fee", confidence=0.9
    )
    rows = (await session.scalars(select(Message).order_by(Message.id))).all()
    assert [(m.direction, m.state, m.intent) for m in rows] == [
        ("in", "answered", "ask_fee"),
        ("out", "queued", None),
    ]
