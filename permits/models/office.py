"""Facts about the office that several texts show, each kept once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from permits.models.base import Base, utcnow


class OfficeSetting(Base):
    """One fact by name: the opening hours, the address, the call-centre number.

    permits.office_profile reads and writes them; the FAQ answers, canned replies and
    the demo homepage's footer show them through placeholders such as {jam_layanan}.
    """

    __tablename__ = "office_settings"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
