"""What the office offers: agencies, permit types, FAQ topics and the other offices' services."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from permits.models.base import Base, utcnow


class Agency(Base):
    """An OPD (organisasi perangkat daerah) that holds applications at some stage."""

    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(60))
    # English versions of the texts above, by field name (permits.english)
    english: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")


class PermitType(Base):
    __tablename__ = "permit_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    aliases: Mapped[list[str]] = mapped_column(default=list)
    # Words about the activity the permit is for ("ruko", "baliho", "bidan"): an
    # unknown name is matched against them to suggest permits by meaning.
    keywords: Mapped[list[str]] = mapped_column(default=list, server_default="[]")
    requirements: Mapped[list[str]] = mapped_column(default=list)
    procedure: Mapped[list[str]] = mapped_column(default=list)
    fee_rule: Mapped[dict[str, Any]] = mapped_column(default=dict)
    sla_days: Mapped[int] = mapped_column(Integer)
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    # How long an issued permit holds: whole years, or None with the note saying what
    # it follows instead ("selama usaha berjalan", "mengikuti masa berlaku STR").
    validity_years: Mapped[int | None] = mapped_column(Integer)
    validity_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    english: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")

    agency: Mapped[Agency] = relationship(lazy="raise")
    variants: Mapped[list[PermitVariant]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="PermitVariant.action"
    )


class PermitVariant(Base):
    """How renewing (perpanjangan), changing the data of (perubahan) or replacing a lost
    or damaged (penggantian) permit differs from a new application. A fact left empty
    (None) is the new application's; `offered` False says the permit is not renewed
    (PBG), the note saying what is done instead."""

    __tablename__ = "permit_variants"
    __table_args__ = (UniqueConstraint("permit_type_id", "action"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    permit_type_id: Mapped[int] = mapped_column(
        ForeignKey("permit_types.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(String(16))  # permits.lifecycle.PermitAction
    offered: Mapped[bool] = mapped_column(Boolean, default=True)
    requirements: Mapped[list[str] | None] = mapped_column()
    procedure: Mapped[list[str] | None] = mapped_column()
    fee_rule: Mapped[dict[str, Any] | None] = mapped_column()
    sla_days: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    english: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")


class FaqTopic(Base):
    __tablename__ = "faq_topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    examples: Mapped[list[str]] = mapped_column(default=list)
    answer: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    english: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")
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
    english: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
