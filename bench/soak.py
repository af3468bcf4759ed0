"""Soak: a fixed message rate for a long time, with memory and latency per minute.

Issue 7: "20 minutes at 30 messages per second with memory and latency flat; record
the figures." Starts the real stack (Rasa with the trained model, action server,
gateway) on a fresh demo database and replays the conversations of bench/workload.py
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

The intervals, the table and the verdict are bench/soak_report.py.
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
from pathlib import Path

import aiohttp

from bench.load import database_url_for, stack_config
from bench.resources import SAMPLE_SECONDS, StackSampler, cpu_delta
from bench.soak_report import Interval, Run, interval_line, summary
from bench.workload import CONVERSATIONS, Send, attempt, via_gateway
from devstack.supervisor import Stack

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
