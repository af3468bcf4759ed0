from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from alembic import command
from alembic.util.exc import CommandError
from sqlalchemy import func, inspect, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from permits.db import alembic_config, create_engine, create_sessionmaker, downgrade, migrate
from permits.demo import load_demo
from permits.models import Agency, Application, Complaint, FaqTopic, PermitType, PublicService


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


async def test_complaints_survive_the_categories_migration_both_ways(database_url: str) -> None:
    """0012: older tickets become service complaints; going back, an anonymous ticket
    gets a conversation id that names nobody."""
    await downgrade(database_url, "0011")
    engine = create_engine(database_url)
    insert = text(
        "INSERT INTO complaints (ticket, conversation_id, text, state, created_at) "
        "VALUES (:ticket, :conversation, 'loket lama', 'baru', :at)"
    )
    async with engine.begin() as connection:
        await connection.execute(
            insert, {"ticket": "ADU-OLD", "conversation": "web:a", "at": datetime.now(UTC)}
        )
    await migrate(database_url)
    async with create_sessionmaker(engine)() as session:
        old = await session.scalar(select(Complaint).where(Complaint.ticket == "ADU-OLD"))
        assert old is not None and (old.category, old.anonymous) == ("pelayanan", False)
        session.add(
            Complaint(ticket="ADU-ANON", conversation_id=None, text="pungli", anonymous=True)
        )
        await session.commit()
    await downgrade(database_url, "0011")
    async with engine.connect() as connection:
        kept = await connection.execute(text("SELECT ticket, conversation_id FROM complaints"))
        assert sorted(kept.all()) == [("ADU-ANON", "anonim"), ("ADU-OLD", "web:a")]
    await engine.dispose()
    await migrate(database_url)
