"""Every entry point of one gateway as its users see it: the API, Telegram, WhatsApp and
the web chat, each driven the same way (`Driver`), for tests that go through all of them
(tests/bot/test_bad_input.py, tests/bot/conversation/test_flood.py)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from sqlalchemy import func, select

from bot.channels.web import conversation_for
from bot.keys import SESSIONS
from permits.models import ApplicationEvent, Conversation, Message
from tests.bot.conftest import (
    AUTH,
    PUBLIC_URL,
    TELEGRAM_SECRET,
    Client,
    FakeRasa,
    open_chat,
    settled,
    until,
)
from tests.fakes.telegram import FakeTelegram, photo_update, post_update, text_update
from tests.fakes.twilio import FakeTwilio, sign, whatsapp_message, whatsapp_photo


@dataclass
class World:
    client: Client
    rasa: FakeRasa
    telegram: FakeTelegram
    twilio: FakeTwilio


WorldFactory = Callable[..., Awaitable[World]]


async def counts(world: World) -> dict[str, int]:
    """How many rows the gateway keeps: anything garbage would add to them."""
    async with world.client.app[SESSIONS]() as session:
        return {
            model.__name__: await session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Message, Conversation, ApplicationEvent)
        }


async def inbound(world: World, conversation_id: str) -> list[Message]:
    async with world.client.app[SESSIONS]() as session:
        rows = await session.scalars(
            select(Message)
            .where(Message.conversation_id == conversation_id, Message.direction == "in")
            .order_by(Message.id)
        )
        return list(rows.all())


async def outbound(world: World, conversation_id: str) -> list[str]:
    async with world.client.app[SESSIONS]() as session:
        texts = await session.scalars(
            select(Message.text)
            .where(Message.conversation_id == conversation_id, Message.direction == "out")
            .order_by(Message.id)
        )
        return list(texts.all())


async def eventually(world: World, done: Callable[[], bool], seconds: float = 8.0) -> None:
    """Wait until `done` holds, then until the gateway has settled, so that an extra
    message (a second notice, say) would have been sent by then."""
    await until(done, seconds)
    await settled(world.client.app)


# --- the channels, as a user sees them ---------------------------------------------------


@dataclass
class Driver:
    """A channel from its users' side: user 0 misbehaves, user 1 is anybody else."""

    world: World
    keeps_refused: bool = False  # a refused text is stored with its refusal (and answered
    # through the outbox), rather than only answered in the response or window

    def conversation(self, user: int) -> str:
        raise NotImplementedError

    async def say(self, user: int, text: str) -> None:
        raise NotImplementedError

    async def replies(self, user: int, count: int) -> list[str]:
        """What the user was told (waiting for `count` of them): answers and refusals."""
        raise NotImplementedError

    async def close(self) -> None:
        """Nothing to close but for the web chat's sockets."""


@dataclass
class ApiDriver(Driver):
    told: dict[int, list[str]] = field(default_factory=dict)

    def conversation(self, user: int) -> str:
        return f"api:pengguna-{user}"

    async def say(self, user: int, text: str) -> None:
        response = await self.world.client.post(
            "/api/messages",
            json={"conversation_id": self.conversation(user), "text": text},
            headers=AUTH,
        )
        body = await response.json()
        told = [body["error"]] if "error" in body else [m["text"] for m in body["messages"]]
        assert (response.status == 200) == ("error" not in body)
        self.told.setdefault(user, []).extend(told)

    async def replies(self, user: int, count: int) -> list[str]:
        return self.told.get(user, [])


@dataclass
class TelegramDriver(Driver):
    keeps_refused: bool = True
    next_update: int = 1000

    def chat(self, user: int) -> int:
        return 5550001 + user

    def conversation(self, user: int) -> str:
        return f"telegram:{self.chat(user)}"

    async def deliver(self, update: dict[str, Any]) -> None:
        assert await post_update(self.world.client, update, TELEGRAM_SECRET) == 200

    async def say(self, user: int, text: str) -> None:
        self.next_update += 1
        await self.deliver(text_update(self.next_update, self.chat(user), text))

    async def send_photo(self, user: int) -> None:
        self.next_update += 1
        await self.deliver(photo_update(self.next_update, self.chat(user)))

    async def replies(self, user: int, count: int) -> list[str]:
        def mine() -> list[str]:
            sent = self.world.telegram.sent
            return [s["text"] for s in sent if int(s["chat_id"]) == self.chat(user)]

        await eventually(self.world, lambda: len(mine()) >= count)
        return mine()


@dataclass
class WhatsAppDriver(Driver):
    keeps_refused: bool = True

    def number(self, user: int) -> str:
        return f"+62812345678{90 + user}"

    def conversation(self, user: int) -> str:
        return f"whatsapp:{self.number(user)}"

    async def deliver(self, form: dict[str, str]) -> None:
        path = "/whatsapp/webhook"
        response = await self.world.client.post(
            path, data=form, headers=sign(PUBLIC_URL + path, form)
        )
        assert response.status == 200

    async def say(self, user: int, text: str) -> None:
        await self.deliver(whatsapp_message(self.number(user), text))

    async def send_photo(self, user: int) -> None:
        await self.deliver(whatsapp_photo(self.number(user)))

    async def replies(self, user: int, count: int) -> list[str]:
        def mine() -> list[str]:
            to = f"whatsapp:{self.number(user)}"
            return [s["Body"] for s in self.world.twilio.sent if s["To"] == to]

        await eventually(self.world, lambda: len(mine()) >= count)
        return mine()


@dataclass
class WebDriver(Driver):
    sockets: dict[int, aiohttp.ClientWebSocketResponse] = field(default_factory=dict)
    told: dict[int, list[str]] = field(default_factory=dict)
    sent: int = 0

    def token(self, user: int) -> str:
        return f"pengunjung-{user}-0123456789abcdef"

    def conversation(self, user: int) -> str:
        return conversation_for(self.token(user))

    async def socket(self, user: int) -> aiohttp.ClientWebSocketResponse:
        if user not in self.sockets:
            socket = await open_chat(self.world.client, self.token(user))
            while (await socket.receive_json())["type"] != "history":
                pass
            self.sockets[user] = socket
        return self.sockets[user]

    async def say(self, user: int, text: str) -> None:
        self.sent += 1
        socket = await self.socket(user)
        await socket.send_json({"type": "message", "id": f"c{self.sent}", "text": text})

    async def replies(self, user: int, count: int) -> list[str]:
        told = self.told.setdefault(user, [])
        socket = await self.socket(user)
        deadline = time.monotonic() + 8.0
        while True:
            # Until `count` arrived, wait for them; then until the gateway has settled,
            # and take what is already on its way, to catch extras.
            if len(told) >= count:
                await settled(self.world.client.app)
            wait = deadline - time.monotonic() if len(told) < count else 0.1
            try:
                event = await asyncio.wait_for(socket.receive_json(), timeout=max(wait, 0.01))
            except TimeoutError:
                return told
            if event["type"] in ("message", "error"):
                told.append(event["text"])

    async def close(self) -> None:
        for socket in self.sockets.values():
            await socket.close()


DRIVERS: dict[str, Callable[[World], Driver]] = {
    "api": ApiDriver,
    "telegram": TelegramDriver,
    "whatsapp": WhatsAppDriver,
    "web": WebDriver,
}


async def still_answers_others(driver: Driver) -> None:
    """Someone else on the same entry point gets the bot's ordinary answer."""
    await driver.say(1, "syarat pbg")
    assert await driver.replies(1, 1) == ["jawaban: syarat pbg"]
