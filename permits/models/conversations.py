"""Conversations, their messages (transcript and outbox), handoffs to agents and complaints."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.elements import TextClause

from permits.models.base import Base, utcnow
from permits.states import (
    OPEN_HANDOFF_STATES,
    ComplaintCategory,
    ComplaintState,
    HandoffState,
    MessageDirection,
    MessageKind,
    MessageState,
    Sender,
)


class Conversation(Base):
    __tablename__ = "conversations"

    id: Mapped[str] = mapped_column(String(120), primary_key=True)  # "{channel}:{external id}"
    channel: Mapped[str] = mapped_column(String(20))
    linked_phone: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_message_at: Mapped[datetime] = mapped_column(default=utcnow)
    # WhatsApp allows free-form messages only within 24 hours of the user's last message.
    last_inbound_at: Mapped[datetime | None] = mapped_column()
    # The buttons of the bot's latest answer: only their payloads may start with "/".
    offered_buttons: Mapped[list[dict[str, str]] | None] = mapped_column()


# A user's message, a question the reports count (permits/reports.py); the partial
# indexes of the questions below hold only these rows. Spelled from the enum members.
QUESTION_ROWS = text(f"direction = '{MessageDirection.IN}' AND sender = '{Sender.USER}'")


class Message(Base):
    """One line of a transcript, and for outbound lines also the delivery outbox.

    Inbound: `external_id` is the channel's own message id (Telegram update_id,
    Twilio MessageSid, the widget's message id), unique per conversation so a
    retried delivery is recognised; `state` is pending until the bot answered.
    Outbound: written in the transaction that produced it (a bot turn, a status
    change) and sent by the delivery worker; `state` is queued, sent or failed.
    """

    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("conversation_id", "external_id"),
        Index("ix_messages_delivery", "direction", "state", "next_attempt_at"),
        # The reports' questions (permits/reports.py), each index holding every column
        # counted, so a year is counted from an index without reading the rows: by time
        # (per day, and any count over a short period) and by topic (intent and permit
        # in order, which spares SQLite sorting a year of rows to group them).
        # docs/benchmarks.md, "Reports".
        Index(
            "ix_messages_questions",
            "at",
            "conversation_id",
            "state",
            "intent",
            "confidence",
            "permit_type",
            sqlite_where=QUESTION_ROWS,
            postgresql_where=QUESTION_ROWS,
        ),
        Index(
            "ix_messages_question_topics",
            "intent",
            "permit_type",
            "at",
            "state",
            "confidence",
            sqlite_where=QUESTION_ROWS,
            postgresql_where=QUESTION_ROWS,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), index=True)
    direction: Mapped[str] = mapped_column(String(3))  # MessageDirection
    sender: Mapped[str] = mapped_column(String(12), default=Sender.USER)
    kind: Mapped[str] = mapped_column(String(12), default=MessageKind.CHAT)
    text: Mapped[str] = mapped_column(Text)
    buttons: Mapped[list[dict[str, str]] | None] = mapped_column()
    intent: Mapped[str | None] = mapped_column(String(80))
    confidence: Mapped[float | None] = mapped_column(Float)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    external_id: Mapped[str | None] = mapped_column(String(120))
    state: Mapped[str] = mapped_column(String(10), default=MessageState.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column()
    lease_until: Mapped[datetime | None] = mapped_column()
    provider_id: Mapped[str | None] = mapped_column(String(64), index=True)
    delivery_status: Mapped[str | None] = mapped_column(String(20))
    # The channel's own error code of a failed delivery (Twilio's ErrorCode, e.g. 63016).
    delivery_error_code: Mapped[str | None] = mapped_column(String(12))
    error: Mapped[str | None] = mapped_column(String(300))
    # For notifications that may have to go out as an approved WhatsApp template.
    template_variables: Mapped[dict[str, str] | None] = mapped_column()
    # Inbound: the NLU's entities and intent ranking, for the console's suggestions.
    nlu: Mapped[dict[str, Any] | None] = mapped_column()
    # Inbound: the permit the NLU read (its first permit_type entity), in a column of
    # its own so the reports count permits without parsing every message's `nlu`.
    permit_type: Mapped[str | None] = mapped_column(String(60))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))  # sender=agent
    # Outbound: the user's message this answers (the synchronous API returns an
    # answer written by whichever replica answered it).
    reply_to: Mapped[int | None] = mapped_column(index=True)


def _state_in(states: tuple[str, ...]) -> TextClause:
    """`state IN ('queued', 'active')`, the condition of a partial index, spelled from
    the enum members so that the index and the code name the same states."""
    return text("state IN (" + ", ".join(f"'{state}'" for state in states) + ")")


class Handoff(Base):
    """A conversation's stay with the call centre: queued, held by an agent, then closed.

    At most one handoff per conversation is open (queued or active); the partial
    unique index enforces it, and claiming is a conditional UPDATE, so two agents
    can never hold the same conversation.
    """

    __tablename__ = "handoffs"
    __table_args__ = (
        Index(
            "uq_handoffs_open_conversation",
            "conversation_id",
            unique=True,
            sqlite_where=_state_in(OPEN_HANDOFF_STATES),
            postgresql_where=_state_in(OPEN_HANDOFF_STATES),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(120), index=True)
    reason: Mapped[str] = mapped_column(String(40))  # request | fallback | complaint
    state: Mapped[str] = mapped_column(String(12), default=HandoffState.QUEUED)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column()
    # handed_back | answered | referred | no_response | callback_done ...
    outcome: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)
    callback_phone: Mapped[str | None] = mapped_column(String(20))
    survey_asked_at: Mapped[datetime | None] = mapped_column()
    survey_score: Mapped[int | None] = mapped_column()  # 1-4, the SKM scale


class Complaint(Base):
    """A ticket. An anonymous one (an integrity report) keeps no conversation id: that
    id is the reporter's channel identity ("whatsapp:+62..."), see permits/complaints.py."""

    __tablename__ = "complaints"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket: Mapped[str] = mapped_column(String(24), unique=True)
    conversation_id: Mapped[str | None] = mapped_column(String(120))
    text: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(12), default=ComplaintState.NEW)
    # Read from the text when filed (permits/complaint_categories.py); staff correct it.
    category: Mapped[str] = mapped_column(String(16), default=ComplaintCategory.PELAYANAN)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    answer: Mapped[str | None] = mapped_column(Text)  # the agent's last answer to the user
    updated_at: Mapped[datetime | None] = mapped_column()
