"""Staff accounts as administrators keep them: the list, new accounts, (de)activation,
each with its audit entry (both databases)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from permits.audit import Actor, recent_entries
from permits.models import StaffSession, StaffUser, utcnow
from permits.staff import SignedIn, UsernameTaken, create_user, log_in
from permits.staff_admin import (
    OwnAccount,
    UnknownAccount,
    create_account,
    set_account_active,
    staff_accounts,
)

Sessions = async_sessionmaker[AsyncSession]
PASSWORD = "kata-sandi-rahasia-1"


async def _admin(sessions: Sessions) -> Actor:
    async with sessions() as session:
        user = await create_user(session, "admin", "Kepala Loket", "admin", PASSWORD)
    return Actor(user.id, user.full_name)


async def test_the_list_shows_who_is_locked_and_when_each_last_signed_in(
    sessions: Sessions,
) -> None:
    await _admin(sessions)
    async with sessions() as session:
        await create_user(session, "sari", "Sari", "agent", PASSWORD)
        assert isinstance(await log_in(session, "admin", PASSWORD), SignedIn)
        await session.execute(
            update(StaffUser)
            .where(StaffUser.username == "sari")
            .values(locked_until=utcnow() + timedelta(minutes=5))
        )
        await session.commit()
    async with sessions() as session:
        admin, sari = await staff_accounts(session)
    assert (admin.username, admin.locked, sari.username, sari.locked) == (
        "admin",
        False,
        "sari",
        True,
    )
    assert admin.last_login_at is not None and sari.last_login_at is None


async def test_a_new_account_is_stored_with_its_audit_entry_never_the_password(
    sessions: Sessions,
) -> None:
    actor = await _admin(sessions)
    async with sessions() as session:
        user = await create_account(session, " Dewi ", " Dewi Lestari ", "agent", PASSWORD, actor)
    assert user.username == "dewi"
    async with sessions() as session:
        [entry] = await recent_entries(session, action_prefix="staff.")
    assert (entry.action, entry.target, entry.before) == ("staff.create", "staff:dewi", None)
    assert entry.after == {
        "username": "dewi",
        "full_name": "Dewi Lestari",
        "role": "agent",
        "active": True,
    }


async def test_a_refused_account_leaves_no_audit_entry(sessions: Sessions) -> None:
    actor = await _admin(sessions)
    with pytest.raises(UsernameTaken):
        async with sessions() as session:
            await create_account(session, "admin", "Lagi", "agent", PASSWORD, actor)
    async with sessions() as session:
        assert await recent_entries(session, action_prefix="staff.") == []


async def test_deactivation_ends_the_sessions_of_the_account(sessions: Sessions) -> None:
    actor = await _admin(sessions)
    async with sessions() as session:
        sari = await create_user(session, "sari", "Sari", "agent", PASSWORD)
        assert isinstance(await log_in(session, "sari", PASSWORD), SignedIn)
        await set_account_active(session, sari.id, False, actor)
    async with sessions() as session:
        left = await session.scalar(
            select(func.count()).select_from(StaffSession).where(StaffSession.user_id == sari.id)
        )
        assert left == 0
        assert not (await session.get_one(StaffUser, sari.id)).active
        await set_account_active(session, sari.id, True, actor)
        [activated, deactivated] = await recent_entries(session, action_prefix="staff.")
    assert (deactivated.action, deactivated.before, deactivated.after) == (
        "staff.deactivate",
        {"username": "sari", "full_name": "Sari", "role": "agent", "active": True},
        {"username": "sari", "full_name": "Sari", "role": "agent", "active": False},
    )
    assert activated.action == "staff.activate" and activated.after["active"] is True


async def test_administrators_cannot_deactivate_themselves_or_a_missing_account(
    sessions: Sessions,
) -> None:
    actor = await _admin(sessions)
    assert actor.staff_id is not None
    async with sessions() as session:
        with pytest.raises(OwnAccount):
            await set_account_active(session, actor.staff_id, False, actor)
        with pytest.raises(UnknownAccount):
            await set_account_active(session, actor.staff_id + 100, False, actor)
        assert (await session.get_one(StaffUser, actor.staff_id)).active
