"""One message at a time per conversation, conversations in parallel.

Within a process an asyncio.Lock per conversation queues the waiters (FIFO).
With several replicas a Redis lock is taken as well, so only one replica at a
time answers a conversation; which replica wins does not change the order,
because the winner answers the conversation's unanswered messages from the
database oldest first. The Redis lock expires LEASE_SECONDS after a replica
stops renewing it, so a killed replica holds nobody up for long; a replica that
lives but never finishes its turn holds the others up for WAIT_SECONDS at most: the
waiting message stays pending, for the holder's drain, the caller's retry or the
recovery loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from redis.asyncio import Redis
from redis.asyncio.lock import Lock
from redis.exceptions import LockError, RedisError

log = logging.getLogger(__name__)

LEASE_SECONDS = 10.0
RENEW_EVERY_SECONDS = LEASE_SECONDS / 3
POLL_SECONDS = 0.02  # how often a replica waiting for another's lock retries
WAIT_SECONDS = 60.0


class LocksUnavailable(Exception):
    """Redis cannot be reached, or another replica held the conversation for too long:
    this replica may not answer now (the message stays pending)."""


class ConversationLocks:
    """A lock lives only while someone holds or waits for it, so idle
    conversations cost nothing."""

    def __init__(self, redis: Redis | None = None, *, wait_seconds: float = WAIT_SECONDS) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}
        self._redis = redis
        self._wait_seconds = wait_seconds

    @asynccontextmanager
    async def hold(self, conversation_id: str) -> AsyncIterator[bool]:
        """Hold the conversation's lock; yields whether it was free when asked for.

        Free: nobody in this process held or awaited it, and the Redis lock was taken
        at the first try. Then nobody can have worked on the conversation since the
        caller's last write, which lets a fresh message skip Rasa's repeat check.
        """
        lock, users = self._locks.get(conversation_id, (asyncio.Lock(), 0))
        self._locks[conversation_id] = (lock, users + 1)
        try:
            async with lock, self._across_replicas(conversation_id) as free_across_replicas:
                yield users == 0 and free_across_replicas
        finally:
            lock, users = self._locks[conversation_id]
            if users == 1:
                del self._locks[conversation_id]
            else:
                self._locks[conversation_id] = (lock, users - 1)

    def busy(self, conversation_id: str) -> bool:
        """Someone in this process holds or waits for this conversation's lock."""
        return conversation_id in self._locks

    def __len__(self) -> int:
        return len(self._locks)

    @asynccontextmanager
    async def _across_replicas(self, conversation_id: str) -> AsyncIterator[bool]:
        """Yields whether the Redis lock was free at the first try (True without Redis)."""
        if self._redis is None:
            yield True
            return
        lock = self._redis.lock(
            f"tanya:turn:{conversation_id}", timeout=LEASE_SECONDS, sleep=POLL_SECONDS
        )
        try:
            free = bool(await lock.acquire(blocking=False))
            if not free and not await lock.acquire(blocking_timeout=self._wait_seconds):
                raise LocksUnavailable(f"held by another replica for over {self._wait_seconds} s")
        except (RedisError, OSError) as exc:
            raise LocksUnavailable(repr(exc)) from exc
        renewer = asyncio.create_task(_renew_forever(lock))
        try:
            yield free
        finally:
            renewer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewer
            try:
                await lock.release()
            except (LockError, RedisError, OSError):
                # The lease ran out (Redis unreachable for a while); another replica
                # may already hold it. Nothing to undo: answers are in the database.
                log.warning("conversation lock lost before release")


async def _renew_forever(lock: Lock) -> None:
    while True:
        await asyncio.sleep(RENEW_EVERY_SECONDS)
        try:
            await lock.reacquire()
        except Exception:
            log.warning("could not renew a conversation lock", exc_info=True)
