"""Read receipts of the web chat: the widget says how far the applicant has read.

  client → server  {"type": "read", "id": MESSAGE_ID}   the window showed the
                                                        conversation up to this message
                                                        in a visible tab

The widget sends one when an agent's reply is on screen (the panel open, the tab
visible), and the agent's console then shows that reply as read ("dibaca"). The
conversation is the socket's own, so a window marks only its own conversation's
replies. A socket's receipts only move forward and are capped, so a window that
repeats itself, or a script that counts upwards, costs a bounded number of writes.
"""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web

from bot.conversation.inbound import loads
from bot.keys import DELIVERY, SESSIONS
from permits.outbox import record_read

log = logging.getLogger(__name__)

MAX_RECEIPTS_PER_SOCKET = 200  # far more agent replies than one chat window shows
READ_UP_TO = web.ResponseKey("web_read_up_to", int)
RECEIPTS = web.ResponseKey("web_receipts", int)


def read_receipt(data: str) -> int | None:
    """The message id of a read receipt, or None when the frame is something else."""
    if '"read"' not in data:  # most frames are messages: spare them a second parse
        return None
    try:
        parsed: Any = loads(data)
    except ValueError:
        return None
    if not isinstance(parsed, dict) or parsed.get("type") != "read":
        return None
    message_id = parsed.get("id")
    if isinstance(message_id, bool) or not isinstance(message_id, int) or message_id < 1:
        return None
    return message_id


async def take_read_receipt(
    request: web.Request, socket: web.WebSocketResponse, conversation_id: str, up_to: int
) -> None:
    """Record that the applicant read the agents' replies up to `up_to` and tell the
    consoles; a receipt behind the socket's last one, or over its cap, is ignored."""
    taken = socket.get(RECEIPTS, 0)
    if up_to <= socket.get(READ_UP_TO, 0) or taken >= MAX_RECEIPTS_PER_SOCKET:
        return
    socket[READ_UP_TO], socket[RECEIPTS] = up_to, taken + 1
    if taken + 1 == MAX_RECEIPTS_PER_SOCKET:
        log.warning("a web chat window reached its cap of read receipts")
    async with request.app[SESSIONS]() as session:
        moved = await record_read(session, conversation_id, up_to)
    request.app[DELIVERY].reported(moved)
