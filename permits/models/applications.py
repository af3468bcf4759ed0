"""Applications and their trail, the conversations that follow them, and status lookups."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from permits.models.base import Base, utcnow
from permits.models.catalogue import Agency, PermitType


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


class Subscription(Base):
    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("conversation_id", "application_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(120))
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


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
