"""What a stack under load costs: its peak resident memory, the CPU time of each of its
processes, and the speed of the machine itself at the time.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import psutil

SAMPLE_SECONDS = 0.2
MB = 1_000_000


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
