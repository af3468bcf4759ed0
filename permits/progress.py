"""Moving an application along, and telling its subscribers.

Every status change goes through `change_status`, whoever makes it (the CLI,
the import command, the gateway's API): it writes the stage event and queues
one notification per subscribed conversation in the same transaction, so a
crash either keeps both or neither.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from permits.errors import ApplicationNotFound, UnknownAgency, UnknownStatus
from permits.models import Agency, Application, ApplicationEvent, Subscription, utcnow
from permits.numbers import canonical_number
from permits.states import MessageKind, Sender
from permits.status import FINISHED, STATUS_LABELS
from permits.texts import _
from permits.transcripts import Outgoing, ensure_conversation, queue_outbound


@dataclass(frozen=True)
class StatusChange:
    number: str
    status: str
    stage: str | None = None
    agency: str | None = None  # agency slug
    note: str = ""


def notification_text(application: Application, agency_name: str) -> str:
    lines = [
        _("🔔 Kabar terbaru permohonan {number}:", number=application.number),
        _("Status: {label}", label=_(STATUS_LABELS[application.status])),
        _("Tahap: {stage}", stage=application.current_stage),
        _("Instansi: {agency}", agency=agency_name),
    ]
    if application.status == "perlu_perbaikan":
        lines.append(_("Silakan lengkapi berkas Anda melalui akun OSS/portal perizinan."))
    if application.status == "selesai":
        lines.append(_("Izin Anda sudah terbit. Terima kasih telah menunggu."))
    return "\n".join(lines)


async def change_status(session: AsyncSession, change: StatusChange) -> Application:
    """Apply a status change and queue notifications, and commit. Raises on bad input."""
    application = await apply_status_change(session, change)
    await session.commit()
    return application


async def apply_status_change(session: AsyncSession, change: StatusChange) -> Application:
    """Like change_status, inside the caller's transaction (the importer's)."""
    if change.status not in STATUS_LABELS:
        raise UnknownStatus(change.status)
    number = canonical_number(change.number)
    application = await session.scalar(select(Application).where(Application.number == number))
    if application is None:
        raise ApplicationNotFound(change.number)
    if change.agency:
        agency = await session.scalar(select(Agency).where(Agency.slug == change.agency))
        if agency is None:
            raise UnknownAgency(change.agency)
    else:
        agency = await session.get_one(Agency, application.current_agency_id)
    await _apply(session, application, change, agency)
    await _queue_notifications(session, application, agency)
    return application


async def _apply(
    session: AsyncSession, application: Application, change: StatusChange, agency: Agency
) -> None:
    now = utcnow()
    moved = (change.stage and change.stage != application.current_stage) or (
        agency.id != application.current_agency_id
    )
    application.status = change.status
    application.current_agency_id = agency.id
    if change.stage:
        application.current_stage = change.stage
    if moved:
        application.stage_started_at = now
    application.completed_at = now if change.status in FINISHED else None
    session.add(
        ApplicationEvent(
            application_id=application.id,
            stage=application.current_stage,
            agency_id=agency.id,
            status=change.status,
            note=change.note,
            at=now,
        )
    )


async def _queue_notifications(
    session: AsyncSession, application: Application, agency: Agency
) -> None:
    subscribers = await session.scalars(
        select(Subscription.conversation_id).where(Subscription.application_id == application.id)
    )
    text = notification_text(application, agency.name)
    variables = {
        "1": application.number,
        "2": _(STATUS_LABELS[application.status]),
        "3": application.current_stage,
    }
    for conversation_id in subscribers.all():
        await ensure_conversation(session, conversation_id)
        queue_outbound(
            session,
            conversation_id,
            Outgoing(text),
            sender=Sender.SYSTEM,
            kind=MessageKind.NOTIFICATION,
            template_variables=variables,
        )
