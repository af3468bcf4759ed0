"""Runs the whole system for development and tests: Rasa, the action server, the gateway.

`make run` (devstack/run.py) loads the demo database, starts the
three processes, waits until each answers its health check, prints where to chat
and stops everything cleanly on Ctrl-C or when one of them dies.

The same class starts a production-shaped stack for the replica tests and the
load benchmark: several Rasa and gateway processes, Rasa's tracker store in
PostgreSQL and its lock store in Redis, the gateways sharing Redis
(`rasa_replicas`, `gateway_replicas`, `tracker_store_url`, `redis_url`).
Replica n > 1 is named "rasa-n" / "gateway-n".

For `make run` each child writes to var/log/<name>.log and only the lines that need a
developer's eye reach the terminal (devstack/steps.py); V=1 leaves every child on the
terminal.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import aiohttp

from deploy.endpoints import rasa_endpoints
from devstack.config import StackConfig, free_port
from devstack.steps import Filter
from nlu.train import NO_TELEMETRY, model_in_service_file

log = logging.getLogger(__name__)


@dataclass
class Child:
    name: str
    process: asyncio.subprocess.Process
    output: IO[bytes] | None
    lines: Filter | None = None
    pump: asyncio.Task[None] | None = None

    async def release(self) -> None:
        """After the process exited: the rest of its output read, its log closed."""
        if self.pump is not None:
            # A grandchild that kept the pipe open must not hold up the stop.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.pump, 5)
        if self.lines is not None:
            self.lines.close()
        if self.output is not None:
            self.output.close()


class StackError(RuntimeError):
    def __init__(self, message: str, log: Path | None = None) -> None:
        super().__init__(message)
        self.log = log  # the failed process's log, when it has one


class Stack:
    def __init__(self, config: StackConfig) -> None:
        self.config = config
        self.children: list[Child] = []

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.config.rasa_port}"

    def port_of(self, name: str) -> int:
        first = {"rasa": self.config.rasa_port, "gateway": self.config.gateway_port}
        if name in first:
            return first[name]
        if name not in self.config.replica_ports:
            self.config.replica_ports[name] = free_port()
        return self.config.replica_ports[name]

    def url_of(self, name: str) -> str:
        """The base URL of one process, e.g. url_of("gateway-2")."""
        return f"http://127.0.0.1:{self.port_of(name)}"

    @property
    def rasa_names(self) -> list[str]:
        return _replica_names("rasa", self.config.rasa_replicas)

    @property
    def gateway_names(self) -> list[str]:
        return _replica_names("gateway", self.config.gateway_replicas)

    @property
    def actions_url(self) -> str:
        return f"http://127.0.0.1:{self.config.actions_port}"

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.config.gateway_port}"

    def _env(self) -> dict[str, str]:
        c = self.config
        env = dict(os.environ)
        env.update(
            {
                "PYTHONPATH": str(c.root),
                "TANYA_DATABASE_URL": c.database_url,
                "TANYA_RASA_TOKEN": c.rasa_token,
                "TANYA_API_TOKEN": c.api_token,
                "TANYA_ACTIONS_TOKEN": c.actions_token,
                "TANYA_RASA_URL": ",".join(self.url_of(n) for n in self.rasa_names),
                "TANYA_REDIS_URL": c.redis_url,
                "TANYA_ACTIONS_PORT": str(c.actions_port),
                "TANYA_GATEWAY_PORT": str(c.gateway_port),
                "TANYA_MODELS_DIR": str(c.model_dir),
                "TANYA_TRAINING_DIR": str(self.runtime_dir / "training"),
                "TF_CPP_MIN_LOG_LEVEL": "2",
                **NO_TELEMETRY,
            }
        )
        env.update(c.extra_env)
        return env

    @property
    def runtime_dir(self) -> Path:
        return self.config.work_dir or self.config.log_dir or self.config.root / "var"

    def log_of(self, name: str) -> Path | None:
        return None if self.config.log_dir is None else self.config.log_dir / f"{name}.log"

    def _write_endpoints(self) -> Path:
        """Rasa does not expand environment variables in endpoints.yml, so write it."""
        path = self.runtime_dir / "endpoints.yml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            rasa_endpoints(
                f"{self.actions_url}/webhook",
                self.config.actions_token,
                self.config.tracker_store_url,
                self.config.redis_url,
            )
        )
        return path

    def commands(self) -> dict[str, list[str]]:
        commands = {name: self._rasa_command(self.port_of(name)) for name in self.rasa_names}
        commands["actions"] = [sys.executable, "-m", "actions"]
        for name in self.gateway_names:
            commands[name] = [sys.executable, "-m", "bot", "serve"]
        return commands

    def _rasa_command(self, port: int) -> list[str]:
        c = self.config
        return [
            str(c.root / ".venv-engine" / "bin" / "rasa"),
            "run",
            "--enable-api",
            "--auth-token",
            c.rasa_token,
            "-i",
            "127.0.0.1",
            "-p",
            str(port),
            "--credentials",
            "credentials.yml",
            "--endpoints",
            str(self._write_endpoints()),
            "-m",
            str(model_in_service_file(c.model_dir) or c.model_dir),
        ]

    def health_urls(self) -> dict[str, str]:
        urls = {"actions": f"{self.actions_url}/health"}
        for name in self.rasa_names:
            urls[name] = f"{self.url_of(name)}/status?token={self.config.rasa_token}"
        for name in self.gateway_names:
            urls[name] = f"{self.url_of(name)}/health"
        return urls

    def _env_of(self, name: str) -> dict[str, str]:
        env = self._env()
        if name.startswith("gateway"):
            env["TANYA_GATEWAY_PORT"] = str(self.port_of(name))
        return env

    async def load_demo(self) -> None:
        """The demo database (permits demo), its output in demo.log when there are logs."""
        log = self.log_of("demo")
        output = None
        if log is not None:
            log.parent.mkdir(parents=True, exist_ok=True)
            output = log.open("wb")
        try:
            process = await asyncio.create_subprocess_exec(
                *[sys.executable, "-m", "permits", "demo"],
                cwd=self.config.root,
                env=self._env(),
                stdout=output,
                stderr=output,
            )
            code = await process.wait()
        finally:
            if output is not None:
                output.close()
        if code != 0:
            raise StackError(f"loading the demo database failed (exit code {code})", log)

    async def _spawn(self, name: str, command: list[str]) -> None:
        log = self.log_of(name)
        if log is not None:
            log.parent.mkdir(parents=True, exist_ok=True)
        if log is not None and self.config.filter_output:
            await self._spawn_filtered(name, command, log)
            return
        output = None if log is None else log.open("ab")
        process = await asyncio.create_subprocess_exec(
            *command,
            cwd=self.config.root,
            env=self._env_of(name),
            stdout=output,
            stderr=output,
            start_new_session=True,  # Ctrl-C reaches us only; we stop children in order
        )
        self.children.append(Child(name, process, output))

    async def _spawn_filtered(self, name: str, command: list[str], log: Path) -> None:
        process = await asyncio.create_subprocess_exec(
            *command,
            cwd=self.config.root,
            env=self._env_of(name),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,
            limit=2**20,  # Rasa logs whole trackers on one line at debug level
        )
        lines = Filter(log)
        assert process.stdout is not None
        pump = asyncio.ensure_future(_pump(process.stdout, lines, f"[{name}] "))
        self.children.append(Child(name, process, None, lines, pump))

    async def _wait_healthy(self, name: str, url: str, deadline: float) -> None:
        child = next(c for c in self.children if c.name == name)
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as http:
            while time.monotonic() < deadline:
                if child.process.returncode is not None:
                    raise StackError(
                        f"{name} exited with code {child.process.returncode}", self.log_of(name)
                    )
                try:
                    async with http.get(url) as response:
                        if response.status == 200:
                            return
                except (aiohttp.ClientError, TimeoutError):
                    pass
                await asyncio.sleep(0.5)
        raise StackError(
            f"{name} did not become healthy in {self.config.start_timeout:.0f} s",
            self.log_of(name),
        )

    async def start(self, only: list[str] | None = None) -> None:
        if self.config.load_demo:
            await self.load_demo()
        await self.launch(only)

    async def launch(self, only: list[str] | None = None) -> None:
        """Starts the processes (all, or those named) and waits until each is healthy."""
        deadline = time.monotonic() + self.config.start_timeout
        wanted = {k: v for k, v in self.commands().items() if only is None or k in only}
        try:
            for name, command in wanted.items():
                await self._spawn(name, command)
            urls = self.health_urls()
            await asyncio.gather(*(self._wait_healthy(n, urls[n], deadline) for n in wanted))
        except BaseException:
            await self.stop()
            raise

    async def restart_child(self, name: str, *, down_for: float = 0.0) -> None:
        """Stop one process, wait, start it again and wait until it is healthy (fault tests)."""
        child = next(c for c in self.children if c.name == name)
        if child.process.returncode is None:
            child.process.send_signal(signal.SIGTERM)
        await child.process.wait()
        await child.release()
        self.children.remove(child)
        await asyncio.sleep(down_for)
        await self._spawn(name, self.commands()[name])
        deadline = time.monotonic() + self.config.start_timeout
        await self._wait_healthy(name, self.health_urls()[name], deadline)

    async def stop_child(self, name: str, sig: signal.Signals = signal.SIGTERM) -> None:
        child = next(c for c in self.children if c.name == name)
        child.process.send_signal(sig)
        await child.process.wait()

    async def stop(self, grace: float = 15.0) -> None:
        for child in reversed(self.children):
            if child.process.returncode is None:
                child.process.send_signal(signal.SIGTERM)
        for child in reversed(self.children):
            try:
                await asyncio.wait_for(child.process.wait(), grace)
            except TimeoutError:
                child.process.kill()
                await child.process.wait()
            await child.release()
        self.children.clear()

    async def wait_for_exit(self) -> Child:
        """Returns the first child that exits."""
        waits = {asyncio.ensure_future(c.process.wait()): c for c in self.children}
        done, pending = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        return waits[done.pop()]


async def _pump(stream: asyncio.StreamReader, lines: Filter, label: str) -> None:
    async for raw in stream:
        lines.feed(raw.decode(errors="replace"), label)


def _replica_names(kind: str, replicas: int) -> list[str]:
    return [kind if n == 1 else f"{kind}-{n}" for n in range(1, replicas + 1)]
