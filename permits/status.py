"""Application status: the public view, privacy and the bottleneck trace.

Anyone with a number sees status, stage, the agency holding it and days held,
never personal data. Lists and subscriptions need the channel identity to match
the applicant's registered contact.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from permits.errors import ApplicationNotFound, InvalidNumber, NotLinked, TooManyLookups
from permits.models import (
    Application,
    Conversation,
    LookupAttempt,
    PermitType,
    Subscription,
    utcnow,
)
from permits.numbers import canonical_number
from permits.texts import N_, _, ngettext
from permits.workdays import working_days_between

MAX_FAILED_LOOKUPS = 10
LOOKUP_WINDOW = timedelta(hours=1)
# Failed look-ups allowed per LOOKUP_WINDOW from all conversations together: the limit
# per conversation alone is reset by opening new conversations (a new web chat, a new
# Telegram account). Past it, only WhatsApp conversations (a verified number each) may
# look numbers up until the window moves on.
FAILED_LOOKUP_BUDGET = 300
FINISHED = ("selesai", "ditolak")

STATUS_LABELS = {  # catalogue msgids: applicants read them translated (permits.answers)
    "diajukan": N_("Diajukan"),
    "diproses": N_("Sedang diproses"),
    "perlu_perbaikan": N_("Perlu perbaikan berkas"),
    "selesai": N_("Selesai, izin terbit"),
    "ditolak": N_("Ditolak"),
}


@dataclass(frozen=True)
class StatusView:
    """What anyone holding the number may see. Deliberately has no personal fields."""

    number: str
    permit_slug: str
    permit_name: str
    status: str
    status_label: str
    stage: str
    agency_name: str
    days_held: int  # working days at the current agency/stage
    total_days: int  # working days since submission (until completion)
    sla_days: int
    is_late: bool
    days_late: int
    finished: bool
    submitted_at: datetime
    due_at: datetime
    valid_until: datetime | None = None  # an issued permit with a validity in years
    validity_note: str = ""  # what it holds for otherwise ("selama usaha berjalan")
    # The office's English for "permit", "agency" and "validity_note" (permits.english);
    # the stage has none: it is the back office's own text.
    english: dict[str, str] = field(default_factory=dict)


def clock_end(application: Application, now: datetime) -> datetime:
    """Where an application's working-day clock stops: at completion, else now."""
    finished = application.status in FINISHED
    return application.completed_at if finished and application.completed_at else now


def application_view(application: Application, now: datetime) -> StatusView:
    """The status view of an application loaded with its permit type and current agency."""
    finished = application.status in FINISHED
    end = clock_end(application, now)
    total = working_days_between(application.submitted_at, end)
    sla = application.permit_type.sla_days
    late_by = max(0, total - sla)
    return StatusView(
        number=application.number,
        permit_slug=application.permit_type.slug,
        permit_name=application.permit_type.name,
        status=application.status,
        status_label=STATUS_LABELS.get(application.status, application.status),
        stage=application.current_stage,
        agency_name=application.current_agency.name,
        days_held=working_days_between(application.stage_started_at, end),
        total_days=total,
        sla_days=sla,
        is_late=late_by > 0 and not finished,
        days_late=late_by,
        finished=finished,
        submitted_at=application.submitted_at,
        due_at=application.due_at,
        valid_until=valid_until(application),
        validity_note=application.permit_type.validity_note,
        english=_english_names(application),
    )


def _english_names(application: Application) -> dict[str, str]:
    permit, agency = application.permit_type.english, application.current_agency.english
    names = {
        "permit": permit.get("name"),
        "agency": agency.get("name"),
        "validity_note": permit.get("validity_note"),
    }
    return {key: text for key, text in names.items() if isinstance(text, str)}


# Between the parts of the status line.
SEPARATOR = " · "


def days_line(view: StatusView) -> str:
    """'12 hari kerja di tahap ini · total 30 dari SLA 28 hari kerja · terlambat 2 hari':
    how long an application has taken, in the words the bot, the console's panel and the
    assist page all use. The days at the stage and the days in total are different
    clocks: only the total is held against the SLA."""
    if view.finished:
        return SEPARATOR.join(
            [
                ngettext(
                    "selesai dalam {count} hari kerja",
                    "selesai dalam {count} hari kerja",
                    view.total_days,
                    count=view.total_days,
                ),
                ngettext(
                    "SLA {count} hari kerja",
                    "SLA {count} hari kerja",
                    view.sla_days,
                    count=view.sla_days,
                ),
            ]
        )
    return SEPARATOR.join(
        [
            ngettext(
                "{count} hari kerja di tahap ini",
                "{count} hari kerja di tahap ini",
                view.days_held,
                count=view.days_held,
            ),
            ngettext(
                "total {total} dari SLA {count} hari kerja",
                "total {total} dari SLA {count} hari kerja",
                view.sla_days,
                total=view.total_days,
                count=view.sla_days,
            ),
            _deadline(view),
        ]
    )


def _deadline(view: StatusView) -> str:
    if view.is_late:
        return ngettext(
            "terlambat {count} hari", "terlambat {count} hari", view.days_late, count=view.days_late
        )
    left = view.sla_days - view.total_days
    if left <= 0:
        return _("batas SLA hari ini")
    return ngettext("sisa {count} hari", "sisa {count} hari", left, count=left)


def valid_until(application: Application) -> datetime | None:
    """When an issued permit lapses: its issue (completion) plus the permit type's years."""
    years = application.permit_type.validity_years
    issued = application.completed_at
    if application.status != "selesai" or issued is None or years is None:
        return None
    try:
        return issued.replace(year=issued.year + years)
    except ValueError:  # issued on 29 February
        return issued.replace(year=issued.year + years, day=28)


def _with_details() -> tuple[object, object]:
    return (
        selectinload(Application.permit_type).selectinload(PermitType.agency),
        selectinload(Application.current_agency),
    )


def _recent_failures(now: datetime) -> Select[int]:
    return (
        select(func.count())
        .select_from(LookupAttempt)
        .where(LookupAttempt.found.is_(False), LookupAttempt.at > now - LOOKUP_WINDOW)
    )


async def _check_rate(
    session: AsyncSession, conversation_id: str, now: datetime, budget: int
) -> None:
    failed = await session.scalar(
        _recent_failures(now).where(LookupAttempt.conversation_id == conversation_id)
    )
    if (failed or 0) >= MAX_FAILED_LOOKUPS:
        raise TooManyLookups(conversation_id)
    channel, _, external = conversation_id.partition(":")
    if channel == "whatsapp" and external.startswith("+"):
        return  # a verified number: its own limit is enough
    if (await session.scalar(_recent_failures(now)) or 0) >= budget:
        raise TooManyLookups(conversation_id, everyone=True)


async def public_status(
    session: AsyncSession,
    number: str,
    *,
    conversation_id: str,
    now: datetime | None = None,
    failed_lookup_budget: int = FAILED_LOOKUP_BUDGET,
) -> StatusView:
    now = now or utcnow()
    canonical = canonical_number(number)
    if canonical is None:
        raise InvalidNumber(number)
    await _check_rate(session, conversation_id, now, failed_lookup_budget)
    application = await _application(session, canonical)
    session.add(
        LookupAttempt(
            conversation_id=conversation_id, number=canonical, found=application is not None, at=now
        )
    )
    await session.commit()
    if application is None:
        raise ApplicationNotFound(canonical)
    return application_view(application, now)


async def status_for_staff(
    session: AsyncSession, number: str, now: datetime | None = None
) -> StatusView:
    """The same view for a signed-in agent: no guessing limit, nothing recorded."""
    canonical = canonical_number(number)
    if canonical is None:
        raise InvalidNumber(number)
    application = await _application(session, canonical)
    if application is None:
        raise ApplicationNotFound(canonical)
    return application_view(application, now or utcnow())


async def _application(session: AsyncSession, canonical: str) -> Application | None:
    return await session.scalar(
        select(Application).where(Application.number == canonical).options(*_with_details())  # type: ignore[arg-type]
    )


# A button with this payload asks the channel for the user's verified phone number
# (Telegram's "share contact" keyboard); channels that cannot ask drop it.
SHARE_PHONE_PAYLOAD = "/share_phone"


def is_shared_chat(conversation_id: str) -> bool:
    """A Telegram group or channel: Telegram gives those negative chat ids, a private
    chat has the (positive) id of its one user."""
    channel, _, external = conversation_id.partition(":")
    return channel == "telegram" and external.startswith("-")


async def linked_phone(session: AsyncSession, conversation_id: str) -> str:
    """The registered phone this conversation speaks for, or NotLinked.

    A group chat never speaks for anyone: everyone in it would read the answers."""
    channel, _, external = conversation_id.partition(":")
    if channel == "whatsapp" and external.startswith("+"):
        return external  # Twilio has verified the sender's number
    if is_shared_chat(conversation_id):
        raise NotLinked(conversation_id)
    conversation = await session.get(Conversation, conversation_id)
    if conversation is None or not conversation.linked_phone:
        raise NotLinked(conversation_id)
    return conversation.linked_phone


async def _own_applications(session: AsyncSession, phone: str) -> list[Application]:
    query = (
        select(Application)
        .where(Application.applicant_phone == phone)
        .options(*_with_details())  # type: ignore[arg-type]
        .order_by(Application.submitted_at.desc())
    )
    return list((await session.scalars(query)).all())


async def applications_for_conversation(
    session: AsyncSession, conversation_id: str, now: datetime | None = None
) -> list[StatusView]:
    phone = await linked_phone(session, conversation_id)
    now = now or utcnow()
    return [application_view(a, now) for a in await _own_applications(session, phone)]


async def subscribe(session: AsyncSession, conversation_id: str) -> list[str]:
    """Subscribe the conversation to its unfinished applications; returns their numbers."""
    phone = await linked_phone(session, conversation_id)
    applications = await _own_applications(session, phone)
    existing = set(
        (
            await session.scalars(
                select(Subscription.application_id).where(
                    Subscription.conversation_id == conversation_id
                )
            )
        ).all()
    )
    for application in applications:
        if application.id not in existing:
            session.add(
                Subscription(conversation_id=conversation_id, application_id=application.id)
            )
    await session.commit()
    return [a.number for a in applications]
