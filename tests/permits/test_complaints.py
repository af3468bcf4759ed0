from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from permits.audit import Actor, recent_entries
from permits.clock import day_start, office_zone
from permits.complaint_report import report_rows, without_personal_data
from permits.complaints import (
    complaints_filed,
    correct_category,
    file_complaint,
    latest_ticket,
    list_complaints,
)
from permits.handoff import request_handoff
from permits.models import Complaint
from permits.states import ComplaintCategory

REPORTER = "whatsapp:+6281234567890"


async def complaint(session: AsyncSession, ticket: str) -> Complaint:
    found = await session.scalar(select(Complaint).where(Complaint.ticket == ticket))
    assert found is not None
    return found


async def test_complaint_tickets_and_handoff_queue(session: AsyncSession) -> None:
    filed = await file_complaint(session, "web:a", "berkas hilang")
    assert filed.ticket.startswith("ADU-") and len(filed.ticket) == len("ADU-20261125-ABCD")
    assert (await request_handoff(session, "web:a", "complaint")).position == 1


async def test_a_complaint_is_filed_with_its_category_and_conversation(
    session: AsyncSession,
) -> None:
    filed = await file_complaint(session, REPORTER, "web oss eror terus")
    assert (filed.category, filed.anonymous) == (ComplaintCategory.TEKNIS, False)
    row = await complaint(session, filed.ticket)
    assert (row.category, row.anonymous, row.conversation_id) == ("teknis", False, REPORTER)
    assert await latest_ticket(session, REPORTER) == filed.ticket


async def test_an_integrity_report_keeps_no_trace_of_the_reporter(session: AsyncSession) -> None:
    filed = await file_complaint(session, REPORTER, "ada calo minta duit di depan kantor")
    assert (filed.category, filed.anonymous) == (ComplaintCategory.INTEGRITAS, True)
    row = await complaint(session, filed.ticket)
    assert (row.category, row.anonymous, row.conversation_id) == ("integritas", True, None)
    # Nothing leads from the reporter's conversation to the report.
    assert await latest_ticket(session, REPORTER) is None
    stored = await session.scalar(
        select(Complaint.id).where(Complaint.conversation_id.like("%6281234567890%"))
    )
    assert stored is None


async def test_integrity_reports_come_first_then_the_newest(session: AsyncSession) -> None:
    old_report = await file_complaint(session, "web:a", "petugas minta uang rokok")
    service = await file_complaint(session, "web:b", "petugas loket tidak ramah")
    new_report = await file_complaint(session, "web:c", "ada pungli di loket 3")
    delay = await file_complaint(session, "web:d", "udah 2 bulan blm jadi")
    listed = [c.ticket for c in await list_complaints(session)]
    assert listed == [new_report.ticket, old_report.ticket, delay.ticket, service.ticket]
    delays = await list_complaints(session, category="keterlambatan")
    assert [c.ticket for c in delays] == [delay.ticket]


async def test_a_corrected_category_is_kept_with_an_audit_entry(session: AsyncSession) -> None:
    filed = await file_complaint(session, REPORTER, "loket lama sekali")
    row = await complaint(session, filed.ticket)
    agent = Actor(None, "Siti")
    await correct_category(session, row.id, "keterlambatan", agent)
    await session.commit()
    await correct_category(session, row.id, "keterlambatan", agent)  # unchanged: no entry
    await session.commit()
    session.expire_all()
    row = await complaint(session, filed.ticket)
    assert row.category == "keterlambatan" and row.conversation_id == REPORTER
    [entry] = await recent_entries(session, action_prefix="complaint.")
    assert (entry.action, entry.target, entry.staff_name) == (
        "complaint.category",
        f"complaint:{filed.ticket}",
        "Siti",
    )
    assert entry.before == {"complaint_category": "pelayanan"}
    assert entry.after == {"complaint_category": "keterlambatan"}


async def test_an_unknown_category_is_refused(session: AsyncSession) -> None:
    filed = await file_complaint(session, REPORTER, "loket lama sekali")
    row = await complaint(session, filed.ticket)
    with pytest.raises(ValueError):
        await correct_category(session, row.id, "lainnya", Actor(None, "Siti"))


async def test_the_report_covers_a_period_of_office_days_without_personal_data(
    session: AsyncSession,
) -> None:
    zone = office_zone()
    # 16:59 UTC on 31 March is 23:59 WIB, still March; 17:01 UTC is 1 April in WIB.
    march = await file_complaint(session, REPORTER, "petugas minta uang, sy 0812-3456-7890")
    april = await file_complaint(session, REPORTER, "calo di parkiran")
    late = await file_complaint(session, REPORTER, "udah 2 bulan blm jadi")
    for ticket, moment in (
        (march.ticket, datetime(2026, 3, 31, 16, 59, tzinfo=UTC)),
        (april.ticket, datetime(2026, 3, 31, 17, 1, tzinfo=UTC)),
        (late.ticket, datetime(2026, 3, 20, 3, 0, tzinfo=UTC)),
    ):
        await session.execute(
            update(Complaint).where(Complaint.ticket == ticket).values(created_at=moment)
        )
    await session.commit()
    start, end = day_start(date(2026, 3, 1), zone), day_start(date(2026, 4, 1), zone)
    march_reports = await report_rows(session, start, end, "integritas", zone)
    assert [(r.ticket, r.filed_at) for r in march_reports] == [(march.ticket, "2026-03-31 23:59")]
    [row] = march_reports
    assert row.category == "Integritas (pungli/calo)" and row.state == "Baru"
    assert "0812" not in row.text and "[nomor telepon]" in row.text
    everything = await complaints_filed(session, start, end + timedelta(days=1))
    assert [c.ticket for c in everything] == [late.ticket, march.ticket, april.ticket]


def test_phone_numbers_niks_and_emails_are_taken_out_of_report_texts() -> None:
    text = (
        "Saya 0812 3456 7890 / +6281234567890 / 6281234567890, NIK 3171234567890001, "
        "email budi.s@example.co.id, permohonan PTSP-2025-7KQ4MZ"
    )
    cleaned = without_personal_data(text)
    assert cleaned == (
        "Saya [nomor telepon] / [nomor telepon] / [nomor telepon], NIK [NIK], "
        "email [email], permohonan PTSP-2025-7KQ4MZ"
    )
    assert without_personal_data("NIK 6271010101010001") == "NIK [NIK]"  # province 62
