"""Staff accounts as administrators keep them: the list, a new account, (de)activation.

Every change is written together with its audit entry (permits.audit) in one
transaction, never with a password. Deactivating an account ends its sessions in
the same transaction, so it takes effect at once in every browser; the caller
closes the account's open console sockets.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from permits.audit import Actor, record
from permits.models import StaffSession, StaffUser, utcnow
from permits.staff import StaffError, create_user


class UnknownAccount(StaffError):
    pass


class OwnAccount(StaffError):
    """Administrators cannot deactivate themselves (and so lock everyone out)."""


@dataclass(frozen=True)
class StaffAccount:
    """One account as the staff page lists it."""

    id: int
    username: str
    full_name: str
    role: str
    active: bool
    locked: bool  # too many wrong passwords: refused until the lock ends
    last_login_at: datetime | None


async def staff_accounts(session: AsyncSession, now: datetime | None = None) -> list[StaffAccount]:
    """Every account, by username."""
    now = now or utcnow()
    users = await session.scalars(select(StaffUser).order_by(StaffUser.username))
    return [
        StaffAccount(
            id=user.id,
            username=user.username,
            full_name=user.full_name,
            role=user.role,
            active=user.active,
            locked=user.locked_until is not None and user.locked_until > now,
            last_login_at=user.last_login_at,
        )
        for user in users
    ]


def _snapshot(username: str, full_name: str, role: str, *, active: bool) -> dict[str, Any]:
    """An account as the audit log records it (never a password)."""
    return {
        "username": username.strip().lower(),
        "full_name": full_name.strip(),
        "role": role,
        "active": active,
    }


async def create_account(
    session: AsyncSession, username: str, full_name: str, role: str, password: str, actor: Actor
) -> StaffUser:
    """A new account by an administrator; create_user's errors (InvalidUsername,
    WeakPassword, UsernameTaken) leave nothing behind."""
    after = _snapshot(username, full_name, role, active=True)
    # Added first: create_user's commit stores the account and its entry together.
    record(session, actor, "staff.create", f"staff:{after['username']}", None, after)
    return await create_user(session, username, full_name, role, password)


async def set_account_active(
    session: AsyncSession, user_id: int, active: bool, actor: Actor
) -> StaffUser:
    """Activate or deactivate an account; deactivation signs it out everywhere.
    Raises OwnAccount (deactivating oneself) or UnknownAccount."""
    if not active and user_id == actor.staff_id:
        raise OwnAccount(str(user_id))
    user = await session.get(StaffUser, user_id)
    if user is None:
        raise UnknownAccount(str(user_id))
    after = _snapshot(user.username, user.full_name, user.role, active=active)
    action = "staff.activate" if active else "staff.deactivate"
    before = {**after, "active": not active}
    record(session, actor, action, f"staff:{after['username']}", before, after)
    user.active = active
    if not active:
        await session.execute(delete(StaffSession).where(StaffSession.user_id == user.id))
    await session.commit()
    return user
