"""The load benchmark's results: one line per level while it runs, then the table, the
agreement of the two set-ups and the targets of issue 7, checked.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass

import psutil

from bench.resources import MB
from bench.workload import FLOOD_LIMIT, Tally, percentile

# Targets of issue 7, checked at TARGET_LEVEL concurrent conversations.
TARGET_LEVEL = 32
TARGET_THROUGHPUT = 100.0  # msg/s
TARGET_P95_MS = 300.0
TARGET_RATIO = 3.0  # ours / stock throughput
TARGET_RSS_MB = 1500.0


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
