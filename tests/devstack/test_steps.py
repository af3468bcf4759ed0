"""What `make run` and `make train` print: the steps with their times, the children's
noise in var/log/, errors still on the terminal, everything with V=1."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from devstack.config import StackConfig
from devstack.steps import Steps, run_logged, verbose
from devstack.supervisor import Stack, StackError

# What a child of `make run` prints: library notices nobody can act on, and one error.
HARMLESS_NOTICES = [
    "2026-12-03 19:00:01.123 I tensorflow/core/util/port.cc:113] oneDNN custom operations.",
    "/x/rasa/shared/utils/validation.py:134: DeprecationWarning: pkg_resources is deprecated",
    "  import pkg_resources",
    "\x1b[93m/x/rasa/shared/utils/io.py:100: UserWarning: The following duplicated intents "
    "have been found across multiple domain files: faq\x1b[0m",
    "/x/tensorflow/lite/python/util.py:52: DeprecationWarning: jax.xla_computation is deprecated",
]
INFO_LINE = "INFO     rasa.core.processor  - Loading model models/tanya-izin.tar.gz..."
ERROR_LINE = "ERROR    rasa.core.agent  - Could not load model due to: the file is not a model."
NOISY_CHILD = f"""
import sys
for line in {[*HARMLESS_NOTICES, INFO_LINE]!r}:
    print(line)
print({ERROR_LINE!r}, file=sys.stderr)
sys.exit(int(sys.argv[1]))
"""


def noisy_child(tmp_path: Path, exit_code: int = 0) -> list[str]:
    script = tmp_path / "noisy.py"
    script.write_text(NOISY_CHILD)
    return [sys.executable, str(script), str(exit_code)]


class Clock:
    """Seconds that advance by a fixed amount at each reading."""

    def __init__(self, step: float) -> None:
        self.now = 0.0
        self.step = step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def test_a_step_prints_its_number_at_start_and_its_time_when_done(tmp_path: Path) -> None:
    terminal = io.StringIO()
    steps = Steps(["setup", "train", "demo", "stack"], terminal, Clock(432.0))
    log = tmp_path / "train.log"
    with steps.step("train", "training the model", log):
        pass
    assert terminal.getvalue() == (
        f"[2/4] training the model …\n      done in 7 min 12 s (log: {log})\n"
    )


def test_a_step_outside_make_run_has_no_number_and_short_steps_count_seconds() -> None:
    terminal = io.StringIO()
    steps = Steps(Steps.from_env({}).names, terminal, Clock(3.4))
    with steps.step("demo", "loading the demo database"):
        pass
    assert terminal.getvalue() == "loading the demo database …\ndone in 3 s\n"


def test_harmless_library_notices_stay_in_the_log_and_errors_reach_the_terminal(
    tmp_path: Path,
) -> None:
    terminal = io.StringIO()
    log = tmp_path / "var" / "log" / "rasa.log"
    run_logged(noisy_child(tmp_path), log, cwd=tmp_path, out=terminal)
    assert terminal.getvalue() == ERROR_LINE + "\n"
    kept = log.read_text()
    assert "oneDNN" in kept
    assert "pkg_resources" in kept
    assert "duplicated intents" in kept
    assert "jax.xla_computation" in kept
    assert ERROR_LINE in kept


def test_a_crash_reaches_the_terminal(tmp_path: Path) -> None:
    crash = tmp_path / "crash.py"
    crash.write_text(
        "import warnings\n"
        "warnings.warn('Slot `permit` is not used in any story')\n"
        "class InvalidConfigException(Exception): pass\n"
        "raise InvalidConfigException('the pipeline has no tokenizer')\n"
    )
    terminal = io.StringIO()
    with pytest.raises(subprocess.CalledProcessError):
        run_logged([sys.executable, str(crash)], tmp_path / "x.log", cwd=tmp_path, out=terminal)
    shown = terminal.getvalue().splitlines()
    assert "Traceback (most recent call last):" in shown
    assert "InvalidConfigException: the pipeline has no tokenizer" in shown
    assert any("UserWarning: Slot `permit` is not used" in line for line in shown)


def test_with_v_1_every_line_reaches_the_terminal(tmp_path: Path) -> None:
    assert verbose({"V": "1"})
    assert not verbose({})
    assert not verbose({"V": "0"})
    terminal = io.StringIO()
    run_logged(
        noisy_child(tmp_path),
        tmp_path / "train.log",
        cwd=tmp_path,
        out=terminal,
        show_all=verbose({"V": "1"}),
    )
    shown = terminal.getvalue()
    for notice in ("oneDNN", "pkg_resources", "duplicated intents", "Loading model", ERROR_LINE):
        assert notice in shown


def test_a_failed_step_prints_the_last_lines_of_its_log_and_where_it_is(
    tmp_path: Path,
) -> None:
    terminal = io.StringIO()
    steps = Steps(["setup", "train"], terminal, Clock(5.0))
    log = tmp_path / "train.log"
    with (
        pytest.raises(subprocess.CalledProcessError),
        steps.step("train", "training the model", log),
    ):
        run_logged(
            noisy_child(tmp_path, exit_code=3), log, cwd=tmp_path, out=terminal, append=False
        )
    lines = terminal.getvalue().splitlines()
    assert lines[0] == "[2/2] training the model …"
    assert lines[1] == ERROR_LINE  # shown as it happened
    assert lines[2] == "      failed after 5 s (exit code 3)"
    assert lines[3] == f"      last lines of {log}:"
    assert lines[-1] == "        " + ERROR_LINE
    assert any("pkg_resources is deprecated" in line for line in lines[4:])  # the whole tail


async def test_make_runs_children_log_to_files_and_show_only_their_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A Rasa (here a stand-in printing Rasa's start-up noise, then failing) started the
    way `make run` starts it: its output in var/log/rasa.log, its error on the terminal."""
    engine_bin = tmp_path / ".venv-engine" / "bin"
    engine_bin.mkdir(parents=True)
    stand_in = engine_bin / "rasa"
    (tmp_path / "noisy.py").write_text(NOISY_CHILD)
    stand_in.write_text(f"#!/bin/sh\nexec {sys.executable} {tmp_path / 'noisy.py'} 1\n")
    stand_in.chmod(0o755)
    logs = tmp_path / "var" / "log"
    config = StackConfig(
        root=tmp_path,
        model_dir=tmp_path,
        log_dir=logs,
        filter_output=True,
        work_dir=tmp_path / "var",
        load_demo=False,
        start_timeout=10,
    )
    with pytest.raises(StackError, match="rasa exited with code 1") as failed:
        await Stack(config).start(only=["rasa"])
    assert failed.value.log == logs / "rasa.log"
    assert capsys.readouterr().err == f"[rasa] {ERROR_LINE}\n"
    kept = (logs / "rasa.log").read_text()
    assert "pkg_resources" in kept
    assert ERROR_LINE in kept
    assert (tmp_path / "var" / "endpoints.yml").exists()  # not among the logs


def run_setup_script(tmp_path: Path, argument: str, **env: str) -> subprocess.CompletedProcess[str]:
    """scripts/setup.sh, copied into an empty checkout so it writes only there."""
    script = tmp_path / "scripts" / "setup.sh"
    script.parent.mkdir()
    shutil.copy(Path(__file__).resolve().parents[2] / "scripts" / "setup.sh", script)
    environment = {k: v for k, v in os.environ.items() if k not in ("V", "TANYA_STEPS")}
    return subprocess.run(
        ["bash", str(script), argument],
        env={**environment, **env},
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_make_setup_reports_its_step_and_shows_its_log_when_it_fails(tmp_path: Path) -> None:
    done = run_setup_script(tmp_path, "neither", TANYA_STEPS="setup train demo stack")
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    # The time is whole seconds as bash counts them: a second may tick over meanwhile.
    assert re.fullmatch(r"      failed after [01] s \(exit code 2\)", lines.pop(1))
    assert lines == [
        "[1/4] setting up the Python environments (the first time takes a few minutes) …",
        "      last lines of var/log/setup.log:",
        f"        usage: {tmp_path / 'scripts' / 'setup.sh'} [app|engine|all]",
    ]
    assert "usage:" in (tmp_path / "var" / "log" / "setup.log").read_text()


def test_make_setup_with_v_1_leaves_its_output_on_the_terminal(tmp_path: Path) -> None:
    done = run_setup_script(tmp_path, "neither", V="1")
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert re.fullmatch(r"failed after [01] s \(exit code 2\)", lines.pop())
    assert lines == [
        "setting up the Python environments (the first time takes a few minutes) …",
        f"usage: {tmp_path / 'scripts' / 'setup.sh'} [app|engine|all]",
    ]
