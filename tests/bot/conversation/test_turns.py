"""bot/conversation/turns.py: the pipeline both sinks share (recovery of waiting messages)."""

from __future__ import annotations

from aiohttp.test_utils import TestServer

from bot.keys import SESSIONS
from permits.transcripts import record_inbound
from tests.bot.conftest import (
    AUTH,
    Client,
    FakeRasa,
    settled_reply,
)


async def test_a_message_left_unanswered_is_answered_later_for_the_callers_retry(
    gateway: Client, fake_rasa: tuple[FakeRasa, TestServer]
) -> None:
    fake, _ = fake_rasa
    # Stored, then its replica died before answering: the recovery loop answers it.
    async with gateway.app[SESSIONS]() as session:
        await record_inbound(session, "api:orphan", "syarat pbg", "api-req-9")
    reply = await settled_reply(gateway, "api:orphan")
    assert (reply.text, reply.state, reply.error) == ("jawaban: syarat pbg", "sent", None)
    retry = await gateway.post(
        "/api/messages",
        json={"conversation_id": "api:orphan", "text": "syarat pbg", "id": "req-9"},
        headers=AUTH,
    )
    assert retry.status == 200
    assert [m["text"] for m in (await retry.json())["messages"]] == ["jawaban: syarat pbg"]
    assert fake.received == [("api:orphan", "syarat pbg")]  # answered once
