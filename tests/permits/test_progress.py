"""Status changes: applied with their trail and told to every subscriber once."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from permits.errors import ApplicationNotFound, UnknownAgency
from permits.models import Application, ApplicationEvent, Message
from permits.progress import StatusChange, change_status
from permits.status import subscribe
from permits.transcripts import link_phone

LATE_PBG = "PTSP-2025-7KQ4MZ"  # Budi Santoso, +6281234567890


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
