"""`make run`: the demo database and the three processes as reported steps, the
banner with where to chat, then wait for Ctrl-C or a child's death."""

from __future__ import annotations

import asyncio
import signal
import sys

from devstack.config import StackConfig
from devstack.steps import Steps, shown_path
from devstack.supervisor import Stack, StackError
from permits.demo import DEMO_STAFF_PASSWORD


def _banner(stack: Stack) -> str:
    return (
        "\n  Tanya Izin is running.\n"
        f"  Web chat:              {stack.gateway_url}/   (on a demo office homepage)\n"
        f"  Agent console:         {stack.gateway_url}/console   (demo accounts admin and "
        f"petugas, password {DEMO_STAFF_PASSWORD})\n"
        f"  Chat in the terminal:  make chat   (or: .venv/bin/python -m devstack chat "
        f"--url {stack.gateway_url})\n"
        f"  HTTP API:              POST {stack.gateway_url}/api/messages "
        f"(Authorization: Bearer {stack.config.api_token})\n"
        "  Stop everything:       Ctrl-C\n\n"
    )


async def run_stack(config: StackConfig, steps: Steps | None = None) -> int:
    """`make run`: the demo database and the three processes as two reported steps,
    the banner, then wait for Ctrl-C or a child's death."""
    steps = steps or Steps.from_env()
    stack = Stack(config)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopping.set)
    try:
        await _start_reported(stack, steps)
    except StackError:
        return 1  # the step's failed line and the log's last lines are printed
    sys.stderr.write(_banner(stack))
    died = asyncio.ensure_future(stack.wait_for_exit())
    stopper = asyncio.ensure_future(stopping.wait())
    await asyncio.wait({died, stopper}, return_when=asyncio.FIRST_COMPLETED)
    code = 0
    if died.done():
        child = died.result()
        log = stack.log_of(child.name)
        sys.stderr.write(
            f"{child.name} stopped unexpectedly (exit code "
            f"{child.process.returncode}); stopping the others"
            f"{f' (log: {shown_path(log)})' if log else ''}\n"
        )
        code = 1
    died.cancel()
    stopper.cancel()
    await stack.stop()
    sys.stderr.write("stopped\n")
    return code


async def _start_reported(stack: Stack, steps: Steps) -> None:
    if stack.config.load_demo:
        with steps.step("demo", "loading the demo database", stack.log_of("demo")):
            await stack.load_demo()
    logs = stack.config.log_dir
    where = f"; logs in {shown_path(logs)}/" if logs else ""
    title = f"starting Rasa, the action server and the gateway (Rasa takes ~30 s{where})"
    with steps.step("stack", title) as step:
        try:
            await stack.launch()
        except StackError as exc:
            step.log = exc.log  # the failed line shows the last lines of that child's log
            raise
