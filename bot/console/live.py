"""What agents' consoles are told live over their websocket (/console/ws).

  {"type": "queue"}                                   the queue changed: reload it
  {"type": "message", "conversation_id", "message"}   a transcript line was written
  {"type": "applicant", "conversation_id", "state"}   the web-chat applicant is typing,
                                                      has left or is back (presence:
                                                      bot/channels/web_presence.py)

The console sends only {"type": "typing", "conversation_id"} while its agent types a
reply (bot/console/presence.py).

Events go over the bus (bot/bus.py), so an agent connected to one gateway
replica sees lines written by another.

A socket lives no longer than its staff session: signing out, an administrator
deactivating the account, or a password change closes that session's sockets on
every replica at once (close code 4401, and the page goes to the login form), and
each replica re-checks its sockets' sessions every `session_interval` seconds, which
also catches expiry. Queue changes may also come from outside
the gateways (the action server queues conversations), so while an agent is
connected each replica compares a fingerprint of the open handoffs in the
database every `interval` seconds and tells its own agents.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.bus import Bus
from permits.history import console_line
from permits.models import Handoff, Message
from permits.staff import live_sessions
from permits.states import QUEUE_HANDOFF_STATES, Sender

log = logging.getLogger(__name__)
TOPIC = "console"
SESSIONS_TOPIC = "console-sessions"
SESSION_ENDED = 4401  # the websocket close code: the page sends the agent to the login form


@dataclass(frozen=True)
class Viewer:
    """Whose session a console socket belongs to."""

    token_hash: str
    staff_id: int


class ConsoleHub:
    def __init__(self, bus: Bus, zone: ZoneInfo) -> None:
        self._sockets: dict[web.WebSocketResponse, Viewer] = {}
        self._pending: set[asyncio.Task[None]] = set()
        self._bus = bus
        self._zone = zone  # the office's, for the time of each transcript line
        bus.subscribe(TOPIC, self._push)
        bus.subscribe(SESSIONS_TOPIC, self._close_ended)

    def join(self, socket: web.WebSocketResponse, viewer: Viewer) -> None:
        self._sockets[socket] = viewer

    def leave(self, socket: web.WebSocketResponse) -> None:
        self._sockets.pop(socket, None)

    async def end_sessions(
        self, *, token_hash: str | None = None, staff_id: int | None = None
    ) -> None:
        """Close the sockets of a session (token_hash) or of an account (staff_id), on
        every replica. Without the bus, the periodic re-check still closes them."""
        event = {"token_hash": token_hash, "staff_id": staff_id}
        try:
            await self._bus.publish(SESSIONS_TOPIC, event)
        except Exception:
            log.warning("console session end not published", exc_info=True)
            await self._close_ended(event)

    async def _close_ended(self, event: dict[str, Any]) -> None:
        ended = [
            socket
            for socket, viewer in list(self._sockets.items())
            if viewer.token_hash == event.get("token_hash")
            or viewer.staff_id == event.get("staff_id")
        ]
        await self._close(ended)

    async def _close(self, sockets: list[web.WebSocketResponse]) -> None:
        for socket in sockets:
            self.leave(socket)
            with contextlib.suppress(Exception):
                await socket.close(code=SESSION_ENDED, message=b"sesi berakhir")
        if sockets:
            log.info("console sockets of ended sessions closed", extra={"sockets": len(sockets)})

    async def watch_sessions(
        self, sessions: async_sessionmaker[AsyncSession], interval: float
    ) -> None:
        """Close the sockets whose session has ended (expired, signed out elsewhere)."""
        while True:
            await asyncio.sleep(interval)
            if not self._sockets:
                continue
            try:
                async with sessions() as session:
                    live = await live_sessions(
                        session, {v.token_hash for v in self._sockets.values()}
                    )
            except Exception:
                log.exception("could not check the console sessions")
                continue
            await self._close(
                [s for s, v in list(self._sockets.items()) if v.token_hash not in live]
            )

    def transcript(self, conversation_id: str, rows: list[Message]) -> None:
        """The Turns observer: schedule one event per transcript line."""
        if not self._sockets and not self._bus.spans_processes:
            return
        for row in rows:
            event = {
                "type": "message",
                "conversation_id": conversation_id,
                "message": console_line(row, self._zone),
            }
            task = asyncio.get_running_loop().create_task(self.publish(event))
            self._pending.add(task)
            task.add_done_callback(self._pending.discard)

    def deliveries(self, conversation_id: str, rows: list[Message]) -> None:
        """The delivery worker's observer: an agent's reply sent, delivered, read or
        failed comes again as its line (the console keeps the further step). Other
        lines show no delivery, so they cost no event."""
        self.transcript(conversation_id, [row for row in rows if row.sender == Sender.AGENT])

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
            .where(Handoff.state.in_(QUEUE_HANDOFF_STATES))
            .order_by(Handoff.id)
        )
        return tuple((row[0], row[1], row[2], row[3]) for row in rows)


HUB = web.AppKey("console_hub", ConsoleHub)
