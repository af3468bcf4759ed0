"""Shared fixtures: a migrated database on SQLite and on the PostgreSQL at 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from permits.db import create_engine, create_sessionmaker, migrate
from permits.demo import load_demo

POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


async def reset_postgres(url: str = POSTGRES_URL) -> None:
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty, migrated database; every data-layer test runs on both kinds."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
    else:
        url = POSTGRES_URL
        await reset_postgres(url)
    await migrate(url)
    return url


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(database_url)
    yield create_sessionmaker(engine)
    await engine.dispose()


@pytest.fixture
async def demo(sessions: async_sessionmaker[AsyncSession]) -> async_sessionmaker[AsyncSession]:
    """The database with the demo catalogue and applications loaded."""
    async with sessions() as session:
        await load_demo(session)
    return sessions


@pytest.fixture
async def session(demo: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    async with demo() as opened:
        yield opened
