"""Loads the made-up year of bench/report_seed.py into a database, fast.

SQLite: the standard library's driver, one transaction, `executemany` per day.
PostgreSQL: asyncpg's binary COPY per day. The schema comes from the migrations and
the permit catalogue from the demo, so the report reads real permit names.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import make_url

from bench.report_seed import (
    AGENTS,
    COMPLAINT_COLUMNS,
    CONVERSATION_COLUMNS,
    FIRST_AGENT_ID,
    HANDOFF_COLUMNS,
    MESSAGE_COLUMNS,
    Year,
    complaint_record,
    conversation_record,
    handoff_record,
    message_record,
)
from permits.db import create_engine, create_sessionmaker, migrate
from permits.demo import load_demo

STAFF_COLUMNS = ("id", "username", "full_name", "role", "password_hash", "active", "created_at")


def _staff_records() -> list[tuple[Any, ...]]:
    # The agents who claim the year's handoffs; nobody signs in with these.
    created = datetime(2020, 1, 1, tzinfo=UTC)
    return [
        (FIRST_AGENT_ID + n, f"agen{n + 1}", f"Petugas {n + 1}", "agent", "!", True, created)
        for n in range(AGENTS)
    ]


async def prepare_schema(url: str) -> None:
    """Migrated tables and the demo catalogue (permit names for the report)."""
    await migrate(url)
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            await load_demo(session)
    finally:
        await engine.dispose()


# --- SQLite -------------------------------------------------------------------------------


def _sqlite_value(value: Any) -> Any:
    """As SQLAlchemy stores it on SQLite: UTC text without an offset."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


def _sqlite_rows(records: Iterable[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return [tuple(_sqlite_value(value) for value in record) for record in records]


def _insert(columns: tuple[str, ...], table: str) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


def load_sqlite(path: str, year: Year) -> int:
    """The year into the SQLite file at `path`; returns the number of messages."""
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA synchronous=OFF")  # a benchmark file: speed over safety
    messages = 0
    with connection:
        connection.executemany(
            _insert(STAFF_COLUMNS, "staff_users"), _sqlite_rows(_staff_records())
        )
        for day in year.days():
            connection.executemany(
                _insert(CONVERSATION_COLUMNS, "conversations"),
                _sqlite_rows(map(conversation_record, day.conversations)),
            )
            connection.executemany(
                _insert(MESSAGE_COLUMNS, "messages"),
                _sqlite_rows(map(message_record, day.messages)),
            )
            connection.executemany(
                _insert(HANDOFF_COLUMNS, "handoffs"),
                _sqlite_rows(map(handoff_record, day.handoffs)),
            )
            connection.executemany(
                _insert(COMPLAINT_COLUMNS, "complaints"),
                _sqlite_rows(map(complaint_record, day.complaints)),
            )
            messages += len(day.messages)
    # No ANALYZE: an office's SQLite database has no statistics either (nothing runs it),
    # and the report must be fast without them.
    connection.close()
    return messages


# --- PostgreSQL -----------------------------------------------------------------------------


async def load_postgres(url: str, year: Year) -> int:
    """The year into the PostgreSQL database of `url` by COPY; returns the number of messages."""
    # Autocommit: each COPY stands alone, and VACUUM runs outside a transaction.
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    messages = 0
    try:
        async with engine.connect() as connection:
            driver: Any = (await connection.get_raw_connection()).driver_connection  # asyncpg's
            await driver.copy_records_to_table(
                "staff_users", records=_staff_records(), columns=STAFF_COLUMNS
            )
            for day in year.days():
                await driver.copy_records_to_table(
                    "conversations",
                    records=map(conversation_record, day.conversations),
                    columns=CONVERSATION_COLUMNS,
                )
                await driver.copy_records_to_table(
                    "messages", records=map(message_record, day.messages), columns=MESSAGE_COLUMNS
                )
                await driver.copy_records_to_table(
                    "handoffs", records=map(handoff_record, day.handoffs), columns=HANDOFF_COLUMNS
                )
                await driver.copy_records_to_table(
                    "complaints",
                    records=map(complaint_record, day.complaints),
                    columns=COMPLAINT_COLUMNS,
                )
                messages += len(day.messages)
            # Ids were given explicitly: later inserts continue after them.
            for table in ("messages", "staff_users"):
                highest = f"(SELECT max(id) FROM {table})"
                await driver.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {highest})"
                )
            # What autovacuum does on a live database: statistics and the visibility map.
            await driver.execute("VACUUM ANALYZE")
    finally:
        await engine.dispose()
    return messages


async def seed(url: str, year: Year) -> tuple[int, float]:
    """Schema, catalogue and the year; returns (messages, seconds spent loading)."""
    await prepare_schema(url)
    started = time.perf_counter()
    if make_url(url).get_backend_name() == "sqlite":
        database = make_url(url).database
        assert database is not None
        count = load_sqlite(database, year)
    else:
        count = await load_postgres(url, year)
    return count, time.perf_counter() - started
