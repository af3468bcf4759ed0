"""Engine, sessions and migrations. One engine per process, opened by its owner."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.ext.asyncio import create_async_engine as _create_async_engine
from sqlalchemy.pool import PoolResetState
from sqlalchemy.util.concurrency import await_, in_greenlet

MIGRATIONS = Path(__file__).parent / "migrations"

# PostgreSQL (asyncpg) connections: how long opening one and one statement may take.
# A server the network stops answering without a reset (a dropped route, a failed-over
# host) would otherwise hold a request, and the conversation's lock, forever: asyncpg
# sets no statement timeout of its own, and TCP notices a dead peer after hours. Every
# statement of ours takes milliseconds; migrations use their own engine, without it.
POSTGRES_CONNECT_SECONDS = 10.0
POSTGRES_STATEMENT_SECONDS = 30.0


def _sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine; on SQLite the file's folder is created and foreign keys enforced."""
    # A failed statement's error (and so the log line of log.exception) would carry its
    # parameters: message texts, phone numbers, names. The SQL alone says what failed.
    kwargs.setdefault("hide_parameters", True)
    sqlite_file = _sqlite_file(url)
    if sqlite_file is not None:
        # If the folder cannot be made, connecting fails later with a clear database error.
        with contextlib.suppress(OSError):
            sqlite_file.parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {"timeout": 15})
        kwargs.setdefault("pool_reset_on_return", None)  # see _sqlite_reset
        # Kept open rather than opened per burst: beyond the pool's size a connection
        # is closed when returned, and opening one costs a thread and the pragmas.
        # Under load that churn was a visible share of the action server's CPU
        # (docs/benchmarks.md, "SQLite"); an idle SQLite connection costs little.
        kwargs.setdefault("pool_size", 20)
    else:
        kwargs.setdefault("pool_pre_ping", True)
        if make_url(url).get_driver_name() == "asyncpg":
            kwargs.setdefault(
                "connect_args",
                {
                    "timeout": POSTGRES_CONNECT_SECONDS,
                    "command_timeout": POSTGRES_STATEMENT_SECONDS,
                },
            )
    engine = _create_async_engine(url, **kwargs)
    if sqlite_file is not None:
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "reset", _sqlite_reset)
        SqliteWriteGate().install(engine)
    return engine


class SqliteWriteGate:
    """A process's SQLite writers wait their turn in line, not in SQLite's busy handler.

    SQLite admits one writing transaction at a time. One that finds the lock taken is
    retried by the busy handler after sleeping 1, 2, 5, 10 ... up to 100 ms, however
    soon the lock is free again. The gateway writes twice per turn, and a transaction
    holds the lock for a few rounds of the event loop (each statement is a hand-off
    to aiosqlite's thread), so under load most writers slept, and the slowest answers
    took several times the median (docs/benchmarks.md, "SQLite"). Here a connection
    waits on an asyncio lock before its transaction's first write and hands it on when
    the connection goes back to the pool, after its commit or rollback: the next
    writer starts at once. Another process (the action server) still meets the busy
    handler, rarely.

    A writer that waits longer than PATIENCE fails as SQLite's own would ("database
    is locked") rather than forever: a task writing on a second connection while its
    first holds a transaction open would otherwise never get its turn.
    """

    PATIENCE = 30.0  # seconds

    def __init__(self) -> None:
        self._lock = asyncio.Lock()

    def install(self, engine: AsyncEngine) -> None:
        event.listen(engine.sync_engine, "before_cursor_execute", self._before_statement)
        event.listen(engine.sync_engine.pool, "checkin", self._on_checkin)
        # A connection the pool gives up on (one never returned, collected) is detached.
        event.listen(engine.sync_engine.pool, "detach", self._on_checkin)

    def _before_statement(self, conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if conn.info.get(_HOLDS_WRITE_GATE) or _reads_only(statement):
            return
        if not in_greenlet():  # the engine used synchronously (never by our code)
            return
        try:
            await_(asyncio.wait_for(self._lock.acquire(), self.PATIENCE))
        except TimeoutError:
            raise sqlite3.OperationalError("database is locked (by this process)") from None
        conn.info[_HOLDS_WRITE_GATE] = True

    def _on_checkin(self, _dbapi_connection: Any, record: Any) -> None:
        if record is not None and record.info.pop(_HOLDS_WRITE_GATE, False):
            self._lock.release()


_HOLDS_WRITE_GATE = "tanya_holds_write_gate"


def _reads_only(statement: str) -> bool:
    return statement.lstrip()[:6].upper() in ("SELECT", "PRAGMA")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers (actions) never wait for a writer
    # WAL's recommended level: a commit no longer waits for an fsync (which, held under
    # SQLite's single write lock, queued every other writer behind it); a crash of the
    # process loses nothing, a power cut at most the last commits. Production runs
    # PostgreSQL (docs/benchmarks.md, "SQLite").
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_reset(dbapi_connection: Any, _record: Any, reset_state: PoolResetState) -> None:
    """Roll back a connection returned to the pool only if it is in a transaction.

    The pool's default rolls back every returned connection, also right after a
    commit: on aiosqlite each rollback is a round trip to the connection's thread,
    three per conversation turn for nothing. SQLite knows whether a transaction is
    open (a SELECT alone opens none), so the rollback is kept where it matters.
    """
    if reset_state.terminate_only:
        return
    if dbapi_connection.driver_connection.in_transaction:
        dbapi_connection.rollback()


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


async def migrate(url: str, revision: str = "head") -> None:
    """Bring the schema to `revision` (Alembic upgrade)."""
    sqlite_file = _sqlite_file(url)
    if sqlite_file is not None:
        sqlite_file.parent.mkdir(parents=True, exist_ok=True)
    await asyncio.to_thread(command.upgrade, alembic_config(url), revision)


async def downgrade(url: str, revision: str = "base") -> None:
    await asyncio.to_thread(command.downgrade, alembic_config(url), revision)
