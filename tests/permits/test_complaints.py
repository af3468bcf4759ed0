from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from permits.complaints import file_complaint
from permits.handoff import request_handoff


async def test_complaint_tickets_and_handoff_queue(session: AsyncSession) -> None:
    ticket = await file_complaint(session, "web:a", "berkas hilang")
    assert ticket.startswith("ADU-") and len(ticket) == len("ADU-20261125-ABCD")
    assert (await request_handoff(session, "web:a", "complaint")).position == 1
