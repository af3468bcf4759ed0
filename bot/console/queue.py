"""The queue page: who waits for an agent, who is being helped, who wants a call back.

Claiming is decided by the database (permits.handoff.claim), so two agents
clicking at once cannot both get the conversation; the loser is told. A waiting
conversation can be previewed (its last lines) without claiming it, and every
console page learns of new arrivals from /console/queue/waiting (console.js rings,
counts them in the tab title and, if the agent opted in, shows a desktop notification).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import aiohttp_jinja2
from aiohttp import WSMsgType, web

from bot.console.live import HUB, Viewer
from bot.console.presence import AgentTyping, announce_agent_joined
from bot.console.security import STAFF_COOKIE, current_staff
from bot.keys import SESSIONS, SETTINGS
from permits.handoff import REASONS, QueueItem, claim, queue_items
from permits.history import console_line, history
from permits.models import Handoff, utcnow
from permits.staff import hash_token
from permits.states import HandoffState

log = logging.getLogger(__name__)

NOTICES = {
    "sudah-diambil": ("error", "Percakapan itu sudah diambil petugas lain."),
    "ditutup": ("info", "Percakapan ditutup."),
    "dikembalikan": ("info", "Percakapan dikembalikan ke asisten virtual."),
}
CHANNEL_LABELS = {"web": "Web chat", "telegram": "Telegram", "whatsapp": "WhatsApp", "api": "API"}
PREVIEW_LINES = 10  # enough to see what the applicant wants before taking them


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


async def waiting_now(request: web.Request) -> web.Response:
    """Who waits for an agent, for the alerts of every console page: the handoff ids (to
    tell a new arrival from one already known), channel and reason (a notification's
    words; never what the applicant wrote, which a desktop notification would show to
    anyone near the screen)."""
    async with request.app[SESSIONS]() as session:
        items = await queue_items(session)
    waiting = [
        {
            "id": item.handoff_id,
            "channel": CHANNEL_LABELS.get(item.channel, item.channel),
            "reason": item.reason_label,
        }
        for item in items
        if item.state == HandoffState.QUEUED
    ]
    return web.json_response({"waiting": waiting}, headers={"Cache-Control": "no-store"})


@aiohttp_jinja2.template("_preview.html")
async def preview_fragment(request: web.Request) -> dict[str, Any]:
    """The last lines of a queued conversation, read without claiming it."""
    zone = request.app[SETTINGS].office_zone
    async with request.app[SESSIONS]() as session:
        handoff = await session.get(Handoff, int(request.match_info["handoff_id"]))
        if handoff is None:
            raise web.HTTPNotFound(text="Percakapan tidak ditemukan.")
        lines = await history(session, handoff.conversation_id, limit=PREVIEW_LINES)
    channel = handoff.conversation_id.partition(":")[0]
    return {
        "handoff": handoff,
        "waiting": handoff.state == HandoffState.QUEUED,
        "channel": CHANNEL_LABELS.get(channel, channel),
        "reason": REASONS.get(handoff.reason, handoff.reason),
        "url": conversation_url(handoff.conversation_id),
        "lines": [console_line(line, zone) for line in lines],
    }


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
    await announce_agent_joined(request, handoff_id)  # "Petugas … bergabung"
    raise web.HTTPSeeOther(conversation_url(str(conversation_id)))


async def console_socket(request: web.Request) -> web.WebSocketResponse:
    socket = web.WebSocketResponse(heartbeat=30, max_msg_size=4096)
    await socket.prepare(request)
    hub = request.app[HUB]
    # Behind the staff middleware: the cookie is a live session's.
    viewer = Viewer(hash_token(request.cookies[STAFF_COOKIE]), current_staff(request).id)
    hub.join(socket, viewer)
    typing = AgentTyping(request.app, viewer.staff_id)  # bot/console/presence.py
    try:
        async for frame in socket:
            if frame.type == WSMsgType.ERROR:
                break
            if frame.type == WSMsgType.TEXT:  # agents only say they are typing
                await typing.on_frame(frame.data)
    finally:
        hub.leave(socket)
    return socket


def setup(app: web.Application) -> None:
    app.router.add_get("/console", queue_page)
    app.router.add_get("/console/queue", queue_fragment)
    app.router.add_get("/console/queue/waiting", waiting_now)
    app.router.add_get(r"/console/handoffs/{handoff_id:\d+}/preview", preview_fragment)
    app.router.add_post(r"/console/handoffs/{handoff_id:\d+}/claim", claim_handoff)
    app.router.add_get("/console/ws", console_socket)
