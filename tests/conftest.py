"""Shared fixtures: a migrated database on SQLite and on the PostgreSQL at 127.0.0.1."""

from __future__ import annotations

import asyncio
import io
import os
from collections.abc import AsyncIterator, Generator, Iterator
from pathlib import Path
from types import TracebackType

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from permits.db import create_engine, create_sessionmaker, migrate
from permits.demo import load_demo

POSTGRES_SERVER = "postgres@127.0.0.1:5432"
# A database of this test run's own, so two runs on one machine do not wipe each
# other's tables (the server's database `test` only serves to create it).
POSTGRES_DATABASE = f"tanya_test_{os.getpid()}"
POSTGRES_URL = f"postgresql+asyncpg://{POSTGRES_SERVER}/{POSTGRES_DATABASE}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, None]:
    """A test stopped by pytest-timeout shows where each of its asyncio tasks waits:
    the timeout's own traceback only reaches the event loop's select()."""
    outcome = yield
    if call.excinfo is None or "Timeout" not in str(call.excinfo.value):
        return
    loop = _event_loop_in(call.excinfo.tb)
    if loop is not None:
        outcome.get_result().sections.append(("pending asyncio tasks", _task_stacks(loop)))


def _event_loop_in(tb: TracebackType | None) -> asyncio.AbstractEventLoop | None:
    while tb is not None:
        candidate = tb.tb_frame.f_locals.get("self")
        if isinstance(candidate, asyncio.AbstractEventLoop):
            return candidate
        tb = tb.tb_next
    return None


def _task_stacks(loop: asyncio.AbstractEventLoop) -> str:
    out = io.StringIO()
    for task in asyncio.all_tasks(loop):
        task.print_stack(file=out)
    return out.getvalue()


async def admin_statement(statement: str) -> None:
    """Run a statement such as CREATE DATABASE on the server, outside a transaction."""
    connection = await asyncpg.connect(f"postgresql://{POSTGRES_SERVER}/test")
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@pytest.fixture(scope="session", autouse=True)
def postgres_database(request: pytest.FixtureRequest) -> Iterator[None]:
    """Created on first use by a PostgreSQL test, dropped when the run ends."""
    if not any(item.get_closest_marker("postgres") for item in request.session.items):
        yield
        return
    asyncio.run(admin_statement(f"DROP DATABASE IF EXISTS {POSTGRES_DATABASE} WITH (FORCE)"))
    asyncio.run(admin_statement(f"CREATE DATABASE {POSTGRES_DATABASE}"))
    yield
    asyncio.run(admin_statement(f"DROP DATABASE IF EXISTS {POSTGRES_DATABASE} WITH (FORCE)"))


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
