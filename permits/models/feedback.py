"""What applicants said of the bot's answers (permits/feedback.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from permits.models.base import Base, utcnow


class AnswerFeedback(Base):
    """One verdict on one answer: "Ya"/"Tidak" under it in the web chat, a reply such as
    "tidak membantu" on any channel, or the applicant rephrasing the question right
    after it. The answer is named by the question it answered (its replies share
    `reply_to`); one verdict per answer, the first one given."""

    __tablename__ = "answer_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), unique=True)
    conversation_id: Mapped[str] = mapped_column(String(120))
    helpful: Mapped[bool] = mapped_column(Boolean)
    source: Mapped[str] = mapped_column(String(12))  # permits.feedback.FeedbackSource
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
