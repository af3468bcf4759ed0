"""The bottleneck dashboard's figures: which agency holds applications, and for how long.

Lateness and working days follow the status rules (permits.status, permits.workdays)
and are computed in Python, so SQLite and PostgreSQL give the same answers. Nothing
here carries personal data: no applicant name, phone or NIK leaves this module.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from statistics import fmean
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from permits.clock import local_day
from permits.models import Agency, Application, ApplicationEvent, PermitType, utcnow
from permits.status import FINISHED, StatusView, application_view, clock_end
from permits.workdays import working_days_between


@dataclass(frozen=True)
class Filters:
    """Which applications count: one permit type (None: all) and submission in [since, until)."""

    permit_slug: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class Tally:
    """Open applications held by one agency, or sitting at one stage."""

    name: str
    short_name: str
    count: int


@dataclass(frozen=True)
class Lateness:
    """Open applications past their SLA whose current agency is this one."""

    agency: str
    short_name: str
    late: int
    mean_days_late: float  # working days
    max_days_late: int


@dataclass(frozen=True)
class Hold:
    """How long this agency holds an application, from the event trail."""

    agency: str
    short_name: str
    applications: int  # applications the agency held at some point
    mean_days: float  # working days per application, all of its stays added up


@dataclass(frozen=True)
class Bottlenecks:
    open_total: int
    late_total: int
    open_by_agency: tuple[Tally, ...]
    open_by_stage: tuple[Tally, ...]
    late_by_agency: tuple[Lateness, ...]
    hold_by_agency: tuple[Hold, ...]


@dataclass(frozen=True)
class ExportRow:
    """One application as the CSV export lists it; deliberately without personal fields."""

    number: str
    permit_name: str
    status_label: str
    stage: str
    agency: str
    submitted_on: date  # the calendar date at the office
    days_at_stage: int
    total_days: int
    sla_days: int
    days_late: int


@dataclass(frozen=True)
class PermitChoice:
    slug: str
    name: str


# --- loading ---------------------------------------------------------------------


def _filtered(filters: Filters) -> Select[Application]:
    query = select(Application)
    if filters.permit_slug is not None:
        query = query.join(Application.permit_type).where(PermitType.slug == filters.permit_slug)
    if filters.since is not None:
        query = query.where(Application.submitted_at >= filters.since)
    if filters.until is not None:
        query = query.where(Application.submitted_at < filters.until)
    return query


async def _applications(
    session: AsyncSession, filters: Filters, *, with_events: bool = False
) -> list[Application]:
    options = [selectinload(Application.permit_type), selectinload(Application.current_agency)]
    if with_events:
        options.append(selectinload(Application.events))
    query = (
        _filtered(filters).options(*options).order_by(Application.submitted_at, Application.number)
    )
    return list((await session.scalars(query)).all())


async def _agencies(session: AsyncSession) -> dict[int, Agency]:
    return {agency.id: agency for agency in (await session.scalars(select(Agency))).all()}


async def permit_choices(session: AsyncSession) -> list[PermitChoice]:
    """Every permit type, inactive ones too: old applications of them still count."""
    rows = await session.execute(select(PermitType.slug, PermitType.name).order_by(PermitType.name))
    return [PermitChoice(slug, name) for slug, name in rows]


# --- open applications and lateness ------------------------------------------------


def _tallies(items: Iterable[tuple[object, str, str]]) -> tuple[Tally, ...]:
    """Counts per key (an agency id, a stage), most first; names as the first item had them."""
    counts: dict[object, int] = defaultdict(int)
    names: dict[object, tuple[str, str]] = {}
    for key, name, short_name in items:
        counts[key] += 1
        names.setdefault(key, (name, short_name))
    ranked = sorted(counts, key=lambda key: (-counts[key], names[key][0]))
    return tuple(Tally(*names[key], counts[key]) for key in ranked)


def _lateness(late: list[tuple[Agency, StatusView]]) -> tuple[Lateness, ...]:
    by_agency: dict[int, list[int]] = defaultdict(list)
    agencies: dict[int, Agency] = {}
    for agency, view in late:
        by_agency[agency.id].append(view.days_late)
        agencies[agency.id] = agency
    rows = [
        Lateness(
            agency=agencies[agency_id].name,
            short_name=agencies[agency_id].short_name,
            late=len(days),
            mean_days_late=fmean(days),
            max_days_late=max(days),
        )
        for agency_id, days in by_agency.items()
    ]
    return tuple(sorted(rows, key=lambda row: (-row.late, -row.max_days_late, row.agency)))


# --- how long each agency holds an application --------------------------------------


def held_days(application: Application, now: datetime) -> dict[int, int]:
    """Working days each agency (by id) held this application, from its event trail.

    A stay runs from an event to the next one; the last stay runs to where the
    status clock stops (completion, else now). The final event of a finished
    application marks the decision itself, not a stay, so it adds nothing.
    """
    trail = sorted(application.events, key=lambda event: (event.at, event.id))
    end = clock_end(application, now)
    held: dict[int, int] = defaultdict(int)
    for index, event in enumerate(trail):
        following: ApplicationEvent | None = trail[index + 1] if index + 1 < len(trail) else None
        if following is None and application.status in FINISHED and event.status in FINISHED:
            continue
        stop = following.at if following is not None else end
        held[event.agency_id] += working_days_between(event.at, stop)
    return dict(held)


def _holds(
    applications: list[Application], agencies: dict[int, Agency], now: datetime
) -> tuple[Hold, ...]:
    per_agency: dict[int, list[int]] = defaultdict(list)
    for application in applications:
        for agency_id, days in held_days(application, now).items():
            per_agency[agency_id].append(days)
    rows = [
        Hold(
            agency=agencies[agency_id].name,
            short_name=agencies[agency_id].short_name,
            applications=len(days),
            mean_days=fmean(days),
        )
        for agency_id, days in per_agency.items()
    ]
    return tuple(sorted(rows, key=lambda row: (-row.mean_days, row.agency)))


# --- the dashboard and the export -----------------------------------------------------


async def bottlenecks(
    session: AsyncSession, filters: Filters | None = None, now: datetime | None = None
) -> Bottlenecks:
    """Everything the dashboard shows for the applications the filters select."""
    filters, now = filters or Filters(), now or utcnow()
    applications = await _applications(session, filters, with_events=True)
    agencies = await _agencies(session)
    open_ones = [
        (application.current_agency, application_view(application, now))
        for application in applications
        if application.status not in FINISHED
    ]
    late = [(agency, view) for agency, view in open_ones if view.is_late]
    return Bottlenecks(
        open_total=len(open_ones),
        late_total=len(late),
        open_by_agency=_tallies((a.id, a.name, a.short_name) for a, _ in open_ones),
        open_by_stage=_tallies((view.stage, view.stage, view.stage) for _, view in open_ones),
        late_by_agency=_lateness(late),
        hold_by_agency=_holds(applications, agencies, now),
    )


def _export_row(view: StatusView, zone: ZoneInfo) -> ExportRow:
    return ExportRow(
        number=view.number,
        permit_name=view.permit_name,
        status_label=view.status_label,
        stage=view.stage,
        agency=view.agency_name,
        submitted_on=local_day(view.submitted_at, zone),
        days_at_stage=view.days_held,
        total_days=view.total_days,
        sla_days=view.sla_days,
        days_late=view.days_late,
    )


async def export_rows(
    session: AsyncSession,
    filters: Filters | None = None,
    now: datetime | None = None,
    *,
    zone: ZoneInfo,
) -> list[ExportRow]:
    """One row per application the filters select, oldest submission first, with the
    day of submission at the office (`zone`)."""
    filters, now = filters or Filters(), now or utcnow()
    applications = await _applications(session, filters)
    return [_export_row(application_view(app, now), zone) for app in applications]
