"""permits/db.py: SQLite's writers in one process take turns (SqliteWriteGate), and a
failed statement's error keeps its parameters (personal data) out of the logs.

SQLite's busy handler is switched off here (busy_timeout 0): a writer that finds the
write lock taken fails at once with "database is locked" instead of sleeping, so
every test below fails if two of the process's transactions ever write at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from permits.db import SqliteWriteGate, create_engine, create_sessionmaker, migrate
from permits.models import Message
from permits.transcripts import Outgoing, record_inbound, settle_inbound


@pytest.fixture
async def impatient(tmp_path: Path) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on a migrated SQLite file whose connections never wait for its lock."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'gate.db'}"
    await migrate(url)
    engine = create_engine(url)
    # After the connect pragmas, which may meet a writer's lock while a new pooled
    # connection opens (journal_mode reads the header): only the gate is under test.
    event.listen(engine.sync_engine, "connect", _never_wait_for_the_lock)
    yield create_sessionmaker(engine)
    await engine.dispose()


def _never_wait_for_the_lock(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=0")
    cursor.close()


async def turn(sessions: async_sessionmaker[AsyncSession], conversation: str, text: str) -> None:
    """What the gateway writes for one message: the message, then its answer."""
    async with sessions() as session:
        inbound = await record_inbound(session, conversation, text, None)
        assert inbound is not None
        await asyncio.sleep(0)  # other turns run between the two transactions
        await settle_inbound(session, inbound, "answered", [Outgoing("jawaban"), Outgoing("2")])


async def count_messages(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Message)) or 0)


async def test_concurrent_turns_all_write_without_waiting_for_sqlite(
    impatient: async_sessionmaker[AsyncSession],
) -> None:
    await asyncio.gather(*(turn(impatient, f"api:c{i % 8}", f"pesan {i}") for i in range(64)))
    assert await count_messages(impatient) == 64 * 3


async def test_a_transaction_rolled_back_lets_the_next_writer_in(
    impatient: async_sessionmaker[AsyncSession],
) -> None:
    async with impatient() as session:
        # A repeated delivery: the unique key fails the insert and rolls back.
        assert await record_inbound(session, "api:a", "halo", "ext-1") is not None
        assert await record_inbound(session, "api:a", "halo", "ext-1") is None
    async with impatient() as session:
        await record_inbound(session, "api:a", "halo lagi", None, commit=False)
        # Left open and closed without commit: the session's close rolls it back.
    await asyncio.wait_for(turn(impatient, "api:b", "masih bisa?"), timeout=5)
    assert await count_messages(impatient) == 1 + 3


async def test_readers_do_not_wait_for_a_writer(
    impatient: async_sessionmaker[AsyncSession],
) -> None:
    async with impatient() as writer:
        await record_inbound(writer, "api:w", "belum selesai", None, commit=False)
        # The writer holds the turn and SQLite's lock; a reader goes on regardless.
        assert await asyncio.wait_for(count_messages(impatient), timeout=5) == 0
        await writer.commit()
    assert await count_messages(impatient) == 1


async def test_a_writer_that_cannot_get_its_turn_fails_instead_of_hanging(
    impatient: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(SqliteWriteGate, "PATIENCE", 0.2)
    async with impatient() as first:
        await record_inbound(first, "api:a", "belum selesai", None, commit=False)
        # The same task writing on a second connection while the first is open.
        async with impatient() as second:
            with pytest.raises(OperationalError, match="database is locked"):
                await record_inbound(second, "api:b", "menunggu", None)
        await first.commit()
    assert await count_messages(impatient) == 1


async def test_a_failed_statement_does_not_carry_personal_data_into_the_logs(
    database_url: str,
) -> None:
    """The error a failed query raises (which log.exception writes out) names the SQL
    but not the values: here a phone number and a message text."""
    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            with pytest.raises(DBAPIError) as failed:
                await session.execute(
                    text("INSERT INTO no_such_table (phone, body) VALUES (:phone, :body)"),
                    {"phone": "6281234567890", "body": "NIK saya 3171234567890001"},
                )
    finally:
        await engine.dispose()
    said = str(failed.value)
    assert "no_such_table" in said
    assert "6281234567890" not in said and "3171234567890001" not in said
    assert "SQL parameters hidden" in said
