from __future__ import annotations

from bot.conversation.guard import screen
from bot.conversation.ordering import ConversationLocks


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
