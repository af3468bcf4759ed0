"""Complaint tickets with a number the applicant can quote."""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from permits.models import Complaint, utcnow
from permits.numbers import ALPHABET
from permits.states import ComplaintState
from permits.texts import N_


async def file_complaint(session: AsyncSession, conversation_id: str, text: str) -> str:
    day = utcnow().strftime("%Y%m%d")
    while True:
        ticket = f"ADU-{day}-" + "".join(secrets.choice(ALPHABET) for _ in range(4))
        if await session.scalar(select(Complaint.id).where(Complaint.ticket == ticket)) is None:
            break
    session.add(Complaint(ticket=ticket, conversation_id=conversation_id, text=text))
    await session.commit()
    return ticket


async def latest_ticket(session: AsyncSession, conversation_id: str) -> str | None:
    return await session.scalar(
        select(Complaint.ticket)
        .where(Complaint.conversation_id == conversation_id)
        .order_by(Complaint.id.desc())
        .limit(1)
    )


# Their labels, in the order a complaint moves through them; the reporter reads them
# too (catalogue msgids, translated where shown to the reporter).
COMPLAINT_STATES = {
    ComplaintState.NEW: N_("Baru"),
    ComplaintState.IN_PROGRESS: N_("Sedang diproses"),
    ComplaintState.DONE: N_("Selesai"),
}


async def list_complaints(session: AsyncSession, state: str | None = None) -> list[Complaint]:
    query = select(Complaint).order_by(Complaint.id.desc())
    if state:
        query = query.where(Complaint.state == state)
    return list((await session.scalars(query.limit(500))).all())


async def answer_complaint(
    session: AsyncSession, complaint_id: int, answer: str, state: str
) -> Complaint:
    """Record the office's answer and the new state (the caller tells the user)."""
    new_state = ComplaintState(state)  # ValueError for a state that is not one
    complaint = await session.get_one(Complaint, complaint_id)
    complaint.answer, complaint.state, complaint.updated_at = answer, new_state, utcnow()
    return complaint
