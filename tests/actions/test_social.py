"""Greetings, thanks, goodbyes, "are you a bot" and out-of-scope come from the catalogue."""

from __future__ import annotations

import pytest

from actions.__main__ import build_executor
from actions.context import ActionContext
from actions.settings import ActionSettings
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
