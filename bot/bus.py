"""Events between gateway replicas: what one replica does, the others' sockets show.

A web chat window and an agent's console hold a websocket to one replica, while
the message they should see may be produced by another (the delivery worker that
picked it up, the agent who answered, the replica that won the conversation's
lock). Every replica publishes such events on the bus and every replica pushes
the ones it receives to its own sockets.

LocalBus serves a single process (development, tests); RedisBus uses Redis
pub/sub when TANYA_REDIS_URL is set. Delivery is at most once, like the
websockets themselves: a window that misses an event finds the message in its
history on reconnect, and a console reloads the queue from the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from redis.asyncio import Redis

log = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any]], Awaitable[None]]
CHANNEL_PREFIX = "tanya:bus:"
SUBSCRIBE_WAIT_SECONDS = 3.0


class Bus(Protocol):
    spans_processes: bool  # False: nobody outside this process listens

    def subscribe(self, topic: str, handler: Handler) -> None: ...

    async def publish(self, topic: str, event: dict[str, Any]) -> None: ...

    async def start(self) -> None: ...

    async def close(self) -> None: ...


class LocalBus:
    """Handlers run in the publisher's task, in order, as a direct call would."""

    spans_processes = False

    def __init__(self) -> None:
        self._handlers: dict[str, list[Handler]] = defaultdict(list)

    def subscribe(self, topic: str, handler: Handler) -> None:
        self._handlers[topic].append(handler)

    async def publish(self, topic: str, event: dict[str, Any]) -> None:
        await _dispatch(self._handlers.get(topic, []), event)

    async def start(self) -> None:
        pass

    async def close(self) -> None:
        pass


class RedisBus:
    """One Redis channel per topic; one listener task per process."""

    spans_processes = True

    def __init__(self, url: str) -> None:
        self._url = url
        self._redis: Redis | None = None
        self._handlers: dict[str, list[Handler]] = defaultdict(list)
        self._listener: asyncio.Task[None] | None = None
        self._subscribed = asyncio.Event()

    def subscribe(self, topic: str, handler: Handler) -> None:
        if self._listener is not None:
            raise RuntimeError("subscribe before the bus starts")
        self._handlers[topic].append(handler)

    async def publish(self, topic: str, event: dict[str, Any]) -> None:
        if self._redis is None:
            raise RuntimeError("the bus is not started")
        await self._redis.publish(CHANNEL_PREFIX + topic, json.dumps(event))

    async def start(self) -> None:
        self._redis = Redis.from_url(self._url)
        if self._handlers:
            self._listener = asyncio.create_task(self._listen_forever(), name="bus")
            try:
                await asyncio.wait_for(self._subscribed.wait(), timeout=SUBSCRIBE_WAIT_SECONDS)
            except TimeoutError:
                # Start anyway: readiness reports Redis missing, and the listener
                # subscribes as soon as Redis answers.
                log.warning("bus not subscribed yet: Redis unreachable")

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
        if self._redis is not None:
            await self._redis.aclose()

    async def _listen_forever(self) -> None:
        """Resubscribes after a Redis outage; events published meanwhile are missed."""
        while True:
            try:
                await self._listen()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("bus connection lost; reconnecting")
                await asyncio.sleep(1)

    async def _listen(self) -> None:
        assert self._redis is not None
        async with self._redis.pubsub() as pubsub:
            await pubsub.subscribe(*(CHANNEL_PREFIX + topic for topic in self._handlers))
            self._subscribed.set()
            async for message in pubsub.listen():
                if message.get("type") != "message":
                    continue
                topic = _text(message["channel"]).removeprefix(CHANNEL_PREFIX)
                await _dispatch(self._handlers.get(topic, []), json.loads(message["data"]))


def bus_for(redis_url: str) -> Bus:
    return RedisBus(redis_url) if redis_url else LocalBus()


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


async def _dispatch(handlers: list[Handler], event: dict[str, Any]) -> None:
    for handler in handlers:
        try:
            await handler(event)
        except Exception:
            log.exception("bus handler failed", extra={"event_type": event.get("type")})
