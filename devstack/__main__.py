"""Development commands.

python -m devstack run     run Rasa, the action server and the gateway with demo data (make run;
                           their output in var/log/, all of it on the terminal with V=1)
python -m devstack chat    chat in the terminal with a running gateway (make chat)
"""

from __future__ import annotations

import argparse
import asyncio

from bot.logs import configure_logging
from bot.settings import GatewaySettings
from devstack.chat import chat
from devstack.config import StackConfig
from devstack.run import run_stack
from devstack.steps import verbose


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="run the whole system with demo data")
    chatting = sub.add_parser("chat", help="chat in the terminal")
    chatting.add_argument("--url", help="gateway URL (default from settings)")
    chatting.add_argument("--conversation-id")
    args = parser.parse_args()
    settings = GatewaySettings()
    if args.command == "chat":
        url = args.url or f"http://{settings.gateway_host}:{settings.gateway_port}"
        return asyncio.run(chat(url, settings.api_token, args.conversation_id))
    configure_logging()
    # V=1: every child's output on this terminal; otherwise in var/log/.
    config = StackConfig.from_settings(settings, quiet=not verbose())
    return asyncio.run(run_stack(config))


if __name__ == "__main__":
    raise SystemExit(main())
