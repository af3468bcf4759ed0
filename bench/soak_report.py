"""The soak's figures: one line per reporting interval while it runs, then the table of
all intervals and the verdict on flatness (first window after the warm-up against the
last one).
"""

from __future__ import annotations

import argparse
import math
import os
from dataclasses import dataclass, field

import psutil

from bench.load_report import error_kinds
from bench.resources import MB
from bench.workload import FLOOD_LIMIT, Tally, percentile

WARMUP_SECONDS = 60.0  # left out of the verdict
WINDOW_SECONDS = 300.0  # first and last window compared
RSS_GROWTH_LIMIT = 0.05  # flat: every process grows less than 5 %
P95_CHANGE_LIMIT = 0.25  # flat: p95 changes by less than 25 %, up or down
RATE_KEPT = 0.95  # target rate kept: at least 95 % of it answered per second...
LAG_KEPT_S = 1.0  # ... and p95 lag of the last window below 1 s


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
