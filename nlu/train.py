"""Trains the Rasa model only when its inputs changed.

    .venv/bin/python -m nlu.train [--force]

The fingerprint (SHA-256 of config.yml, domain.yml, nlu/data/** and the custom
component code) is stored next to the model; an unchanged fingerprint means the
model in models/ is current and nothing is done. From the command line, rasa's output
goes to var/log/train.log and the terminal shows one line per start and end (V=1: all).
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "models"
MODEL_NAME = "tanya-izin"
INPUTS = [
    "config.yml",
    "domain.yml",
    "nlu/data",
    "nlu/components",
    "nlu/gazetteer.py",
    "nlu/lexicon.py",
    "nlu/stemming.py",
    "permits/numbers.py",
    "permits/follow_ups.py",
]

log = logging.getLogger(__name__)


def fingerprint(root: Path = ROOT) -> str:
    digest = hashlib.sha256()
    for name in INPUTS:
        path = root / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if file.suffix in (".pyc",):
                continue
            digest.update(str(file.relative_to(root)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


IN_SERVICE_POINTER = "in-service.txt"  # written by bot/admin/trainer.py, read by devstack
# Every Rasa we start: no usage telemetry to Rasa's servers from a government office.
NO_TELEMETRY = {"RASA_TELEMETRY_ENABLED": "false"}


def engine_env() -> dict[str, str]:
    """The environment of every process we start in the engine environment: our
    modules importable, and no usage telemetry to Rasa's servers."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.update(NO_TELEMETRY)
    return env


def rasa_env() -> dict[str, str]:
    """The environment of a `rasa` command we start (train, run)."""
    return engine_env()


def model_in_service_file(models_dir: Path) -> Path | None:
    """The administrators' model in service, if one was deployed and still exists."""
    pointer = models_dir / IN_SERVICE_POINTER
    if not pointer.exists():
        return None
    model = Path(pointer.read_text(encoding="utf-8").strip())
    return model if model.exists() else None


def run_in_engine(script: Path, *args: str, stdin: str = "") -> str:
    """Runs a Python script in Rasa's environment (Python 3.10, rasa 3.6); its stdout."""
    done = subprocess.run(
        [str(ROOT / ".venv-engine" / "bin" / "python"), str(script), *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=engine_env(),
        check=True,
    )
    return done.stdout


def rasa(*args: str) -> list[str]:
    return [str(ROOT / ".venv-engine" / "bin" / "rasa"), *args]


def train_command() -> list[str]:
    return rasa(
        "train",
        "--config",
        "config.yml",
        "--domain",
        "domain.yml",
        "--data",
        "nlu/data",
        "--out",
        str(MODELS),
        "--fixed-model-name",
        MODEL_NAME,
        "--quiet",
    )


def model_is_current() -> bool:
    model = MODELS / f"{MODEL_NAME}.tar.gz"
    stamp = MODELS / f"{MODEL_NAME}.fingerprint"
    return model.exists() and stamp.exists() and stamp.read_text() == fingerprint()


def _run_in_terminal(command: list[str]) -> None:
    subprocess.run(command, cwd=ROOT, env=engine_env(), check=True)


def train(force: bool = False, run: Callable[[list[str]], None] = _run_in_terminal) -> Path:
    """Trains unless the model is current; `run` runs the rasa command (raising
    CalledProcessError when it fails), by default with its output on this terminal."""
    model = MODELS / f"{MODEL_NAME}.tar.gz"
    if not force and model_is_current():
        log.info("model is up to date: %s", model)
        return model
    wanted = fingerprint()
    started = time.monotonic()
    run(train_command())
    (MODELS / f"{MODEL_NAME}.fingerprint").write_text(wanted)
    log.info("trained %s in %.0f s", model, time.monotonic() - started)
    return model


def main() -> int:
    """`make train`: one line when training starts and one when it is done; rasa's
    output goes to var/log/train.log (all of it on the terminal too with V=1)."""
    parser = argparse.ArgumentParser(description="Train the Rasa model if its inputs changed.")
    parser.add_argument("--force", action="store_true", help="train even if up to date")
    force = parser.parse_args().force
    # Imported here: devstack is a developer tool, absent from the gateway image, which
    # imports this module for the administrators' training.
    from devstack.steps import LOG_DIR, Steps, run_logged, shown_path, verbose

    train_log = LOG_DIR / "train.log"
    show_all = verbose()

    def run(command: list[str]) -> None:
        run_logged(command, train_log, env=engine_env(), show_all=show_all, append=False)

    current = not force and model_is_current()
    title = "training the model" + ("" if current else " (about 12 min on 2 cores)")
    try:
        with Steps.from_env().step("train", title, train_log) as step:
            if current:
                step.result = f"up to date ({shown_path(MODELS / f'{MODEL_NAME}.tar.gz')})"
                step.log = None  # nothing was written to it
            else:
                train(force=True, run=run)
    except subprocess.CalledProcessError:
        return 1  # the step printed the last lines of the log
    except KeyboardInterrupt:
        return 130  # the step printed that it was interrupted; no traceback
    return 0


if __name__ == "__main__":
    sys.exit(main())
