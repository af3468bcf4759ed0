"""The applicant's verdict on an answer typed as a reply, on any channel.

Telegram and WhatsApp have no room for a question under every answer, so a verdict
is a short reply of its own, the whole message (case, punctuation and a "jawaban" or
"jawabannya" before it aside):

  not helpful  "tidak membantu" (also tdk, gak, ga, nggak, ngga, enggak, kurang,
               belum), "jawabannya salah", "salah jawab"; "not helpful", "unhelpful",
               "wrong answer"
  helpful      "membantu", "sangat membantu", "cukup membantu"; "helpful",
               "very helpful"

It judges the answer to the applicant's previous message (permits/feedback.py files a
"no" in the administrators' inbox) and is thanked in the keyword's own language.
Words, not numbers: after an agent's conversation the satisfaction survey takes
replies 1-4, and on WhatsApp a number picks an item of a numbered list. A keyword
with no answer before it to judge (a first message, after an agent, after a
gateway's reply) goes to Rasa like any other message; said twice, it is thanked
again and counted once.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from permits.feedback import (
    FeedbackSource,
    answer_of,
    previous_question,
    record_verdict,
)
from permits.inbox import normalise
from permits.language import ENGLISH, INDONESIAN
from permits.models import Message
from permits.texts import N_, _, speaking
from permits.transcripts import Outgoing

log = logging.getLogger(__name__)

# Catalogue msgids, translated when sent.
THANKS_NOT_HELPFUL = N_(
    "Terima kasih atas masukannya. Pertanyaan Anda kami teruskan ke tim kami agar "
    'jawabannya diperbaiki. Jika perlu bantuan sekarang, ketik "bicara dengan petugas".'
)
THANKS_HELPFUL = N_("Terima kasih atas masukannya. Senang bisa membantu!")

_ANSWER = r"(?:(?:jawaban|jawabannya|jawabanmu)\s+)?"
_NOT_HELPFUL_ID = re.compile(
    _ANSWER + r"(?:(?:tidak|tdk|gak|gk|ga|nggak|ngga|enggak|engga|kurang|belum)\s+membantu"
    r"|salah|salah\s+jawab)"
)
_HELPFUL_ID = re.compile(_ANSWER + r"(?:sangat\s+|cukup\s+)?membantu(?:\s+(?:sekali|banget))?")
_NOT_HELPFUL_EN = re.compile(r"(?:(?:that\s+s|this\s+is|it\s+s)\s+)?(?:not\s+helpful|unhelpful)")
_WRONG_EN = re.compile(r"wrong\s+answer")
_HELPFUL_EN = re.compile(r"(?:(?:that\s+s|this\s+is|it\s+s)\s+)?(?:very\s+)?helpful")


@dataclass(frozen=True)
class Verdict:
    helpful: bool
    language: str  # the keyword's, for the thanks


def verdict_in(text: str) -> Verdict | None:
    """The verdict a whole message gives, or None when it is anything else."""
    words = normalise(text)
    for pattern, verdict in (
        (_NOT_HELPFUL_ID, Verdict(False, INDONESIAN)),
        (_HELPFUL_ID, Verdict(True, INDONESIAN)),
        (_NOT_HELPFUL_EN, Verdict(False, ENGLISH)),
        (_WRONG_EN, Verdict(False, ENGLISH)),
        (_HELPFUL_EN, Verdict(True, ENGLISH)),
    ):
        if pattern.fullmatch(words):
            return verdict
    return None


async def verdict_reply(session: AsyncSession, inbound: Message) -> Outgoing | None:
    """The thanks for a verdict on the previous answer, kept in the caller's transaction;
    None when the message is no verdict or follows no answer (Rasa answers it)."""
    verdict = verdict_in(inbound.text)
    if verdict is None:
        return None
    question = await previous_question(session, inbound)
    if question is None:
        return None
    if verdict_in(question.text) is None:  # not a verdict said twice: judge the answer
        answered = await answer_of(session, question)
        if answered is None or answered.asked_back:
            return None
        kept = await record_verdict(session, answered, verdict.helpful, FeedbackSource.KEYWORD)
        log.info("answer judged by a reply", extra={"helpful": verdict.helpful, "kept": kept})
    with speaking(verdict.language):
        return Outgoing(_(THANKS_HELPFUL if verdict.helpful else THANKS_NOT_HELPFUL))
