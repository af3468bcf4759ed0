"""The gateway's command: `python -m bot serve` runs it.

The development supervisor (`make run`) and the terminal chat are in devstack/.
"""

from __future__ import annotations

import argparse

import uvloop
from aiohttp import web

from bot.app import create_app
from bot.heap import freeze_startup_objects
from bot.logs import PrivateAccessLogger, configure_logging
from bot.settings import GatewaySettings


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help="run the gateway")
    parser.parse_args()
    settings = GatewaySettings()
    configure_logging()
    # uvloop: the HTTP server, the Rasa client and aiosqlite's thread hand-offs all
    # run on the event loop, and uvloop's costs a fraction of asyncio's per call.
    app = create_app(settings)
    app.on_startup.append(_freeze_once_started)  # after the cleanup contexts started
    web.run_app(
        app,
        host=settings.gateway_host,
        port=settings.gateway_port,
        print=None,
        access_log_class=PrivateAccessLogger,
        loop=uvloop.new_event_loop(),
    )
    return 0


async def _freeze_once_started(app: web.Application) -> None:
    freeze_startup_objects()


if __name__ == "__main__":
    raise SystemExit(main())
