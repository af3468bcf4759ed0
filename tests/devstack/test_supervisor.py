from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

from devstack.config import StackConfig
from devstack.supervisor import Stack, StackError


async def test_stack_stops_everything_when_a_child_fails(tmp_path: Path) -> None:
    config = StackConfig(log_dir=tmp_path, load_demo=False, start_timeout=10)
    stack = Stack(config)
    stack.commands = lambda: {  # type: ignore[method-assign]
        "sleeper": [sys.executable, "-c", "import time; time.sleep(60)"],
        "crasher": [sys.executable, "-c", "raise SystemExit(3)"],
    }
    stack.health_urls = lambda: {  # type: ignore[method-assign]
        "sleeper": "http://127.0.0.1:9/",
        "crasher": "http://127.0.0.1:9/",
    }
    with pytest.raises(StackError, match="crasher exited with code 3"):
        await stack.start()
    assert stack.children == []  # the sleeper was stopped too
    await asyncio.sleep(0)


async def test_the_rasa_the_stack_starts_sends_no_telemetry(tmp_path: Path) -> None:
    """`make run`, the tests and the benchmarks start Rasa through Stack: the Rasa
    process (here a stand-in that reports its environment) runs with
    RASA_TELEMETRY_ENABLED=false. Fails on 538ba62, which left Rasa's default (on)."""
    engine_bin = tmp_path / ".venv-engine" / "bin"
    engine_bin.mkdir(parents=True)
    seen = tmp_path / "telemetry.txt"
    stand_in = engine_bin / "rasa"
    stand_in.write_text(f'#!/bin/sh\nprintf "%s" "$RASA_TELEMETRY_ENABLED" > {seen}\nexit 3\n')
    stand_in.chmod(0o755)
    config = StackConfig(
        root=tmp_path, model_dir=tmp_path, log_dir=tmp_path, load_demo=False, start_timeout=10
    )
    with pytest.raises(StackError, match="rasa exited with code 3"):
        await Stack(config).start(only=["rasa"])
    assert seen.read_text() == "false"


def test_every_make_target_runs_rasa_without_telemetry(tmp_path: Path) -> None:
    """The Makefile exports RASA_TELEMETRY_ENABLED=false to every recipe (make train,
    make test, make nlu-report, make bench start Rasa). Fails on 538ba62."""
    probe = tmp_path / "probe.mk"
    probe.write_text("telemetry-probe:\n\t@printf '%s' \"$$RASA_TELEMETRY_ENABLED\"\n")
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        ["make", "--no-print-directory", "-f", "Makefile", "-f", str(probe), "telemetry-probe"],
        cwd=root,
        env={k: v for k, v in os.environ.items() if k != "RASA_TELEMETRY_ENABLED"},
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    assert done.stdout == "false"
