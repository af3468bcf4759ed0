from __future__ import annotations

import asyncio

from alembic import command
from alembic.util.exc import CommandError
from sqlalchemy import func, inspect, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from permits.db import alembic_config, create_engine, downgrade, migrate
from permits.demo import load_demo
from permits.models import Agency, Application, FaqTopic, PermitType, PublicService


async def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    async with engine.connect() as connection:
        names = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
    await engine.dispose()
    return names - {"alembic_version"}


async def test_migrations_go_down_and_up_again(database_url: str) -> None:
    assert {"applications", "permit_types", "faq_topics", "messages"} <= await _tables(database_url)
    await downgrade(database_url, "base")
    assert await _tables(database_url) == set()
    await migrate(database_url)
    assert "applications" in await _tables(database_url)


async def test_models_and_migrations_agree(database_url: str) -> None:
    try:
        await asyncio.to_thread(command.check, alembic_config(database_url))
    except CommandError as exc:  # pragma: no cover - the failure message is the point
        raise AssertionError(f"models differ from migrations: {exc}") from exc


async def test_demo_catalogue_is_complete_and_loads_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        first = await load_demo(session)
        second = await load_demo(session)
        permits = await session.scalar(select(func.count()).select_from(PermitType))
        agencies = await session.scalar(select(func.count()).select_from(Agency))
        topics = await session.scalar(select(func.count()).select_from(FaqTopic))
        applications = await session.scalar(select(func.count()).select_from(Application))
        services = await session.scalar(select(func.count()).select_from(PublicService))
    assert (permits, agencies, topics, services) == (16, 8, 7, 17)
    assert first == applications >= 300 and second == 0
