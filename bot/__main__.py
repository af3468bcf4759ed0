"""Gateway commands.

python -m bot serve     run the gateway
python -m bot chat      chat in the terminal with a running gateway
python -m bot stack     run Rasa, the action server and the gateway (make run)
"""

from __future__ import annotations

import argparse
import asyncio

import uvloop
from aiohttp import web

from bot.app import create_app
from bot.chat import chat
from bot.heap import freeze_startup_objects
from bot.logging import PrivateAccessLogger, configure_logging
from bot.settings import GatewaySettings
from bot.stack import StackConfig, run_stack


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help="run the gateway")
    chatting = sub.add_parser("chat", help="chat in the terminal")
    chatting.add_argument("--url", help="gateway URL (default from settings)")
    chatting.add_argument("--conversation-id")
    sub.add_parser("stack", help="run the whole system with demo data")
    args = parser.parse_args()
    settings = GatewaySettings()
    if args.command == "serve":
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
    if args.command == "chat":
        url = args.url or f"http://{settings.gateway_host}:{settings.gateway_port}"
        return asyncio.run(chat(url, settings.api_token, args.conversation_id))
    configure_logging()
    return asyncio.run(run_stack(StackConfig.from_settings(settings)))


async def _freeze_once_started(app: web.Application) -> None:
    freeze_startup_objects()


if __name__ == "__main__":
    raise SystemExit(main())
