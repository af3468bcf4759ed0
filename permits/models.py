"""The data model (docs/architecture.md, "The data layer") in SQLAlchemy 2.x typed ORM.

Relationships are `lazy="raise"`: every query says what it loads.
Datetimes are stored as UTC and come back timezone-aware on SQLite too.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import TextClause

from permits.states import (
    OPEN_HANDOFF_STATES,
    ComplaintState,
    HandoffState,
    InboxState,
    MessageKind,
    MessageState,
    ModelState,
    Sender,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on SQLite and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC datetimes")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        datetime: UTCDateTime,
        dict[str, Any]: JSON,
        dict[str, str]: JSON,
        list[str]: JSON,
        list[dict[str, str]]: JSON,
    }


class Agency(Base):
    """An OPD (organisasi perangkat daerah) that holds applications at some stage."""

    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(60))


class PermitType(Base):
    __tablename__ = "permit_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    aliases: Mapped[list[str]] = mapped_column(default=list)
    requirements: Mapped[list[str]] = mapped_column(default=list)
    procedure: Mapped[list[str]] = mapped_column(default=list)
    fee_rule: Mapped[dict[str, Any]] = mapped_column(default=dict)
    sla_days: Mapped[int] = mapped_column(Integer)
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    agency: Mapped[Agency] = relationship(lazy="raise")


class Application(Base):
    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    permit_type_id: Mapped[int] = mapped_column(ForeignKey("permit_types.id"))
    applicant_name: Mapped[str] = mapped_column(String(200))
    applicant_phone: Mapped[str] = mapped_column(String(20), index=True)
    applicant_nik: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(20))
    current_stage: Mapped[str] = mapped_column(String(120))
    current_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    submitted_at: Mapped[datetime]
    due_at: Mapped[datetime]
    stage_started_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]

    permit_type: Mapped[PermitType] = relationship(lazy="raise")
    current_agency: Mapped[Agency] = relationship(lazy="raise")
    events: Mapped[list[ApplicationEvent]] = relationship(
        lazy="raise", back_populates="application", order_by="ApplicationEvent.at"
    )


class ApplicationEvent(Base):
    """One stage change: the trail that shows where an application was held."""

    __tablename__ = "application_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    stage: Mapped[str] = mapped_column(String(120))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime]

    application: Mapped[Application] = relationship(lazy="raise", back_populates="events")
    agency: Mapped[Agency] = relationship(lazy="raise")


class FaqTopic(Base):
    __tablename__ = "faq_topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    examples: Mapped[list[str]] = mapped_column(default=list)
    answer: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class PublicService(Base):
    """A government service citizens ask the PTSP about that another office handles
    (civil registry, vehicle tax, passports, ...): where to go instead."""

    __tablename__ = "public_services"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    aliases: Mapped[list[str]] = mapped_column(default=list)
    office: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(Text, default="")
    hours: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(60), default="")
    website: Mapped[str] = mapped_column(String(200), default="")
    how: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


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


class Subscription(Base):
    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("conversation_id", "application_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(120))
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Complaint(Base):
    __tablename__ = "complaints"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket: Mapped[str] = mapped_column(String(24), unique=True)
    conversation_id: Mapped[str] = mapped_column(String(120))
    text: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(12), default=ComplaintState.NEW)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    answer: Mapped[str | None] = mapped_column(Text)  # the agent's last answer to the user
    updated_at: Mapped[datetime | None] = mapped_column()


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


class AuditEntry(Base):
    """Every administrator's change: who, what, when, before and after."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    staff_name: Mapped[str] = mapped_column(String(200))  # kept if the account goes
    action: Mapped[str] = mapped_column(String(60))  # e.g. "faq.update"
    target: Mapped[str] = mapped_column(String(200))  # e.g. "faq:jam_layanan"
    before: Mapped[dict[str, Any] | None] = mapped_column()
    after: Mapped[dict[str, Any] | None] = mapped_column()
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class StaffUser(Base):
    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(10))  # "agent" | "admin"
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    failed_logins: Mapped[int] = mapped_column(default=0)
    last_failed_login_at: Mapped[datetime | None] = mapped_column()
    locked_until: Mapped[datetime | None] = mapped_column()
    last_login_at: Mapped[datetime | None] = mapped_column()


class StaffSession(Base):
    """A signed-in browser. The cookie holds a random token; only its hash is stored."""

    __tablename__ = "staff_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()


class CannedReply(Base):
    """A ready answer that administrators keep and agents search and paste."""

    __tablename__ = "canned_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    text: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class LookupAttempt(Base):
    """Status lookups per conversation, to stop number guessing."""

    __tablename__ = "lookup_attempts"
    # The service-wide count of recent failures (permits.status: the global budget).
    __table_args__ = (Index("ix_lookup_attempts_found_at", "found", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(120), index=True)
    number: Mapped[str] = mapped_column(String(40))
    found: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(default=utcnow)
