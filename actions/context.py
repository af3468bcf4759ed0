"""What every action shares: settings and the database, opened when the server starts."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from actions.settings import ActionSettings
from permits.db import create_engine, create_sessionmaker
from permits.office_hours import OfficeHours


@dataclass
class ActionContext:
    settings: ActionSettings
    _engine: AsyncEngine | None = field(default=None, init=False)
    _sessions: async_sessionmaker[AsyncSession] | None = field(default=None, init=False)

    @cached_property
    def office_hours(self) -> OfficeHours:
        return OfficeHours.parse(self.settings.office_hours, self.settings.office_timezone)

    def session(self) -> AsyncSession:
        if self._sessions is None:
            raise RuntimeError("the database is not open; call open() at server start")
        return self._sessions()

    async def open(self, *_: Any) -> None:
        self._engine = create_engine(self.settings.database_url)
        self._sessions = create_sessionmaker(self._engine)

    async def close(self, *_: Any) -> None:
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = None
