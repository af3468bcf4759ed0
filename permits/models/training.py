"""The NLU's training data from the administrators and the models trained on it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from permits.models.base import Base, utcnow
from permits.states import InboxState, ModelState


class UnrecognisedMessage(Base):
    """A message the bot fell back on, judged out of scope, or was unsure of: the
    administrators' inbox, where it becomes a training example or is dismissed."""

    __tablename__ = "unrecognised_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(120))
    text: Mapped[str] = mapped_column(Text)
    intent: Mapped[str | None] = mapped_column(String(80))
    confidence: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    state: Mapped[str] = mapped_column(String(12), default=InboxState.NEW)
    assigned_intent: Mapped[str | None] = mapped_column(String(80))
    resolved_at: Mapped[datetime | None] = mapped_column()
    # Filed because the applicant judged the answer (permits/feedback.py): why
    # ("not_helpful", "rephrased"; None: the NLU was unsure), the answer the bot gave,
    # and the applicant's rephrasing.
    feedback: Mapped[str | None] = mapped_column(String(12))
    answer: Mapped[str | None] = mapped_column(Text)
    rephrasing: Mapped[str | None] = mapped_column(Text)


class TrainingExample(Base):
    """An example message added by administrators (from the inbox or by hand); the next
    training uses it together with the files in nlu/data."""

    __tablename__ = "training_examples"
    __table_args__ = (UniqueConstraint("intent", "text"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    intent: Mapped[str] = mapped_column(String(80))  # "ask_fee" or "faq/jam_layanan"
    text: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(20), default="inbox")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ModelVersion(Base):
    """A model trained from the administrators' data: its training, check and service.

    states: training → trained → (deployed | refused) ; failed ; retired (replaced by a
    newer deployed model, kept for rollback).
    """

    __tablename__ = "model_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    file: Mapped[str | None] = mapped_column(String(300))  # the model archive, once trained
    state: Mapped[str] = mapped_column(String(12), default=ModelState.TRAINING)
    started_by: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column()
    deployed_at: Mapped[datetime | None] = mapped_column()
    # Scores on the fixed check set: {"accuracy", "macro_f1", "permit_accuracy", ...}
    scores: Mapped[dict[str, Any] | None] = mapped_column()
    baseline_scores: Mapped[dict[str, Any] | None] = mapped_column()  # the model in service
    summary: Mapped[str] = mapped_column(Text, default="")  # what was trained on, the verdict
    log: Mapped[str] = mapped_column(Text, default="")  # the tail of the training output
