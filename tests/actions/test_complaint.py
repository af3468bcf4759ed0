"""Filing complaints by category; integrity reports are anonymous and say where they go."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import ActionExecutor
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from actions.__main__ import build_executor
from actions.context import ActionContext
from actions.settings import ActionSettings
from permits.models import Complaint, Handoff
from tests.actions.conftest import ALWAYS_OPEN, action_call, run

REPORTER = "whatsapp:+6281234567890"
OFFICE_CONTACT = "Inspektorat Kota Contoh / UPP Saber Pungli: 0811-0000-000 (WhatsApp)"


async def stored(sessions: async_sessionmaker[AsyncSession]) -> tuple[list[Complaint], int]:
    """The complaints, and how many handoffs were queued."""
    async with sessions() as session:
        complaints = list((await session.scalars(select(Complaint).order_by(Complaint.id))).all())
        handoffs = len((await session.scalars(select(Handoff))).all())
    return complaints, handoffs


async def test_an_integrity_report_is_anonymous_and_says_where_it_goes(
    executor: ActionExecutor, demo: async_sessionmaker[AsyncSession]
) -> None:
    said = "ada calo minta duit di depan kantor"
    text, _, slots = await run(
        executor, action_call("action_file_complaint", said, "complaint", sender=REPORTER)
    )
    [complaint], handoffs = await stored(demo)
    assert (complaint.category, complaint.anonymous) == ("integritas", True)
    assert complaint.conversation_id is None and complaint.text == said
    assert complaint.ticket in text
    assert "Laporan Anda kami catat tanpa nama dan nomor telepon" in text
    assert "Saber Pungli" in text and "www.lapor.go.id" in text  # the default contact
    assert "call center 1500164" in text
    # Not queued for an agent: the queue would tie the conversation to the report.
    assert handoffs == 0 and "Posisi antrian" not in text
    assert slots["pending_question"] is None


async def test_the_office_names_its_own_integrity_contact(
    database_url: str, demo: async_sessionmaker[AsyncSession]
) -> None:
    settings = ActionSettings(
        database_url=database_url, office_hours=ALWAYS_OPEN, integrity_contact=OFFICE_CONTACT
    )
    context = ActionContext(settings)
    await context.open()
    try:
        text, _, _ = await run(
            build_executor(context),
            action_call("action_file_complaint", "petugas minta uang rokok", "complaint"),
        )
    finally:
        await context.close()
    assert OFFICE_CONTACT in text


async def test_a_confirmed_integrity_report_is_anonymous_too(
    executor: ActionExecutor, demo: async_sessionmaker[AsyncSession]
) -> None:
    said = "tadi dimintai 500rb biar cepet"
    unsure = action_call(
        "action_file_complaint", said, "complaint", sender=REPORTER, confidence=0.6
    )
    _, _, slots = await run(executor, unsure)
    confirmed: dict[str, Any] = action_call(
        "action_resume_pending", "/affirm", "affirm", sender=REPORTER, slots=slots
    )
    text, _, _ = await run(executor, confirmed)
    [complaint], handoffs = await stored(demo)
    assert (complaint.category, complaint.conversation_id, handoffs) == ("integritas", None, 0)
    assert complaint.ticket in text and "tanpa nama dan nomor telepon" in text


async def test_other_complaints_keep_their_conversation_and_category(
    executor: ActionExecutor, demo: async_sessionmaker[AsyncSession]
) -> None:
    for said in ("web oss eror terus", "udah 2 bulan blm jadi", "petugas loket tidak ramah"):
        text, _, _ = await run(
            executor, action_call("action_file_complaint", said, "complaint", sender=REPORTER)
        )
        assert "tanpa nama" not in text and "Posisi antrian Anda: 1" in text
    complaints, handoffs = await stored(demo)
    assert [(c.category, c.anonymous, c.conversation_id) for c in complaints] == [
        ("teknis", False, REPORTER),
        ("keterlambatan", False, REPORTER),
        ("pelayanan", False, REPORTER),
    ]
    assert handoffs == 1  # one conversation, one place in the queue
