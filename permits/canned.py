"""Canned replies: ready answers that administrators keep and agents paste."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from permits.models import CannedReply, utcnow


async def canned_replies(session: AsyncSession) -> list[CannedReply]:
    return list((await session.scalars(select(CannedReply).order_by(CannedReply.title))).all())


async def save_canned(
    session: AsyncSession, title: str, text: str, canned_id: int | None = None
) -> CannedReply:
    reply = await session.get_one(CannedReply, canned_id) if canned_id else CannedReply()
    reply.title, reply.text, reply.updated_at = title.strip(), text.strip(), utcnow()
    session.add(reply)
    await session.commit()
    return reply


async def delete_canned(session: AsyncSession, canned_id: int) -> None:
    await session.execute(delete(CannedReply).where(CannedReply.id == canned_id))
    await session.commit()
