"""The "Tanya PTSP" web live chat: a websocket, the embeddable widget and a demo page.

Wire format (JSON over the websocket at /chat/ws?session=TOKEN):
  server → client  {"type": "session", "token": ...}       keep it to resume later
                   {"type": "history", "messages": [...]}  the conversation so far
                   {"type": "message", "id", "from", "text", "buttons"}
                   {"type": "received", "id": CLIENT_ID}   stored; the widget may forget it
                   {"type": "typing"}                      the bot is preparing an answer
                   {"type": "error", "text": ...}          an Indonesian explanation
  client → server  {"type": "message", "id": CLIENT_ID, "text": ...}
The widget resends unacknowledged messages after a reconnect; the client id
makes the copy a duplicate that the transcript drops.
The session token is a secret held by the browser; the conversation id is
derived from it, so knowing a conversation id does not let anyone read it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import secrets
from collections import defaultdict
from pathlib import Path
from typing import Any, ClassVar

from aiohttp import WSMsgType, web

from bot.channels.base import Outbound, visible_buttons
from bot.keys import CHANNELS, SESSIONS, SETTINGS, TURNS
from permits.transcripts import history, serialise

log = logging.getLogger(__name__)

STATIC = Path(__file__).with_name("web_static")
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
CLIENT_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def conversation_for(token: str) -> str:
    return "web:" + hashlib.sha256(token.encode()).hexdigest()[:24]


class WebChannel:
    name: ClassVar[str] = "web"

    def __init__(self) -> None:
        self._sockets: dict[str, set[web.WebSocketResponse]] = defaultdict(set)

    def join(self, conversation_id: str, socket: web.WebSocketResponse) -> None:
        self._sockets[conversation_id].add(socket)

    def leave(self, conversation_id: str, socket: web.WebSocketResponse) -> None:
        sockets = self._sockets.get(conversation_id)
        if sockets is not None:
            sockets.discard(socket)
            if not sockets:
                del self._sockets[conversation_id]

    async def publish(self, conversation_id: str, event: dict[str, Any]) -> None:
        for socket in list(self._sockets.get(conversation_id, ())):
            if socket.closed:
                self.leave(conversation_id, socket)
                continue
            try:
                await socket.send_json(event)
            except ConnectionError:
                self.leave(conversation_id, socket)

    async def send(self, message: Outbound) -> str | None:
        """Push to the open chat windows; a closed window finds it in the history."""
        await self.publish(
            message.conversation_id,
            {
                "type": "message",
                "id": message.message_id,
                "from": message.sender,
                "text": message.text,
                "buttons": visible_buttons(message.buttons),
            },
        )
        return None

    async def close(self) -> None:
        for sockets in list(self._sockets.values()):
            for socket in list(sockets):
                await socket.close(message=b"server shutdown")


WEB = web.AppKey("web", WebChannel)


async def chat_socket(request: web.Request) -> web.WebSocketResponse:
    socket = web.WebSocketResponse(heartbeat=30, max_msg_size=16 * 1024)
    await socket.prepare(request)
    token = request.query.get("session", "")
    if not TOKEN_PATTERN.match(token):
        token = secrets.token_urlsafe(24)
    conversation_id = conversation_for(token)
    channel = request.app[WEB]
    await socket.send_json({"type": "session", "token": token})
    await socket.send_json(
        {"type": "history", "messages": await _history(request, conversation_id)}
    )
    channel.join(conversation_id, socket)
    try:
        async for frame in socket:
            if frame.type == WSMsgType.TEXT:
                await _on_text(request, socket, conversation_id, frame.data)
    finally:
        channel.leave(conversation_id, socket)
    return socket


async def _history(request: web.Request, conversation_id: str) -> list[dict[str, Any]]:
    async with request.app[SESSIONS]() as session:
        rows = await history(session, conversation_id)
    lines = [serialise(row) for row in rows]
    for line in lines:
        line["buttons"] = visible_buttons(line["buttons"])
    return lines


async def _on_text(
    request: web.Request, socket: web.WebSocketResponse, conversation_id: str, data: str
) -> None:
    parsed = _parse_chat_message(request, data)
    if isinstance(parsed, str):
        await socket.send_json({"type": "error", "text": parsed})
        return
    client_id, text = parsed
    accepted = await request.app[TURNS].receive(conversation_id, text, f"web-{client_id}")
    await socket.send_json({"type": "received", "id": client_id})
    if accepted:
        await request.app[WEB].publish(conversation_id, {"type": "typing"})


def _parse_chat_message(request: web.Request, data: str) -> str | tuple[str, str]:
    """An Indonesian error message, or the (client id, text) of a valid message."""
    try:
        parsed = json.loads(data)
    except ValueError:
        return "Format pesan tidak dikenal."
    if not isinstance(parsed, dict) or parsed.get("type") != "message":
        return "Format pesan tidak dikenal."
    client_id, text = parsed.get("id"), parsed.get("text")
    if not isinstance(client_id, str) or not CLIENT_ID_PATTERN.match(client_id):
        return "Format pesan tidak dikenal."
    if not isinstance(text, str) or not text.strip():
        return "Pesan kosong. Silakan tulis pertanyaan Anda."
    limit = request.app[SETTINGS].max_message_chars
    if len(text) > limit:
        return f"Pesan terlalu panjang (maksimal {limit} karakter)."
    return client_id, text.strip()


async def widget_script(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "widget.js", headers=_static_headers())


async def widget_style(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "widget.css", headers=_static_headers())


async def demo_page(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "demo.html")


def _static_headers() -> dict[str, str]:
    # Office sites embed the widget from another origin.
    return {"Access-Control-Allow-Origin": "*", "Cache-Control": "public, max-age=300"}


def setup(app: web.Application) -> WebChannel:
    channel = WebChannel()
    app[WEB] = channel
    app[CHANNELS][channel.name] = channel
    app.router.add_get("/chat/ws", chat_socket)
    app.router.add_get("/widget.js", widget_script)
    app.router.add_get("/widget.css", widget_style)
    app.router.add_get("/", demo_page)
    return channel
