"""The "Tanya PTSP" web live chat: a websocket, the embeddable widget and a demo page.

Wire format (JSON over the websocket at /chat/ws):
  client → server  {"type": "hello", "session": TOKEN}     first frame; without a valid
                                                           token (or within 5 s) a new
                                                           conversation starts
  server → client  {"type": "session", "token": ...}       keep it to resume later
                   {"type": "history", "messages": [...], "agent": NAME | null}
                                                           the conversation so far, and
                                                           the agent holding it, if one does
                   {"type": "message", "id", "from", "text", "buttons"}
                   {"type": "received", "id": CLIENT_ID}   stored; the widget may forget it
                   {"type": "typing"}                      the bot is preparing an answer
                                                           (never while an agent holds it)
                   {"type": "typing", "from": "agent"}     the agent is typing a reply
                   {"type": "typing", "from": "agent", "stopped": true}
                                                           they emptied their reply box
                   {"type": "agent", "name": NAME | null}  an agent took the conversation
                                                           over; null: back to the bot
                                                           (bot/console/presence.py)
                   {"type": "error", "text": ..., "id"?}   an Indonesian explanation; with
                                                           the client id of a refused message
  client → server  {"type": "message", "id": CLIENT_ID, "text": ...}
                   {"type": "read", "id": MESSAGE_ID}     see bot/channels/web_receipts.py
                   {"type": "feedback", "id", "helpful"}  see bot/channels/web_feedback.py
                   {"type": "typing"}                      the applicant is typing (to the
                                                           agent: bot/channels/web_presence.py)
                   {"type": "typing", "stopped": true}     they emptied the box
The widget resends unacknowledged messages after a reconnect; the client id
makes the copy a duplicate that the transcript drops.
Limits: per conversation (TANYA_CONVERSATION_RATE_LIMIT) and per client address, for
messages over all its conversations and for new connections (TANYA_WEB_*_LIMIT_PER_
ADDRESS), since a new connection starts a new conversation. A message over a limit is
dropped unstored and never reaches Rasa: the window gets {"type": "error", "id", "text"}
saying to slow down; a connection over the limit is refused with HTTP 429.
A frame over MAX_FRAME_BYTES or a text frame that is not UTF-8 makes aiohttp close
that socket (1009, 1007); the widget never sends either, and other sockets go on.
The session token is a secret held by the browser; the conversation id is
derived from it, so knowing a conversation id does not let anyone read it. It
travels in the first frame, never in the URL, which access and proxy logs keep.
"""

from __future__ import annotations

import hashlib
import html
import logging
import re
import secrets
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from aiohttp import WSMessage, WSMsgType, web
from limits import RateLimitItem, parse
from limits.aio.storage import Storage
from limits.aio.strategies import MovingWindowRateLimiter

from bot.bus import Bus
from bot.channels.web_feedback import take_verdict, verdict_frame
from bot.channels.web_presence import ApplicantPresence, typing_in
from bot.channels.web_receipts import read_receipt, take_read_receipt
from bot.channels.web_widget import widget_script as widget_script_in
from bot.console.live import HUB
from bot.conversation.inbound import loads, refusal
from bot.conversation.notices import SLOW_DOWN
from bot.conversation.outbound import Outbound, visible_buttons
from bot.keys import BUS, CHANNELS, SESSIONS, SETTINGS, TURNS
from bot.limiting import client_address, limit_storage
from bot.metrics import METRICS
from bot.settings import GatewaySettings
from permits.history import history, serialise
from permits.language import language_of
from permits.office_profile import fill_placeholders, office_profile
from permits.texts import N_, _, configured_language, current, speaking

log = logging.getLogger(__name__)

STATIC = Path(__file__).with_name("web_static")
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
CLIENT_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
# The widget sends at most 1000 characters, a few KB as JSON; a bigger frame closes
# the socket (aiohttp, 1009) before it is read whole.
MAX_FRAME_BYTES = 16 * 1024
UNKNOWN_FORMAT = N_("Format pesan tidak dikenal.")
HELLO_SECONDS = 5.0  # how long a new socket may take to send its hello


def conversation_for(token: str) -> str:
    return "web:" + hashlib.sha256(token.encode()).hexdigest()[:24]


class WebChannel:
    """A chat window's socket is held by one replica; events for it travel over the bus."""

    name: ClassVar[str] = "web"
    topic: ClassVar[str] = "web"

    def __init__(self, bus: Bus) -> None:
        self._sockets: dict[str, set[web.WebSocketResponse]] = defaultdict(set)
        self._bus = bus
        bus.subscribe(self.topic, self._push)

    def join(self, conversation_id: str, socket: web.WebSocketResponse) -> None:
        self._sockets[conversation_id].add(socket)

    def watching(self, conversation_id: str) -> bool:
        """Whether a chat window of the conversation is open on this replica."""
        return bool(self._sockets.get(conversation_id))

    def leave(self, conversation_id: str, socket: web.WebSocketResponse) -> None:
        sockets = self._sockets.get(conversation_id)
        if sockets is not None:
            sockets.discard(socket)
            if not sockets:
                del self._sockets[conversation_id]

    async def publish(self, conversation_id: str, event: dict[str, Any]) -> None:
        """To the conversation's windows, on whichever replica they are open."""
        await self._bus.publish(self.topic, {"conversation_id": conversation_id, "event": event})

    async def _push(self, envelope: dict[str, Any]) -> None:
        conversation_id, event = envelope["conversation_id"], envelope["event"]
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
                "buttons": message.buttons,
            },
        )
        return None

    async def close(self) -> None:
        for sockets in list(self._sockets.values()):
            for socket in list(sockets):
                await socket.close(message=b"server shutdown")


WEB = web.AppKey("web", WebChannel)
TOO_MANY_CONNECTIONS = N_(
    "Terlalu banyak sambungan obrolan dari alamat Anda. Coba lagi sebentar lagi."
)


class AddressLimits:
    """The web chat's limits per client address (shared through Redis by replicas)."""

    def __init__(self, storage: Storage, connections: str, messages: str) -> None:
        self._limiter = MovingWindowRateLimiter(storage)
        self._connections = parse(connections)
        self._messages = parse(messages)

    async def connection_allowed(self, address: str) -> bool:
        return await self._hit(self._connections, "connect", address)

    async def message_allowed(self, address: str) -> bool:
        return await self._hit(self._messages, "message", address)

    async def _hit(self, limit: RateLimitItem, kind: str, address: str) -> bool:
        try:
            return await self._limiter.hit(limit, kind, address)
        except Exception:  # the store (Redis) is away: the service goes on
            log.warning("web chat limit unavailable; let through", exc_info=True)
            return True


def address_limits_for(settings: GatewaySettings) -> AddressLimits:
    return AddressLimits(
        limit_storage(settings.redis_url, "tanya:web"),
        settings.web_connection_limit_per_address,
        settings.web_message_limit_per_address,
    )


WEB_LIMITS = web.AppKey("web_limits", AddressLimits)
PRESENCE = web.AppKey("web_presence", ApplicantPresence)


def _address(request: web.Request) -> str:
    return client_address(request, request.app[SETTINGS].trusted_proxy_hops)


async def chat_socket(request: web.Request) -> web.StreamResponse:
    if not await request.app[WEB_LIMITS].connection_allowed(_address(request)):
        log.warning("web chat connection over the limit refused")
        return web.json_response({"error": _(TOO_MANY_CONNECTIONS)}, status=429)
    socket = web.WebSocketResponse(heartbeat=30, max_msg_size=MAX_FRAME_BYTES)
    await socket.prepare(request)
    token, first = await _hello(socket)
    if first is not None and first.type not in (WSMsgType.TEXT, WSMsgType.BINARY):
        return socket  # closed before saying anything
    conversation_id = conversation_for(token)
    channel = request.app[WEB]
    # The widget clips what is typed to the gateway's own limit: one number for both.
    max_chars = request.app[SETTINGS].max_message_chars
    await socket.send_json({"type": "session", "token": token, "max_chars": max_chars})
    presence = request.app[PRESENCE]
    attending = await presence.attendance(conversation_id)
    history_event = {"type": "history", "messages": await _history(request, conversation_id)}
    await socket.send_json({**history_event, "agent": attending.agent})
    channel.join(conversation_id, socket)
    await presence.opened(conversation_id, attending)
    try:
        if first is not None:  # a frame that was not a hello: an ordinary one
            await _on_frame(request, socket, conversation_id, first)
        async for frame in socket:
            await _on_frame(request, socket, conversation_id, frame)
    finally:
        channel.leave(conversation_id, socket)
        if not channel.watching(conversation_id):
            presence.closed(conversation_id)
    return socket


async def _hello(socket: web.WebSocketResponse) -> tuple[str, WSMessage | None]:
    """The session token of the first frame, {"type": "hello", "session": TOKEN}, or a
    new one; and the first frame when it was something else (to be handled as usual)."""
    try:
        frame = await socket.receive(timeout=HELLO_SECONDS)
    except TimeoutError:  # an old widget, which waits for the session event
        return secrets.token_urlsafe(24), None
    if frame.type == WSMsgType.TEXT:
        try:
            data = loads(frame.data)
        except ValueError:
            data = None
        if isinstance(data, dict) and data.get("type") == "hello":
            token = data.get("session")
            if isinstance(token, str) and TOKEN_PATTERN.match(token):
                return token, None
            return secrets.token_urlsafe(24), None
    return secrets.token_urlsafe(24), frame


async def _on_frame(
    request: web.Request, socket: web.WebSocketResponse, conversation_id: str, frame: WSMessage
) -> None:
    if frame.type == WSMsgType.TEXT:
        await _on_text(request, socket, conversation_id, frame.data)
    elif frame.type == WSMsgType.BINARY:
        await socket.send_json({"type": "error", "text": _(UNKNOWN_FORMAT)})
    elif frame.type == WSMsgType.ERROR:  # aiohttp has closed this socket
        log.info(
            "web chat socket closed on a bad frame",
            extra={"code": socket.close_code, "reason": str(frame.data)},
        )


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
    if (read_up_to := read_receipt(data)) is not None:  # bot/channels/web_receipts.py
        await take_read_receipt(request, socket, conversation_id, read_up_to)
        return
    if (verdict := verdict_frame(data)) is not None:  # bot/channels/web_feedback.py
        await take_verdict(request, socket, conversation_id, verdict)
        return
    if (typing := typing_in(data)) is not None:  # bot/channels/web_presence.py
        await request.app[PRESENCE].typing(conversation_id, typing)
        return
    parsed = _parse_chat_message(request, data)
    if isinstance(parsed, Refused):
        event = {"type": "error", "text": parsed.text}
        if parsed.client_id is not None:
            event["id"] = parsed.client_id  # the widget stops resending it
        await socket.send_json(event)
        return
    client_id, text = parsed
    if not await _within_limits(request, conversation_id):
        request.app[METRICS].flood_limited.inc()
        # In the message's own language: a flood is not worth a database lookup.
        with speaking(language_of([text], default=configured_language())):
            await socket.send_json({"type": "error", "text": _(SLOW_DOWN), "id": client_id})
        return  # dropped: not stored, not answered
    turns = request.app[TURNS]
    accepted = await turns.receive(conversation_id, text, f"web-{client_id}", limited=False)
    await socket.send_json({"type": "received", "id": client_id})
    presence = request.app[PRESENCE]
    presence.sent(conversation_id)
    # The dots say the bot is answering; while an agent holds the conversation it is not.
    if accepted and not (await presence.attendance(conversation_id)).held:
        await request.app[WEB].publish(conversation_id, {"type": "typing"})


async def _within_limits(request: web.Request, conversation_id: str) -> bool:
    if not await request.app[WEB_LIMITS].message_allowed(_address(request)):
        log.warning("web chat messages over the limit of their address dropped")
        return False
    if not await request.app[TURNS].within_flood_limit(conversation_id):
        log.warning("web chat messages over the conversation's limit dropped")
        return False
    return True


@dataclass(frozen=True)
class Refused:
    """Why a frame is not taken (to tell the user), and the client id it carried, if valid."""

    text: str
    client_id: str | None = None


def _parse_chat_message(request: web.Request, data: str) -> Refused | tuple[str, str]:
    """The (client id, text) of a valid message, or why it is refused."""
    try:
        parsed = loads(data)
    except ValueError:
        return Refused(_(UNKNOWN_FORMAT))
    if not isinstance(parsed, dict) or parsed.get("type") != "message":
        return Refused(_(UNKNOWN_FORMAT))
    client_id, text = parsed.get("id"), parsed.get("text")
    if not isinstance(client_id, str) or not CLIENT_ID_PATTERN.match(client_id):
        return Refused(_(UNKNOWN_FORMAT))
    if not isinstance(text, str):
        text = ""  # refused as empty
    refused = refusal(text, request.app[SETTINGS].max_message_chars)
    if refused is not None:
        return Refused(refused, client_id)  # not stored: the window shows the refusal
    return client_id, text.strip()


async def widget_script(request: web.Request) -> web.Response:
    return web.Response(
        body=widget_script_in(current()),
        content_type="text/javascript",
        charset="utf-8",
        headers=_static_headers(),
    )


async def widget_style(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "widget.css", headers=_static_headers())


async def demo_page(request: web.Request) -> web.Response:
    """The mock office homepage; its footer's hours, address and call centre are the
    office settings' (permits.office_profile), like the bot's answers."""
    async with request.app[SESSIONS]() as session:
        profile = await office_profile(session)
    facts = {name: html.escape(value) for name, value in profile.placeholders().items()}
    page = fill_placeholders((STATIC / "demo.html").read_text(encoding="utf-8"), facts)
    return web.Response(text=page, content_type="text/html")


def _static_headers() -> dict[str, str]:
    # Office sites embed the widget from another origin.
    return {"Access-Control-Allow-Origin": "*", "Cache-Control": "public, max-age=300"}


async def web_limits(app: web.Application) -> AsyncIterator[None]:
    app[WEB_LIMITS] = address_limits_for(app[SETTINGS])
    yield


async def applicant_presence(app: web.Application) -> AsyncIterator[None]:
    app[PRESENCE] = ApplicantPresence(app[SESSIONS], app[HUB])
    yield
    await app[PRESENCE].close()


def setup(app: web.Application) -> WebChannel:
    channel = WebChannel(app[BUS])
    app[WEB] = channel
    app.cleanup_ctx.append(web_limits)
    app.cleanup_ctx.append(applicant_presence)
    app[CHANNELS][channel.name] = channel
    app.router.add_get("/chat/ws", chat_socket)
    app.router.add_get("/widget.js", widget_script)
    app.router.add_get("/widget.css", widget_style)
    app.router.add_get("/", demo_page)
    return channel
