"""Console login throttling: a login flood must neither guess passwords nor take the
gateway (and every chat channel on it) down.

- Failed logins are counted per client address and per submitted username (whether
  or not the account exists) in moving windows that lengthen (TANYA_LOGIN_LIMIT_*:
  by default 5 in 5 minutes, 10 an hour, 30 a day per name): each further window is
  a longer wait, and old failures drop out of the windows, so the counts decay. Over
  a limit, the answer is 429 in Indonesian with Retry-After, and no password is hashed.
- At most TANYA_LOGIN_MAX_PENDING logins wait for a password check at once; more are
  answered 429 at once. The check itself runs on permits.staff's two hashing threads,
  so argon2's 64 MiB per check stays bounded however many requests arrive.
- With TANYA_REDIS_URL the counts are shared by every gateway replica.
- Behind a reverse proxy the client address is read from X-Forwarded-For, trusting
  the TANYA_TRUSTED_PROXY_HOPS entries the proxies in front append (0: the peer).
"""

from __future__ import annotations

import contextlib
import logging
import math
import time
from collections.abc import AsyncIterator

from aiohttp import web
from limits import RateLimitItem, parse_many
from limits.aio.storage import Storage
from limits.aio.strategies import MovingWindowRateLimiter

from bot.keys import SETTINGS
from bot.limiting import limit_storage
from bot.settings import GatewaySettings

log = logging.getLogger(__name__)
USERNAME_KEY_CHARS = 60  # longer submitted names count as their first 60 characters


class LoginGuard:
    def __init__(
        self,
        storage: Storage,
        *,
        per_address: str,
        per_username: str,
        max_pending: int,
    ) -> None:
        self._limiter = MovingWindowRateLimiter(storage)
        self._per_address = parse_many(per_address)
        self._per_username = parse_many(per_username)
        self._max_pending = max_pending
        self._pending = 0

    def _keyed(self, address: str, username: str) -> list[tuple[RateLimitItem, str, str]]:
        name = username.strip().lower()[:USERNAME_KEY_CHARS]
        return [(limit, "address", address) for limit in self._per_address] + [
            (limit, "username", name) for limit in self._per_username
        ]

    async def wait_seconds(self, address: str, username: str) -> int:
        """0 when a login may be tried now, else the seconds until it may.

        With the counts' store (Redis) away, logins go on: the account lock-out in the
        database and the bounded hashing still hold, and staff can still work."""
        wait = 0.0
        try:
            for limit, kind, key in self._keyed(address, username):
                if not await self._limiter.test(limit, kind, key):
                    stats = await self._limiter.get_window_stats(limit, kind, key)
                    wait = max(wait, stats.reset_time - time.time())
        except Exception:
            log.warning("login limits unavailable; login let through", exc_info=True)
            return 0
        return max(1, math.ceil(wait)) if wait > 0 else 0

    async def failed(self, address: str, username: str) -> None:
        try:
            for limit, kind, key in self._keyed(address, username):
                await self._limiter.hit(limit, kind, key)
        except Exception:
            log.warning("login failure not counted: limits unavailable", exc_info=True)

    async def succeeded(self, username: str) -> None:
        """The account's own count starts again (the address's does not)."""
        try:
            for limit, kind, key in self._keyed("", username):
                if kind == "username":
                    await self._limiter.clear(limit, kind, key)
        except Exception:
            log.warning("login count not cleared: limits unavailable", exc_info=True)

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[bool]:
        """True: this login may wait for a password check; False: too many already wait."""
        if self._pending >= self._max_pending:
            yield False
            return
        self._pending += 1
        try:
            yield True
        finally:
            self._pending -= 1


def guard_for(settings: GatewaySettings) -> LoginGuard:
    return LoginGuard(
        limit_storage(settings.redis_url, "tanya:login"),
        per_address=settings.login_limit_per_address,
        per_username=settings.login_limit_per_username,
        max_pending=settings.login_max_pending,
    )


LOGIN_GUARD = web.AppKey("login_guard", LoginGuard)


async def login_guard(app: web.Application) -> AsyncIterator[None]:
    app[LOGIN_GUARD] = guard_for(app[SETTINGS])
    yield


def setup(app: web.Application) -> None:
    app.cleanup_ctx.append(login_guard)
