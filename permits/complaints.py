"""Complaint tickets with a number the applicant can quote.

Each ticket is categorised from its text when filed (permits/complaint_categories.py)
and staff may correct the category. An integrity report (pungli, bribes, brokers) is
filed anonymously: the ticket keeps no conversation id, because that id is the
reporter's channel identity ("whatsapp:+62812..."); the reporter follows it up with
the ticket number. Integrity reports head the staff's list.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, case, select
from sqlalchemy.ext.asyncio import AsyncSession

from permits.audit import Actor, record
from permits.complaint_categories import categorise
from permits.models import Complaint, utcnow
from permits.numbers import ALPHABET
from permits.states import ComplaintCategory, ComplaintState
from permits.texts import N_

LIST_LIMIT = 500


@dataclass(frozen=True)
class FiledComplaint:
    ticket: str
    category: ComplaintCategory
    anonymous: bool  # no conversation id kept: the reporter cannot be told or identified


async def _new_ticket(session: AsyncSession) -> str:
    day = utcnow().strftime("%Y%m%d")
    while True:
        ticket = f"ADU-{day}-" + "".join(secrets.choice(ALPHABET) for _ in range(4))
        if await session.scalar(select(Complaint.id).where(Complaint.ticket == ticket)) is None:
            return ticket


def files_anonymously(category: ComplaintCategory) -> bool:
    """Integrity reports are anonymous by default: a reporter of extortion may fear the
    officer it names, and consent to be named would need a question and an answer the
    dialogue does not have. A reporter who wants to be contacted says so to the
    inspectorate with the ticket number."""
    return category == ComplaintCategory.INTEGRITAS


async def file_complaint(session: AsyncSession, conversation_id: str, text: str) -> FiledComplaint:
    category = categorise(text)
    anonymous = files_anonymously(category)
    ticket = await _new_ticket(session)
    session.add(
        Complaint(
            ticket=ticket,
            conversation_id=None if anonymous else conversation_id,
            text=text,
            category=category,
            anonymous=anonymous,
        )
    )
    await session.commit()
    return FiledComplaint(ticket, category, anonymous)


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


def state_label(state: str) -> str:
    """A stored state's label, untranslated (staff pages are Indonesian)."""
    return COMPLAINT_STATES[ComplaintState(state)] if state in COMPLAINT_STATES else state


def _integrity_first() -> Select[Complaint]:
    """Integrity reports first (they are the most urgent and leave the office), then
    the newest first."""
    integrity_rank = case((Complaint.category == ComplaintCategory.INTEGRITAS, 0), else_=1)
    return select(Complaint).order_by(integrity_rank, Complaint.id.desc())


async def list_complaints(
    session: AsyncSession, state: str | None = None, category: str | None = None
) -> list[Complaint]:
    query = _integrity_first()
    if state:
        query = query.where(Complaint.state == state)
    if category:
        query = query.where(Complaint.category == category)
    return list((await session.scalars(query.limit(LIST_LIMIT))).all())


async def complaints_filed(
    session: AsyncSession,
    since: datetime | None,
    until: datetime | None,
    category: str | None = None,
) -> list[Complaint]:
    """Complaints filed in [since, until) (either end open), oldest first, for a report."""
    query = select(Complaint).order_by(Complaint.created_at, Complaint.id)
    if since is not None:
        query = query.where(Complaint.created_at >= since)
    if until is not None:
        query = query.where(Complaint.created_at < until)
    if category:
        query = query.where(Complaint.category == category)
    return list((await session.scalars(query)).all())


async def correct_category(
    session: AsyncSession, complaint_id: int, category: str, actor: Actor
) -> Complaint:
    """A member of staff's correction of the category, kept with an audit entry (the
    caller commits both). Anonymity stays as filed: a report filed anonymously cannot be
    linked again, and one filed with its conversation was never promised anonymity."""
    new_category = ComplaintCategory(category)  # ValueError for one that is not one
    complaint = await session.get_one(Complaint, complaint_id)
    if complaint.category == new_category:
        return complaint
    record(
        session,
        actor,
        "complaint.category",
        f"complaint:{complaint.ticket}",
        {"complaint_category": complaint.category},
        {"complaint_category": str(new_category)},
    )
    complaint.category, complaint.updated_at = new_category, utcnow()
    return complaint


async def answer_complaint(
    session: AsyncSession, complaint_id: int, answer: str, state: str
) -> Complaint:
    """Record the office's answer and the new state (the caller tells the user)."""
    new_state = ComplaintState(state)  # ValueError for a state that is not one
    complaint = await session.get_one(Complaint, complaint_id)
    complaint.answer, complaint.state, complaint.updated_at = answer, new_state, utcnow()
    return complaint
