from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from permits.answers import own_applications, status_answer
from permits.clock import office_zone
from permits.errors import ApplicationNotFound, InvalidNumber, NotLinked, TooManyLookups
from permits.models import Conversation
from permits.status import (
    MAX_FAILED_LOOKUPS,
    applications_for_conversation,
    days_line,
    public_status,
    status_for_staff,
    subscribe,
)
from permits.texts import speaking

LATE = "PTSP-2025-7KQ4MZ"


async def test_late_application_shows_agency_days_and_late_mark(session: AsyncSession) -> None:
    view = await public_status(session, "ptsp 2025 7kq4mz", conversation_id="web:a")
    assert view.number == LATE
    assert view.stage == "Verifikasi teknis"
    assert view.agency_name == "Dinas Pekerjaan Umum dan Penataan Ruang"
    assert (view.days_held, view.total_days, view.sla_days) == (12, 30, 28)
    assert view.is_late and view.days_late == 2


async def test_public_status_carries_nothing_personal(session: AsyncSession) -> None:
    view = await public_status(session, LATE, conversation_id="web:a")
    values = " ".join(str(v) for v in dataclasses.asdict(view).values())
    assert "Budi" not in values and "0812" not in values and "+62" not in values


async def test_wrong_format_and_unknown_numbers_are_told_apart(session: AsyncSession) -> None:
    with pytest.raises(InvalidNumber):
        await public_status(session, "12345", conversation_id="web:a")
    with pytest.raises(ApplicationNotFound):
        await public_status(session, "PTSP-2025-ZZZZZZ", conversation_id="web:a")


async def test_number_guessing_is_stopped(session: AsyncSession) -> None:
    for i in range(MAX_FAILED_LOOKUPS):
        with pytest.raises(ApplicationNotFound):
            await public_status(session, f"PTSP-2025-AAAAA{i}", conversation_id="web:guess")
    with pytest.raises(TooManyLookups):
        await public_status(session, LATE, conversation_id="web:guess")
    # Other conversations are not affected.
    assert (await public_status(session, LATE, conversation_id="web:other")).number == LATE


async def test_whatsapp_number_lists_only_its_own_applications(session: AsyncSession) -> None:
    views = await applications_for_conversation(session, "whatsapp:+6281234567890")
    assert sorted(v.number for v in views) == ["PTSP-2025-7KQ4MZ", "PTSP-2026-R8T2WC"]


async def test_unlinked_channels_cannot_list_until_linked(session: AsyncSession) -> None:
    with pytest.raises(NotLinked):
        await applications_for_conversation(session, "telegram:999")
    session.add(Conversation(id="telegram:999", channel="telegram", linked_phone="+6289876543210"))
    await session.commit()
    views = await applications_for_conversation(session, "telegram:999")
    assert [v.number for v in views] == ["PTSP-2026-M5N7PB"]


async def test_a_telegram_group_never_sees_personal_data(session: AsyncSession) -> None:
    """A group chat linked to a phone (538ba62 linked a group when someone shared their
    contact in it) still cannot list or subscribe. Fails on 538ba62."""
    group = "telegram:-1001234567890"
    session.add(Conversation(id=group, channel="telegram", linked_phone="+6289876543210"))
    await session.commit()
    with pytest.raises(NotLinked):
        await applications_for_conversation(session, group)
    with pytest.raises(NotLinked):
        await subscribe(session, group)


async def test_subscribe_is_idempotent(session: AsyncSession) -> None:
    first = await subscribe(session, "whatsapp:+6281234567890")
    again = await subscribe(session, "whatsapp:+6281234567890")
    assert sorted(first) == sorted(again) == ["PTSP-2025-7KQ4MZ", "PTSP-2026-R8T2WC"]


async def test_the_status_line_holds_the_stage_against_nothing_and_the_total_against_the_sla(
    session: AsyncSession,
) -> None:
    """Days at the stage and days in total are two clocks; only the total meets the SLA."""
    view = await status_for_staff(session, LATE)
    assert days_line(view) == (
        "12 hari kerja di tahap ini · total 30 dari SLA 28 hari kerja · terlambat 2 hari"
    )
    within = dataclasses.replace(view, total_days=25, is_late=False, days_late=0)
    assert days_line(within).endswith("· total 25 dari SLA 28 hari kerja · sisa 3 hari")
    last_day = dataclasses.replace(within, total_days=28)
    assert days_line(last_day).endswith("· batas SLA hari ini")
    issued = dataclasses.replace(view, finished=True, is_late=False)
    assert days_line(issued) == "selesai dalam 30 hari kerja · SLA 28 hari kerja"


async def test_the_bot_says_the_status_line_the_console_shows(session: AsyncSession) -> None:
    view = await status_for_staff(session, LATE)
    answer = status_answer(view, office_zone())
    assert answer.splitlines()[-1] == "⚠️ " + days_line(view)  # flagged: past its SLA
    on_time = await status_for_staff(session, "PTSP-2026-R8T2WC")
    assert "• " + days_line(on_time) in status_answer(on_time, office_zone()).splitlines()


async def test_the_status_line_is_said_in_the_conversations_language(
    session: AsyncSession,
) -> None:
    view = await status_for_staff(session, LATE)
    with speaking("en"):
        assert days_line(view) == (
            "12 working days at this stage · 30 in total of an SLA of 28 working days · 2 days late"
        )


async def test_a_status_in_english_names_the_permit_and_agency_in_english(
    session: AsyncSession,
) -> None:
    view = await public_status(session, LATE, conversation_id="web:en")
    with speaking("en"):
        lines = status_answer(view, office_zone()).splitlines()
    assert lines[0] == f"Status of application {LATE} (Building Approval (PBG, formerly IMB)):"
    assert "• File currently at: Public Works and Spatial Planning Office (Dinas PUPR)" in lines
    # The stage is the back office's own text, which has no English: said so, not hidden.
    assert "• Stage: Verifikasi teknis" in lines
    assert lines[-1].startswith("Some of this information is not yet available in English")
    # In Indonesian nothing changes and nothing is noted.
    assert status_answer(view, office_zone()).splitlines()[0] == (
        f"Status permohonan {LATE} (Persetujuan Bangunan Gedung (PBG)):"
    )
    assert "Some of this" not in status_answer(view, office_zone())


async def test_ones_own_applications_are_listed_in_english_too(session: AsyncSession) -> None:
    views = await applications_for_conversation(session, "whatsapp:+6281234567890")
    with speaking("en"):
        answer = own_applications(views)
    assert f"• {LATE} (Building Approval (PBG, formerly IMB)): " in answer
    assert "Public Works and Spatial Planning Office (Dinas PUPR)" in answer
    assert answer.endswith("so it is shown in Indonesian.")
