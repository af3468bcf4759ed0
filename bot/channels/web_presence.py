"""Presence in the web chat: what the agents' console learns of the applicant, and
whether the bot's typing dots may show.

  client → server  {"type": "typing"}   the applicant is typing; the widget sends it
                                        while an agent holds the conversation, at most
                                        every few seconds
                   {"type": "typing", "stopped": true}
                                        they emptied the box without sending
  to the consoles  {"type": "applicant", "conversation_id", "state": STATE}
                   typing: at most once in TYPING_SECONDS per conversation (a message
                           sent ends a burst: the next keystroke is told at once)
                   idle:   they stopped typing (emptied the box): the console's
                           "mengetik…" goes at once rather than after its few seconds
                   left:   the conversation's last chat window on this replica closed,
                           and none opened again within LEFT_AFTER_SECONDS
                   back:   a chat window opened again

The consoles are told only while the conversation waits for or is held by an agent
(an open handoff): nobody watches the others, so the rest of the web chat costs no
event. Events go through the console hub, so over the bus to every replica
(bot/console/live.py). A reload, or a connection that drops and comes back within
LEFT_AFTER_SECONDS, is not leaving. Windows of one conversation open on two replicas
are counted per replica: closing one may read as leaving until the other types again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.console.live import ConsoleHub
from bot.conversation.inbound import loads
from bot.conversation.presence import Attendance, TypingThrottle, attendance

log = logging.getLogger(__name__)

TYPING_SECONDS = 2.0
LEFT_AFTER_SECONDS = 5.0


TypingState = Literal["typing", "idle"]


def typing_in(data: str) -> TypingState | None:
    """What a widget's typing frame says of the applicant; None for any other frame."""
    if '"typing"' not in data:  # most frames are messages: spare them a second parse
        return None
    try:
        parsed: Any = loads(data)
    except ValueError:
        return None
    if not isinstance(parsed, dict) or parsed.get("type") != "typing":
        return None
    return "idle" if parsed.get("stopped") is True else "typing"


class ApplicantPresence:
    """Tells the consoles what the applicants of this replica's chat windows do."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], hub: ConsoleHub) -> None:
        self._sessions = sessions
        self._hub = hub
        self._typing = TypingThrottle(TYPING_SECONDS)
        self._leaving: dict[str, asyncio.Task[None]] = {}

    async def attendance(self, conversation_id: str) -> Attendance:
        async with self._sessions() as session:
            return await attendance(session, conversation_id)

    async def typing(self, conversation_id: str, state: TypingState) -> None:
        if not self._typing.allows(conversation_id, stopped=state == "idle"):
            return
        if (await self.attendance(conversation_id)).open:
            await self._tell(conversation_id, state)

    def sent(self, conversation_id: str) -> None:
        """The applicant sent a message: their next keystroke is a new burst of typing."""
        self._typing.forget(conversation_id)

    async def opened(self, conversation_id: str, now: Attendance) -> None:
        """A chat window of the conversation opened (`now`: read as it opened)."""
        leaving = self._leaving.pop(conversation_id, None)
        if leaving is not None:
            leaving.cancel()
        if now.open:
            await self._tell(conversation_id, "back")

    def closed(self, conversation_id: str) -> None:
        """The conversation's last chat window on this replica closed."""
        self._typing.forget(conversation_id)
        if conversation_id in self._leaving:
            return
        task = asyncio.get_running_loop().create_task(self._left_unless_back(conversation_id))
        self._leaving[conversation_id] = task
        task.add_done_callback(lambda done: self._forget_leaving(conversation_id, done))

    async def close(self) -> None:
        """Shutting down: the windows closed because the replica stops, not the people."""
        tasks = list(self._leaving.values())
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _left_unless_back(self, conversation_id: str) -> None:
        await asyncio.sleep(LEFT_AFTER_SECONDS)
        try:
            if (await self.attendance(conversation_id)).open:
                await self._tell(conversation_id, "left")
        except Exception:  # the database is away: the console misses one status
            log.warning("could not tell the consoles an applicant left", exc_info=True)

    def _forget_leaving(self, conversation_id: str, task: asyncio.Task[None]) -> None:
        if self._leaving.get(conversation_id) is task:
            del self._leaving[conversation_id]

    async def _tell(self, conversation_id: str, state: str) -> None:
        await self._hub.publish(
            {"type": "applicant", "conversation_id": conversation_id, "state": state}
        )
