"""The stock Rasa set-up the load benchmark compares against.

Same domain and training data as our model (domain.yml, nlu/data), trained with
the configuration `rasa init` writes (bench/stock/config.yml), served by
`rasa run` with Rasa's REST channel, in-memory tracker and lock stores, and our
action server (the domain's custom actions answer from the database).

The stock model is trained once and kept in models/stock/, named by a
fingerprint of its inputs; it is trained again only when they change.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from devstack.config import StackConfig
from devstack.supervisor import Stack
from nlu.train import rasa, rasa_env

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
STOCK_CONFIG = ROOT / "bench" / "stock" / "config.yml"
STOCK_MODELS = ROOT / "models" / "stock"
STOCK_INPUTS = [STOCK_CONFIG, ROOT / "domain.yml", ROOT / "nlu" / "data"]
REST_CREDENTIALS = "rest:\n"


def stock_fingerprint() -> str:
    """SHA-256 over the stock configuration, the domain and the training data."""
    digest = hashlib.sha256()
    for path in STOCK_INPUTS:
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            digest.update(str(file.relative_to(ROOT)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


def stock_model_path() -> Path:
    return STOCK_MODELS / f"stock-{stock_fingerprint()[:16]}.tar.gz"


def ensure_stock_model() -> Path:
    """The cached stock model, trained first if its inputs changed (takes minutes)."""
    model = stock_model_path()
    if model.exists():
        return model
    STOCK_MODELS.mkdir(parents=True, exist_ok=True)
    sys.stderr.write(f"training the stock Rasa model once ({model.name}), takes minutes...\n")
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        # Rasa may write its default pipeline into an incomplete config file as
        # comments; a copy keeps bench/stock/config.yml (and the fingerprint) unchanged.
        config = Path(tmp) / "config.yml"
        shutil.copyfile(STOCK_CONFIG, config)
        subprocess.run(
            rasa(
                "train",
                "--config",
                str(config),
                "--domain",
                "domain.yml",
                "--data",
                "nlu/data",
                "--out",
                str(STOCK_MODELS),
                "--fixed-model-name",
                model.name.removesuffix(".tar.gz"),
                "--quiet",
            ),
            cwd=ROOT,
            env=rasa_env(),
            check=True,
        )
    log.info("trained the stock model %s in %.0f s", model, time.monotonic() - started)
    return model


class StockStack(Stack):
    """`rasa run` with the REST channel and the stock model, plus our action server."""

    def __init__(self, config: StackConfig, model: Path) -> None:
        super().__init__(config)
        self.model = model

    @property
    def rest_url(self) -> str:
        return f"{self.rasa_url}/webhooks/rest/webhook"

    def _write_credentials(self) -> Path:
        path = self.runtime_dir / "stock-credentials.yml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(REST_CREDENTIALS)
        return path

    def commands(self) -> dict[str, list[str]]:
        c = self.config
        return {
            "rasa": [
                str(c.root / ".venv-engine" / "bin" / "rasa"),
                "run",
                "-i",
                "127.0.0.1",
                "-p",
                str(c.rasa_port),
                "--credentials",
                str(self._write_credentials()),
                "--endpoints",
                str(self._write_endpoints()),
                "-m",
                str(self.model),
            ],
            "actions": [sys.executable, "-m", "actions"],
        }

    def health_urls(self) -> dict[str, str]:
        return {
            "rasa": f"{self.rasa_url}/webhooks/rest/",
            "actions": f"{self.actions_url}/health",
        }
