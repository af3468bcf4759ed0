"""bot/conversation/ordering.py: one turn at a time per conversation, oldest first."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestServer
from redis.asyncio import Redis

from bot.conversation.ordering import ConversationLocks, LocksUnavailable
from tests.bot.conftest import (
    Client,
    FakeRasa,
    conversation_has,
    send,
    until,
)


async def test_idle_conversations_leave_no_locks_behind() -> None:
    locks = ConversationLocks()
    async with locks.hold("web:a"):
        assert len(locks) == 1
    assert len(locks) == 0


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url("redis://127.0.0.1:6379/0")
    yield client
    await client.aclose()


async def test_a_replica_gives_up_on_a_conversation_another_holds_too_long(redis: Redis) -> None:
    conversation = f"api:{uuid.uuid4().hex}"
    other_replica = ConversationLocks(redis)
    this_replica = ConversationLocks(redis, wait_seconds=0.3)
    async with other_replica.hold(conversation):
        with pytest.raises(LocksUnavailable, match="another replica"):
            async with this_replica.hold(conversation):
                pytest.fail("answered while the other replica held the conversation")
    assert len(this_replica) == 0  # giving up leaves nothing behind
    async with this_replica.hold(conversation) as free:
        assert free


async def test_messages_of_one_conversation_are_answered_in_order(
    gateway: Client, fake_rasa: tuple[FakeRasa, TestServer]
) -> None:
    fake, _ = fake_rasa
    fake.delays["pertama"] = 0.5
    first = asyncio.create_task(send(gateway, "api:one", "pertama"))
    await until(lambda: "pertama" in fake.started)  # its turn holds the conversation
    second = asyncio.create_task(send(gateway, "api:one", "kedua"))
    await until(lambda: conversation_has(gateway, "api:one", 2))  # "kedua" is waiting
    other = asyncio.create_task(send(gateway, "api:two", "lain"))
    await asyncio.gather(first, second, other)
    # The other conversation was not held up by the slow one; one's order is kept.
    assert fake.received == [("api:two", "lain"), ("api:one", "pertama"), ("api:one", "kedua")]
