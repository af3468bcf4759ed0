"""Trains the Rasa model only when its inputs changed.

    .venv/bin/python -m nlu.train [--force]

The fingerprint (SHA-256 of config.yml, domain.yml, nlu/data/** and the custom
component code) is stored next to the model; an unchanged fingerprint means the
model in models/ is current and nothing is done.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import os
import subprocess
import sys
import time
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


def train(force: bool = False) -> Path:
    model = MODELS / f"{MODEL_NAME}.tar.gz"
    stamp = MODELS / f"{MODEL_NAME}.fingerprint"
    wanted = fingerprint()
    if not force and model.exists() and stamp.exists() and stamp.read_text() == wanted:
        log.info("model is up to date: %s", model)
        return model
    started = time.monotonic()
    subprocess.run(
        rasa(
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
        ),
        cwd=ROOT,
        env=engine_env(),
        check=True,
    )
    stamp.write_text(wanted)
    log.info("trained %s in %.0f s", model, time.monotonic() - started)
    return model


def main() -> int:
    parser = argparse.ArgumentParser(description="Train the Rasa model if its inputs changed.")
    parser.add_argument("--force", action="store_true", help="train even if up to date")
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        train(force=parser.parse_args().force)
    except subprocess.CalledProcessError as exc:
        log.error("rasa train failed with exit code %s", exc.returncode)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
