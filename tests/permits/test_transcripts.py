"""Transcripts, de-duplication, the outbox and status-change notifications (both databases)."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from permits.errors import ApplicationNotFound, UnknownAgency
from permits.importer import import_path
from permits.models import Application, ApplicationEvent, Message, Subscription, utcnow
from permits.progress import StatusChange, change_status
from permits.status import subscribe
from permits.transcripts import (
    Outgoing,
    claim_deliveries,
    ensure_conversation,
    history,
    link_phone,
    mark_attempt_failed,
    mark_sent,
    queue_outbound,
    record_delivery_status,
    record_inbound,
    settle_inbound,
)

Sessions = async_sessionmaker[AsyncSession]
LATE_PBG = "PTSP-2025-7KQ4MZ"  # Budi Santoso, +6281234567890


async def test_a_repeated_delivery_is_recognised(session: AsyncSession) -> None:
    first = await record_inbound(session, "telegram:42", "syarat pbg", "tg-1001")
    again = await record_inbound(session, "telegram:42", "syarat pbg", "tg-1001")
    assert first is not None and again is None
    stored = await history(session, "telegram:42")
    assert [(m.text, m.state) for m in stored] == [("syarat pbg", "pending")]


async def test_answering_marks_the_message_and_queues_replies_together(
    session: AsyncSession,
) -> None:
    inbound = await record_inbound(session, "web:abc", "biaya pbg", "web-1")
    assert inbound is not None
    await settle_inbound(
        session, inbound, "answered", [Outgoing("Biaya PBG ...")], intent="ask_fee", confidence=0.9
    )
    rows = (await session.scalars(select(Message).order_by(Message.id))).all()
    assert [(m.direction, m.state, m.intent) for m in rows] == [
        ("in", "answered", "ask_fee"),
        ("out", "queued", None),
    ]


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


async def test_a_status_change_notifies_each_subscriber_once(session: AsyncSession) -> None:
    await link_phone(session, "telegram:777", "+6281234567890")
    await subscribe(session, "telegram:777")
    await subscribe(session, "whatsapp:+6281234567890")
    await change_status(session, StatusChange(LATE_PBG, "perlu_perbaikan", "Perbaikan berkas"))
    notes = (await session.scalars(select(Message).where(Message.kind == "notification"))).all()
    assert sorted(n.conversation_id for n in notes) == [
        "telegram:777",
        "whatsapp:+6281234567890",
    ]
    assert all("Perlu perbaikan berkas" in n.text and LATE_PBG in n.text for n in notes)
    assert notes[0].template_variables == {
        "1": LATE_PBG,
        "2": "Perlu perbaikan berkas",
        "3": "Perbaikan berkas",
    }
    events = await session.scalars(
        select(ApplicationEvent.status).join(Application).where(Application.number == LATE_PBG)
    )
    assert "perlu_perbaikan" in events.all()


async def test_bad_status_changes_are_refused_and_change_nothing(session: AsyncSession) -> None:
    with pytest.raises(ApplicationNotFound):
        await change_status(session, StatusChange("PTSP-2025-ZZZZZZ", "selesai"))
    with pytest.raises(UnknownAgency):
        await change_status(session, StatusChange(LATE_PBG, "selesai", agency="dinas_sihir"))
    await session.rollback()
    status = await session.scalar(select(Application.status).where(Application.number == LATE_PBG))
    assert status == "diproses"


async def test_a_reimport_with_new_progress_updates_and_notifies(
    session: AsyncSession, tmp_path: Path
) -> None:
    await subscribe(session, "whatsapp:+6281234567890")
    row = {
        "number": LATE_PBG,
        "permit_type": "pbg",
        "applicant_name": "Budi Santoso",
        "applicant_phone": "+6281234567890",
        "status": "selesai",
        "current_stage": "Penerbitan izin",
        "current_agency": "dpmptsp",
        "submitted_at": "2025-10-01T09:00:00+07:00",
    }
    (tmp_path / "applications.json").write_text(json.dumps([row]))
    report = await import_path(session, tmp_path)
    assert report.ok, report.errors
    assert report.counts["applications_updated"] == 1
    notes = (await session.scalars(select(Message).where(Message.kind == "notification"))).all()
    assert [n.conversation_id for n in notes] == ["whatsapp:+6281234567890"]
    assert "Selesai, izin terbit" in notes[0].text
    subscriptions = await session.scalars(select(Subscription))
    assert len(subscriptions.all()) >= 1
