"""FAQ answers, read at answer time so an edited answer is live on the next message."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from permits.errors import UnknownTopic
from permits.models import FaqTopic


async def faq_answer(session: AsyncSession, topic_slug: str) -> str:
    slug = topic_slug.removeprefix("faq/")
    answer = await session.scalar(
        select(FaqTopic.answer).where(FaqTopic.slug == slug, FaqTopic.active.is_(True))
    )
    if answer is None:
        raise UnknownTopic(slug)
    return answer
