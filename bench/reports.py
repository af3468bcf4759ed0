"""The report page (Laporan) on a year of a large office's traffic: counted in SQL
against the same counts done in Python.

Seeds a benchmark database with about a million messages over one year
(bench/report_seed.py: handoffs, surveys and complaints with them; loaded by COPY on
PostgreSQL, executemany on SQLite), then for the whole year and for the page's
default 30 days times:

- SQL: permits.reports.count_period, each of its queries alone, and the page itself
  (GET /console/admin/laporan through the gateway's app, signed in as an admin);
- Python, the baseline: the same counts over the period's rows loaded from the same
  database (bench/report_python.py), split into loading and counting;

and checks that both give the same counts. PostgreSQL gets a database of its own,
dropped at the end; SQLite a file in a temporary folder.

    .venv/bin/python -m bench.reports                          # both databases
    .venv/bin/python -m bench.reports --database sqlite --messages 100000
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from bench.report_load import seed
from bench.report_python import count_in_python, differences
from bench.report_seed import Year
from bot.app import create_app
from bot.settings import GatewaySettings
from permits import reports
from permits.clock import office_zone
from permits.db import create_engine, create_sessionmaker
from permits.staff import create_user

POSTGRES_SERVER = "postgres@127.0.0.1:5432"
POSTGRES_DATABASE = "tanya_bench_reports"
YEAR = 2025
ADMIN, PASSWORD = "kepala", "kepala-kantor-rahasia-1"
ZONE = office_zone()
QUERIES: dict[str, Callable[[AsyncSession, reports.Period], Awaitable[Any]]] = {
    "questions per day and channel": reports.questions_by_day,
    "intents, permits, outcomes": reports.topics,
    "handoffs and waits": reports.handoffs_by_day,
    "satisfaction": reports.surveys_by_day,
    "complaints": reports.complaints_by_day,
}


@dataclass
class Result:
    database: str
    period: str
    sql_ms: list[float]
    page_ms: list[float]
    csv_ms: list[float]
    python_load_ms: float
    python_count_ms: float
    agree: list[str]  # differences; empty when SQL and Python agree
    questions: int


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


async def _timed(work: Callable[[], Awaitable[Any]], rounds: int) -> list[float]:
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        await work()
        timings.append(_ms(time.perf_counter() - started))
    return timings


# --- the databases ---------------------------------------------------------------------------


async def _admin_statement(statement: str) -> None:
    """A statement such as CREATE DATABASE, on the server's database `test`."""
    engine = create_engine(
        f"postgresql+asyncpg://{POSTGRES_SERVER}/test", isolation_level="AUTOCOMMIT"
    )
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


async def fresh_postgres() -> str:
    await _admin_statement(f"DROP DATABASE IF EXISTS {POSTGRES_DATABASE} WITH (FORCE)")
    await _admin_statement(f"CREATE DATABASE {POSTGRES_DATABASE}")
    return f"postgresql+asyncpg://{POSTGRES_SERVER}/{POSTGRES_DATABASE}"


async def drop_postgres() -> None:
    await _admin_statement(f"DROP DATABASE IF EXISTS {POSTGRES_DATABASE} WITH (FORCE)")


async def add_admin(url: str) -> None:
    engine = create_engine(url)
    async with create_sessionmaker(engine)() as session:
        await create_user(session, ADMIN, "Kepala Kantor", "admin", PASSWORD)
    await engine.dispose()


# --- the page through the gateway ---------------------------------------------------------------


async def signed_in_client(url: str) -> TestClient[Any, Any]:
    """The gateway's app on the benchmark database, signed in as the admin. Rasa's
    address is a closed port: nothing here asks it anything (the seed has no message
    waiting for an answer), and nothing can reach another developer's Rasa."""
    settings = GatewaySettings(database_url=url, rasa_url="http://127.0.0.1:9", trainer=False)
    client: TestClient[Any, Any] = TestClient(TestServer(create_app(settings)))
    await client.start_server()
    login = await (await client.get("/console/login")).text()
    token = login.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    form = {"csrf_token": token, "username": ADMIN, "password": PASSWORD}
    response = await client.post("/console/login", data=form, allow_redirects=False)
    if response.status != 302:
        raise RuntimeError(f"could not sign in: {response.status}")
    return client


async def _get(client: TestClient[Any, Any], path: str, period: reports.Period) -> None:
    query = {"dari": period.first.isoformat(), "sampai": period.last.isoformat()}
    response = await client.get(path, params=query)
    await response.read()
    if response.status != 200:
        raise RuntimeError(f"{path}: {response.status}")


# --- one period on one database -----------------------------------------------------------------


async def measure(
    url: str, database: str, period: reports.Period, label: str, rounds: int
) -> Result:
    engine = create_engine(url)
    sessions = create_sessionmaker(engine)

    async def sql() -> reports.Counts:
        async with sessions() as session:
            return await reports.count_period(session, period)

    sql_ms = await _timed(sql, rounds)
    counts = await sql()
    for name, query in QUERIES.items():

        async def alone(query: Callable[..., Awaitable[Any]] = query) -> None:
            async with sessions() as session:
                await query(session, period)

        print(f"  {database} {label}: {name}: {statistics.median(await _timed(alone, rounds))} ms")
    async with sessions() as session:
        python, timing = await count_in_python(session, period)
    await engine.dispose()

    client = await signed_in_client(url)
    try:
        page_ms = await _timed(lambda: _get(client, "/console/admin/laporan", period), rounds)
        csv_ms = await _timed(lambda: _get(client, "/console/admin/laporan.csv", period), rounds)
    finally:
        await client.close()
    return Result(
        database=database,
        period=label,
        sql_ms=sql_ms,
        page_ms=page_ms,
        csv_ms=csv_ms,
        python_load_ms=_ms(timing.load),
        python_count_ms=_ms(timing.count),
        agree=differences(counts, python),
        questions=sum(sum(day.values()) for day in counts.questions.values()),
    )


def report(result: Result) -> str:
    def spread(values: list[float]) -> str:
        return f"{statistics.median(values):.0f} ({min(values):.0f}–{max(values):.0f})"

    python = result.python_load_ms + result.python_count_ms
    verdict = "agree" if not result.agree else "DIFFER: " + ", ".join(result.agree)
    return (
        f"| {result.database} | {result.period} | {result.questions:,} | {spread(result.sql_ms)} "
        f"| {spread(result.page_ms)} | {spread(result.csv_ms)} | {python:,.0f} "
        f"({result.python_load_ms:,.0f} + {result.python_count_ms:,.0f}) "
        f"| {python / statistics.median(result.sql_ms):.0f}× | {verdict} |"
    )


HEADER = (
    "| database | period | questions | SQL counts ms, median (min–max) | page ms | CSV ms "
    "| Python ms (load + count) | Python / SQL | counts |\n|---|---|---|---|---|---|---|---|---|"
)


async def run_one(database: str, args: argparse.Namespace, folder: Path) -> list[Result]:
    if database == "postgres":
        url = await fresh_postgres()
    else:
        url = f"sqlite+aiosqlite:///{folder / 'reports.db'}"
    try:
        year = Year(YEAR, args.messages, ZONE)
        messages, seconds = await seed(url, year)
        print(f"{database}: {messages:,} messages, {year.conversation_count:,} conversations "
              f"seeded in {seconds:.0f} s")  # fmt: skip
        await add_admin(url)
        last = date(YEAR, 12, 31)
        periods = [
            (reports.Period(date(YEAR, 1, 1), last, ZONE), "year"),
            (reports.Period(last - timedelta(days=29), last, ZONE), "30 days"),
        ]
        return [
            await measure(url, database, period, label, args.rounds) for period, label in periods
        ]
    finally:
        if database == "postgres" and not args.keep:
            await drop_postgres()


async def main(args: argparse.Namespace) -> int:
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="tanya-bench-reports-") as folder:
        for database in databases:
            results += await run_one(database, args, Path(folder))
    print()
    print(HEADER)
    for result in results:
        print(report(result))
    return 0 if all(not result.agree for result in results) else 1


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database", choices=("both", "sqlite", "postgres"), default="both")
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    return parser.parse_args()


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args())))
