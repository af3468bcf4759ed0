"""Bad input at every entry point: a clear refusal, nothing kept that is garbage, and
the gateway goes on answering everyone else.

Entry points: POST /api/messages, POST /api/applications/{number}/status, the
Telegram webhook, the WhatsApp (Twilio) webhook and the web chat's websocket; all
on one gateway, against the fake Rasa, Bot API and Twilio of tests/fakes.
docs/channels.md ("Bad input") is the table these tests check. The entry points are
driven through tests/bot/drivers.py; floods are tests/bot/conversation/test_flood.py.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
from aiohttp import WSCloseCode, WSMsgType

from bot.keys import SESSIONS
from permits.demo import load_demo
from tests.bot.conftest import (
    API_TOKEN,
    STATUS_TOKEN,
    TELEGRAM_SECRET,
    settled,
)
from tests.bot.drivers import (
    DRIVERS,
    ApiDriver,
    Driver,
    TelegramDriver,
    WebDriver,
    WhatsAppDriver,
    World,
    counts,
    inbound,
    outbound,
    still_answers_others,
)
from tests.fakes.telegram import text_update
from tests.fakes.twilio import whatsapp_message

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
MILLION = 1_000_000
QUICKLY = 5.0  # seconds; a refused million-character body is not read whole


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
