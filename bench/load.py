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
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import psutil
import uvloop

from bench.stock_rasa import StockStack, ensure_stock_model
from devstack.supervisor import Stack, StackConfig

ROOT = Path(__file__).resolve().parents[1]
API_TOKEN = "bench-api-token"
FLOOD_LIMIT = "1000/minute"
SAMPLE_SECONDS = 0.2
MB = 1_000_000

# Targets of issue 7, checked at TARGET_LEVEL concurrent conversations.
TARGET_LEVEL = 32
TARGET_THROUGHPUT = 100.0  # msg/s
TARGET_P95_MS = 300.0
TARGET_RATIO = 3.0  # ours / stock throughput
TARGET_RSS_MB = 1500.0

# Conversations as applicants write them (tests/e2e/conversations.yml, bench/latency.py);
# application numbers are the demo fixtures of permits/demo.py.
CONVERSATIONS: list[list[str]] = [
    ["halo min", "syarat bikin imb apa aja ya", "kalau biayanya?", "trus lama prosesnya brp hari"],
    ["min brp hari ngurus imb?", "makasih ya"],
    ["syarat bikin siup apa aja", "biayanya brp", "oke makasih infonya"],
    ["cek status PTSP-2025-7KQ4MZ", "makasih kak"],
    ["mau cek status permohonan saya", "PTSP-2025-H3D9XA", "mksh"],
    ["jam buka kantor ptsp jam brp", "alamat kantornya dmn min", "nomor call center nya brp"],
    ["biaya sip dokter brp", "kalo syaratnya?", "makasih"],
    ["gmn cara ngurus izin reklame", "brp lama prosesnya"],
    ["status permohonan sy ptsp 2026 r8t2wc gmn", "dadah"],
    ["biayanya berapa ya kak", "nib"],
    ["assalamualaikum", "ngurus tdup butuh brp lama", "syaratnya apa aja", "makasih ya"],
    ["ambil nomor antrian gmn caranya", "jam layanan kantor kapan aja"],
    ["alur pengajuan izin apotek gimana min", "syaratnya apa aja", "terima kasih"],
    ["Berapa lama proses penerbitan SLF?", "SYARAT IZIN KLINIK"],
    ["permohonan PTSP-2026-M5N7PB sampai mana", "oke makasih"],
    ["hai", "kamu robot ya?", "persyaratan amdal apa saja", "mksh"],
    ["syarat pbg apa", "kalo sipa biayanya brp"],
    ["cek permohonan ptsp.2025.7kq4mz", "kalau izin reklame biayanya brp"],
]

Send = Callable[[aiohttp.ClientSession, str, str], Awaitable[list[str]]]


class BadAnswer(Exception):
    """The stack answered with something other than HTTP 200."""


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest-rank percentile; NaN without samples."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


# --- sending ---------------------------------------------------------------------------


def via_gateway(stack: Stack) -> Send:
    url = f"{stack.gateway_url}/api/messages"
    headers = {"Authorization": f"Bearer {API_TOKEN}"}

    async def send(http: aiohttp.ClientSession, conversation: str, text: str) -> list[str]:
        body = {"conversation_id": f"api:{conversation}", "text": text}
        async with http.post(url, json=body, headers=headers) as response:
            if response.status != 200:
                raise BadAnswer(f"HTTP {response.status}")
            answer: dict[str, Any] = await response.json()
        return [str(m.get("text") or "") for m in answer.get("messages") or []]

    return send


def via_rest_channel(stack: StockStack) -> Send:
    async def send(http: aiohttp.ClientSession, conversation: str, text: str) -> list[str]:
        body = {"sender": conversation, "message": text}
        async with http.post(stack.rest_url, json=body) as response:
            if response.status != 200:
                raise BadAnswer(f"HTTP {response.status}")
            answer: list[dict[str, Any]] = await response.json()
        return [str(m.get("text") or "") for m in answer]

    return send


# --- one concurrency level ---------------------------------------------------------------


@dataclass
class Outcome:
    """One message sent: its latency and the answer text, or the kind of error."""

    latency_ms: float = 0.0
    text: str = ""
    error: str = ""  # "HTTP 503", "ServerDisconnectedError", ...; empty when answered


@dataclass
class Tally:
    """What the conversations of one phase observed."""

    latencies_ms: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)  # by kind: "HTTP 503", ...
    silent: int = 0  # HTTP 200 but no text at all
    # The first answer seen to each (conversation script, turn), to compare set-ups.
    answers: dict[tuple[int, int], str] = field(default_factory=dict)

    @property
    def messages(self) -> int:
        return len(self.latencies_ms) + self.error_count

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def record(self, outcome: Outcome, key: tuple[int, int]) -> None:
        """Count one message sent; `key` is its (conversation script, turn)."""
        if outcome.error:
            self.errors[outcome.error] += 1
            return
        self.latencies_ms.append(outcome.latency_ms)
        self.silent += not outcome.text
        self.answers.setdefault(key, outcome.text)


async def converse(
    http: aiohttp.ClientSession, send: Send, worker: int, tag: str, deadline: float, tally: Tally
) -> None:
    """One simulated applicant: conversation after conversation until the deadline."""
    round_ = 0
    while time.monotonic() < deadline:
        script = (worker * 5 + round_) % len(CONVERSATIONS)
        conversation = f"load-{tag}-{worker}-{round_}"
        for turn, text in enumerate(CONVERSATIONS[script]):
            if time.monotonic() >= deadline:
                return
            await timed_send(http, send, conversation, text, (script, turn), tally)
        round_ += 1


async def timed_send(
    http: aiohttp.ClientSession,
    send: Send,
    conversation: str,
    text: str,
    key: tuple[int, int],
    tally: Tally,
) -> None:
    tally.record(await attempt(http, send, conversation, text), key)


async def attempt(http: aiohttp.ClientSession, send: Send, conversation: str, text: str) -> Outcome:
    """Send one message and time the answer."""
    started = time.perf_counter()
    try:
        replies = await send(http, conversation, text)
    except BadAnswer as exc:
        return Outcome(error=str(exc))
    except (aiohttp.ClientError, TimeoutError) as exc:
        return Outcome(error=type(exc).__name__)
    latency_ms = (time.perf_counter() - started) * 1000
    return Outcome(latency_ms, "\n".join(r for r in replies if r))


async def run_phase(send: Send, concurrency: int, seconds: float) -> tuple[Tally, float]:
    """`concurrency` applicants for `seconds`; returns what they saw and the elapsed time
    (until the last answer in flight at the deadline arrived)."""
    tally = Tally()
    tag = uuid.uuid4().hex[:8]  # fresh conversation ids in every phase
    timeout = aiohttp.ClientTimeout(total=60)
    connector = aiohttp.TCPConnector(limit=concurrency + 4)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as http:
        started = time.monotonic()
        deadline = started + seconds
        await asyncio.gather(
            *(converse(http, send, worker, tag, deadline, tally) for worker in range(concurrency))
        )
        return tally, time.monotonic() - started


# --- resources of the stack --------------------------------------------------------------


class StackSampler:
    """Peak RSS of the whole stack and CPU seconds per process (with their children)."""

    def __init__(self, pids: dict[str, int]) -> None:
        self._roots = {name: psutil.Process(pid) for name, pid in pids.items()}
        self.peak_rss = 0
        self.peak_rss_by_process: dict[str, int] = {}

    def _trees(self) -> Iterator[tuple[str, psutil.Process]]:
        for name, root in self._roots.items():
            try:
                family = [root, *root.children(recursive=True)]
            except psutil.NoSuchProcess:
                continue
            for process in family:
                yield name, process

    def sample(self) -> None:
        by_process: dict[str, int] = {}
        for name, process in self._trees():
            try:
                by_process[name] = by_process.get(name, 0) + process.memory_info().rss
            except psutil.NoSuchProcess:
                continue
        self.peak_rss = max(self.peak_rss, sum(by_process.values()))
        for name, rss in by_process.items():
            self.peak_rss_by_process[name] = max(self.peak_rss_by_process.get(name, 0), rss)

    def cpu_seconds(self) -> dict[str, float]:
        """User + system CPU time so far of each process tree, and of this bench."""
        seconds: dict[str, float] = {}
        for name, process in self._trees():
            try:
                times = process.cpu_times()
            except psutil.NoSuchProcess:
                continue
            seconds[name] = seconds.get(name, 0.0) + times.user + times.system
        own = psutil.Process().cpu_times()
        seconds["load generator"] = own.user + own.system
        return seconds

    def reset_peaks(self) -> None:
        self.peak_rss = 0
        self.peak_rss_by_process = {}

    @asynccontextmanager
    async def sampling(self) -> AsyncIterator[StackSampler]:
        async def loop() -> None:
            while True:
                self.sample()
                await asyncio.sleep(SAMPLE_SECONDS)

        task = asyncio.create_task(loop())
        try:
            yield self
        finally:
            task.cancel()
            self.sample()


@dataclass
class LevelResult:
    setup: str
    concurrency: int
    tally: Tally
    elapsed: float
    peak_rss: int
    peak_rss_by_process: dict[str, int]
    cpu_seconds: dict[str, float]
    load_average: float
    nlu_batch_mean: float | None = None  # messages per NLU run in Rasa (ours only)
    reference_ms: float = 0.0  # machine_speed_ms() just before the level

    @property
    def throughput(self) -> float:
        return self.tally.messages / self.elapsed

    def p(self, fraction: float) -> float:
        return percentile(self.tally.latencies_ms, fraction)

    def cpu_ms_per_message(self) -> dict[str, float]:
        count = max(self.tally.messages, 1)
        return {name: s * 1000 / count for name, s in self.cpu_seconds.items()}


def machine_speed_ms() -> float:
    """CPU milliseconds of a fixed pure-Python loop (best of three), lower is faster.

    The same code needs twice the CPU per message on some days of this shared
    machine; printed with every level, so that runs far apart can be compared.
    """
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        total = 0
        for i in range(2_000_000):
            total += i
        best = min(best, time.process_time() - started)
    return best * 1000


def cpu_delta(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {name: after[name] - before.get(name, 0.0) for name in after}


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


# --- report -----------------------------------------------------------------------------


def error_kinds(tally: Tally) -> str:
    if not tally.errors:
        return ""
    return " (" + ", ".join(f"{kind}: {n}" for kind, n in tally.errors.most_common()) + ")"


def level_line(r: LevelResult) -> str:
    cpu = ", ".join(f"{name} {ms:.1f}" for name, ms in r.cpu_ms_per_message().items())
    rss = ", ".join(f"{name} {b / MB:.0f}" for name, b in r.peak_rss_by_process.items())
    return (
        f"{r.setup:<5} {r.concurrency:>3} conversations: {r.throughput:6.1f} msg/s  "
        f"p50 {r.p(0.5):.0f} ms  p95 {r.p(0.95):.0f} ms  p99 {r.p(0.99):.0f} ms  "
        f"errors {r.tally.error_count}{error_kinds(r.tally)}  silent {r.tally.silent}  "
        f"n {r.tally.messages}  "
        f"peak RSS {r.peak_rss / MB:.0f} MB ({rss})  load avg {r.load_average:.2f}  "
        f"reference loop {r.reference_ms:.0f} ms\n"
        f"      CPU ms per message: {cpu}"
        + (f"; NLU batch {r.nlu_batch_mean:.1f} messages on average" if r.nlu_batch_mean else "")
    )


def table(results: list[LevelResult]) -> str:
    rows = [
        "| concurrent | set-up | msg/s | p50 ms | p95 ms | p99 ms | errors | peak RSS MB |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in sorted(results, key=lambda r: (r.concurrency, r.setup != "ours")):
        rows.append(
            f"| {r.concurrency} | {r.setup} | {r.throughput:.1f} | {r.p(0.5):.0f} | "
            f"{r.p(0.95):.0f} | {r.p(0.99):.0f} | {r.tally.error_count} | {r.peak_rss / MB:.0f} |"
        )
    return "\n".join(rows)


def mark(passed: bool) -> str:
    return "PASS" if passed else "FAIL"


def target_lines(ours: list[LevelResult], stock: list[LevelResult]) -> list[str]:
    at = {r.concurrency: r for r in ours}
    stock_at = {r.concurrency: r for r in stock}
    lines = []
    top = at.get(TARGET_LEVEL)
    if top is None:
        lines.append(f"  n/a  throughput and p95 targets: level {TARGET_LEVEL} was not run")
    else:
        lines.append(
            f"  {mark(top.throughput >= TARGET_THROUGHPUT)}  ours >= {TARGET_THROUGHPUT:.0f} "
            f"msg/s at {TARGET_LEVEL} concurrent: {top.throughput:.1f} msg/s"
        )
        lines.append(
            f"  {mark(top.p(0.95) < TARGET_P95_MS)}  ours p95 < {TARGET_P95_MS:.0f} ms at "
            f"{TARGET_LEVEL} concurrent: {top.p(0.95):.0f} ms"
        )
    base = stock_at.get(TARGET_LEVEL)
    if top is None or base is None:
        lines.append(f"  n/a  ours >= {TARGET_RATIO:.0f}x stock: no stock run at {TARGET_LEVEL}")
    else:
        ratio = top.throughput / base.throughput
        lines.append(
            f"  {mark(ratio >= TARGET_RATIO)}  ours >= {TARGET_RATIO:.0f}x stock throughput at "
            f"{TARGET_LEVEL} concurrent: {ratio:.2f}x"
        )
    peak = max((r.peak_rss for r in ours), default=0) / MB
    lines.append(
        f"  {mark(peak < TARGET_RSS_MB)}  our stack < {TARGET_RSS_MB / 1000:.1f} GB RSS: "
        f"peak {peak:.0f} MB"
    )
    return lines


def agreement_line(ours: list[LevelResult], stock: list[LevelResult]) -> str:
    """How many scripted turns got the very same text from both set-ups."""
    mine: dict[tuple[int, int], str] = {}
    theirs: dict[tuple[int, int], str] = {}
    for r in ours:
        mine.update({k: v for k, v in r.tally.answers.items() if k not in mine})
    for r in stock:
        theirs.update({k: v for k, v in r.tally.answers.items() if k not in theirs})
    both = mine.keys() & theirs.keys()
    same = sum(mine[k] == theirs[k] for k in both)
    return f"same answer text from both set-ups: {same} of {len(both)} scripted turns"


def report(ours: list[LevelResult], stock: list[LevelResult], args: argparse.Namespace) -> str:
    lines = [
        "",
        f"duration {args.duration:.0f} s per level after {args.warmup:.0f} s warm-up; "
        f"gateway flood limit TANYA_CONVERSATION_RATE_LIMIT={FLOOD_LIMIT}; "
        f"{psutil.cpu_count()} cores, load average now {os.getloadavg()[0]:.2f}",
        *([f"our stack's extra environment: {' '.join(args.env)}"] if args.env else []),
        "",
        table(ours + stock),
        "",
    ]
    at = {r.concurrency: r for r in ours}
    stock_at = {r.concurrency: r for r in stock}
    if TARGET_LEVEL in at and TARGET_LEVEL in stock_at:
        ratio = at[TARGET_LEVEL].throughput / stock_at[TARGET_LEVEL].throughput
        lines.append(f"throughput at {TARGET_LEVEL} concurrent, ours/stock: {ratio:.2f}x")
    if stock:
        lines.append(agreement_line(ours, stock))
    lines += ["", "targets:", *target_lines(ours, stock), ""]
    return "\n".join(lines)


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
