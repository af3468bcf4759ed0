"""FAQ answers, read at answer time so an edited answer is live on the next message.

An answer may name the office's facts by placeholders ({jam_layanan}, {alamat_kantor},
{call_center}: permits.office_profile), so the opening hours an administrator sets once
are the hours every answer tells.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from permits.english import UNTRANSLATED, field_in
from permits.errors import UnknownTopic
from permits.language import INDONESIAN
from permits.models import FaqTopic
from permits.office_profile import office_profile
from permits.texts import _


async def faq_answer(session: AsyncSession, topic_slug: str, language: str = INDONESIAN) -> str:
    """The topic's answer in `language` where the office wrote one, else in Indonesian
    with a line saying so."""
    slug = topic_slug.removeprefix("faq/")
    row = (
        await session.execute(
            select(FaqTopic.answer, FaqTopic.english).where(
                FaqTopic.slug == slug, FaqTopic.active.is_(True)
            )
        )
    ).first()
    if row is None:
        raise UnknownTopic(slug)
    answer, complete = field_in(language, row.english, "answer", row.answer)
    if "{" in answer:  # the facts in the language the answer is written in
        profile = await office_profile(session)
        answer = profile.fill(answer, language if complete else INDONESIAN)
    return answer if complete else f"{answer}\n\n{_(UNTRANSLATED)}"
