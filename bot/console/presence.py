"""Presence, the console's side: the applicant is told when an agent takes the
conversation over (and, from bot/console/conversation.py, when it goes back to the
bot), and the agent's typing reaches the applicant's chat window.

  console → server    {"type": "typing", "conversation_id": ID}  over /console/ws, while
                                                                 the agent types a reply
                      {"type": "typing", "conversation_id": ID, "stopped": true}
                                                                 they emptied the box
  to the chat window  {"type": "typing", "from": "agent"}        at most every
                                                                 AGENT_TYPING_SECONDS
                      {"type": "typing", "from": "agent", "stopped": true}
                                                                 the window's "Petugas
                                                                 sedang mengetik" goes
                                                                 at once, not after its
                                                                 few seconds
                      {"type": "agent", "name": NAME | null}     who attends it now

The notices themselves are transcript lines, sent on every channel
(bot/conversation/presence.py); the events above only reach channels with live
windows (LiveChannel: the web chat). Only the agent holding a conversation may show
typing in it. What agents see of the applicant is bot/channels/web_presence.py.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.console.live import HUB
from bot.console.security import current_staff
from bot.conversation.inbound import loads
from bot.conversation.outbound import LiveChannel
from bot.conversation.presence import TypingThrottle, first_name, queue_agent_joined
from bot.keys import CHANNELS, DELIVERY, SESSIONS
from permits.handoff import holder_of
from permits.models import Handoff
from permits.transcripts import channel_of

log = logging.getLogger(__name__)

AGENT_TYPING_SECONDS = 2.0
MAX_CONVERSATION_ID = 120  # the column's width


async def announce_agent_joined(request: web.Request, handoff_id: int) -> None:
    """The agent of this request has just claimed the handoff: tell the applicant."""
    staff = current_staff(request)
    async with request.app[SESSIONS]() as session:
        handoff = await session.get(Handoff, handoff_id)
        if handoff is None:
            return
        conversation_id = handoff.conversation_id
        row = await queue_agent_joined(session, conversation_id, staff.full_name)
        await session.commit()
    request.app[DELIVERY].wake()
    request.app[HUB].transcript(conversation_id, [row])
    await show_attendance(request.app, conversation_id, first_name(staff.full_name))


async def show_attendance(app: web.Application, conversation_id: str, agent: str | None) -> None:
    """Tell the applicant's open windows who attends now: an agent (their first name),
    or None for the virtual assistant."""
    await _to_window(app, conversation_id, {"type": "agent", "name": agent})


@dataclass(frozen=True)
class TypingFrame:
    conversation_id: str
    stopped: bool  # the agent emptied the reply box


class AgentTyping:
    """Relays one console socket's typing to the applicant (throttled)."""

    def __init__(self, app: web.Application, staff_id: int) -> None:
        self._app = app
        self._staff_id = staff_id
        self._throttle = TypingThrottle(AGENT_TYPING_SECONDS)

    async def on_frame(self, data: str) -> None:
        frame = _typing_in(data)
        if frame is None or not self._throttle.allows(frame.conversation_id, stopped=frame.stopped):
            return
        if _live_window(self._app, frame.conversation_id) is None:
            return  # Telegram, WhatsApp, the API: no window to show it in
        async with self._app[SESSIONS]() as session:
            holder = await session.scalar(holder_of(frame.conversation_id))
        if holder != self._staff_id:
            return
        event: dict[str, Any] = {"type": "typing", "from": "agent"}
        if frame.stopped:
            event["stopped"] = True
        await _to_window(self._app, frame.conversation_id, event)


def _typing_in(data: str) -> TypingFrame | None:
    """A console's typing frame; None for anything else."""
    try:
        parsed: Any = loads(data)
    except ValueError:
        return None
    if not isinstance(parsed, dict) or parsed.get("type") != "typing":
        return None
    conversation_id = parsed.get("conversation_id")
    if not isinstance(conversation_id, str) or not 0 < len(conversation_id) <= MAX_CONVERSATION_ID:
        return None
    return TypingFrame(conversation_id, stopped=parsed.get("stopped") is True)


def _live_window(app: web.Application, conversation_id: str) -> LiveChannel | None:
    channel = app[CHANNELS].get(channel_of(conversation_id))
    return channel if isinstance(channel, LiveChannel) else None


async def _to_window(app: web.Application, conversation_id: str, event: dict[str, Any]) -> None:
    window = _live_window(app, conversation_id)
    if window is None:
        return
    try:
        await window.publish(conversation_id, event)
    except Exception:  # the bus is away: a live update is lost, the transcript is not
        log.warning("presence event not published", exc_info=True)
