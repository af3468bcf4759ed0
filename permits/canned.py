"""Canned replies: ready answers that administrators keep and agents paste.

A reply may name the office's facts by placeholders ({jam_layanan}, {alamat_kantor},
{call_center}: permits.office_profile); agents get it filled, so a reply about opening
hours never tells yesterday's hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from permits.audit import Actor, record
from permits.models import CannedReply, utcnow
from permits.office_profile import OfficeProfile, office_profile, unknown_placeholders


@dataclass(frozen=True)
class ReadyReply:
    """A canned reply as an agent pastes it."""

    id: int
    title: str
    template: str  # as the administrator wrote it
    text: str  # its placeholders filled
    unknown: list[str]  # {names} that are no placeholder, left as written


async def canned_replies(session: AsyncSession) -> list[CannedReply]:
    return list((await session.scalars(select(CannedReply).order_by(CannedReply.title))).all())


async def ready_replies(session: AsyncSession) -> list[ReadyReply]:
    """Every reply, by title, filled with the office's current facts."""
    replies = await canned_replies(session)
    if not replies:
        return []
    profile = await office_profile(session)
    return [ready(reply, profile) for reply in replies]


def ready(reply: CannedReply, profile: OfficeProfile) -> ReadyReply:
    return ReadyReply(
        id=reply.id,
        title=reply.title,
        template=reply.text,
        text=profile.fill(reply.text),
        unknown=unknown_placeholders(reply.text),
    )


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
