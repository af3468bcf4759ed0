"""Complaints of a period as the office reports them for its SP4N-LAPOR! follow-up.

The report leaves the office, so it carries no personal data: no conversation id
(which is a phone number or a chat account), and the reporter's own words and the
answer with phone numbers, NIKs and e-mail addresses replaced. Names written in the
text cannot be told from other words and stay: staff read the file before sending it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from permits.clock import local_timestamp
from permits.complaint_categories import category_label
from permits.complaints import complaints_filed, state_label
from permits.models import Complaint
from permits.phones import without_phones

# Staff read these placeholders in the file (Indonesian, like every staff page).
PHONE_PLACEHOLDER = "[nomor telepon]"
NIK_PLACEHOLDER = "[NIK]"
EMAIL_PLACEHOLDER = "[email]"

_NIK = re.compile(r"\b\d{16}\b")  # before phones: a NIK of province 62 reads as +62...
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


@dataclass(frozen=True)
class ReportRow:
    ticket: str
    filed_at: str  # in the office's zone, the column's header names it
    category: str  # the staff's label
    state: str  # the state's label
    text: str
    answer: str


def without_personal_data(text: str) -> str:
    text = _NIK.sub(NIK_PLACEHOLDER, text)
    text = _EMAIL.sub(EMAIL_PLACEHOLDER, text)
    return without_phones(text, PHONE_PLACEHOLDER)


def report_row(complaint: Complaint, zone: ZoneInfo) -> ReportRow:
    return ReportRow(
        ticket=complaint.ticket,
        filed_at=local_timestamp(complaint.created_at, zone),
        category=category_label(complaint.category),
        state=state_label(complaint.state),
        text=without_personal_data(complaint.text),
        answer=without_personal_data(complaint.answer or ""),
    )


async def report_rows(
    session: AsyncSession,
    since: datetime | None,
    until: datetime | None,
    category: str | None,
    zone: ZoneInfo,
) -> list[ReportRow]:
    """The complaints filed in [since, until), oldest first, of one category or all."""
    complaints = await complaints_filed(session, since, until, category)
    return [report_row(complaint, zone) for complaint in complaints]
