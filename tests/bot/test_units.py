from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

from bot.guard import screen
from bot.logging import mask
from bot.ordering import ConversationLocks
from bot.stack import Stack, StackConfig, StackError


async def test_idle_conversations_leave_no_locks_behind() -> None:
    locks = ConversationLocks()
    async with locks.hold("web:a"):
        assert len(locks) == 1
    assert len(locks) == 0


def test_only_offered_payloads_pass_the_slash_guard() -> None:
    offered = [{"title": "Ya", "payload": "/affirm"}, {"title": "Tidak", "payload": "/deny"}]
    assert screen("/affirm", offered) == "/affirm"
    assert screen("tidak", offered) == "/deny"  # a title typed as text
    assert screen("2", offered) == "/deny"  # its number, as WhatsApp shows it
    assert screen("/human_handoff", offered) == "human_handoff"  # not offered: stripped
    assert screen("/affirm", []) == "affirm"


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
