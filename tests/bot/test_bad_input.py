"""Bad input at every entry point: a clear refusal, nothing kept that is garbage, and
the gateway goes on answering everyone else.

Entry points: POST /api/messages, POST /api/applications/{number}/status, the
Telegram webhook, the WhatsApp (Twilio) webhook and the web chat's websocket; all
on one gateway, against the fake Rasa, Bot API and Twilio of tests/fakes.
docs/channels.md ("Bad input") is the table these tests check.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
from aiohttp import WSCloseCode, WSMsgType, web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from bot.channels.base import NOT_TEXT
from bot.channels.web import conversation_for
from bot.keys import SESSIONS
from permits.demo import load_demo
from permits.models import ApplicationEvent, Conversation, Message
from tests.bot.conftest import (
    API_TOKEN,
    PUBLIC_URL,
    STATUS_TOKEN,
    TELEGRAM_SECRET,
    FakeRasa,
    GatewayFactory,
    open_chat,
    settled,
    telegram_settings,
    until,
    whatsapp_settings,
)
from tests.fakes.telegram import FakeTelegram, photo_update, post_update, text_update
from tests.fakes.twilio import FakeTwilio, sign, whatsapp_message, whatsapp_photo

Client = TestClient[web.Request, web.Application]
AUTH = {"Authorization": f"Bearer {API_TOKEN}"}
STATUS_AUTH = {"Authorization": f"Bearer {STATUS_TOKEN}"}
LATE_PBG = "PTSP-2025-7KQ4MZ"  # a demo application

# max_message_chars is 200 in these tests (tests/bot/conftest.py).
TOO_LONG = "Pesan terlalu panjang (maksimal 200 karakter)."
UNREADABLE = "Pesan berisi karakter yang tidak bisa dibaca. Silakan tulis ulang pertanyaan Anda."
NOT_JSON = "Permintaan harus berupa JSON yang sah."
TOO_LARGE = "Permintaan terlalu besar (maksimal 64 KiB)."
NOT_A_MESSAGE = (
    'Kolom conversation_id (mis. "api:abc123") dan text wajib diisi; id boleh diisi '
    "(maks. 64 huruf, angka, titik, garis bawah atau tanda hubung)."
)
NOT_A_STATUS = (
    "Kolom status wajib diisi; stage (maks. 120 karakter), agency (maks. 60) dan note "
    "(maks. 500) boleh diisi."
)
NOT_AN_UPDATE = "update Telegram tidak sah"
UNKNOWN_FORMAT = "Format pesan tidak dikenal."
EMPTY = "Pesan kosong. Silakan tulis pertanyaan Anda."
SLOW_DOWN = (
    "Pesan Anda terlalu banyak dalam waktu singkat. Mohon tunggu sebentar sebelum "
    "mengirim pesan lagi."
)
MILLION = 1_000_000
QUICKLY = 5.0  # seconds; a refused million-character body is not read whole


@dataclass
class World:
    client: Client
    rasa: FakeRasa
    telegram: FakeTelegram
    twilio: FakeTwilio


WorldFactory = Callable[..., Awaitable[World]]


@pytest.fixture
def make_world(
    make_gateway: GatewayFactory,
    fake_rasa: tuple[FakeRasa, TestServer],
    fake_telegram: tuple[FakeTelegram, TestServer],
    fake_twilio: tuple[FakeTwilio, TestServer],
) -> WorldFactory:
    """One gateway with every entry point on (Telegram webhook, WhatsApp, API, web chat)."""

    async def make(**overrides: Any) -> World:
        settings = telegram_settings(fake_telegram[1]) | whatsapp_settings(fake_twilio[1])
        client = await make_gateway(**(settings | overrides))
        return World(client, fake_rasa[0], fake_telegram[0], fake_twilio[0])

    return make


@pytest.fixture
async def world(make_world: WorldFactory) -> World:
    return await make_world()


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
            # Until `count` arrived, wait for them; then a moment more, to catch extras.
            wait = deadline - time.monotonic() if len(told) < count else 0.3
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


# --- bodies that cannot be read ------------------------------------------------------------


async def _another_status_change(world: World) -> None:
    response = await world.client.post(
        f"/api/applications/{LATE_PBG}/status",
        json={"status": "perlu_perbaikan", "note": "gambar kurang"},
        headers=STATUS_AUTH,
    )
    assert response.status == 200, await response.text()
    assert (await response.json())["status"] == "perlu_perbaikan"


def _others_on(driver: Callable[[World], Driver]) -> Callable[[World], Awaitable[None]]:
    async def check(world: World) -> None:
        await still_answers_others(driver(world))

    return check


@dataclass(frozen=True)
class Entry:
    """An HTTP entry point: a well-formed body of it around a given text, and how to
    see that it still serves others."""

    path: str
    headers: dict[str, str]
    around: Callable[[bytes], bytes]
    serves_others: Callable[[World], Awaitable[None]]
    needs_demo: bool = False


def _api_message(text: bytes) -> bytes:
    return b'{"conversation_id": "api:rusak", "text": "' + text + b'"}'


def _status_change(text: bytes) -> bytes:
    return b'{"status": "perlu_perbaikan", "note": "' + text + b'"}'


def _telegram_update(text: bytes) -> bytes:
    return json.dumps(text_update(900, 5550000, "TEKS")).encode().replace(b"TEKS", text)


def _twilio_form(text: bytes) -> bytes:
    return urlencode(whatsapp_message("+6281234567800", "TEKS")).encode().replace(b"TEKS", text)


JSON = {"Content-Type": "application/json"}
API = Entry("/api/messages", AUTH | JSON, _api_message, _others_on(ApiDriver))
STATUS = Entry(
    f"/api/applications/{LATE_PBG}/status",
    STATUS_AUTH | JSON,
    _status_change,
    _another_status_change,  # of the same application
    needs_demo=True,
)
TELEGRAM = Entry(
    "/telegram/webhook",
    {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET} | JSON,
    _telegram_update,
    _others_on(TelegramDriver),
)
# Unsigned: these bodies are refused before the signature can be checked (it is
# computed over the decoded form); 400 and 413 here, not the signature's 403.
WHATSAPP = Entry(
    "/whatsapp/webhook",
    {"Content-Type": "application/x-www-form-urlencoded"},
    _twilio_form,
    _others_on(WhatsAppDriver),
)

NESTED = b"[" * 50_000  # under 64 KiB; deeper than Python's JSON decoder can recurse
INVALID_UTF8 = b"\xff\xfe halo \xc3\x28"
OVER_64_KIB = b"a" * (70 * 1024)
A_MILLION = b"a" * MILLION


def _case(entry: Entry, body: bytes, status: int, error: str | None, name: str) -> Any:
    return pytest.param(entry, body, status, error, id=name)


BODIES = [
    _case(API, b"{bukan json", 400, NOT_JSON, "api-not-json"),
    _case(API, NESTED, 400, NOT_JSON, "api-nested-too-deep"),
    _case(API, b"[1, 2]", 400, NOT_A_MESSAGE, "api-a-list"),
    _case(API, b'{"conversation_id": "api:x", "text": 5}', 400, NOT_A_MESSAGE, "api-text-5"),
    _case(
        API,
        b'{"conversation_id": "api:x", "text": "a", "id": "a b"}',
        400,
        NOT_A_MESSAGE,
        "api-bad-id",
    ),
    _case(API, _api_message(b"\\u0000"), 400, UNREADABLE, "api-nul"),
    _case(API, _api_message(INVALID_UTF8), 400, NOT_JSON, "api-invalid-utf8"),
    _case(API, _api_message(OVER_64_KIB), 413, TOO_LARGE, "api-over-64-kib"),
    _case(API, _api_message(A_MILLION), 413, TOO_LARGE, "api-a-million-characters"),
    _case(STATUS, b"{bukan json", 400, NOT_JSON, "status-not-json"),
    _case(STATUS, NESTED, 400, NOT_JSON, "status-nested-too-deep"),
    _case(STATUS, b'"selesai"', 400, NOT_A_STATUS, "status-a-string"),
    _case(STATUS, _status_change(b"x" * 501), 400, NOT_A_STATUS, "status-note-too-long"),
    _case(STATUS, _status_change(b"\\ud83d"), 400, "Isian berisi karakter", "status-surrogate"),
    _case(STATUS, _status_change(INVALID_UTF8), 400, NOT_JSON, "status-invalid-utf8"),
    _case(STATUS, _status_change(OVER_64_KIB), 413, TOO_LARGE, "status-over-64-kib"),
    _case(STATUS, _status_change(A_MILLION), 413, TOO_LARGE, "status-a-million-characters"),
    _case(TELEGRAM, b"{bukan json", 400, NOT_AN_UPDATE, "telegram-not-json"),
    _case(TELEGRAM, NESTED, 400, NOT_AN_UPDATE, "telegram-nested-too-deep"),
    _case(TELEGRAM, b"null", 400, NOT_AN_UPDATE, "telegram-null"),
    _case(TELEGRAM, b'{"update_id": "satu"}', 400, NOT_AN_UPDATE, "telegram-update-id"),
    _case(TELEGRAM, b'{"update_id": 9, "message": "halo"}', 400, NOT_AN_UPDATE, "telegram-msg"),
    _case(TELEGRAM, _telegram_update(INVALID_UTF8), 400, NOT_AN_UPDATE, "telegram-invalid-utf8"),
    _case(TELEGRAM, _telegram_update(OVER_64_KIB), 413, None, "telegram-over-64-kib"),
    _case(TELEGRAM, _telegram_update(A_MILLION), 413, None, "telegram-a-million-characters"),
    _case(WHATSAPP, _twilio_form(INVALID_UTF8), 400, "formulir tidak sah", "whatsapp-invalid-utf8"),
    _case(WHATSAPP, _twilio_form(OVER_64_KIB), 413, None, "whatsapp-over-64-kib"),
    _case(WHATSAPP, _twilio_form(A_MILLION), 413, None, "whatsapp-a-million-characters"),
]


@pytest.mark.parametrize(("entry", "body", "status", "error"), BODIES)
async def test_a_body_that_cannot_be_read_is_refused_and_others_are_still_answered(
    world: World, entry: Entry, body: bytes, status: int, error: str | None
) -> None:
    if entry.needs_demo:
        async with world.client.app[SESSIONS]() as session:
            await load_demo(session)
    before = await counts(world)
    started = time.monotonic()
    response = await world.client.post(entry.path, data=body, headers=entry.headers)
    assert time.monotonic() - started < QUICKLY
    assert response.status == status
    text = await response.text()
    if entry.path.startswith("/api/"):
        assert response.content_type == "application/json"  # even aiohttp's own 413
    if response.content_type == "application/json":
        text = json.loads(text)["error"]
    if error is not None:
        assert error in text
    await settled(world.client.app)  # anything the gateway would do in the background
    assert await counts(world) == before  # nothing kept
    assert world.rasa.received == []
    assert world.telegram.sent == [] and world.twilio.calls == []
    await entry.serves_others(world)


async def test_the_api_answers_its_other_http_errors_in_indonesian_json(world: World) -> None:
    missing = await world.client.post("/api/pesan", json={}, headers=AUTH)
    assert (missing.status, await missing.json()) == (404, {"error": "Alamat API tidak ditemukan."})
    wrong = await world.client.get("/api/messages", headers=AUTH)
    assert wrong.status == 405 and wrong.headers["Allow"] == "POST"
    assert (await wrong.json())["error"] == "Metode HTTP ini tidak didukung di alamat ini."


# --- texts the bot does not take, on every channel ------------------------------------------

TEXTS = {
    "just-over-the-limit": ("x" * 201, TOO_LONG),
    "five-thousand-characters": (("syarat pbg " * 455).strip(), TOO_LONG),
    "nul": ("syarat\x00pbg", UNREADABLE),
    "half-an-emoji": ("syarat pbg \ud83d", UNREADABLE),  # a lone surrogate, as JSON "\ud83d"
}
TEXT_CASES = [
    pytest.param(channel, *TEXTS[kind], id=f"{channel}-{kind}")
    for channel in DRIVERS
    for kind in TEXTS
    # A form cannot carry half an emoji: its bytes are percent-decoded as UTF-8, and
    # what is not UTF-8 becomes U+FFFD.
    if (channel, kind) != ("whatsapp", "half-an-emoji")
]


@pytest.mark.parametrize(("channel", "text", "answer"), TEXT_CASES)
async def test_a_text_the_bot_does_not_take_is_refused_in_the_users_channel(
    world: World, channel: str, text: str, answer: str
) -> None:
    driver = DRIVERS[channel](world)
    try:
        await driver.say(0, text)
        assert await driver.replies(0, 1) == [answer]  # the web chat's sentence, everywhere
        assert world.rasa.received == []
        stored = await inbound(world, driver.conversation(0))
        if driver.keeps_refused:  # as photos are: the message and its refusal
            [row] = stored
            assert row.state == "answered"
            assert row.text == text.replace("\x00", "\ufffd").replace("\ud83d", "\ufffd")
            assert await outbound(world, driver.conversation(0)) == [answer]
        else:  # refused in the response or the chat window, not kept
            assert stored == []
        await still_answers_others(driver)
        await driver.say(0, "biaya pbg")  # and the same user is answered normally next
        assert (await driver.replies(0, 2))[1:] == ["jawaban: biaya pbg"]
    finally:
        await driver.close()


# --- the web chat's frames ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("frame", "answer"),
    [
        ("bukan json", UNKNOWN_FORMAT),
        ("[" * 10_000, UNKNOWN_FORMAT),  # nested too deep, under the frame limit
        ('{"type": "message"}', UNKNOWN_FORMAT),
        ("null", UNKNOWN_FORMAT),
        ('{"type": "message", "id": "c1", "text": 5}', EMPTY),
        (b"\x00\x01 biner", UNKNOWN_FORMAT),  # a binary frame
    ],
    ids=["not-json", "nested-too-deep", "no-id", "null", "text-5", "binary"],
)
async def test_a_bad_frame_gets_an_explanation_and_the_window_stays_open(
    world: World, frame: str | bytes, answer: str
) -> None:
    driver = WebDriver(world)
    try:
        socket = await driver.socket(0)
        if isinstance(frame, bytes):
            await socket.send_bytes(frame)
        else:
            await socket.send_str(frame)
        assert await driver.replies(0, 1) == [answer]
        assert await counts(world) == {"Message": 0, "Conversation": 0, "ApplicationEvent": 0}
        await driver.say(0, "biaya pbg")  # on the same socket
        assert (await driver.replies(0, 2))[1:] == ["jawaban: biaya pbg"]
        await still_answers_others(driver)
    finally:
        await driver.close()


async def test_a_refused_message_carries_its_id_so_the_widget_stops_resending_it(
    world: World,
) -> None:
    driver = WebDriver(world)
    try:
        socket = await driver.socket(0)
        await socket.send_json({"type": "message", "id": "panjang-1", "text": "x" * 201})
        event = await asyncio.wait_for(socket.receive_json(), timeout=5)
        assert event == {"type": "error", "text": TOO_LONG, "id": "panjang-1"}
    finally:
        await driver.close()


def _chat_frame(characters: int) -> bytes:
    return b'{"type": "message", "id": "c1", "text": "' + b"a" * characters + b'"}'


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        (_chat_frame(20_000), WSCloseCode.MESSAGE_TOO_BIG),  # 1009
        (_chat_frame(MILLION), WSCloseCode.MESSAGE_TOO_BIG),
        (b'{"type": "message", "id": "c1", "text": "\xff\xfe"}', WSCloseCode.INVALID_TEXT),  # 1007
    ],
    ids=["over-16-kib", "a-million-characters", "invalid-utf8"],
)
async def test_a_text_frame_the_socket_cannot_take_closes_only_that_socket(
    world: World, frame: bytes, code: WSCloseCode
) -> None:
    driver = WebDriver(world)
    try:
        other = await driver.socket(1)  # another visitor, connected all along
        bad = await driver.socket(0)
        started = time.monotonic()
        await bad.send_frame(frame, WSMsgType.TEXT)  # raw: send_str cannot write bad UTF-8
        closing = await asyncio.wait_for(bad.receive(), timeout=QUICKLY)
        assert time.monotonic() - started < QUICKLY
        assert closing.type == WSMsgType.CLOSE and closing.data == code
        assert not other.closed
        await still_answers_others(driver)
        del driver.sockets[0]
        await driver.say(0, "syarat nib")  # the visitor reconnects: nothing was kept
        assert await driver.replies(0, 1) == ["jawaban: syarat nib"]
        [only] = await inbound(world, driver.conversation(0))
        assert only.text == "syarat nib"
    finally:
        await driver.close()


# --- a flood from one sender ----------------------------------------------------------------

# The API is for the office's systems: not limited. The web chat drops a flood unstored
# (tests/bot/test_web.py); webhooks' senders are verified by their platforms, so theirs
# is kept, marked limited.
FLOODED = ["telegram", "whatsapp"]


@pytest.mark.parametrize("channel", FLOODED)
async def test_a_flood_gets_one_notice_while_everyone_else_is_answered(
    make_world: WorldFactory, channel: str
) -> None:
    world = await make_world(conversation_rate_limit="3/minute")
    driver = DRIVERS[channel](world)
    try:
        for n in range(10):
            await driver.say(0, f"cek status PTSP-2025-AAAA{n:02d}")
        await still_answers_others(driver)  # while the flood is being held back
        told = await driver.replies(0, 4)
        assert Counter(text.startswith("jawaban:") for text in told) == {True: 3, False: 1}
        assert told.count(SLOW_DOWN) == 1
        states = Counter(row.state for row in await inbound(world, driver.conversation(0)))
        assert states == {"answered": 3, "limited": 7}  # kept, not answered
        assert len([s for s, _ in world.rasa.received if s == driver.conversation(0)]) == 3
    finally:
        await driver.close()


@pytest.mark.parametrize("channel", ["telegram", "whatsapp"])
async def test_a_flood_of_texts_refused_or_photos_is_not_echoed_either(
    make_world: WorldFactory, channel: str
) -> None:
    world = await make_world(conversation_rate_limit="3/minute")
    driver = DRIVERS[channel](world)
    assert isinstance(driver, TelegramDriver | WhatsAppDriver)
    for n in range(4):
        await driver.say(0, f"{n} " + "x" * 300)
        await driver.send_photo(0)
    told = await driver.replies(0, 4)
    assert Counter(told) == {TOO_LONG: 2, NOT_TEXT: 1, SLOW_DOWN: 1}
    states = Counter(row.state for row in await inbound(world, driver.conversation(0)))
    assert states == {"answered": 3, "limited": 5}
    assert world.rasa.received == []
    await still_answers_others(driver)
