"""GatewayInput: the only way messages reach Rasa, from our gateway.

Like Rasa's REST channel, but token-protected, and it answers with the parsed
intent, confidence, entities and ranking of the message as well as the bot's
replies, so the gateway can keep transcripts and suggest replies without a
second call. Configured in credentials.yml; the token comes from the
TANYA_RASA_TOKEN environment variable. A turn reads the conversation's tracker
once (Rasa's own fetch); a message the gateway marks as a possible repeat is
first looked up in the tracker, so it is never answered twice.

It also swaps models for the admin pages' "deploy": the new model is loaded in a
worker thread beside the one in service (which keeps answering), then swapped
in, keeping the conversations' tracker store, lock store and action endpoint.
Rasa's own PUT /model loads on the event loop and starts a new tracker store,
which in memory would forget every conversation.
"""

from __future__ import annotations

import asyncio
import functools
import hmac
import logging
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from rasa.core.agent import Agent
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.shared.core.events import BotUttered, UserUttered
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from engine import batching, memory, patches
from engine.turn_trackers import TurnMessage

logger = logging.getLogger(__name__)


class GatewayInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "gateway"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> GatewayInput:
        # Our patches of Rasa (engine/patches.py) go in here: `rasa run` calls this
        # before it can load a model. rasa/core/run.py's serve_application creates the
        # input channels (this method) first, then registers the model's load
        # (load_agent_on_start) as a before_server_start listener, which only runs
        # inside app.run (tests/engine/test_patches.py checks that order).
        patches.install()
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
            message_id = body.get("message_id")
            if isinstance(message_id, str) and _may_be_repeat(body):
                answered = await _answer_already_given(request.app.ctx.agent, sender, message_id)
                if answered is not None:
                    logger.info("repeated message %s answered from the tracker", message_id)
                    return response.json(answered)
            collector = CollectingOutputChannel()
            message = TurnMessage(
                text,
                collector,
                sender,
                input_channel=self.name(),
                message_id=message_id if isinstance(message_id, str) else None,
                metadata=body.get("metadata") or {},
            )
            await on_new_message(message)
            parsed = await self._parse_of(request, message)
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

        @webhook.route("/stats", methods=["GET"])
        async def stats(request: Request) -> HTTPResponse:
            """How many NLU runs parsed how many messages (engine/batching.py), for bench/load."""
            if not self._authorised(request):
                return response.json({"error": "unauthorised"}, status=401)
            agent = request.app.ctx.agent
            sizes = batching.batch_sizes(agent.processor) if agent and agent.processor else {}
            return response.json({"nlu_batches": sizes})

        @webhook.route("/model", methods=["GET"])
        async def current_model(request: Request) -> HTTPResponse:
            if not self._authorised(request):
                return response.json({"error": "unauthorised"}, status=401)
            agent = request.app.ctx.agent
            loaded = agent.processor.model_path if agent and agent.processor else None
            return response.json({"model_file": str(loaded) if loaded else None})

        @webhook.route("/model", methods=["PUT"])
        async def swap_model(request: Request) -> HTTPResponse:
            if not self._authorised(request):
                return response.json({"error": "unauthorised"}, status=401)
            body = request.json if isinstance(request.json, dict) else {}
            path = Path(str(body.get("model_file", "")))
            if not await asyncio.to_thread(path.is_file):
                return response.json({"error": f"no model file at {path}"}, status=400)
            old = request.app.ctx.agent
            # domain=old.domain: a new Agent first gives the shared tracker store its
            # own domain; without one, the model in service would read every tracker
            # with an empty domain (losing slots) until the new model has loaded.
            load = functools.partial(
                Agent.load,
                path,
                domain=old.domain,
                tracker_store=old.tracker_store,
                lock_store=old.lock_store,
                action_endpoint=old.action_endpoint,
            )
            new = await asyncio.get_running_loop().run_in_executor(None, load)
            request.app.ctx.agent = new
            del old
            memory.release_freed_memory()  # the old model's memory, now unreachable
            logger.info("model swapped in: %s", path)
            return response.json({"model_file": str(path)})

        return webhook

    @staticmethod
    async def _parse_of(request: Request, message: TurnMessage) -> dict[str, Any]:
        """The NLU fields of the turn's tracker as the processor left it (and saved it).

        Read from the tracker store only if the processor did not hand the tracker
        over (a Rasa whose message handling no longer calls log_message): with the SQL
        tracker store a read is every event of the conversation, so not on every turn.
        """
        tracker = message.tracker
        if tracker is None:
            agent = request.app.ctx.agent
            tracker = await agent.tracker_store.retrieve(message.sender_id) if agent else None
        latest = tracker.latest_message.parse_data if tracker and tracker.latest_message else {}
        return _nlu_fields(latest)


def _may_be_repeat(body: dict[str, Any]) -> bool:
    """Whether the gateway says this message may have reached Rasa before.

    The gateway sends "repeat" with every message (bot/conversation/rasa.py); a body without it
    (an older gateway) is treated as a possible repeat, as every message was before.
    """
    return body.get("repeat", True) is not False


async def _answer_already_given(
    agent: Agent | None, sender: str, message_id: str
) -> dict[str, Any] | None:
    """The answer Rasa gave to this message before, if it has seen it.

    The gateway repeats a message when its request got no response (a gateway
    replica died mid-request, a timeout), and marks it "repeat"; only then is this
    read of the whole tracker worth its cost. The tracker store is shared by every
    Rasa replica, so whichever one gets the repeat answers it from the tracker
    instead of running the turn a second time. The conversation's lock is taken
    first, so a turn still running for the first request finishes before we look.
    """
    if agent is None or agent.tracker_store is None:
        return None
    async with agent.lock_store.lock(sender, wait_time_in_seconds=0.05):
        tracker = await agent.tracker_store.retrieve(sender)
    if tracker is None:
        return None
    events = list(tracker.events)
    asked = next(
        (
            i
            for i in range(len(events) - 1, -1, -1)
            if isinstance(events[i], UserUttered) and events[i].message_id == message_id
        ),
        None,
    )
    if asked is None:
        return None
    messages = []
    for event in events[asked + 1 :]:
        if isinstance(event, UserUttered):
            break
        if isinstance(event, BotUttered):
            messages.append(_as_output(sender, event))
    return {"messages": messages, **_nlu_fields(events[asked].parse_data)}


def _as_output(sender: str, event: BotUttered) -> dict[str, Any]:
    """A bot utterance as CollectingOutputChannel would have collected it."""
    message: dict[str, Any] = {"recipient_id": sender}
    if event.text:
        message["text"] = event.text
    for key in ("buttons", "image", "attachment", "custom"):
        if event.data.get(key):
            message[key] = event.data[key]
    return message


def _nlu_fields(parsed: dict[str, Any]) -> dict[str, Any]:
    """What the gateway needs of a parse: intent, entities, ranking, the FAQ topic."""
    return {
        "intent": parsed.get("intent"),
        "entities": parsed.get("entities", []),
        "intent_ranking": parsed.get("intent_ranking", [])[:5],
        "response_selector": parsed.get("response_selector", {}),
    }
