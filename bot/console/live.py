"""What agents' consoles are told live over their websocket (/console/ws).

  {"type": "queue"}                                   the queue changed: reload it
  {"type": "message", "conversation_id", "message"}   a transcript line was written

Events go over the bus (bot/bus.py), so an agent connected to one gateway
replica sees lines written by another. Queue changes may also come from outside
the gateways (the action server queues conversations), so while an agent is
connected each replica compares a fingerprint of the open handoffs in the
database every `interval` seconds and tells its own agents.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.bus import Bus
from permits.models import Handoff, Message
from permits.transcripts import console_line

log = logging.getLogger(__name__)
TOPIC = "console"


class ConsoleHub:
    def __init__(self, bus: Bus) -> None:
        self._sockets: set[web.WebSocketResponse] = set()
        self._pending: set[asyncio.Task[None]] = set()
        self._bus = bus
        bus.subscribe(TOPIC, self._push)

    def join(self, socket: web.WebSocketResponse) -> None:
        self._sockets.add(socket)

    def leave(self, socket: web.WebSocketResponse) -> None:
        self._sockets.discard(socket)

    def transcript(self, conversation_id: str, rows: list[Message]) -> None:
        """The Turns observer: schedule one event per transcript line."""
        if not self._sockets and not self._bus.spans_processes:
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
        """Tell every agent on every replica; a missed event costs a live update only."""
        try:
            await self._bus.publish(TOPIC, event)
        except Exception:
            log.warning("console event not published", exc_info=True)

    async def _push(self, event: dict[str, Any]) -> None:
        """Tell the agents connected to this process."""
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
            await asyncio.sleep(interval)
            if not self._sockets:
                last = None
                continue
            try:
                current = await _queue_fingerprint(sessions)
            except Exception:
                log.exception("could not read the queue")
                continue
            if current != last:  # also right after an agent connected: nothing missed
                await self._push({"type": "queue"})
            last = current

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
