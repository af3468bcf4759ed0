"""What every entry point checks of what it is sent, and its refusals (message catalogue).

The web chat, the API, Telegram and WhatsApp refuse the same texts with the same
sentences: an empty message, one longer than TANYA_MAX_MESSAGE_CHARS, and text no
transcript can keep: a NUL character (PostgreSQL refuses it) or a lone UTF-16
surrogate (half an emoji, sent as a JSON "\\ud83d" escape; it cannot be encoded
as UTF-8). Bodies over the application's client_max_size are refused by aiohttp
with 413 before they are read whole (docs/channels.md, "Bad input").
"""

from __future__ import annotations

import json
import re
from typing import Any

from aiohttp import web

from permits.texts import N_, _

EMPTY = N_("Pesan kosong. Silakan tulis pertanyaan Anda.")
TOO_LONG = N_("Pesan terlalu panjang (maksimal {limit} karakter).")
UNREADABLE = N_(
    "Pesan berisi karakter yang tidak bisa dibaca. Silakan tulis ulang pertanyaan Anda."
)

_UNREADABLE_CHARACTERS = re.compile(r"[\x00\ud800-\udfff]")


def readable(text: str) -> bool:
    """False if the text holds a NUL or a lone surrogate."""
    return _UNREADABLE_CHARACTERS.search(text) is None


def storable(text: str) -> str:
    """The text with NULs and lone surrogates replaced by U+FFFD, for the transcript."""
    return _UNREADABLE_CHARACTERS.sub("\ufffd", text)


def refusal(text: str, limit: int) -> str | None:
    """Why a user's text cannot go to the bot, to tell the user; None if it can."""
    if not text.strip():
        return _(EMPTY)
    if len(text) > limit:
        return _(TOO_LONG, limit=limit)
    if not readable(text):
        return _(UNREADABLE)
    return None


def loads(data: str | bytes) -> Any:
    """json.loads, with every undecodable input a ValueError.

    Invalid UTF-8 already is one (UnicodeDecodeError); nesting deeper than the
    decoder's recursion limit ("[[[[..." a few thousand times) would otherwise be a
    RecursionError.
    """
    try:
        return json.loads(data)
    except RecursionError as exc:
        raise ValueError("JSON nested too deeply") from exc


async def request_json(request: web.Request) -> Any:
    """The request's body as JSON; ValueError if it is not JSON in UTF-8.

    JSON between systems is UTF-8 (RFC 8259), so a charset in Content-Type is
    ignored; an unknown one would otherwise be a LookupError. A body over
    client_max_size raises aiohttp's HTTPRequestEntityTooLarge (413).
    """
    return loads((await request.read()).decode("utf-8"))
