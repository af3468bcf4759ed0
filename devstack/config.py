"""What the supervisor starts: ports, tokens, databases and the production shape
(replicas, PostgreSQL tracker store, Redis), for `make run`, the tests and the
benchmarks."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from pathlib import Path

from bot.settings import GatewaySettings
from devstack.steps import LOG_DIR

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class StackConfig:
    root: Path = ROOT
    database_url: str = "sqlite+aiosqlite:///var/tanya.db"
    rasa_token: str = "dev-rasa-token"
    api_token: str = "dev-api-token"
    actions_token: str = "dev-actions-token"  # Rasa → action server (actions/auth.py)
    model_dir: Path = ROOT / "models"
    rasa_port: int = 5005
    actions_port: int = 5055
    gateway_port: int = 8080
    log_dir: Path | None = None  # None: children write to this terminal
    # Children's output through devstack.steps.Filter: all of it to log_dir, the lines
    # that need attention to this terminal too (make run).
    filter_output: bool = False
    work_dir: Path | None = None  # endpoints.yml, training files; None: log_dir or root/var
    load_demo: bool = True
    start_timeout: float = 240.0
    extra_env: dict[str, str] = field(default_factory=dict)
    # Production shape (empty/1: the embedded development defaults).
    redis_url: str = ""  # gateways share locks, flood limits and live events; Rasa's locks
    tracker_store_url: str = ""  # postgresql://user@host:port/db for Rasa's SQL tracker store
    rasa_replicas: int = 1
    gateway_replicas: int = 1
    replica_ports: dict[str, int] = field(default_factory=dict)  # "rasa-2" -> port

    @classmethod
    def from_settings(cls, settings: GatewaySettings, *, quiet: bool = False) -> StackConfig:
        """quiet: children's output to var/log/, the terminal keeps what needs attention."""
        return cls(
            database_url=settings.database_url,
            rasa_token=settings.rasa_token,
            api_token=settings.api_token,
            gateway_port=settings.gateway_port,
            log_dir=LOG_DIR if quiet else None,
            filter_output=quiet,
            work_dir=ROOT / "var" if quiet else None,
        )

    @classmethod
    def for_tests(
        cls,
        *,
        root: Path,
        database_url: str,
        api_token: str,
        model_dir: Path,
        log_dir: Path,
    ) -> StackConfig:
        """Free ports; logs and generated files go to log_dir, not the terminal."""
        return cls(
            root=root,
            database_url=database_url,
            api_token=api_token,
            model_dir=model_dir,
            rasa_token="test-rasa-token",
            actions_token="test-actions-token",
            rasa_port=free_port(),
            actions_port=free_port(),
            gateway_port=free_port(),
            log_dir=log_dir,
        )
