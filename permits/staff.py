"""Staff accounts: argon2-hashed passwords, lock-out after failures, server-side sessions.

A session cookie holds a random token; the database keeps only its SHA-256, so a
leaked database does not let anyone sign in, and signing out (or an admin
disabling an account) ends the session everywhere at once.

Argon2 uses 64 MiB and tens of milliseconds per hash on purpose; hashes run on
HASHING_THREADS dedicated threads, so a flood of logins queues instead of running
hundreds of hashes (and gigabytes) at once. An unknown, inactive or locked account
costs one hash too, so the answer takes as long either way. Failures older than
FAILURE_MEMORY are forgotten before a new one is counted.

An agent on duty ("Piket") keeps the live queue open outside office hours
(permits.handoff.live_queue_open). Duty is the agent's, kept on each of their live
sessions: switching it sets all of them, a new sign-in inherits it, and signing
out ends it on all of them; a session that expires or is deleted (password change,
deactivation) takes it along, so nobody stays on duty without a live session.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import re
import secrets
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import ColumnElement, case, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from permits.audit import Actor, record
from permits.errors import PermitsError
from permits.models import StaffSession, StaffUser, utcnow

ROLES = ("agent", "admin")
MAX_FAILED_LOGINS = 5
LOCK_OUT_FOR = timedelta(minutes=15)
FAILURE_MEMORY = timedelta(minutes=15)  # a failure counts towards the lock this long
HASHING_THREADS = 2  # argon2 hashes at once in this process: 2 × 64 MiB at most
SESSION_LIFETIME = timedelta(hours=12)
MIN_PASSWORD_LENGTH = 10
# Lower case, so "Budi" and "budi" are one account; no spaces, so it is typed the same every time.
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{2,59}$")

_hasher = PasswordHasher()
T = TypeVar("T")


@functools.cache
def _hashing() -> ThreadPoolExecutor:
    """Created on first use (no threads at import)."""
    return ThreadPoolExecutor(max_workers=HASHING_THREADS, thread_name_prefix="argon2")


@functools.cache
def _dummy_hash() -> str:
    """Verified when the username is unknown, so the answer takes as long either way."""
    return _hasher.hash("tanya-izin-dummy-password")


class StaffError(PermitsError):
    pass


class WeakPassword(StaffError):
    """The password is refused; `reason` says why (one of PASSWORD_PROBLEMS)."""

    def __init__(self, reason: str = "short") -> None:
        super().__init__(reason)
        self.reason = reason


class WrongPassword(StaffError):
    pass


# Why a new password is refused: too short, one of the passwords every guesser tries
# first, the account's own name, or the same character or the old password again.
PASSWORD_PROBLEMS = ("short", "common", "username", "repetitive", "unchanged")
COMMON_PASSWORDS = frozenset(
    {
        "1234567890",
        "12345678910",
        "0123456789",
        "qwertyuiop",
        "password123",
        "passw0rd123",
        "password1234",
        "iloveyou123",
        "katasandi123",
        "katasandi1",
        "rahasia123",
        "bismillah123",
        "indonesia123",
        "jakarta123",
        "admin12345",
        "administrator",
        "petugas123",
        "ptsp123456",
        "dpmptsp123",
        "demo-tanya-izin",
    }
)


class UsernameTaken(StaffError):
    pass


class InvalidUsername(StaffError):
    pass


@dataclass(frozen=True)
class SignedIn:
    """The result of a login: the cookie token (shown once) and who it is."""

    token: str
    user: StaffUser


@dataclass(frozen=True)
class LoginRefused:
    locked: bool  # True: too many failures, try again later


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_user(
    session: AsyncSession, username: str, full_name: str, role: str, password: str
) -> StaffUser:
    if role not in ROLES:
        raise StaffError(f"unknown role {role!r}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"password shorter than {MIN_PASSWORD_LENGTH} characters")
    username = username.strip().lower()
    if not USERNAME_PATTERN.match(username):
        raise InvalidUsername(username)
    taken = await session.scalar(select(StaffUser.id).where(StaffUser.username == username))
    if taken is not None:
        raise UsernameTaken(username)
    user = StaffUser(
        username=username,
        full_name=full_name.strip() or username,
        role=role,
        password_hash=await _hash(password),
    )
    session.add(user)
    await session.commit()
    return user


async def log_in(session: AsyncSession, username: str, password: str) -> SignedIn | LoginRefused:
    """Check the password; lock the account for a while after repeated failures."""
    user = await session.scalar(
        select(StaffUser)
        .where(StaffUser.username == username.strip().lower())
        # Fresh from the database: another request may have counted a failure meanwhile.
        .execution_options(populate_existing=True)
    )
    if user is None or not user.active:
        await _verify(await _in_hashing_thread(_dummy_hash), password)
        return LoginRefused(locked=False)
    now = utcnow()
    if user.locked_until is not None and user.locked_until > now:
        await _verify(await _in_hashing_thread(_dummy_hash), password)  # the same time
        return LoginRefused(locked=True)
    if not await _verify(user.password_hash, password):
        return LoginRefused(locked=await _count_failure(session, user.id, now))
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = await _hash(password)
    user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
    token = secrets.token_urlsafe(32)
    session.add(
        StaffSession(
            token_hash=hash_token(token),
            user_id=user.id,
            csrf_token=secrets.token_urlsafe(32),
            expires_at=now + SESSION_LIFETIME,
            # A second browser of an agent on duty shows (and keeps) the same duty.
            on_duty_since=await on_duty_since(session, user.id),
        )
    )
    await session.commit()
    return SignedIn(token=token, user=user)


async def _count_failure(session: AsyncSession, user_id: int, now: datetime) -> bool:
    """Count a wrong password; True when it locks the account.

    The increment happens in the database, not in Python: guesses sent in parallel
    would otherwise all read the same count and slip past the lock-out. A count whose
    last failure is older than FAILURE_MEMORY starts again from one.
    """
    forgotten = or_(
        StaffUser.last_failed_login_at.is_(None),
        StaffUser.last_failed_login_at < now - FAILURE_MEMORY,
    )
    failures = await session.scalar(
        update(StaffUser)
        .where(StaffUser.id == user_id)
        .values(
            failed_logins=case((forgotten, 1), else_=StaffUser.failed_logins + 1),
            last_failed_login_at=now,
        )
        .returning(StaffUser.failed_logins)
        .execution_options(synchronize_session=False)
    )
    locked = failures is not None and failures >= MAX_FAILED_LOGINS
    if locked:
        await session.execute(
            update(StaffUser)
            .where(StaffUser.id == user_id)
            .values(locked_until=now + LOCK_OUT_FOR, failed_logins=0)
            .execution_options(synchronize_session=False)
        )
    await session.commit()
    return locked


async def session_for(session: AsyncSession, token: str) -> tuple[StaffSession, StaffUser] | None:
    """The live session and its active user for a cookie token, or None."""
    row = await session.execute(
        select(StaffSession, StaffUser)
        .join(StaffUser, StaffUser.id == StaffSession.user_id)
        .where(StaffSession.token_hash == hash_token(token))
    )
    found = row.first()
    if found is None:
        return None
    staff_session, user = found
    if staff_session.expires_at <= utcnow() or not user.active:
        return None
    return staff_session, user


async def live_sessions(session: AsyncSession, token_hashes: set[str]) -> set[str]:
    """Which of these sessions (by token hash) are still live: not signed out, not
    expired, their account active."""
    if not token_hashes:
        return set()
    rows = await session.scalars(
        select(StaffSession.token_hash)
        .join(StaffUser, StaffUser.id == StaffSession.user_id)
        .where(
            StaffSession.token_hash.in_(token_hashes),
            StaffSession.expires_at > utcnow(),
            StaffUser.active.is_(True),
        )
    )
    return set(rows.all())


async def log_out(session: AsyncSession, token: str) -> None:
    """End the session; the agent's duty ends too, in every browser: signing out says
    they are leaving, and a forgotten tab elsewhere must not keep applicants waiting
    in a queue nobody watches."""
    user_id = await session.scalar(
        delete(StaffSession)
        .where(StaffSession.token_hash == hash_token(token))
        .returning(StaffSession.user_id)
    )
    if user_id is not None:
        await _set_duty(session, user_id, None)
    await session.commit()


async def set_on_duty(session: AsyncSession, user_id: int, on_duty: bool) -> datetime | None:
    """Switch the agent's duty on or off on all their live sessions; since when they
    are on duty (switching on again keeps the first moment), or None."""
    now = utcnow()
    since = (await on_duty_since(session, user_id) or now) if on_duty else None
    await _set_duty(session, user_id, since)
    await session.commit()
    return since


async def on_duty_since(session: AsyncSession, user_id: int) -> datetime | None:
    """Since when the agent is on duty (on a live session), or None."""
    return await session.scalar(
        select(func.min(StaffSession.on_duty_since)).where(
            StaffSession.user_id == user_id, StaffSession.expires_at > utcnow()
        )
    )


async def someone_on_duty(session: AsyncSession) -> bool:
    """Whether any active account is on duty on a live session."""
    found = await session.scalar(
        select(StaffSession.user_id)
        .join(StaffUser, StaffUser.id == StaffSession.user_id)
        .where(*_live_duty())
        .limit(1)
    )
    return found is not None


async def agents_on_duty(session: AsyncSession) -> dict[int, datetime]:
    """Who is on duty now (account id) and since when, for the staff page."""
    rows = await session.execute(
        select(StaffSession.user_id, func.min(StaffSession.on_duty_since))
        .join(StaffUser, StaffUser.id == StaffSession.user_id)
        .where(*_live_duty())
        .group_by(StaffSession.user_id)
    )
    return {user_id: since for user_id, since in rows.all() if since is not None}


def _live_duty() -> tuple[ColumnElement[bool], ...]:
    """A session on duty that counts: live, of an active account."""
    return (
        StaffSession.on_duty_since.is_not(None),
        StaffSession.expires_at > utcnow(),
        StaffUser.active.is_(True),
    )


async def _set_duty(session: AsyncSession, user_id: int, since: datetime | None) -> None:
    await session.execute(
        update(StaffSession)
        .where(StaffSession.user_id == user_id, StaffSession.expires_at > utcnow())
        .values(on_duty_since=since)
        .execution_options(synchronize_session=False)
    )


def check_strength(password: str, username: str) -> None:
    """Raise WeakPassword unless `password` is fit for the account `username`."""
    lowered = password.lower()
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword("short")
    if lowered in COMMON_PASSWORDS:
        raise WeakPassword("common")
    if username.lower() in lowered:
        raise WeakPassword("username")
    if len(set(password)) < 4:
        raise WeakPassword("repetitive")


async def change_password(
    session: AsyncSession, user_id: int, old: str, new: str, actor: Actor
) -> None:
    """A staff member's own change: the old password first, then the strength check.
    Every session of the account ends (the caller signs in again); the audit log
    records that the password changed, never the password or its hash."""
    user = await session.get_one(StaffUser, user_id, populate_existing=True)
    if not await _verify(user.password_hash, old):
        raise WrongPassword(user.username)
    if new == old:
        raise WeakPassword("unchanged")
    check_strength(new, user.username)
    record(session, actor, "staff.password", f"staff:{user.username}", None, {"password": "***"})
    await set_password(session, user, new)


async def set_password(session: AsyncSession, user: StaffUser, password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"password shorter than {MIN_PASSWORD_LENGTH} characters")
    user.password_hash = await _hash(password)
    await session.execute(delete(StaffSession).where(StaffSession.user_id == user.id))
    await session.commit()


# Argon2 takes tens of milliseconds of CPU on purpose; on the hashing threads, the
# gateway's event loop (chats, webhooks) keeps running meanwhile.
async def _in_hashing_thread(function: Callable[..., T], *args: Any) -> T:
    return await asyncio.get_running_loop().run_in_executor(_hashing(), function, *args)


async def _hash(password: str) -> str:
    return await _in_hashing_thread(_hasher.hash, password)


async def _verify(password_hash: str, password: str) -> bool:
    try:
        return await _in_hashing_thread(_hasher.verify, password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
