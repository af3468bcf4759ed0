"""The queue of conversations waiting for a call-centre agent."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from permits.models import Handoff


async def request_handoff(session: AsyncSession, conversation_id: str, reason: str) -> int:
    """Queue the conversation (once) and return its 1-based position in the queue."""
    mine = await session.scalar(
        select(Handoff).where(Handoff.conversation_id == conversation_id, Handoff.state == "queued")
    )
    if mine is None:
        mine = Handoff(conversation_id=conversation_id, reason=reason)
        session.add(mine)
        await session.flush()
    ahead = await session.scalar(
        select(func.count())
        .select_from(Handoff)
        .where(Handoff.state == "queued", Handoff.id < mine.id)
    )
    await session.commit()
    return (ahead or 0) + 1
