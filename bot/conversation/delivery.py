"""The delivery worker: sends queued outbound messages through their channels.

Replies and notifications alike are rows of the outbox (permits/outbox.py),
committed before anything is sent. The worker leases the oldest due message of
each conversation, sends it, and marks it sent; a failure is retried with
back-off, a permanent one (the user blocked the bot) is recorded and dropped.
A worker that dies mid-send leaves a lease that expires, so the message is sent
by the next worker; a message already marked sent is never sent again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.conversation.outbound import (
    Channel,
    DeliveryFailed,
    Outbound,
    TranscriptObserver,
    asks_for_phone,
    ignore_lines,
    visible_buttons,
)
from bot.logs import conversation_id as current_conversation
from bot.metrics import Metrics
from permits.history import last_inbound_at
from permits.models import Message
from permits.outbox import claim_deliveries, mark_attempt_failed, mark_sent
from permits.states import MessageState
from permits.transcripts import channel_of

log = logging.getLogger(__name__)


class DeliveryWorker:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        channels: dict[str, Channel],
        *,
        lease_seconds: float,
        poll_seconds: float,
        metrics: Metrics | None = None,
        observer: TranscriptObserver = ignore_lines,
    ) -> None:
        self._metrics = metrics if metrics is not None else Metrics()
        self._observer = observer  # told what became of each message (the consoles)
        self._sessions = sessions
        self._channels = channels
        self._lease = timedelta(seconds=lease_seconds)
        self._poll_seconds = poll_seconds
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Something was queued: deliver now rather than at the next poll."""
        self._wake.set()

    async def run_forever(self) -> None:
        while True:
            self._wake.clear()
            try:
                sent = await self.deliver_due()
            except Exception:
                log.exception("delivery round failed")
                sent = 0
            if sent:
                continue  # a conversation may have more messages queued behind these
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._poll_seconds):
                    await self._wake.wait()

    async def deliver_due(self) -> int:
        """One round: lease due messages (one per conversation) and send them."""
        async with self._sessions() as session:
            rows = await claim_deliveries(session, self._lease)
        await asyncio.gather(*(self._deliver(row) for row in rows))
        return len(rows)

    async def _deliver(self, row: Message) -> None:
        current_conversation.set(row.conversation_id)
        channel_name = channel_of(row.conversation_id)
        channel = self._channels.get(channel_name)
        async with self._sessions() as session:
            if channel is None:
                await mark_attempt_failed(session, row, "channel not configured", permanent=True)
                self._count(channel_name, MessageState.FAILED)
                log.error("no channel for message", extra={"message_id": row.id})
                return
            outbound = Outbound(
                message_id=row.id,
                conversation_id=row.conversation_id,
                text=row.text,
                buttons=visible_buttons(row.buttons or []),
                asks_for_phone=asks_for_phone(row.buttons or []),
                kind=row.kind,
                sender=row.sender,
                template_variables=row.template_variables,
                last_inbound_at=await last_inbound_at(session, row.conversation_id),
            )
            try:
                provider_id = await channel.send(outbound)
            except DeliveryFailed as exc:
                state = await mark_attempt_failed(session, row, str(exc), permanent=exc.permanent)
                self._count(channel_name, state)
                await self._report_failure(session, row, state)
                log.warning(
                    "delivery failed",
                    extra={"message_id": row.id, "state": state, "reason": str(exc)},
                )
                return
            except Exception as exc:
                state = await mark_attempt_failed(session, row, repr(exc))
                self._count(channel_name, state)
                await self._report_failure(session, row, state)
                log.exception("delivery error", extra={"message_id": row.id, "state": state})
                return
            sent = await mark_sent(session, row.id, provider_id)
            self._count(channel_name, MessageState.SENT)
            self.reported([sent] if sent is not None else [])
            log.info("message delivered", extra={"message_id": row.id, "kind": row.kind})

    def reported(self, rows: list[Message]) -> None:
        """What became of messages: sent or failed here, or a channel's later report
        (Twilio's status callback, the web chat's read receipt). Told to the observer."""
        for row in rows:
            self._observer(row.conversation_id, [row])

    async def _report_failure(self, session: AsyncSession, row: Message, state: str) -> None:
        if state == MessageState.FAILED:  # for good: a retry is not an outcome yet
            failed = await session.get(Message, row.id, populate_existing=True)
            self.reported([failed] if failed is not None else [])

    def _count(self, channel: str, state: MessageState) -> None:
        """Final outcomes only: a failure that will be retried is not yet an outcome."""
        if state == MessageState.FAILED:
            self._metrics.sent.labels(channel, MessageState.FAILED).inc()
            self._metrics.errors.labels("delivery_failed").inc()
        elif state == MessageState.SENT:
            self._metrics.sent.labels(channel, MessageState.SENT).inc()
