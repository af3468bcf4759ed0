"""A small Telegram Bot API server: the methods the gateway uses, in the real wire format.

Requests arrive as form-encoded or JSON bodies at /bot<token>/<method>, as PTB
sends them; answers are {"ok": true, "result": ...} or Telegram's error objects.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient

TOKEN = "123456:TEST-token"


@dataclass
class FakeTelegram:
    sent: list[dict[str, Any]] = field(default_factory=list)  # sendMessage calls
    answered_callbacks: list[str] = field(default_factory=list)
    webhook: dict[str, Any] = field(default_factory=dict)
    updates: list[dict[str, Any]] = field(default_factory=list)  # for getUpdates
    floods_left: int = 0  # answer this many sendMessage calls with 429
    # While set, sendMessage calls wait for release() before Telegram takes them;
    # a caller that disappears meanwhile (killed) never gets its message sent.
    holding: bool = False
    held: int = 0
    _released: asyncio.Event = field(default_factory=asyncio.Event)
    blocked_chats: set[int] = field(default_factory=set)
    _next_message_id: int = 1
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self.handle)
        return app

    async def handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != TOKEN:
            return _error(401, "Unauthorized")
        params = await _params(request)
        method = request.match_info["method"]
        if method == "sendMessage" and self.holding:
            self.held += 1
            self._arrived.set()
            await self._released.wait()
            if request.transport is None or request.transport.is_closing():
                return _error(499, "client went away")  # nobody reads this answer
        handler = getattr(self, f"_{method}", None)
        if handler is None:
            return _error(404, "Not Found: method not found")
        response: web.Response = await handler(params)
        return response

    def release(self) -> None:
        self.holding = False
        self._released.set()

    async def wait_for_held(self, count: int, seconds: float = 8.0) -> int:
        deadline = time.monotonic() + seconds
        while self.held < count and time.monotonic() < deadline:
            self._arrived.clear()
            try:
                await asyncio.wait_for(self._arrived.wait(), deadline - time.monotonic())
            except TimeoutError:
                break
        return self.held

    async def wait_for_sent(self, count: int, seconds: float = 8.0) -> list[dict[str, Any]]:
        """Wait until `count` messages were sent (and a moment more, to catch extras)."""
        deadline = time.monotonic() + seconds
        while len(self.sent) < count and time.monotonic() < deadline:
            self._arrived.clear()
            try:
                await asyncio.wait_for(self._arrived.wait(), deadline - time.monotonic())
            except TimeoutError:
                break
        await asyncio.sleep(0.3)
        return self.sent

    async def _getMe(self, params: dict[str, Any]) -> web.Response:
        return _ok(
            {
                "id": 123456,
                "is_bot": True,
                "first_name": "Tanya PTSP",
                "username": "tanya_ptsp_bot",
                "can_join_groups": False,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            }
        )

    async def _setWebhook(self, params: dict[str, Any]) -> web.Response:
        self.webhook = params
        return _ok(True)

    async def _deleteWebhook(self, params: dict[str, Any]) -> web.Response:
        self.webhook = {}
        return _ok(True)

    async def _sendMessage(self, params: dict[str, Any]) -> web.Response:
        if self.floods_left:
            self.floods_left -= 1
            return web.json_response(
                {
                    "ok": False,
                    "error_code": 429,
                    "description": "Too Many Requests: retry after 1",
                    "parameters": {"retry_after": 1},
                },
                status=429,
            )
        chat_id = int(params["chat_id"])
        if chat_id in self.blocked_chats:
            return _error(403, "Forbidden: bot was blocked by the user")
        markup = params.get("reply_markup")
        params["reply_markup"] = json.loads(markup) if isinstance(markup, str) else markup
        self.sent.append(params)
        self._arrived.set()
        message_id = self._next_message_id
        self._next_message_id += 1
        return _ok(
            {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "text": params["text"],
            }
        )

    async def _answerCallbackQuery(self, params: dict[str, Any]) -> web.Response:
        self.answered_callbacks.append(str(params["callback_query_id"]))
        return _ok(True)

    async def _getUpdates(self, params: dict[str, Any]) -> web.Response:
        offset = int(params.get("offset") or 0)
        wait = min(float(params.get("timeout") or 0), 1.0)
        deadline = time.monotonic() + wait
        while True:
            ready = [u for u in self.updates if u["update_id"] >= offset]
            if ready or time.monotonic() >= deadline:
                return _ok(ready)
            await asyncio.sleep(0.05)


async def _params(request: web.Request) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        params.update(await request.json())
    elif request.can_read_body:
        params.update({k: v for k, v in (await request.post()).items() if isinstance(v, str)})
    return params


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def _error(code: int, description: str) -> web.Response:
    return web.json_response(
        {"ok": False, "error_code": code, "description": description}, status=code
    )


def _user(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": "Budi", "language_code": "id"}


def _message(update_id: int, chat_id: int, **content: Any) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": "Budi"},
            "from": _user(chat_id),
            **content,
        },
    }


def text_update(update_id: int, chat_id: int, text: str) -> dict[str, Any]:
    return _message(update_id, chat_id, text=text)


def contact_update(
    update_id: int, chat_id: int, phone: str, contact_user_id: int | None
) -> dict[str, Any]:
    contact: dict[str, Any] = {"phone_number": phone, "first_name": "Budi"}
    if contact_user_id is not None:
        contact["user_id"] = contact_user_id
    return _message(update_id, chat_id, contact=contact)


def photo_update(update_id: int, chat_id: int) -> dict[str, Any]:
    photo = [{"file_id": "AgAD", "file_unique_id": "AQAD", "width": 90, "height": 90}]
    return _message(update_id, chat_id, photo=photo)


def callback_update(update_id: int, chat_id: int, data: str) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "callback_query": {
            "id": f"cb{update_id}",
            "from": _user(chat_id),
            "chat_instance": "ci1",
            "data": data,
            "message": {
                "message_id": 1,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "from": {"id": 123456, "is_bot": True, "first_name": "Tanya PTSP"},
                "text": "pilihan",
            },
        },
    }


async def post_update(
    client: TestClient[web.Request, web.Application], update: dict[str, Any], secret: str | None
) -> int:
    """Deliver an update to the gateway's webhook as Telegram does (with its secret header)."""
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    response = await client.post("/telegram/webhook", json=update, headers=headers)
    return response.status
