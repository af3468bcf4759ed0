from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from permits.faq import faq_answer
from permits.models import FaqTopic


async def test_faq_answer_is_read_at_answer_time(session: AsyncSession) -> None:
    topic = await session.get(FaqTopic, 1)
    assert topic is not None
    topic.answer = "Jawaban baru"
    await session.commit()
    assert await faq_answer(session, f"faq/{topic.slug}") == "Jawaban baru"
