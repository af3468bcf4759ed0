"""The data layer's command line (`python -m permits`), run as an operator runs it."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from permits.__main__ import DEMO_REFUSED

ROOT = Path(__file__).resolve().parents[2]


async def run_permits(database_url: str, *args: str, env: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "permits",
        *args,
        cwd=ROOT,
        env={**os.environ, "TANYA_DATABASE_URL": database_url, "TANYA_ENV": env},
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode is not None
    return process.returncode, output.decode()


async def test_demo_data_is_refused_in_production(tmp_path: Path) -> None:
    """`permits demo` with TANYA_ENV=production creates no demo accounts (their password
    is in the README) and touches no database; in development it loads them.
    Fails on 538ba62, which created admin/petugas with the demo password."""
    database = tmp_path / "produksi.db"
    code, output = await run_permits(f"sqlite+aiosqlite:///{database}", "demo", env="production")
    assert code == 2
    assert DEMO_REFUSED in output and "demo-tanya-izin" not in output
    assert not database.exists()

    code, output = await run_permits(f"sqlite+aiosqlite:///{database}", "demo", env="development")
    assert code == 0, output
    assert "demo console accounts: admin, petugas" in output
