"""One message at a time per conversation, conversations in parallel."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class ConversationLocks:
    """asyncio.Lock is FIFO, so messages are answered in arrival order.

    A lock lives only while someone holds or waits for it, so idle
    conversations cost nothing.
    """

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, conversation_id: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(conversation_id, (asyncio.Lock(), 0))
        self._locks[conversation_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[conversation_id]
            if users == 1:
                del self._locks[conversation_id]
            else:
                self._locks[conversation_id] = (lock, users - 1)

    def busy(self, conversation_id: str) -> bool:
        """Someone holds or waits for this conversation's lock."""
        return conversation_id in self._locks

    def __len__(self) -> int:
        return len(self._locks)
