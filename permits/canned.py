"""Canned replies: ready answers that administrators keep and agents paste."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from permits.audit import Actor, record
from permits.models import CannedReply, utcnow


async def canned_replies(session: AsyncSession) -> list[CannedReply]:
    return list((await session.scalars(select(CannedReply).order_by(CannedReply.title))).all())


def _snapshot(reply: CannedReply) -> dict[str, Any]:
    return {"title": reply.title, "text": reply.text}


async def save_canned(
    session: AsyncSession,
    title: str,
    text: str,
    canned_id: int | None = None,
    actor: Actor | None = None,
) -> CannedReply:
    """Create or edit a reply; an administrator's change (actor) goes to the audit log
    in the same transaction. The demo loader passes no actor."""
    reply = await session.get_one(CannedReply, canned_id) if canned_id else CannedReply()
    before = _snapshot(reply) if canned_id else None
    reply.title, reply.text, reply.updated_at = title.strip(), text.strip(), utcnow()
    session.add(reply)
    if actor is not None:
        await session.flush()  # the new reply's id, for the audit entry
        action = "canned.update" if canned_id else "canned.create"
        record(session, actor, action, f"canned:{reply.id}", before, _snapshot(reply))
    await session.commit()
    return reply


async def delete_canned(session: AsyncSession, canned_id: int, actor: Actor | None = None) -> None:
    reply = await session.get(CannedReply, canned_id)
    if reply is None:
        return
    if actor is not None:
        record(session, actor, "canned.delete", f"canned:{canned_id}", _snapshot(reply), None)
    await session.execute(delete(CannedReply).where(CannedReply.id == canned_id))
    await session.commit()
