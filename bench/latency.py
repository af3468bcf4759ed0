"""Answer latency of single questions through the whole stack.

Starts the real stack (Rasa with the trained model, action server, gateway) on a
fresh demo database, sends each question below as its own conversation, and
prints p50/p95/max of the full turn through the gateway. As the baseline in the
same run it sends the same questions straight to Rasa's gateway channel (NLU,
dialogue and action server, but not our gateway), so the gateway's own cost is
the difference.

    .venv/bin/python -m bench.latency [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp

from bench.workload import percentile
from devstack.config import StackConfig
from devstack.supervisor import Stack

ROOT = Path(__file__).resolve().parents[1]
API_TOKEN = "bench-api-token"

QUESTIONS = [
    "min brp hari ngurus imb?",
    "syarat bikin siup apa aja",
    "biaya sip dokter brp",
    "gmn cara ngurus izin reklame",
    "cek status PTSP-2025-7KQ4MZ",
    "jam buka kantor ptsp jam brp",
    "alamat kantornya dmn min",
    "ngurus tdup butuh brp lama",
]

Send = Callable[[aiohttp.ClientSession, str, str], Awaitable[None]]


async def _measure(http: aiohttp.ClientSession, send: Send, rounds: int) -> list[float]:
    timings = []
    for _ in range(rounds):
        for question in QUESTIONS:
            started = time.perf_counter()
            await send(http, f"api:bench-{uuid.uuid4().hex[:10]}", question)
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def _poster(url: str, token: str, body: Callable[[str, str], dict[str, str]]) -> Send:
    """Posts (conversation id, text) as `body` makes it, waiting for the whole answer."""
    headers = {"Authorization": f"Bearer {token}"}

    async def send(http: aiohttp.ClientSession, conversation_id: str, text: str) -> None:
        async with http.post(url, json=body(conversation_id, text), headers=headers) as response:
            response.raise_for_status()
            await response.read()

    return send


def _via_gateway(stack: Stack) -> Send:
    return _poster(
        f"{stack.gateway_url}/api/messages",
        API_TOKEN,
        lambda conversation_id, text: {"conversation_id": conversation_id, "text": text},
    )


def _straight_to_rasa(stack: Stack) -> Send:
    return _poster(
        f"{stack.rasa_url}/webhooks/gateway/webhook",
        stack.config.rasa_token,
        lambda conversation_id, text: {"sender": conversation_id, "message": text},
    )


def _row(name: str, timings: list[float]) -> str:
    return (
        f"{name:<28} {len(timings):>5} {statistics.median(timings):>8.1f} "
        f"{percentile(timings, 0.95):>8.1f} {max(timings):>8.1f}"
    )


async def main(rounds: int) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        config = StackConfig.for_tests(
            root=ROOT,
            database_url=f"sqlite+aiosqlite:///{tmp}/bench.db",
            api_token=API_TOKEN,
            model_dir=ROOT / "models",
            log_dir=Path(tmp) / "logs",
        )
        stack = Stack(config)
        await stack.start()
        try:
            async with aiohttp.ClientSession() as http:
                # One warm-up round so model and caches are loaded in both paths.
                await _measure(http, _via_gateway(stack), 1)
                baseline = await _measure(http, _straight_to_rasa(stack), rounds)
                full = await _measure(http, _via_gateway(stack), rounds)
        finally:
            await stack.stop()
    sys.stdout.write(f"{'path':<28} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}\n")
    sys.stdout.write(_row("Rasa channel (baseline)", baseline) + "\n")
    sys.stdout.write(_row("gateway /api/messages", full) + "\n")
    overhead = statistics.median(full) - statistics.median(baseline)
    sys.stdout.write(f"gateway overhead at p50: {overhead:.1f} ms\n")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    raise SystemExit(asyncio.run(main(parser.parse_args().rounds)))
