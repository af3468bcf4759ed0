"""What agents' consoles are told live over their websocket (/console/ws).

  {"type": "queue"}                                   the queue changed: reload it
  {"type": "message", "conversation_id", "message"}   a transcript line was written

Transcript lines come from this process (Turns and the console's own replies).
Queue changes may come from anywhere (the action server queues conversations,
another agent claims one), so a watcher compares a fingerprint of the open
handoffs in the database every `interval` seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from permits.models import Handoff, Message
from permits.transcripts import console_line

log = logging.getLogger(__name__)


class ConsoleHub:
    def __init__(self) -> None:
        self._sockets: set[web.WebSocketResponse] = set()
        self._pending: set[asyncio.Task[None]] = set()

    def join(self, socket: web.WebSocketResponse) -> None:
        self._sockets.add(socket)

    def leave(self, socket: web.WebSocketResponse) -> None:
        self._sockets.discard(socket)

    def transcript(self, conversation_id: str, rows: list[Message]) -> None:
        """The Turns observer: schedule one event per transcript line."""
        if not self._sockets:
            return
        for row in rows:
            event = {
                "type": "message",
                "conversation_id": conversation_id,
                "message": console_line(row),
            }
            task = asyncio.get_running_loop().create_task(self.publish(event))
            self._pending.add(task)
            task.add_done_callback(self._pending.discard)

    async def publish(self, event: dict[str, Any]) -> None:
        for socket in list(self._sockets):
            if socket.closed:
                self.leave(socket)
                continue
            try:
                await socket.send_json(event)
            except ConnectionError:
                self.leave(socket)

    async def watch_queue(
        self, sessions: async_sessionmaker[AsyncSession], interval: float
    ) -> None:
        last: tuple[tuple[int, str, int | None, str | None], ...] | None = None
        while True:
            try:
                current = await _queue_fingerprint(sessions)
            except Exception:
                log.exception("could not read the queue")
            else:
                if last is not None and current != last:
                    await self.publish({"type": "queue"})
                last = current
            await asyncio.sleep(interval)

    async def close(self) -> None:
        for socket in list(self._sockets):
            with contextlib.suppress(Exception):
                await socket.close(message=b"server shutdown")
        if self._pending:
            await asyncio.wait(self._pending, timeout=5)


async def _queue_fingerprint(
    sessions: async_sessionmaker[AsyncSession],
) -> tuple[tuple[int, str, int | None, str | None], ...]:
    async with sessions() as session:
        rows = await session.execute(
            select(Handoff.id, Handoff.state, Handoff.agent_id, Handoff.callback_phone)
            .where(Handoff.state.in_(("queued", "active", "callback")))
            .order_by(Handoff.id)
        )
        return tuple((row[0], row[1], row[2], row[3]) for row in rows)


HUB = web.AppKey("console_hub", ConsoleHub)
