"""The gateway's own service notices, sent at most once in NOTICE_INTERVAL per
conversation, so that a flood of messages (or of failures) is not echoed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.conversation.outbound import TranscriptObserver
from bot.conversation.presence import conversation_language
from permits.models import utcnow
from permits.states import MessageKind, Sender
from permits.texts import N_, _, speaking
from permits.transcripts import Outgoing, queue_outbound, told_recently

# Catalogue msgids of the gateway's own notices, translated when sent.
KEPT_FOR_LATER = N_(
    "Maaf, layanan sedang gangguan. Pesan Anda kami simpan dan akan kami jawab "
    "begitu layanan pulih."
)
SLOW_DOWN = N_(
    "Pesan Anda terlalu banyak dalam waktu singkat. Mohon tunggu sebentar sebelum "
    "mengirim pesan lagi."
)
NOTICE_INTERVAL = timedelta(minutes=5)


class Notices:
    """Queues a notice for the delivery worker, in the language the applicant writes
    in, unless the conversation was told the same kind of notice recently."""

    def __init__(self, observer: TranscriptObserver, on_queued: Callable[[], None]) -> None:
        self._observer = observer
        self._on_queued = on_queued

    async def tell_once(
        self, session: AsyncSession, conversation_id: str, notice: str, kind: MessageKind
    ) -> None:
        """`notice`: the catalogue msgid (KEPT_FOR_LATER, SLOW_DOWN)."""
        if await told_recently(session, conversation_id, kind, utcnow() - NOTICE_INTERVAL):
            return
        with speaking(await conversation_language(session, conversation_id)):
            text = _(notice)
        row = queue_outbound(
            session, conversation_id, Outgoing(text), sender=Sender.SYSTEM, kind=kind
        )
        await session.commit()
        self._observer(conversation_id, [row])
        self._on_queued()
