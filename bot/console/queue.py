"""The queue page: who waits for an agent, who is being helped, who wants a call back.

Claiming is decided by the database (permits.handoff.claim), so two agents
clicking at once cannot both get the conversation; the loser is told.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import aiohttp_jinja2
from aiohttp import WSMsgType, web

from bot.console.live import HUB, Viewer
from bot.console.security import STAFF_COOKIE, current_staff
from bot.keys import SESSIONS
from permits.handoff import QueueItem, claim, close_callback, queue_items
from permits.models import utcnow
from permits.staff import hash_token
from permits.states import HandoffState

log = logging.getLogger(__name__)

NOTICES = {
    "sudah-diambil": ("error", "Percakapan itu sudah diambil petugas lain."),
    "ditelepon": ("info", "Permintaan telepon balik ditandai selesai."),
    "ditutup": ("info", "Percakapan ditutup."),
    "dikembalikan": ("info", "Percakapan dikembalikan ke asisten virtual."),
}
CHANNEL_LABELS = {"web": "Web chat", "telegram": "Telegram", "whatsapp": "WhatsApp", "api": "API"}


def conversation_url(conversation_id: str) -> str:
    return "/console/conversations/" + quote(conversation_id, safe=":+")


@dataclass(frozen=True)
class QueueRow:
    item: QueueItem
    channel: str  # its Indonesian label
    minutes: int  # since the conversation joined the queue
    url: str


async def queue_context(request: web.Request) -> dict[str, Any]:
    async with request.app[SESSIONS]() as session:
        items = await queue_items(session)
    now = utcnow()
    rows = [
        QueueRow(
            item=item,
            channel=CHANNEL_LABELS.get(item.channel, item.channel),
            minutes=max(0, int((now - item.created_at).total_seconds() // 60)),
            url=conversation_url(item.conversation_id),
        )
        for item in items
    ]
    me = current_staff(request).id
    return {
        "waiting": [r for r in rows if r.item.state == HandoffState.QUEUED],
        "mine": [r for r in rows if r.item.state == HandoffState.ACTIVE and r.item.agent_id == me],
        "others": [
            r for r in rows if r.item.state == HandoffState.ACTIVE and r.item.agent_id != me
        ],
        "callbacks": [r for r in rows if r.item.state == HandoffState.CALLBACK],
    }


@aiohttp_jinja2.template("queue.html")
async def queue_page(request: web.Request) -> dict[str, Any]:
    return {"nav": "queue", **await queue_context(request)}


@aiohttp_jinja2.template("_queue.html")
async def queue_fragment(request: web.Request) -> dict[str, Any]:
    """The tables alone: the page's script swaps them in when the queue changes."""
    return await queue_context(request)


async def claim_handoff(request: web.Request) -> web.Response:
    staff = current_staff(request)
    handoff_id = int(request.match_info["handoff_id"])
    conversation_id = (await request.post()).get("conversation_id", "")
    async with request.app[SESSIONS]() as session:
        won = await claim(session, handoff_id, staff.id)
    log.info("claim", extra={"handoff_id": handoff_id, "agent": staff.username, "won": won})
    if not won:
        raise web.HTTPSeeOther("/console?pesan=sudah-diambil")
    await request.app[HUB].publish({"type": "queue"})
    raise web.HTTPSeeOther(conversation_url(str(conversation_id)))


async def callback_done(request: web.Request) -> web.Response:
    staff = current_staff(request)
    async with request.app[SESSIONS]() as session:
        await close_callback(session, int(request.match_info["handoff_id"]), staff.id)
    await request.app[HUB].publish({"type": "queue"})
    raise web.HTTPSeeOther("/console?pesan=ditelepon")


async def console_socket(request: web.Request) -> web.WebSocketResponse:
    socket = web.WebSocketResponse(heartbeat=30, max_msg_size=4096)
    await socket.prepare(request)
    hub = request.app[HUB]
    # Behind the staff middleware: the cookie is a live session's.
    viewer = Viewer(hash_token(request.cookies[STAFF_COOKIE]), current_staff(request).id)
    hub.join(socket, viewer)
    try:
        async for frame in socket:
            if frame.type == WSMsgType.ERROR:
                break  # agents only listen; anything they send is ignored
    finally:
        hub.leave(socket)
    return socket


def setup(app: web.Application) -> None:
    app.router.add_get("/console", queue_page)
    app.router.add_get("/console/queue", queue_fragment)
    app.router.add_post(r"/console/handoffs/{handoff_id:\d+}/claim", claim_handoff)
    app.router.add_post(r"/console/handoffs/{handoff_id:\d+}/callback-done", callback_done)
    app.router.add_get("/console/ws", console_socket)
