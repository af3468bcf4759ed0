"""What every action shares: settings and the database, opened when the server starts."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import cached_property
from time import monotonic
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from actions.settings import ActionSettings
from permits.db import create_engine, create_sessionmaker
from permits.office_hours import OfficeHours
from permits.office_profile import OfficeEnvironment, current_office_hours, publish_environment

log = logging.getLogger(__name__)

# How long the office hours read from the database are used before they are read again.
HOURS_TTL_SECONDS = 5.0


@dataclass
class ActionContext:
    settings: ActionSettings
    _engine: AsyncEngine | None = field(default=None, init=False)
    _sessions: async_sessionmaker[AsyncSession] | None = field(default=None, init=False)
    _kept_hours: OfficeHours | None = field(default=None, init=False)
    _hours_read_at: float = field(default=-HOURS_TTL_SECONDS, init=False)

    @cached_property
    def environment_hours(self) -> OfficeHours:
        """TANYA_OFFICE_HOURS: the initial value, until an administrator sets the hours."""
        return OfficeHours.parse(self.settings.office_hours, self.settings.office_timezone)

    @property
    def office_hours(self) -> OfficeHours:
        """When agents are on duty: the hours kept on the office settings page as last
        read (refresh_office_hours, before every action), else the environment's."""
        return self._kept_hours or self.environment_hours

    async def refresh_office_hours(self) -> None:
        """Reads the kept hours again, at most every HOURS_TTL_SECONDS."""
        if self._sessions is None or monotonic() - self._hours_read_at < HOURS_TTL_SECONDS:
            return
        self._hours_read_at = monotonic()
        try:
            async with self._sessions() as session:
                self._kept_hours = await current_office_hours(session, self.environment_hours)
        except (SQLAlchemyError, OSError):  # the last hours read stand; the action goes on
            log.warning("office hours not read: database unavailable", exc_info=True)

    def session(self) -> AsyncSession:
        if self._sessions is None:
            raise RuntimeError("the database is not open; call open() at server start")
        return self._sessions()

    async def open(self, *_: Any) -> None:
        self._engine = create_engine(self.settings.database_url)
        self._sessions = create_sessionmaker(self._engine)
        try:
            async with self._sessions() as session:
                await publish_environment(session, self.office_environment)
        except (SQLAlchemyError, OSError):  # answered per action as an outage meanwhile
            log.warning("office settings not published: database unavailable", exc_info=True)

    @property
    def office_environment(self) -> OfficeEnvironment:
        settings = self.settings
        return OfficeEnvironment(
            settings.office_hours, settings.office_timezone, settings.call_centre
        )

    async def close(self, *_: Any) -> None:
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = None
