"""Throughput, tail latency and memory under load: ours against a stock Rasa set-up.

Replays scripted multi-turn conversations in everyday Indonesian (requirements,
fee, duration, procedure, status by application number, FAQ, greetings and
thanks, with slang and typos) at 1, 8 and 32 concurrent conversations. Each
conversation behaves like a person: it sends its next message only once the
previous answer arrived. Every level runs for a fixed time after a short warm-up,
always with fresh conversation ids, and reports messages per second, p50/p95/p99
latency, errors (non-200 answers or exceptions), the peak resident memory of the
whole stack (RSS summed over every process of the stack and their children,
sampled every 0.2 s) and the CPU time each process spent per message.

Ours: the real stack (Rasa with the trained model, action server, gateway) on a
fresh demo database, through the gateway's POST /api/messages. The gateway's
per-conversation flood limit is raised (FLOOD_LIMIT) so the bench is not throttled.
Stock, in the same run (bench/stock_rasa.py): the same domain and training data
trained with the configuration `rasa init` writes (bench/stock/config.yml), Rasa's
REST channel, in-memory stores and our action server on its own fresh demo
database. The stock model is trained once and cached in models/stock/.

    .venv/bin/python -m bench.load [--levels 1,8,32] [--duration 30] [--warmup 5]
                                   [--skip-stock] [--database-url URL] [--env NAME=VALUE]

The conversations and their senders are bench/workload.py, the memory and CPU
sampling bench/resources.py, the printed results and targets bench/load_report.py.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import uvloop

from bench.load_report import LevelResult, level_line, report
from bench.resources import StackSampler, cpu_delta, machine_speed_ms
from bench.stock_rasa import StockStack, ensure_stock_model
from bench.workload import API_TOKEN, FLOOD_LIMIT, Send, run_phase, via_gateway, via_rest_channel
from devstack.config import StackConfig
from devstack.supervisor import Stack

ROOT = Path(__file__).resolve().parents[1]


async def run_level(
    setup: str,
    send: Send,
    sampler: StackSampler,
    concurrency: int,
    duration: float,
    warmup: float,
    nlu_batches: NluBatches | None = None,
) -> LevelResult:
    reference_ms = machine_speed_ms()  # before the load, so only the machine counts
    sampler.reset_peaks()
    async with sampler.sampling():
        if warmup > 0:
            await run_phase(send, concurrency, warmup)
        before = sampler.cpu_seconds()
        batches_before = await nlu_batches() if nlu_batches else None
        tally, elapsed = await run_phase(send, concurrency, duration)
        spent = cpu_delta(before, sampler.cpu_seconds())
        batches_after = await nlu_batches() if nlu_batches else None
    return LevelResult(
        setup,
        concurrency,
        tally,
        elapsed,
        sampler.peak_rss,
        dict(sampler.peak_rss_by_process),
        spent,
        os.getloadavg()[0],
        mean_batch(batches_before, batches_after),
        reference_ms,
    )


NluBatches = Callable[[], Awaitable[dict[int, int]]]


def nlu_batches_of(stack: Stack) -> NluBatches:
    """Reads how many NLU runs parsed how many messages so far, from our Rasa channel."""
    url = f"{stack.rasa_url}/webhooks/gateway/stats"
    headers = {"Authorization": f"Bearer {stack.config.rasa_token}"}

    async def read() -> dict[int, int]:
        async with (
            aiohttp.ClientSession() as http,
            http.get(url, headers=headers) as response,
        ):
            body: dict[str, Any] = await response.json()
        return {int(size): int(runs) for size, runs in body["nlu_batches"].items()}

    return read


def mean_batch(before: dict[int, int] | None, after: dict[int, int] | None) -> float | None:
    if before is None or after is None:
        return None
    runs = {size: after[size] - before.get(size, 0) for size in after}
    total_runs = sum(runs.values())
    return sum(size * n for size, n in runs.items()) / total_runs if total_runs else None


# --- the two set-ups -----------------------------------------------------------------------


def stack_config(database_url: str, log_dir: Path, env: dict[str, str]) -> StackConfig:
    config = StackConfig.for_tests(
        root=ROOT,
        database_url=database_url,
        api_token=API_TOKEN,
        model_dir=ROOT / "models",
        log_dir=log_dir,
    )
    config.extra_env["TANYA_CONVERSATION_RATE_LIMIT"] = FLOOD_LIMIT
    config.extra_env.update(env)
    return config


async def measure_stack(
    setup: str,
    stack: Stack,
    send: Send,
    levels: list[int],
    duration: float,
    warmup: float,
    nlu_batches: NluBatches | None = None,
) -> list[LevelResult]:
    sys.stderr.write(f"starting {setup} stack...\n")
    await stack.start()
    try:
        sampler = StackSampler({c.name: c.process.pid for c in stack.children})
        results = []
        for concurrency in levels:
            result = await run_level(
                setup, send, sampler, concurrency, duration, warmup, nlu_batches
            )
            sys.stdout.write(level_line(result) + "\n")
            sys.stdout.flush()
            results.append(result)
        return results
    finally:
        await stack.stop()


def parse_env(pairs: list[str]) -> dict[str, str]:
    """NAME=VALUE pairs of --env."""
    env = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals or not name:
            raise SystemExit(f"--env expects NAME=VALUE, got {pair!r}")
        env[name] = value
    return env


def database_url_for(given: str | None, tmp: Path, setup: str) -> str:
    return given or f"sqlite+aiosqlite:///{tmp}/{setup}.db"


async def measure_ours(args: argparse.Namespace, tmp: Path, levels: list[int]) -> list[LevelResult]:
    url = database_url_for(args.database_url, tmp, "ours")
    config = stack_config(url, tmp / "logs-ours", parse_env(args.env))
    stack = Stack(config)
    send = via_gateway(stack)
    batches = nlu_batches_of(stack)
    return await measure_stack("ours", stack, send, levels, args.duration, args.warmup, batches)


async def measure_stock(
    args: argparse.Namespace, tmp: Path, levels: list[int], model: Path
) -> list[LevelResult]:
    url = database_url_for(args.database_url, tmp, "stock")
    config = stack_config(url, tmp / "logs-stock", {})
    stack = StockStack(config, model)
    send = via_rest_channel(stack)
    return await measure_stack("stock", stack, send, levels, args.duration, args.warmup)


async def main(args: argparse.Namespace) -> int:
    levels = [int(level) for level in args.levels.split(",") if level.strip()]
    with tempfile.TemporaryDirectory(prefix="bench-load-") as name:
        tmp = Path(name)
        # Trained (once) before anything is measured, so a failure shows early.
        model = None if args.skip_stock else await asyncio.to_thread(ensure_stock_model)
        ours = await measure_ours(args, tmp, levels)
        stock = [] if model is None else await measure_stock(args, tmp, levels, model)
    sys.stdout.write(report(ours, stock, args))
    return 0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--levels", default="1,8,32", help="concurrent conversations per level")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds per level")
    parser.add_argument("--warmup", type=float, default=5.0, help="warm-up seconds per level")
    parser.add_argument("--skip-stock", action="store_true", help="measure only our stack")
    parser.add_argument(
        "--database-url", help="database of both stacks (default: fresh SQLite files)"
    )
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="environment of our stack's processes, for tuning experiments (repeatable)",
    )
    return parser.parse_args()


if __name__ == "__main__":
    # uvloop: the load generator shares the two cores with the stack it measures.
    raise SystemExit(uvloop.run(main(parse_args())))
