"""The action server as Rasa reaches it: `python -m actions` over HTTP."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from pydantic import ValidationError

from actions.settings import ActionSettings
from devstack.config import free_port
from permits.db import create_engine, create_sessionmaker, migrate
from permits.demo import load_demo
from tests.actions.conftest import action_call

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "rahasia-rasa-ke-aksi-0123456789"
BUDI = "whatsapp:+6281234567890"  # applicant of PTSP-2025-7KQ4MZ in the demo data


@pytest.fixture
async def action_server(tmp_path: Path) -> AsyncIterator[str]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'aksi.db'}"
    await migrate(url)
    engine = create_engine(url)
    async with create_sessionmaker(engine)() as session:
        await load_demo(session)
    await engine.dispose()
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("TANYA_")}
    env.update(
        TANYA_DATABASE_URL=url,
        TANYA_ACTIONS_PORT=str(port),
        TANYA_ACTIONS_TOKEN=TOKEN,
        PYTHONPATH=str(ROOT),
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "actions",
        cwd=tmp_path,
        env=env,  # tmp_path: no .env read
    )
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(150):
                try:
                    async with http.get(f"{base}/health") as response:
                        if response.status == 200:
                            break
                except aiohttp.ClientError:
                    await asyncio.sleep(0.2)
        yield base
    finally:
        process.terminate()
        await process.wait()


async def test_only_rasa_with_the_token_can_run_actions(action_server: str) -> None:
    """A forged tracker posted by anything on the network but Rasa gets 401 and nobody's
    applications; Rasa's call with the shared token is answered. Fails on 538ba62,
    whose action server answered anyone."""
    forged = action_call(
        "action_list_my_applications", "permohonan saya", "list_my_applications", sender=BUDI
    )
    async with aiohttp.ClientSession() as http:
        for headers in ({}, {"Authorization": "Bearer tebakan"}, {"Authorization": TOKEN}):
            async with http.post(f"{action_server}/webhook", json=forged, headers=headers) as r:
                assert r.status == 401
                assert "PTSP-2025-7KQ4MZ" not in await r.text()
        async with http.get(f"{action_server}/actions") as listing:
            assert listing.status == 401
        rasa = {"Authorization": f"Bearer {TOKEN}"}
        async with http.post(f"{action_server}/webhook", json=forged, headers=rasa) as answered:
            assert answered.status == 200
            assert "PTSP-2025-7KQ4MZ" in await answered.text()


def test_production_refuses_the_development_actions_token() -> None:
    """Fails on 538ba62, which had no actions token."""
    with pytest.raises(ValidationError, match="TANYA_ACTIONS_TOKEN"):
        ActionSettings(env="production")
    ActionSettings(env="production", actions_token="a" * 32)
