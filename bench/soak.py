"""Soak: a fixed message rate for a long time, with memory and latency per minute.

Issue 7: "20 minutes at 30 messages per second with memory and latency flat; record
the figures." Starts the real stack (Rasa with the trained model, action server,
gateway) on a fresh demo database and replays the conversations of bench/load.py
through the gateway's POST /api/messages, open loop: message n is due at
start + n / rate, whatever happened before. The messages are spread over a pool of
concurrent conversations (default: 2 x rate). Each conversation still behaves like a
person: it takes the next due message only once the answer to its previous one
arrived. Each conversation id lives for one script (2 to 4 messages); the next script
gets a fresh id. When every conversation is waiting for an answer, due messages
queue up: the delay between a message's due time and its sending is reported as lag,
and the due messages not yet sent as backlog. Latency is from sending to the answer.

Every --report-every seconds it prints the messages answered per second, p50/p95/p99
latency, errors, lag, the peak RSS of each process of the stack (with its children,
sampled every 0.2 s) and the load average. At the end: a markdown table of all
intervals and a verdict on flatness, the first 5 minutes after a 1-minute warm-up
against the last 5 minutes.

    .venv/bin/python -m bench.soak [--minutes 20] [--rate 30] [--report-every 60]
                                   [--conversations N] [--database-url URL]
                                   [--tracker-store-url URL] [--redis-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import math
import os
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import psutil

from bench.load import (
    CONVERSATIONS,
    FLOOD_LIMIT,
    MB,
    SAMPLE_SECONDS,
    Send,
    StackSampler,
    Tally,
    attempt,
    cpu_delta,
    database_url_for,
    error_kinds,
    percentile,
    stack_config,
    via_gateway,
)
from devstack.supervisor import Stack

WARMUP_SECONDS = 60.0  # left out of the verdict
WINDOW_SECONDS = 300.0  # first and last window compared
RSS_GROWTH_LIMIT = 0.05  # flat: every process grows less than 5 %
P95_CHANGE_LIMIT = 0.25  # flat: p95 changes by less than 25 %, up or down
RATE_KEPT = 0.95  # target rate kept: at least 95 % of it answered per second...
LAG_KEPT_S = 1.0  # ... and p95 lag of the last window below 1 s


# --- open-loop schedule ----------------------------------------------------------------


class Schedule:
    """Message n is due at start + n / rate; conversations claim due times in order."""

    def __init__(self, rate: float, start: float, seconds: float) -> None:
        self.rate = rate
        self.start = start
        self.end = start + seconds
        self.total = math.floor(seconds * rate)  # messages due before the end
        self.claimed = 0

    def claim(self) -> float | None:
        """The due time of the next message, None once the run is over."""
        if self.claimed >= self.total or time.monotonic() >= self.end:
            return None
        due = self.start + self.claimed / self.rate
        self.claimed += 1
        return due

    def backlog(self, now: float) -> int:
        """Messages already due that no conversation was free to take."""
        due = min(self.total, math.floor((now - self.start) * self.rate) + 1)
        return max(0, due - self.claimed)


@dataclass
class Interval:
    """What one reporting interval saw: answers by arrival, lags by sending."""

    started: float  # seconds since the start of the run
    ended: float = 0.0
    tally: Tally = field(default_factory=Tally)
    lags_s: list[float] = field(default_factory=list)
    sent: int = 0
    rss_by_process: dict[str, int] = field(default_factory=dict)  # peak in the interval
    backlog: int = 0  # at its end
    in_flight: int = 0  # at its end
    load_average: float = 0.0  # 1 minute, at its end
    exited: list[str] = field(default_factory=list)  # processes of the stack found dead

    @property
    def seconds(self) -> float:
        return self.ended - self.started

    @property
    def rate(self) -> float:
        return self.tally.messages / self.seconds if self.seconds > 0 else float("nan")

    def p(self, fraction: float) -> float:
        return percentile(self.tally.latencies_ms, fraction)

    @property
    def lag_p95(self) -> float:
        return percentile(self.lags_s, 0.95) if self.lags_s else 0.0

    @property
    def lag_max(self) -> float:
        return max(self.lags_s, default=0.0)

    @property
    def rss_total(self) -> int:
        return sum(self.rss_by_process.values())


class Soak:
    def __init__(self, stack: Stack, send: Send, schedule: Schedule, sampler: StackSampler):
        self.stack = stack
        self.send = send
        self.schedule = schedule
        self.sampler = sampler
        self.current = Interval(0.0)
        self.intervals: list[Interval] = []
        self.in_flight = 0
        self.scripts = itertools.count()
        self.tag = uuid.uuid4().hex[:8]

    async def applicant(self, http: aiohttp.ClientSession) -> None:
        """One conversation after another, each with a fresh id, until the run is over."""
        while True:
            number = next(self.scripts)
            script = number % len(CONVERSATIONS)
            conversation = f"soak-{self.tag}-{number}"
            for turn, text in enumerate(CONVERSATIONS[script]):
                due = self.schedule.claim()
                if due is None:
                    return
                await asyncio.sleep(max(0.0, due - time.monotonic()))
                self.current.lags_s.append(time.monotonic() - due)
                self.current.sent += 1
                self.in_flight += 1
                outcome = await attempt(http, self.send, conversation, text)
                self.in_flight -= 1
                self.current.tally.record(outcome, (script, turn))

    async def report_every(self, seconds: float, every: float) -> None:
        """Close an interval every `every` seconds (the last one at the end) and print it."""
        start = self.schedule.start
        for k in range(1, math.ceil(seconds / every) + 1):
            end = start + min(k * every, seconds)
            await asyncio.sleep(max(0.0, end - time.monotonic()))
            self.close_interval()

    def close_interval(self) -> Interval:
        now = time.monotonic()
        self.sampler.sample()
        closed = self.current
        closed.ended = now - self.schedule.start
        closed.rss_by_process = dict(self.sampler.peak_rss_by_process)
        closed.backlog = self.schedule.backlog(now)
        closed.in_flight = self.in_flight
        closed.load_average = os.getloadavg()[0]
        closed.exited = [c.name for c in self.stack.children if c.process.returncode is not None]
        self.sampler.reset_peaks()
        self.current = Interval(closed.ended)
        self.intervals.append(closed)
        sys.stdout.write(interval_line(closed) + "\n")
        sys.stdout.flush()
        return closed


# --- report -----------------------------------------------------------------------------


def clock(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60:02d}:{whole % 60:02d}"


def interval_line(i: Interval) -> str:
    rss = " ".join(f"{name} {b / MB:.0f}" for name, b in i.rss_by_process.items())
    exited = f"  EXITED: {', '.join(i.exited)}" if i.exited else ""
    return (
        f"{clock(i.ended)}  {i.rate:5.1f} msg/s (sent {i.sent / i.seconds:5.1f}/s)  "
        f"p50 {i.p(0.5):5.0f}  p95 {i.p(0.95):5.0f}  p99 {i.p(0.99):5.0f} ms  "
        f"errors {i.tally.error_count}{error_kinds(i.tally)}  "
        f"lag p95 {i.lag_p95:5.2f} s max {i.lag_max:5.2f} s  backlog {i.backlog}  "
        f"in flight {i.in_flight}  RSS MB {rss} total {i.rss_total / MB:.0f}  "
        f"load {i.load_average:.2f}{exited}"
    )


def table(intervals: list[Interval], names: list[str]) -> str:
    head = ["until", "msg/s", "p50 ms", "p95 ms", "p99 ms", "errors", "lag p95 s", "backlog"]
    head += [f"{name} MB" for name in names] + ["total MB", "load"]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for i in intervals:
        cells = [
            clock(i.ended),
            f"{i.rate:.1f}",
            f"{i.p(0.5):.0f}",
            f"{i.p(0.95):.0f}",
            f"{i.p(0.99):.0f}",
            str(i.tally.error_count),
            f"{i.lag_p95:.2f}",
            str(i.backlog),
        ]
        cells += [f"{i.rss_by_process.get(name, 0) / MB:.0f}" for name in names]
        cells += [f"{i.rss_total / MB:.0f}", f"{i.load_average:.2f}"]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def mean_rss(window: list[Interval], name: str | None) -> float:
    """Mean over the window of each interval's peak RSS (one process, or all), in MB."""
    values = [i.rss_total if name is None else i.rss_by_process.get(name, 0) for i in window]
    return sum(values) / len(values) / MB


def pooled(window: list[Interval], fraction: float) -> float:
    return percentile([ms for i in window for ms in i.tally.latencies_ms], fraction)


def change(before: float, after: float) -> float:
    return (after - before) / before if before else float("nan")


def verdict_lines(
    intervals: list[Interval], names: list[str], every: float, rate: float
) -> list[str]:
    warm = math.ceil(WARMUP_SECONDS / every)
    after = intervals[warm:]
    size = min(math.ceil(WINDOW_SECONDS / every), len(after) // 2)
    if size == 0:
        return ["flatness: run too short for a verdict (needs a warm-up and two windows)"]
    first, last = after[:size], after[-size:]
    lines = [
        f"flatness: {clock(intervals[warm - 1].ended)} of warm-up left out; first window "
        f"{clock(first[0].started)}-{clock(first[-1].ended)} against last window "
        f"{clock(last[0].started)}-{clock(last[-1].ended)}",
        f"  thresholds: flat when the RSS of every process and of the whole stack grows by "
        f"less than {RSS_GROWTH_LIMIT:.0%} and p95 latency changes by less than "
        f"{P95_CHANGE_LIMIT:.0%} (up or down)",
    ]
    problems = []
    for name in [*names, None]:
        label = name or "total"
        before, now = mean_rss(first, name), mean_rss(last, name)
        growth = change(before, now)
        lines.append(
            f"  RSS {label}: {before:.0f} -> {now:.0f} MB ({now - before:+.0f} MB, "
            f"{growth:+.1%}; mean of the interval peaks)"
        )
        if not growth < RSS_GROWTH_LIMIT:
            problems.append(f"{label} RSS {growth:+.1%}")
    p95_first, p95_last = pooled(first, 0.95), pooled(last, 0.95)
    p95_change = change(p95_first, p95_last)
    lines.append(f"  p95 latency: {p95_first:.0f} -> {p95_last:.0f} ms ({p95_change:+.1%})")
    if not abs(p95_change) < P95_CHANGE_LIMIT:
        problems.append(f"p95 {p95_change:+.1%}")
    verdict = "flat" if not problems else "NOT flat: " + "; ".join(problems)

    answered = sum(i.tally.messages for i in after)
    achieved = answered / sum(i.seconds for i in after)
    lag_first = percentile([s for i in first for s in i.lags_s], 0.95)
    lag_last = percentile([s for i in last for s in i.lags_s], 0.95)
    kept = achieved >= RATE_KEPT * rate and lag_last < LAG_KEPT_S
    if not kept:
        verdict += " (memory and latency only: the target rate was NOT kept, see below)"
    lines.append("  verdict: " + verdict)
    lines.append(
        f"  target rate {rate:g} msg/s: {achieved:.1f} msg/s answered after the warm-up; "
        f"lag p95 {lag_first:.2f} s (first window) -> {lag_last:.2f} s (last window); "
        f"{'kept' if kept else 'NOT kept'} (kept: >= {RATE_KEPT:.0%} of the rate answered "
        f"and last-window lag p95 < {LAG_KEPT_S:g} s)"
    )
    return lines


@dataclass
class Run:
    intervals: list[Interval]
    names: list[str]
    scheduled: int
    unsent: int
    drain: Interval
    drain_seconds: float
    cpu_ms_per_message: dict[str, float]
    conversations: int


def summary(run: Run, args: argparse.Namespace, database_bytes: int | None) -> str:
    every = args.report_every
    answered = sum(i.tally.messages for i in run.intervals) + run.drain.tally.messages
    errors = sum(i.tally.error_count for i in run.intervals) + run.drain.tally.error_count
    silent = sum(i.tally.silent for i in run.intervals) + run.drain.tally.silent
    cpu = ", ".join(f"{name} {ms:.1f}" for name, ms in run.cpu_ms_per_message.items())
    one, five, fifteen = os.getloadavg()
    lines = [
        "",
        f"soak: {args.minutes:g} min at {args.rate:g} msg/s over {run.conversations} concurrent "
        f"conversations, reported every {every:g} s; gateway flood limit "
        f"TANYA_CONVERSATION_RATE_LIMIT={FLOOD_LIMIT}; {psutil.cpu_count()} cores, "
        f"load average now {one:.2f} {five:.2f} {fifteen:.2f}",
        f"messages due {run.scheduled}, never sent (no conversation free before the end) "
        f"{run.unsent}; answered or failed {answered}, of which errors {errors}, "
        f"silent answers {silent}",
        f"after the end: {run.drain.tally.messages} answers to messages in flight arrived "
        f"within {run.drain_seconds:.1f} s",
        f"CPU ms per message (whole run): {cpu}",
    ]
    if database_bytes is not None:
        lines.append(f"SQLite database at the end: {database_bytes / MB:.0f} MB")
    lines += [
        "",
        table(run.intervals, run.names),
        "",
        *verdict_lines(run.intervals, run.names, every, args.rate),
        "",
    ]
    return "\n".join(lines)


# --- run ----------------------------------------------------------------------------------


async def soak(stack: Stack, args: argparse.Namespace, conversations: int) -> Run:
    seconds = args.minutes * 60
    sampler = StackSampler({c.name: c.process.pid for c in stack.children})
    timeout = aiohttp.ClientTimeout(total=60)
    connector = aiohttp.TCPConnector(limit=conversations + 4)
    async with (
        aiohttp.ClientSession(timeout=timeout, connector=connector) as http,
        sampler.sampling(),
    ):
        cpu_before = sampler.cpu_seconds()
        schedule = Schedule(args.rate, time.monotonic(), seconds)
        run = Soak(stack, via_gateway(stack), schedule, sampler)
        applicants = [asyncio.create_task(run.applicant(http)) for _ in range(conversations)]
        await run.report_every(seconds, args.report_every)
        unsent = schedule.total - schedule.claimed
        drain_started = time.monotonic()
        await asyncio.gather(*applicants)
        drain_seconds = time.monotonic() - drain_started
        spent = cpu_delta(cpu_before, sampler.cpu_seconds())
    done = sum(i.tally.messages for i in run.intervals) + run.current.tally.messages
    return Run(
        intervals=run.intervals,
        names=[c.name for c in stack.children],
        scheduled=schedule.total,
        unsent=unsent,
        drain=run.current,
        drain_seconds=drain_seconds,
        cpu_ms_per_message={name: s * 1000 / max(done, 1) for name, s in spent.items()},
        conversations=conversations,
    )


def sqlite_size(url: str) -> int | None:
    if not url.startswith("sqlite"):
        return None
    path = Path(url.split(":///", 1)[1])
    files = [path, path.with_name(path.name + "-wal")]
    return sum(f.stat().st_size for f in files if f.exists())


async def main(args: argparse.Namespace) -> int:
    conversations = args.conversations or math.ceil(2 * args.rate)
    sys.stdout.write(
        f"soak {args.minutes:g} min at {args.rate:g} msg/s over {conversations} conversations; "
        f"RSS sampled every {SAMPLE_SECONDS} s; latency from sending to the answer, lag from "
        f"due time to sending\n"
    )
    sys.stdout.flush()
    with tempfile.TemporaryDirectory(prefix="bench-soak-") as name:
        tmp = Path(name)
        url = database_url_for(args.database_url, tmp, "soak")
        config = stack_config(url, tmp / "logs", {})
        # The production shape: Rasa's trackers in PostgreSQL, locks in Redis.
        config.tracker_store_url = args.tracker_store_url or ""
        config.redis_url = args.redis_url or ""
        stack = Stack(config)
        sys.stderr.write("starting the stack...\n")
        await stack.start()
        try:
            run = await soak(stack, args, conversations)
        finally:
            await stack.stop()
        database_bytes = sqlite_size(url)
    sys.stdout.write(summary(run, args, database_bytes))
    return 0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--minutes", type=float, default=20.0, help="length of the run")
    parser.add_argument("--rate", type=float, default=30.0, help="messages due per second")
    parser.add_argument(
        "--report-every", type=float, default=60.0, help="seconds per reported interval"
    )
    parser.add_argument(
        "--conversations",
        type=int,
        default=0,
        help="concurrent conversations (default: 2 x rate, rounded up)",
    )
    parser.add_argument("--database-url", help="database of the stack (default: fresh SQLite)")
    parser.add_argument(
        "--tracker-store-url",
        help="Rasa's SQL tracker store, postgresql://user@host:port/db (default: in memory)",
    )
    parser.add_argument(
        "--redis-url", help="Redis for the gateway and Rasa's lock store (default: in-process)"
    )
    args = parser.parse_args()
    if args.minutes <= 0 or args.rate <= 0 or args.report_every <= 0:
        parser.error("--minutes, --rate and --report-every must be positive")
    return args


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main(parse_args())))
