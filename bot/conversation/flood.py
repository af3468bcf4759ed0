"""The flood limit: how many messages one conversation may send in a window.

A message over it is kept (marked limited) but never answered; the user is told
once to slow down (notices.py). The limit protects the service, so when its store
(Redis) is away messages are let in rather than refused.
"""

from __future__ import annotations

import logging

from limits import parse
from limits.aio.storage import Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter

log = logging.getLogger(__name__)


class FloodLimit:
    """A sliding-window counter per conversation, in the `limits` notation ("12/minute"):
    constant work per message, where the moving window cost the API about 3 ms of
    gateway CPU per message (docs/benchmarks.md)."""

    def __init__(self, rate_limit: str, storage: Storage) -> None:
        self._limit = parse(rate_limit)
        self._limiter = SlidingWindowCounterRateLimiter(storage)

    async def admits(self, conversation_id: str) -> bool:
        """Count one message; False once the conversation is over the limit."""
        try:
            return await self._limiter.hit(self._limit, conversation_id)
        except Exception:
            log.warning("flood limit unavailable; message let through", exc_info=True)
            return True
