"""The outbox: deliveries leased in order, retried, and their reports kept (both databases)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from permits.models import Message, utcnow
from permits.outbox import claim_deliveries, mark_attempt_failed, mark_sent, record_delivery_status
from permits.transcripts import Outgoing, ensure_conversation, queue_outbound

Sessions = async_sessionmaker[AsyncSession]


async def _queue_three(session: AsyncSession, conversation_id: str) -> None:
    await ensure_conversation(session, conversation_id)
    for text in ("satu", "dua", "tiga"):
        queue_outbound(session, conversation_id, Outgoing(text))
    await session.commit()


async def test_deliveries_are_claimed_one_per_conversation_in_order(session: AsyncSession) -> None:
    await _queue_three(session, "web:a")
    await _queue_three(session, "web:b")
    lease = timedelta(seconds=30)
    sent: list[str] = []
    while claimed := await claim_deliveries(session, lease):
        assert len({m.conversation_id for m in claimed}) == len(claimed)
        for message in claimed:
            sent.append(f"{message.conversation_id}/{message.text}")
            await mark_sent(session, message.id, None)
    assert [s for s in sent if s.startswith("web:a")] == ["web:a/satu", "web:a/dua", "web:a/tiga"]
    assert len(sent) == 6


async def test_a_delivery_report_never_moves_a_message_back(session: AsyncSession) -> None:
    """On both databases (and through migration 0007): the furthest status is kept,
    whatever order the reports come in, and a failure's error code is stored.
    Fails on 538ba62 (no delivery_error_code; the last report won)."""
    await _queue_three(session, "whatsapp:+6281234567890")
    lease = timedelta(seconds=30)
    first, second, third = await _claim_all(session, lease)
    for message, provider_id in ((first, "SM1"), (second, "SM2"), (third, "SM3")):
        await mark_sent(session, message.id, provider_id)
    assert await record_delivery_status(session, "SM1", "delivered")
    assert not await record_delivery_status(session, "SM1", "sent")  # late
    assert not await record_delivery_status(session, "SM1", "queued")
    assert await record_delivery_status(session, "SM1", "read")
    assert await record_delivery_status(session, "SM2", "undelivered", "63016")
    assert not await record_delivery_status(session, "SM2", "sending")
    assert not await record_delivery_status(session, "SM3", "no-such-status")
    rows = {
        row.provider_id: (row.delivery_status, row.delivery_error_code)
        for row in await session.scalars(select(Message).execution_options(populate_existing=True))
    }
    assert rows == {"SM1": ("read", None), "SM2": ("undelivered", "63016"), "SM3": (None, None)}


async def _claim_all(session: AsyncSession, lease: timedelta) -> list[Message]:
    claimed: list[Message] = []
    while batch := await claim_deliveries(session, lease):
        claimed += batch
        for message in batch:
            await mark_sent(session, message.id, None)
    return claimed


async def test_a_leased_message_is_not_claimed_twice_until_the_lease_expires(
    session: AsyncSession,
) -> None:
    await _queue_three(session, "web:c")
    lease = timedelta(seconds=30)
    first = await claim_deliveries(session, lease)
    assert [m.text for m in first] == ["satu"]
    assert await claim_deliveries(session, lease) == []  # held by the first worker
    later = utcnow() + timedelta(seconds=31)  # that worker died; its lease ran out
    assert [m.text for m in await claim_deliveries(session, lease, now=later)] == ["satu"]


async def test_racing_workers_never_claim_the_same_message(demo: Sessions) -> None:
    async with demo() as session:
        for n in range(20):
            await _queue_three(session, f"web:race{n}")

    async def worker() -> list[int]:
        async with demo() as session:
            return [m.id for m in await claim_deliveries(session, timedelta(seconds=30))]

    results = await asyncio.gather(*(worker() for _ in range(4)))
    claimed = [i for result in results for i in result]
    assert len(claimed) == len(set(claimed)) == 20


async def test_failed_sends_back_off_and_give_up_when_permanent(session: AsyncSession) -> None:
    await _queue_three(session, "web:f")
    [message] = await claim_deliveries(session, timedelta(seconds=30))
    assert await mark_attempt_failed(session, message, "timeout") == "queued"
    assert await claim_deliveries(session, timedelta(seconds=30)) == []  # backing off
    await session.refresh(message)
    assert message.attempts == 1 and message.next_attempt_at is not None
    assert await mark_attempt_failed(session, message, "blocked", permanent=True) == "failed"
