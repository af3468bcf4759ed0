"""The audit log: every administrator's change, who made it, when, before and after.

`record` adds the entry to the caller's session, so the change and its entry are
committed together or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from permits.models import AuditEntry, utcnow


@dataclass(frozen=True)
class Actor:
    """Who made a change (a staff account; its name is kept with the entry)."""

    staff_id: int | None
    name: str


def record(
    session: AsyncSession,
    actor: Actor,
    action: str,
    target: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> AuditEntry:
    entry = AuditEntry(
        staff_id=actor.staff_id,
        staff_name=actor.name,
        action=action,
        target=target,
        before=before,
        after=after,
        at=utcnow(),
    )
    session.add(entry)
    return entry


async def recent_entries(
    session: AsyncSession, *, action_prefix: str = "", limit: int = 200
) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if action_prefix:
        query = query.where(AuditEntry.action.startswith(action_prefix))
    return list((await session.scalars(query)).all())
