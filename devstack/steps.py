"""What `make run` prints: each set-up step's start and end with its time, while the
children's output (Rasa's, TensorFlow's, the action server's) goes to var/log/.

    [2/4] training the model …
          done in 7 min 12 s (log: var/log/train.log)

Only lines that need a developer's eye reach the terminal: errors and warnings, minus
the library notices known to be harmless (HARMLESS). When a step fails, the last lines
of its log and the log's path are printed. `V=1` (make V=1 run) shows everything.

TANYA_STEPS, set by the Makefile's `run` target, names the steps of the whole run in
order ("setup train demo stack"), so each program numbers its own step "[n/total]";
without it (make train alone) the lines carry no number.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

ROOT = Path(__file__).resolve().parents[1]
LOG_DIR = ROOT / "var" / "log"
TAIL_LINES = 20

# Notices every start prints and nobody can act on; they stay in the logs.
HARMLESS = tuple(
    re.compile(pattern)
    for pattern in (
        # TensorFlow's and XLA's C++ log lines (CPU features, no GPU or CUDA found).
        r"[IWE] (tensorflow|xla|external/local_xla|external/local_tsl)/\S+:\d+\]",
        r"absl::InitializeLog|TF-TRT Warning|Unable to register cu(DNN|FFT|BLAS)",
        # Deprecation notices from inside TensorFlow, Keras and JAX.
        r"/(tensorflow|tf_keras|keras|jax|absl)/\S+:\d+: \w*Warning",
        r"jax\.\w+ is deprecated",
        r"pkg_resources|declare_namespace",
        # Rasa 3.6's own dependencies: matplotlib, the SQLAlchemy 1.4 API of its tracker
        # store, sanic-cors's version check.
        r"PyparsingDeprecationWarning|MovedIn20Warning|distutils Version classes",
        # Our domain splits intents across files and FAQ answers go through a response
        # selector on purpose; utter_faq and utter_default are used by actions, not stories.
        r"duplicated intents",
        r"training a response selector",
        r"utterance '(utter_faq|utter_default)' is not used",
        # Rasa's notice about usage telemetry (which the Makefile and devstack turn off).
        r"(?i)telemetry",
    )
)
ATTENTION = re.compile(
    r"\b(error|critical|fatal|traceback|exception|warning)\b|Error:|Warning:|Exception:",
    re.IGNORECASE,
)
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def verbose(env: Mapping[str, str] = os.environ) -> bool:
    """`V=1`: show every line of every child, as before the logs went to var/log/."""
    return env.get("V", "") not in ("", "0")


def is_harmless(line: str) -> bool:
    return any(pattern.search(line) for pattern in HARMLESS)


def needs_attention(line: str) -> bool:
    """An error or an unknown warning: the lines the terminal still shows."""
    plain = _ANSI.sub("", line)
    return bool(ATTENTION.search(plain)) and not is_harmless(plain)


def format_duration(seconds: float) -> str:
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    return f"{whole // 60} min {whole % 60} s"


def shown_path(path: Path) -> str:
    """Relative to the current directory when inside it (var/log/train.log)."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def log_tail(path: Path, lines: int = TAIL_LINES) -> list[str]:
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8", errors="replace")
    return [_ANSI.sub("", line) for line in text.splitlines()[-lines:]]


@dataclass
class Step:
    log: Path | None = None  # shown on the done line; its last lines on failure
    result: str = ""  # what the done line says instead of "done in …", e.g. "up to date"


class Steps:
    """Prints each step's start line, then its done (or failed) line with the time."""

    def __init__(
        self,
        names: list[str] | None = None,
        out: TextIO | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.names = names or []
        self.out = out or sys.stderr
        self.clock = clock

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Steps:
        return cls(env.get("TANYA_STEPS", "").split())

    def prefix(self, name: str) -> str:
        if name not in self.names:
            return ""
        return f"[{self.names.index(name) + 1}/{len(self.names)}] "

    def say(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    @contextmanager
    def step(self, name: str, title: str, log: Path | None = None) -> Iterator[Step]:
        """`name` is the step's word in TANYA_STEPS; `title` what the developer reads."""
        prefix = self.prefix(name)
        indent = " " * len(prefix)
        self.say(f"{prefix}{title} …")
        started = self.clock()
        step = Step(log)
        try:
            yield step
        except BaseException as exc:
            took = format_duration(self.clock() - started)
            if isinstance(exc, KeyboardInterrupt):
                self.say(f"{indent}interrupted after {took}")
                raise
            self.say(f"{indent}failed after {took}{_why(exc)}")
            self._print_tail(step.log, indent)
            raise
        took = format_duration(self.clock() - started)
        where = f" (log: {shown_path(step.log)})" if step.log is not None else ""
        self.say(f"{indent}{step.result or f'done in {took}'}{where}")

    def _print_tail(self, log: Path | None, indent: str) -> None:
        if log is None:
            return
        tail = log_tail(log)
        if tail:
            self.say(f"{indent}last lines of {shown_path(log)}:")
            for line in tail:
                self.say(f"{indent}  {line}")
        else:
            self.say(f"{indent}(nothing in {shown_path(log)})")


def _why(exc: BaseException) -> str:
    if isinstance(exc, subprocess.CalledProcessError):
        return f" (exit code {exc.returncode})"
    return f": {exc}" if str(exc) else f": {type(exc).__name__}"


class Filter:
    """Writes every line of a child to its log; echoes to the terminal only what
    needs attention, or everything when verbose."""

    def __init__(
        self, log: Path, out: TextIO | None = None, *, show_all: bool = False, append: bool = True
    ) -> None:
        log.parent.mkdir(parents=True, exist_ok=True)
        self.file = log.open("a" if append else "w", encoding="utf-8")
        self.out = out or sys.stderr
        self.show_all = show_all

    def feed(self, line: str, label: str = "") -> None:
        self.file.write(line)
        self.file.flush()
        if self.show_all or needs_attention(line):
            self.out.write(f"{label}{line}" if line.endswith("\n") else f"{label}{line}\n")
            self.out.flush()

    def close(self) -> None:
        self.file.close()


def run_logged(
    command: list[str],
    log: Path,
    *,
    cwd: Path = ROOT,
    env: Mapping[str, str] | None = None,
    out: TextIO | None = None,
    show_all: bool = False,
    append: bool = True,
) -> None:
    """Runs a command to completion, its output filtered (Filter); raises
    CalledProcessError when it fails. append=False: the log holds this run only."""
    lines = Filter(log, out, show_all=show_all, append=append)
    try:
        with subprocess.Popen(
            command,
            cwd=cwd,
            env=dict(env) if env is not None else None,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
        ) as process:
            assert process.stdout is not None
            for line in process.stdout:
                lines.feed(line)
        if process.returncode != 0:
            raise subprocess.CalledProcessError(process.returncode, command)
    finally:
        lines.close()
