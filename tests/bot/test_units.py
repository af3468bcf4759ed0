from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

from bot.guard import ButtonGuard
from bot.logging import mask
from bot.ordering import ConversationLocks
from bot.stack import Stack, StackConfig, StackError


async def test_idle_conversations_leave_no_locks_behind() -> None:
    locks = ConversationLocks()
    async with locks.hold("web:a"):
        assert len(locks) == 1
    assert len(locks) == 0


def test_button_memory_is_bounded() -> None:
    guard = ButtonGuard(capacity=2)
    for name in ("a", "b", "c"):
        guard.remember(f"web:{name}", [{"title": "Ya", "payload": "/affirm"}])
    assert guard.screen("web:a", "/affirm") == "affirm"  # forgotten: stripped
    assert guard.screen("web:c", "/affirm") == "/affirm"


def test_logs_mask_phone_numbers_and_tokens() -> None:
    assert mask("whatsapp:+6281234567890") == "whatsapp:+628*******890"
    assert mask("Authorization: Bearer abc.def") == "Authorization: Bearer ***"


async def test_stack_stops_everything_when_a_child_fails(tmp_path: Path) -> None:
    config = StackConfig(log_dir=tmp_path, load_demo=False, start_timeout=10)
    stack = Stack(config)
    stack.commands = lambda: {  # type: ignore[method-assign]
        "sleeper": [sys.executable, "-c", "import time; time.sleep(60)"],
        "crasher": [sys.executable, "-c", "raise SystemExit(3)"],
    }
    stack.health_urls = lambda: {  # type: ignore[method-assign]
        "sleeper": "http://127.0.0.1:9/",
        "crasher": "http://127.0.0.1:9/",
    }
    with pytest.raises(StackError, match="crasher exited with code 3"):
        await stack.start()
    assert stack.children == []  # the sleeper was stopped too
    await asyncio.sleep(0)
