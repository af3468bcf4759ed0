"""A conversation turn, the same for every channel.

receive: store the message (dropping a repeated delivery), apply the flood
limit, then answer in the background. drain: under the conversation's lock,
answer its unanswered messages oldest first: Rasa, then the replies are queued
for the delivery worker in the same transaction that marks the message answered.
If Rasa cannot be reached, the user is told once that the message is kept, and
`recover_forever` answers it when Rasa is back. answer_now (the HTTP API) is the same
pipeline with the other sink: the replies go back in the response, and a message Rasa
could not answer is marked failed so that the caller's retry asks again.
Asking Rasa and writing its answer down is answering.py; the flood limit is
flood.py; the notices told once per interval are notices.py.

Rasa is told when a message may have reached it before ("repeat"), so that it
looks the message up in its tracker instead of answering it twice. Only the
message a call has just stored, answered by that same call under a lock that was
free when asked for, is certainly new: nobody else can have sent it in between.
Everything else (a retried request, a message answered after waiting for the lock,
by the recovery loop or for another replica) is sent as a possible repeat.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from limits.aio.storage import MemoryStorage, Storage
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.conversation.answering import RasaAnswers
from bot.conversation.diversions import Diversions, TurnContext, pending_turns
from bot.conversation.flood import FloodLimit
from bot.conversation.notices import KEPT_FOR_LATER, SLOW_DOWN, Notices
from bot.conversation.ordering import ConversationLocks, LocksUnavailable
from bot.conversation.outbound import TranscriptObserver, ignore_lines
from bot.conversation.presence import conversation_language
from bot.conversation.rasa import RasaClient, RasaUnavailable
from bot.logs import conversation_id as current_conversation
from bot.metrics import Metrics
from permits.feedback import intent_name
from permits.models import Message, utcnow
from permits.states import MessageKind, MessageState
from permits.texts import _, speaking
from permits.transcripts import (
    Outgoing,
    as_outgoing,
    channel_of,
    conversations_with_pending,
    inbound_by_external_id,
    record_inbound,
    replies_to,
    settle_inbound,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Answer:
    replies: list[Outgoing]
    intent: dict[str, Any] | None
    held: bool = False  # an agent holds the conversation and will answer
    limited: bool = False  # over the flood limit: not answered


def may_have_reached_rasa(message_id: int, lock_was_free: bool, just_stored: int | None) -> bool:
    """Whether Rasa must look for the message in its tracker first (see the module's
    docstring): only the message this call has just stored, answered under a lock
    that was free when asked for, is certainly new."""
    return not (lock_was_free and message_id == just_stored)


async def slowed_down(session: AsyncSession, conversation_id: str) -> Answer:
    """The API's answer over the flood limit, in the language the applicant writes in."""
    with speaking(await conversation_language(session, conversation_id)):
        return Answer([Outgoing(_(SLOW_DOWN))], None, limited=True)


@dataclass(frozen=True)
class TurnsConfig:
    """What a turn needs besides the database and Rasa."""

    diversions: Diversions
    rate_limit: str  # per conversation, in the `limits` notation ("12/minute")
    call_centre: str
    on_queued: Callable[[], None] = lambda: None  # wakes the delivery worker
    observer: TranscriptObserver = ignore_lines
    locks: ConversationLocks = field(default_factory=ConversationLocks)
    limiter_storage: Storage = field(default_factory=MemoryStorage)
    metrics: Metrics = field(default_factory=Metrics)


class Turns:
    """One answer pipeline with two sinks: pushed channels get their replies queued
    for the delivery worker (`receive`), the HTTP API in the response (`answer_now`).
    Both store first, apply the same flood limit, and answer under the
    conversation's lock, oldest message first."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], rasa: RasaClient, config: TurnsConfig
    ) -> None:
        self._sessions = sessions
        self._diversions = config.diversions
        self._observer = config.observer
        self._locks = config.locks
        self._flood = FloodLimit(config.rate_limit, config.limiter_storage)
        self._notices = Notices(config.observer, config.on_queued)
        self._answers = RasaAnswers(rasa, config.metrics, config.observer, config.call_centre)
        self._metrics = config.metrics
        self._on_queued = config.on_queued
        self._tasks: set[asyncio.Task[None]] = set()

    async def receive(
        self, conversation_id: str, text: str, external_id: str | None, *, limited: bool = True
    ) -> bool:
        """Accept a message from a channel; False if it is a repeated delivery.

        `limited=False`: the caller applied the flood limit already and drops what is
        over it unstored (the web chat); otherwise a message over it is kept, marked
        limited and not answered (a webhook's sender is verified by its platform)."""
        current_conversation.set(conversation_id)
        async with self._sessions() as session:
            inbound = await record_inbound(
                session, conversation_id, text, external_id, commit=False
            )
            if inbound is None:
                self._count_duplicate(conversation_id, external_id)
                return False
            self._metrics.received.labels(channel_of(conversation_id)).inc()
            if limited and not await self._admit(session, inbound, tell=True):
                return True
            await session.commit()
        self._observer(conversation_id, [inbound])
        self._spawn(self.drain(conversation_id, new=inbound.id))
        return True

    async def within_flood_limit(self, conversation_id: str) -> bool:
        """Count one message against the flood limit (flood.py): False once over it."""
        return await self._flood.admits(conversation_id)

    async def reply_directly(
        self, conversation_id: str, text: str, external_id: str | None, answer: str
    ) -> bool:
        """Store a message that needs no NLU (a shared contact, a photo, a refused text)
        with its answer; past the flood limit, as limited and without one."""
        async with self._sessions() as session:
            inbound = await record_inbound(
                session, conversation_id, text, external_id, commit=False
            )
            if inbound is None:
                return False
            if not await self._admit(session, inbound, tell=True):
                return True  # a flood of photos is not echoed either
            rows = await settle_inbound(session, inbound, MessageState.ANSWERED, [Outgoing(answer)])
        self._observer(conversation_id, [inbound, *rows])
        self._on_queued()
        return True

    async def drain(self, conversation_id: str, new: int | None = None) -> None:
        """Answer the conversation's unanswered messages, oldest first; their replies
        are queued for the delivery worker.

        `new`: the message the caller has just stored, which cannot have reached Rasa
        if the lock is free (see the module's docstring).
        """
        current_conversation.set(conversation_id)
        try:
            async with self._sessions() as session:
                await self._answer_waiting(session, conversation_id, new=new, in_response=False)
        except LocksUnavailable as exc:
            log.warning("no conversation lock, answered later: %s", exc)
        self._on_queued()

    async def answer_now(
        self, conversation_id: str, text: str, request_id: str | None = None
    ) -> Answer | None:
        """The synchronous API: answer one message in the response (None: Rasa is down).

        A request repeated with the same request_id (the caller's retry, perhaps to
        another replica) gets the answer already given instead of a second one.
        Older messages of the conversation are answered first, whichever replica
        received them, so answers keep the order of the questions.
        """
        current_conversation.set(conversation_id)
        async with self._sessions() as session:
            inbound, new = await self._record_request(session, conversation_id, text, request_id)
            if new:
                if not await self._admit(session, inbound):
                    return await slowed_down(session, conversation_id)
                await session.commit()
                self._observer(conversation_id, [inbound])
            elif inbound.state == MessageState.LIMITED:
                return await slowed_down(session, conversation_id)
            try:
                answered = await self._answer_waiting(
                    session,
                    conversation_id,
                    new=inbound.id if new else None,
                    in_response=True,
                    up_to=inbound.id,
                )
            except LocksUnavailable as exc:
                # Kept pending: a retry with the same id, or the recovery loop, answers it.
                log.warning("no conversation lock, answered later: %s", exc)
                return None
            if answered is None:
                return None
            return await self._answer_of(session, inbound, answered)

    async def _admit(self, session: AsyncSession, inbound: Message, *, tell: bool = False) -> bool:
        """Within the conversation's flood limit; otherwise the message is kept as
        limited and never answered, and (`tell`) the user is told once to slow down."""
        if await self.within_flood_limit(inbound.conversation_id):
            return True
        inbound.state = MessageState.LIMITED
        await session.commit()
        self._metrics.flood_limited.inc()
        log.warning("flood limit reached")
        if tell:
            await self._notices.tell_once(
                session, inbound.conversation_id, SLOW_DOWN, MessageKind.LIMIT
            )
        return False

    async def _answer_waiting(
        self,
        session: AsyncSession,
        conversation_id: str,
        *,
        new: int | None,
        in_response: bool,
        up_to: int | None = None,
    ) -> dict[int, list[Message]] | None:
        """Under the conversation's lock, answer its waiting messages oldest first (up
        to `up_to`): their replies by message id, or None when Rasa is unreachable."""
        answered: dict[int, list[Message]] = {}
        async with self._locks.hold(conversation_id) as free:
            async for inbound, context in pending_turns(session, conversation_id):
                if up_to is not None and inbound.id > up_to:
                    break
                repeat = may_have_reached_rasa(inbound.id, free, new)
                rows = await self._take_turn(
                    session, inbound, context, repeat=repeat, in_response=in_response
                )
                if rows is None:
                    return None
                answered[inbound.id] = rows
        return answered

    async def _take_turn(
        self,
        session: AsyncSession,
        inbound: Message,
        context: TurnContext,
        *,
        repeat: bool,
        in_response: bool,
    ) -> list[Message] | None:
        """Answer one message, by the gateway or by Rasa: its replies, or None when
        Rasa is unreachable. A pushed message then waits for the recovery loop (the
        user is told once); one answered in a response is marked failed, so that the
        caller's retry asks again."""
        diverted = await self._divert(session, inbound, context, delivered=in_response)
        if diverted is not None:
            return diverted
        try:
            reply = await self._answers.ask(session, inbound, context, repeat=repeat)
        except RasaUnavailable:
            if in_response:
                await settle_inbound(session, inbound, MessageState.FAILED, [])
            else:
                await self._notices.tell_once(
                    session, inbound.conversation_id, KEPT_FOR_LATER, MessageKind.NOTICE
                )
            return None
        return await self._answers.settle(
            session, inbound, reply, self._answers.replies_of(reply), delivered=in_response
        )

    async def _answer_of(
        self, session: AsyncSession, inbound: Message, answered: dict[int, list[Message]]
    ) -> Answer | None:
        if inbound.id in answered:
            rows = answered[inbound.id]
        else:  # answered before: by another replica, or an earlier request with the same id
            await session.refresh(inbound)
            if inbound.state == MessageState.FAILED:
                return None
            rows = await replies_to(session, inbound)
        # An FAQ answer by its topic ("faq/jam_layanan"), as the intent contract names it.
        name = intent_name(inbound.intent, inbound.nlu)
        intent = {"name": name, "confidence": inbound.confidence}
        return Answer(
            [as_outgoing(row) for row in rows],
            intent if inbound.intent else None,
            held=inbound.state == MessageState.HELD,
        )

    async def _record_request(
        self, session: AsyncSession, conversation_id: str, text: str, request_id: str | None
    ) -> tuple[Message, bool]:
        """The request's message, and whether it is new (False: a retried request)."""
        external_id = f"api-{request_id}" if request_id else None
        inbound = await record_inbound(session, conversation_id, text, external_id, commit=False)
        if inbound is not None:
            self._metrics.received.labels(channel_of(conversation_id)).inc()
            return inbound, True
        assert external_id is not None  # without an id a message is never a duplicate
        repeated = await inbound_by_external_id(session, conversation_id, external_id)
        assert repeated is not None
        self._count_duplicate(conversation_id, external_id)
        if repeated.state == MessageState.FAILED:  # Rasa was down last time: try again
            repeated.state = MessageState.PENDING
        # Ends the look-up's transaction, so that a storm of copies waiting for the
        # conversation's lock does not hold every pooled connection.
        await session.commit()
        return repeated, False

    def _count_duplicate(self, conversation_id: str, external_id: str | None) -> None:
        self._metrics.duplicates.labels(channel_of(conversation_id)).inc()
        log.info("duplicate delivery dropped", extra={"external_id": external_id})

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
                if self._locks.busy(conversation_id):
                    continue
                try:
                    await self.drain(conversation_id)
                except Exception:
                    log.exception("could not answer a waiting conversation")

    async def close(self) -> None:
        """Let turns in progress finish (graceful shutdown)."""
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=30)

    async def _divert(
        self, session: AsyncSession, inbound: Message, context: TurnContext, *, delivered: bool
    ) -> list[Message] | None:
        """Handle the message without Rasa's dialogue when an agent holds the
        conversation, or when it answers the survey or a call-back question: the
        replies, or None when Rasa is to answer."""
        diverted = await self._diversions.divert(session, inbound, context)
        if diverted is None:
            return None
        reading = (
            await self._answers.read(inbound.text) if diverted.state == MessageState.HELD else None
        )
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
        return rows

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            self._metrics.errors.labels("turn_failed").inc()
            log.error("turn failed", exc_info=task.exception())
