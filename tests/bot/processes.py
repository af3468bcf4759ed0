"""The gateway as a real process (`python -m bot serve`), for tests that kill it or
read its log."""

from __future__ import annotations

import asyncio
import signal
import sys
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[2]


class GatewayProcess:
    """`python -m bot serve` as a real process, so it can be killed with SIGKILL."""

    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.env, self.cwd = env, cwd
        self.port = int(env["TANYA_GATEWAY_PORT"])
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        log = (self.cwd / "gateway.log").open("ab")
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "serve", env=self.env, cwd=self.cwd, stdout=log, stderr=log
        )
        deadline = time.monotonic() + 30
        async with aiohttp.ClientSession() as http:
            while time.monotonic() < deadline:
                try:
                    async with http.get(f"http://127.0.0.1:{self.port}/health") as response:
                        if response.status == 200:
                            return
                except aiohttp.ClientError:
                    await asyncio.sleep(0.2)
        raise AssertionError(f"gateway did not start: {(self.cwd / 'gateway.log').read_text()}")

    async def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.terminate()
            await self.process.wait()
