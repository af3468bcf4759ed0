"""Complaint tickets with a number the applicant can quote."""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from permits.models import Complaint, utcnow
from permits.numbers import ALPHABET


async def file_complaint(session: AsyncSession, conversation_id: str, text: str) -> str:
    day = utcnow().strftime("%Y%m%d")
    while True:
        ticket = f"ADU-{day}-" + "".join(secrets.choice(ALPHABET) for _ in range(4))
        if await session.scalar(select(Complaint.id).where(Complaint.ticket == ticket)) is None:
            break
    session.add(Complaint(ticket=ticket, conversation_id=conversation_id, text=text))
    await session.commit()
    return ticket
