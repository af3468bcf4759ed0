"""A conversation turn, the same for every channel.

receive: store the message (dropping a repeated delivery), apply the flood
limit, then answer in the background. drain: under the conversation's lock,
answer its unanswered messages oldest first: Rasa, then the replies are queued
for the delivery worker in the same transaction that marks the message answered.
If Rasa cannot be reached, the user is told once that the message is kept, and
`recover_forever` answers it when Rasa is back.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from limits import parse
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.base import visible_buttons
from bot.guard import ButtonGuard
from bot.logging import conversation_id as current_conversation
from bot.ordering import ConversationLocks
from bot.rasa import BotReply, RasaClient, RasaUnavailable
from bot.routing import Diverted, Routing
from permits.inbox import file_unrecognised, is_unrecognised
from permits.models import Message, utcnow
from permits.transcripts import (
    Outgoing,
    conversations_with_pending,
    pending_inbound,
    queue_outbound,
    record_inbound,
    settle_inbound,
    told_recently,
)

log = logging.getLogger(__name__)

KEPT_FOR_LATER = (
    "Maaf, layanan sedang gangguan. Pesan Anda kami simpan dan akan kami jawab "
    "begitu layanan pulih."
)
NO_ANSWER = (
    "Maaf, layanan sedang gangguan sehingga jawaban belum bisa disiapkan. Silakan coba "
    "lagi atau hubungi call center {call_centre}."
)
SLOW_DOWN = (
    "Pesan Anda terlalu banyak dalam waktu singkat. Mohon tunggu sebentar sebelum "
    "mengirim pesan lagi."
)
NOTICE_INTERVAL = timedelta(minutes=5)


@dataclass(frozen=True)
class Answer:
    replies: list[Outgoing]
    intent: dict[str, Any] | None
    held: bool = False  # an agent holds the conversation and will answer


# Told about every transcript line as it is written (the console shows them live).
TranscriptObserver = Callable[[str, list[Message]], None]


def ignore_lines(conversation_id: str, lines: list[Message]) -> None:
    """The observer when nobody watches."""


class Turns:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        rasa: RasaClient,
        *,
        routing: Routing,
        rate_limit: str,
        call_centre: str,
        on_queued: Callable[[], None],
        observer: TranscriptObserver = ignore_lines,
    ) -> None:
        self._sessions = sessions
        self._rasa = rasa
        self._routing = routing
        self._observer = observer
        self._locks = ConversationLocks()
        self._guard = ButtonGuard()
        self._limit = parse(rate_limit)
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._call_centre = call_centre
        self._on_queued = on_queued
        self._tasks: set[asyncio.Task[None]] = set()

    async def receive(self, conversation_id: str, text: str, external_id: str | None) -> bool:
        """Accept a message from a channel; False if it is a repeated delivery."""
        current_conversation.set(conversation_id)
        async with self._sessions() as session:
            inbound = await record_inbound(
                session, conversation_id, text, external_id, commit=False
            )
            if inbound is None:
                log.info("duplicate delivery dropped", extra={"external_id": external_id})
                return False
            if not await self._limiter.hit(self._limit, conversation_id):
                inbound.state = "limited"
                await session.commit()
                log.warning("flood limit reached")
                await self._tell_once(session, conversation_id, SLOW_DOWN, "limit")
                return True
            await session.commit()
        self._observer(conversation_id, [inbound])
        self._spawn(self.drain(conversation_id))
        return True

    async def reply_directly(
        self, conversation_id: str, text: str, external_id: str | None, answer: str
    ) -> bool:
        """Store a message that needs no NLU (a shared contact, a photo) with its answer."""
        async with self._sessions() as session:
            inbound = await record_inbound(session, conversation_id, text, external_id)
            if inbound is None:
                return False
            rows = await settle_inbound(session, inbound, "answered", [Outgoing(answer)])
        self._observer(conversation_id, [inbound, *rows])
        self._on_queued()
        return True

    async def drain(self, conversation_id: str) -> None:
        """Answer the conversation's unanswered messages, oldest first."""
        current_conversation.set(conversation_id)
        async with self._locks.hold(conversation_id), self._sessions() as session:
            for inbound in await pending_inbound(session, conversation_id):
                if await self._divert(session, inbound, delivered=False) is not None:
                    continue
                if not await self._answer(session, inbound):
                    break
        self._on_queued()

    async def answer_now(self, conversation_id: str, text: str) -> Answer | None:
        """The synchronous API: answer one message in the response (None: Rasa is down)."""
        current_conversation.set(conversation_id)
        async with self._sessions() as session:
            inbound = await record_inbound(session, conversation_id, text, None)
            assert inbound is not None  # no external id, so never a duplicate
            self._observer(conversation_id, [inbound])
            async with self._locks.hold(conversation_id):
                diverted = await self._divert(session, inbound, delivered=True)
                if diverted is not None:
                    return Answer(diverted.replies, None, held=diverted.state == "held")
                try:
                    reply = await self._ask_rasa(inbound)
                except RasaUnavailable:
                    await settle_inbound(session, inbound, "failed", [])
                    return None
                replies = self._replies_of(reply)
                await self._settle(session, inbound, reply, replies, delivered=True)
        return Answer(replies, reply.intent)

    async def recover_forever(self, interval: float) -> None:
        """Answer messages left pending (Rasa was down, or the process restarted)."""
        while True:
            await asyncio.sleep(interval)
            try:
                async with self._sessions() as session:
                    older_than = utcnow() - timedelta(seconds=interval)
                    waiting = await conversations_with_pending(session, older_than)
            except Exception:
                log.exception("could not look for unanswered messages")
                continue
            for conversation_id in waiting:
                if not self._locks.busy(conversation_id):
                    await self.drain(conversation_id)

    async def close(self) -> None:
        """Let turns in progress finish (graceful shutdown)."""
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=30)

    async def _divert(
        self, session: AsyncSession, inbound: Message, *, delivered: bool
    ) -> Diverted | None:
        """Handle the message without Rasa's dialogue when an agent holds the
        conversation, or when it answers the survey or a call-back question."""
        diverted = await self._routing.divert(session, inbound)
        if diverted is None:
            return None
        reading = await self._read(inbound.text) if diverted.state == "held" else None
        rows = await settle_inbound(
            session,
            inbound,
            diverted.state,
            diverted.replies,
            intent=(reading.intent or {}).get("name") if reading else None,
            confidence=(reading.intent or {}).get("confidence") if reading else None,
            nlu=reading.nlu if reading else None,
            delivered=delivered,
        )
        self._observer(inbound.conversation_id, [inbound, *rows])
        log.info("message handled by the gateway", extra={"state": diverted.state})
        return diverted

    async def _read(self, text: str) -> BotReply | None:
        """The NLU's reading alone (no dialogue), for the agent's console; None if Rasa
        is away, which costs the agent a suggestion, never the message."""
        try:
            return await self._rasa.parse(self._guard.screen("", text))
        except RasaUnavailable:
            log.warning("no NLU reading for a held message")
            return None

    async def _answer(self, session: AsyncSession, inbound: Message) -> bool:
        try:
            reply = await self._ask_rasa(inbound)
        except RasaUnavailable:
            await self._tell_once(session, inbound.conversation_id, KEPT_FOR_LATER, "notice")
            return False
        await self._settle(session, inbound, reply, self._replies_of(reply), delivered=False)
        return True

    async def _ask_rasa(self, inbound: Message) -> BotReply:
        text = self._guard.screen(inbound.conversation_id, inbound.text)
        reply = await self._rasa.send(inbound.conversation_id, text or "?")
        self._guard.remember(inbound.conversation_id, visible_buttons(reply.buttons))
        return reply

    def _replies_of(self, reply: BotReply) -> list[Outgoing]:
        replies = [
            Outgoing(m.get("text") or "", list(m.get("buttons") or []))
            for m in reply.messages
            if m.get("text") or m.get("buttons")
        ]
        if not replies:
            # Every turn of our domain answers something; silence means the action
            # server failed inside Rasa. The user hears that, not nothing.
            log.warning("rasa answered nothing")
            replies = [Outgoing(NO_ANSWER.format(call_centre=self._call_centre))]
        return replies

    async def _settle(
        self,
        session: AsyncSession,
        inbound: Message,
        reply: BotReply,
        replies: list[Outgoing],
        *,
        delivered: bool,
    ) -> None:
        intent = reply.intent or {}
        if is_unrecognised(intent.get("name"), intent.get("confidence")):
            # For the administrators' inbox; committed with the answer below.
            file_unrecognised(
                session,
                inbound.conversation_id,
                inbound.text,
                intent.get("name"),
                intent.get("confidence"),
            )
        rows = await settle_inbound(
            session,
            inbound,
            "answered",
            replies,
            intent=intent.get("name"),
            confidence=intent.get("confidence"),
            nlu=reply.nlu,
            delivered=delivered,
        )
        self._observer(inbound.conversation_id, [inbound, *rows])
        log.info(
            "message answered",
            extra={"intent": intent.get("name"), "confidence": intent.get("confidence")},
        )

    async def _tell_once(
        self, session: AsyncSession, conversation_id: str, text: str, kind: str
    ) -> None:
        """A service notice, at most once in NOTICE_INTERVAL, so a flood is not echoed."""
        if await told_recently(session, conversation_id, kind, utcnow() - NOTICE_INTERVAL):
            return
        row = queue_outbound(session, conversation_id, Outgoing(text), sender="system", kind=kind)
        await session.commit()
        self._observer(conversation_id, [row])
        self._on_queued()

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("turn failed", exc_info=task.exception())
