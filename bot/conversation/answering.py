"""One message answered by Rasa and written down: what a turn does once it is
known that Rasa, not the gateway, answers.

ask: the screened text to Rasa, with the database connection back in the pool
while Rasa thinks. replies_of: what the user is sent (never silence). settle: the
answer into the transcript and outbox, an unrecognised message into the
administrators' inbox (and the previous answer, when this message rephrases its
question), the turn into the metrics. read: the NLU's reading alone,
for a message an agent answers.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.conversation import guard
from bot.conversation.diversions import TurnContext
from bot.conversation.outbound import TranscriptObserver, visible_buttons
from bot.conversation.rasa import BotReply, RasaClient, RasaUnavailable
from bot.metrics import Metrics
from permits.answers import CANNOT_ANSWER
from permits.feedback import intent_name, note_rephrasing
from permits.inbox import file_unrecognised, is_unrecognised
from permits.models import Message, utcnow
from permits.states import MessageState
from permits.texts import _
from permits.transcripts import Outgoing, channel_of, settle_inbound

log = logging.getLogger(__name__)


class RasaAnswers:
    """Asks Rasa and records its answer; shared by both sinks of `Turns`."""

    def __init__(
        self,
        rasa: RasaClient,
        metrics: Metrics,
        observer: TranscriptObserver,
        call_centre: str,
    ) -> None:
        self._rasa = rasa
        self._metrics = metrics
        self._observer = observer
        self._call_centre = call_centre

    async def read(self, text: str) -> BotReply | None:
        """The NLU's reading alone (no dialogue), for the agent's console; None if Rasa
        is away, which costs the agent a suggestion, never the message."""
        try:
            return await self._rasa.parse(guard.screen(text, []))
        except RasaUnavailable:
            log.warning("no NLU reading for a held message")
            return None

    async def ask(
        self, session: AsyncSession, inbound: Message, context: TurnContext, *, repeat: bool
    ) -> BotReply:
        text = guard.screen(inbound.text, context.offered)
        # End the read transaction: the database connection goes back to the pool
        # while Rasa thinks, instead of 32 conversations holding 32 connections.
        await session.commit()
        started = time.perf_counter()
        try:
            reply = await self._rasa.send(
                inbound.conversation_id,
                text or "?",
                message_id=f"{inbound.id}@{inbound.at.timestamp():.3f}",
                repeat=repeat,
            )
        except RasaUnavailable:
            self._metrics.errors.labels("rasa_unavailable").inc()
            raise
        self._metrics.rasa_seconds.observe(time.perf_counter() - started)
        return reply

    def replies_of(self, reply: BotReply) -> list[Outgoing]:
        replies = [
            Outgoing(m.get("text") or "", list(m.get("buttons") or []))
            for m in reply.messages
            if m.get("text") or m.get("buttons")
        ]
        if not replies:
            # Every turn of our domain answers something; silence means the action
            # server failed inside Rasa. The user hears what an action says when the
            # database is down, not nothing.
            log.warning("rasa answered nothing")
            replies = [Outgoing(_(CANNOT_ANSWER, call_centre=self._call_centre))]
        return replies

    async def settle(
        self,
        session: AsyncSession,
        inbound: Message,
        reply: BotReply,
        replies: list[Outgoing],
        *,
        delivered: bool,
    ) -> list[Message]:
        intent = reply.intent or {}
        if is_unrecognised(intent.get("name"), intent.get("confidence")):
            # For the administrators' inbox; committed with the answer below.
            file_unrecognised(
                session,
                inbound.conversation_id,
                inbound.text,
                intent_name(intent.get("name"), reply.nlu),  # faq/<topic>, as assignable
                intent.get("confidence"),
            )
        # A rephrasing files the previous answer (permits/feedback.py), committed below.
        if await note_rephrasing(session, inbound, reply.nlu):
            log.info("previous answer filed: the question was rephrased")
        rows = await settle_inbound(
            session,
            inbound,
            MessageState.ANSWERED,
            replies,
            intent=intent.get("name"),
            confidence=intent.get("confidence"),
            nlu=reply.nlu,
            delivered=delivered,
            offered=visible_buttons(reply.buttons),
        )
        self._observer(inbound.conversation_id, [inbound, *rows])
        self._observe_turn(inbound, intent)
        log.info(
            "message answered",
            extra={"intent": intent.get("name"), "confidence": intent.get("confidence")},
        )
        return rows

    def _observe_turn(self, inbound: Message, intent: dict[str, Any]) -> None:
        seconds = (utcnow() - inbound.at).total_seconds()
        self._metrics.turn_seconds.labels(channel_of(inbound.conversation_id)).observe(seconds)
        if intent.get("name") and intent.get("confidence") is not None:
            self._metrics.confidence.labels(intent["name"]).observe(float(intent["confidence"]))
