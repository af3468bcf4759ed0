"""The web chat's "Apakah jawaban ini membantu? Ya · Tidak" (permits/feedback.py).

  client → server  {"type": "feedback", "id": MESSAGE_ID, "helpful": true|false}
  server → client  {"type": "feedback", "id": MESSAGE_ID, "kept": true|false}

The widget offers the question under the bot's latest answer only (not under one that
offers choices: that asks back), sends one verdict per answer and thanks at once,
whatever the reply; `kept` is false when the answer had a verdict already or the id
names no answer of the socket's own conversation (an agent's reply, a notice, another
conversation's message), which changes nothing. A socket's verdicts are capped, so a
script sending ids costs a bounded number of look-ups.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.conversation.inbound import loads
from bot.keys import SESSIONS
from permits.feedback import FeedbackSource, answer_with_reply, record_verdict

log = logging.getLogger(__name__)

MAX_VERDICTS_PER_SOCKET = 100  # far more answers than one chat window shows
VERDICTS = web.ResponseKey("web_verdicts", int)


@dataclass(frozen=True)
class WebVerdict:
    message_id: int  # the answer's last message, as the widget shows it
    helpful: bool


def verdict_frame(data: str) -> WebVerdict | None:
    """The verdict a frame carries, or None when it is something else."""
    if '"feedback"' not in data:  # most frames are messages: spare them a second parse
        return None
    try:
        parsed: Any = loads(data)
    except ValueError:
        return None
    if not isinstance(parsed, dict) or parsed.get("type") != "feedback":
        return None
    message_id, helpful = parsed.get("id"), parsed.get("helpful")
    if isinstance(message_id, bool) or not isinstance(message_id, int) or message_id < 1:
        return None
    if not isinstance(helpful, bool):
        return None
    return WebVerdict(message_id, helpful)


async def take_verdict(
    request: web.Request, socket: web.WebSocketResponse, conversation_id: str, verdict: WebVerdict
) -> None:
    """Keep the verdict on an answer of this conversation, and say whether it counted."""
    taken = socket.get(VERDICTS, 0)
    socket[VERDICTS] = taken + 1
    kept = taken < MAX_VERDICTS_PER_SOCKET and await _keep(request, conversation_id, verdict)
    log.info("answer judged in the web chat", extra={"helpful": verdict.helpful, "kept": kept})
    await socket.send_json({"type": "feedback", "id": verdict.message_id, "kept": kept})


async def _keep(request: web.Request, conversation_id: str, verdict: WebVerdict) -> bool:
    async with request.app[SESSIONS]() as session:
        answered = await answer_with_reply(session, conversation_id, verdict.message_id)
        if answered is None or answered.asked_back:
            return False
        kept = await record_verdict(session, answered, verdict.helpful, FeedbackSource.BUTTON)
        await session.commit()
    return kept
