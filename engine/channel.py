"""GatewayInput: the only way messages reach Rasa, from our gateway.

Like Rasa's REST channel, but token-protected, and it answers with the parsed
intent, confidence, entities and ranking of the message as well as the bot's
replies, so the gateway can keep transcripts and suggest replies without a
second call. Configured in credentials.yml; the token comes from the
TANYA_RASA_TOKEN environment variable.
"""

from __future__ import annotations

import hmac
import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)


class GatewayInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "gateway"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> GatewayInput:
        token = (credentials or {}).get("token") or os.environ.get("TANYA_RASA_TOKEN", "")
        if not token or token.startswith("${"):
            token = os.environ.get("TANYA_RASA_TOKEN", "")
        if not token:
            raise ValueError("GatewayInput needs a token: set TANYA_RASA_TOKEN")
        return cls(token)

    def __init__(self, token: str) -> None:
        self.token = token

    def _authorised(self, request: Request) -> bool:
        header = request.headers.get("Authorization", "")
        given = header[7:] if header.startswith("Bearer ") else ""
        return hmac.compare_digest(given.encode(), self.token.encode())

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("gateway_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self._authorised(request):
                return response.json({"error": "unauthorised"}, status=401)
            try:
                body = request.json
            except Exception:  # sanic raises its own InvalidUsage on bad JSON
                body = None
            if (
                not isinstance(body, dict)
                or not isinstance(body.get("sender"), str)
                or not isinstance(body.get("message"), str)
            ):
                return response.json(
                    {"error": "expected JSON with string fields sender and message"}, status=400
                )
            sender, text = body["sender"], body["message"]
            collector = CollectingOutputChannel()
            await on_new_message(
                UserMessage(
                    text,
                    collector,
                    sender,
                    input_channel=self.name(),
                    metadata=body.get("metadata") or {},
                )
            )
            parsed = await self._latest_parse(request, sender)
            return response.json({"messages": collector.messages, **parsed})

        @webhook.route("/parse", methods=["POST"])
        async def parse(request: Request) -> HTTPResponse:
            """NLU only, no conversation: the console's assist box for phone calls."""
            if not self._authorised(request):
                return response.json({"error": "unauthorised"}, status=401)
            try:
                body = request.json
            except Exception:
                body = None
            if not isinstance(body, dict) or not isinstance(body.get("text"), str):
                return response.json(
                    {"error": "expected JSON with a string field text"}, status=400
                )
            agent = request.app.ctx.agent
            if agent is None or not agent.is_ready():
                return response.json({"error": "model not loaded"}, status=503)
            parsed = await agent.parse_message(body["text"])
            return response.json(_nlu_fields(parsed))

        return webhook

    @staticmethod
    async def _latest_parse(request: Request, sender: str) -> dict[str, Any]:
        agent = request.app.ctx.agent
        tracker = await agent.tracker_store.retrieve(sender) if agent else None
        latest = tracker.latest_message.parse_data if tracker and tracker.latest_message else {}
        return _nlu_fields(latest)


def _nlu_fields(parsed: dict[str, Any]) -> dict[str, Any]:
    """What the gateway needs of a parse: intent, entities, ranking, the FAQ topic."""
    return {
        "intent": parsed.get("intent"),
        "entities": parsed.get("entities", []),
        "intent_ranking": parsed.get("intent_ranking", [])[:5],
        "response_selector": parsed.get("response_selector", {}),
    }
