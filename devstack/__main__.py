"""Development commands.

python -m devstack run     run Rasa, the action server and the gateway with demo data (make run)
python -m devstack chat    chat in the terminal with a running gateway (make chat)
"""

from __future__ import annotations

import argparse
import asyncio

from bot.logs import configure_logging
from bot.settings import GatewaySettings
from devstack.chat import chat
from devstack.supervisor import StackConfig, run_stack


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
    return asyncio.run(run_stack(StackConfig.from_settings(settings)))


if __name__ == "__main__":
    raise SystemExit(main())
