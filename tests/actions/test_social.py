"""Greetings, thanks, goodbyes, "are you a bot" and out-of-scope come from the catalogue."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from actions.__main__ import build_executor
from actions.context import ActionContext
from actions.settings import ActionSettings
from actions.social import salutation
from bot.conversation.feedback import Verdict, verdict_in
from permits.language import INDONESIAN
from tests.actions.conftest import action_call, run

SOCIAL = [
    ("action_greet", "halo min", "greet", "Halo! Saya Tanya Izin"),
    ("action_goodbye", "dah ya", "goodbye", "Sampai jumpa!"),
    ("action_thanks", "makasih kak", "thanks", "Sama-sama!"),
    ("action_i_am_a_bot", "ini robot ya?", "bot_challenge", "asisten virtual (bot)"),
    ("action_out_of_scope", "buatin puisi dong", "out_of_scope", "di luar layanan saya"),
]


@pytest.mark.parametrize(("action", "text", "intent", "expected"), SOCIAL)
async def test_fixed_replies_answer_even_with_the_database_down(
    action: str, text: str, intent: str, expected: str
) -> None:
    context = ActionContext(
        ActionSettings(database_url="sqlite+aiosqlite:////proc/no/db.sqlite", db_timeout_seconds=3)
    )
    await context.open()
    reply, buttons, _ = await run(build_executor(context), action_call(action, text, intent))
    await context.close()
    assert expected in reply
    assert buttons == []


@pytest.mark.parametrize(
    ("text", "hour", "opening"),
    [
        ("assalamualaikum", 9, "Waalaikumsalam!"),
        ("Assalamu'alaikum wr wb min", 20, "Waalaikumsalam!"),
        ("asslmkm", 9, "Halo!"),  # too garbled to answer in kind; still greeted
        ("aslm kak", 9, "Waalaikumsalam!"),
        ("om swastiastu", 9, "Om Swastiastu!"),
        ("sampurasun", 9, "Rampes!"),
        ("selamat pagi", 8, "Selamat pagi!"),
        ("pagi min", 13, "Selamat siang!"),  # the hour at the office, not the word
        ("met sore", 16, "Selamat sore!"),
        ("selamat malam kak", 2, "Selamat malam!"),
        ("halo bang", 9, "Halo!"),
        ("permisi", 17, "Halo!"),
    ],
)
def test_a_greeting_is_returned_in_kind_at_the_right_time_of_day(
    text: str, hour: int, opening: str
) -> None:
    assert salutation(text, datetime(2026, 12, 4, hour, 30)) == opening


async def test_the_greet_action_answers_the_salam_then_says_what_it_can_do() -> None:
    context = ActionContext(
        ActionSettings(database_url="sqlite+aiosqlite:////proc/no/db.sqlite", db_timeout_seconds=3)
    )
    await context.open()
    call = action_call("action_greet", "Assalamualaikum, min", "greet")
    reply, _, _ = await run(build_executor(context), call)
    await context.close()
    assert reply.startswith("Waalaikumsalam! Saya Tanya Izin")
    assert "Halo!" not in reply


async def test_the_greeting_tells_how_to_flag_an_answer_in_words_the_gateway_reads() -> None:
    # Telegram and WhatsApp have no "membantu?" buttons: the keyword is the way, so the
    # greeting names it, and the gateway must read what the greeting says.
    context = ActionContext(
        ActionSettings(database_url="sqlite+aiosqlite:////proc/no/db.sqlite", db_timeout_seconds=3)
    )
    await context.open()
    reply, _, _ = await run(build_executor(context), action_call("action_greet", "halo", "greet"))
    await context.close()
    keyword = re.search(r'balas "([^"]+)"', reply)
    assert keyword is not None, reply
    assert verdict_in(keyword.group(1)) == Verdict(helpful=False, language=INDONESIAN)
