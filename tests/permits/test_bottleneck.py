"""The bottleneck dashboard's figures on SQLite and PostgreSQL: who holds what, how late."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from permits.bottleneck import (
    Filters,
    Hold,
    Lateness,
    Tally,
    bottlenecks,
    export_rows,
    permit_choices,
)
from permits.clock import office_zone
from permits.models import Agency, Application, ApplicationEvent, PermitType
from permits.status import status_for_staff
from permits.workdays import add_working_days

LATE = "PTSP-2025-7KQ4MZ"
WIB = office_zone("Asia/Jakarta")
PUPR = "Dinas Pekerjaan Umum dan Penataan Ruang"


async def test_the_late_demo_application_counts_late_at_its_agency(session: AsyncSession) -> None:
    submitted = (await status_for_staff(session, LATE)).submitted_at
    # PBG applications submitted at that very moment: the late one, and one already issued.
    only_it = Filters("pbg", since=submitted, until=submitted + timedelta(seconds=1))
    figures = await bottlenecks(session, only_it)
    assert (figures.open_total, figures.late_total) == (1, 1)
    assert figures.open_by_agency == (Tally(PUPR, "Dinas PUPR", 1),)
    assert figures.open_by_stage == (Tally("Verifikasi teknis", "Verifikasi teknis", 1),)
    assert figures.late_by_agency == (Lateness(PUPR, "Dinas PUPR", 1, 2.0, 2),)


async def test_the_whole_office_shows_its_late_agencies(session: AsyncSession) -> None:
    figures = await bottlenecks(session)
    pupr = next(row for row in figures.late_by_agency if row.agency == PUPR)
    assert pupr.late >= 1 and pupr.max_days_late >= 2
    assert pupr.max_days_late >= pupr.mean_days_late > 0
    assert sum(row.late for row in figures.late_by_agency) == figures.late_total
    assert sum(row.count for row in figures.open_by_agency) == figures.open_total
    assert sum(row.count for row in figures.open_by_stage) == figures.open_total
    assert 0 < figures.late_total < figures.open_total
    # Most late applications first.
    counts = [row.late for row in figures.late_by_agency]
    assert counts == sorted(counts, reverse=True)


async def test_filtering_by_permit_type_splits_the_counts(session: AsyncSession) -> None:
    everything = await bottlenecks(session)
    pbg = await bottlenecks(session, Filters("pbg"))
    assert 0 < pbg.late_total < everything.late_total
    assert {row.agency for row in pbg.late_by_agency} <= {
        PUPR,
        "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu",
    }
    per_type = [await bottlenecks(session, Filters(c.slug)) for c in await permit_choices(session)]
    assert sum(f.open_total for f in per_type) == everything.open_total
    assert sum(f.late_total for f in per_type) == everything.late_total
    assert {row.permit_name for row in await export_rows(session, Filters("pbg"), zone=WIB)} == {
        "Persetujuan Bangunan Gedung (PBG)"
    }


async def test_filtering_by_submission_date_is_half_open(session: AsyncSession) -> None:
    submitted = (await status_for_staff(session, LATE)).submitted_at
    everything = await bottlenecks(session)
    before = await bottlenecks(session, Filters(until=submitted))
    after = await bottlenecks(session, Filters(since=submitted))
    assert before.late_total + after.late_total == everything.late_total
    assert before.open_total + after.open_total == everything.open_total
    assert 0 < before.open_total < everything.open_total
    assert LATE in {
        row.number for row in await export_rows(session, Filters(since=submitted), zone=WIB)
    }
    assert LATE not in {
        row.number for row in await export_rows(session, Filters(until=submitted), zone=WIB)
    }


async def test_export_rows_carry_the_figures_and_nothing_personal(session: AsyncSession) -> None:
    rows = await export_rows(session, zone=WIB)
    assert len(rows) == len(set(row.number for row in rows)) >= 300
    late = next(row for row in rows if row.number == LATE)
    assert (late.status_label, late.stage, late.agency) == (
        "Sedang diproses",
        "Verifikasi teknis",
        PUPR,
    )
    assert (late.days_at_stage, late.total_days, late.sla_days, late.days_late) == (12, 30, 28, 2)
    values = " ".join(str(value) for row in rows for value in dataclasses.asdict(row).values())
    assert "Budi" not in values and "Santoso" not in values and "+62" not in values
    assert not {"applicant_name", "applicant_phone", "applicant_nik"} & {
        field.name for field in dataclasses.fields(late)
    }


# A small trail with known events. Monday 2 March 2026 onwards; "now" is Monday 16 March.
NOW = datetime(2026, 3, 16, 10, tzinfo=UTC)
SLUG = "uji_hambatan"


def at(day: int) -> datetime:
    return datetime(2026, 3, day, 9, tzinfo=UTC)


async def scenario(session: AsyncSession) -> None:
    first = Agency(slug="uji_a", name="Dinas Uji A", short_name="Uji A")
    second = Agency(slug="uji_b", name="Dinas Uji B", short_name="Uji B")
    session.add_all([first, second])
    await session.flush()
    permit = PermitType(slug=SLUG, name="Izin Uji", sla_days=5, agency_id=second.id)
    session.add(permit)
    await session.flush()
    a, b = first.id, second.id
    # Sent back to A for corrections once: A 2-5 (3 days), B 5-9 (2), A 9-11 (2), B 11-now (3).
    trail_1 = [
        (a, 2, "diajukan"),
        (b, 5, "diproses"),
        (a, 9, "perlu_perbaikan"),
        (b, 11, "diproses"),
    ]
    # Issued: A 2-3 (1), B 3-6 (3); the final event is the decision, not a stay.
    trail_2 = [(a, 2, "diajukan"), (b, 3, "diproses"), (b, 6, "selesai")]
    # A 6-10 (Mon 9, Tue 10: 2), B 10-now (4).
    trail_3 = [(a, 6, "diajukan"), (b, 10, "diproses")]
    for number, trail, completed in (
        ("PTSP-2026-UJI001", trail_1, None),
        ("PTSP-2026-UJI002", trail_2, at(6)),
        ("PTSP-2026-UJI003", trail_3, None),
    ):
        last_agency, last_day, status = trail[-1]
        session.add(
            Application(
                number=number,
                permit_type_id=permit.id,
                applicant_name="Uji Coba",
                applicant_phone="+6281200000000",
                applicant_nik=None,
                status=status,
                current_stage="Survei lapangan",
                current_agency_id=last_agency,
                submitted_at=at(trail[0][1]),
                due_at=add_working_days(at(trail[0][1]), 5),
                stage_started_at=at(last_day),
                completed_at=completed,
                events=[
                    ApplicationEvent(stage="Tahap", agency_id=agency, status=state, at=at(day))
                    for agency, day, state in trail
                ],
            )
        )
    await session.commit()


async def test_agency_hold_averages_come_from_the_event_trail(session: AsyncSession) -> None:
    await scenario(session)
    figures = await bottlenecks(session, Filters(SLUG), now=NOW)
    # A: 5, 1 and 2 days; B: 5, 3 and 4 days.
    assert figures.hold_by_agency == (
        Hold("Dinas Uji B", "Uji B", 3, 4.0),
        Hold("Dinas Uji A", "Uji A", 3, pytest.approx(8 / 3)),
    )
    # Open: 1 (10 working days, SLA 5: 5 late) and 3 (6 working days: 1 late), both at B.
    assert figures.open_by_agency == (Tally("Dinas Uji B", "Uji B", 2),)
    assert figures.late_by_agency == (Lateness("Dinas Uji B", "Uji B", 2, 3.0, 5),)


async def test_the_submission_window_narrows_the_trail_too(session: AsyncSession) -> None:
    await scenario(session)
    figures = await bottlenecks(session, Filters(SLUG, since=at(6)), now=NOW)
    assert figures.hold_by_agency == (
        Hold("Dinas Uji B", "Uji B", 1, 4.0),
        Hold("Dinas Uji A", "Uji A", 1, 2.0),
    )
    assert figures.late_by_agency == (Lateness("Dinas Uji B", "Uji B", 1, 1.0, 1),)
    rows = await export_rows(session, Filters(SLUG), now=NOW, zone=WIB)
    assert [(r.number, r.total_days, r.days_late) for r in rows] == [
        ("PTSP-2026-UJI001", 10, 5),
        ("PTSP-2026-UJI002", 4, 0),
        ("PTSP-2026-UJI003", 6, 1),
    ]


async def test_permit_choices_list_every_type(session: AsyncSession) -> None:
    choices = await permit_choices(session)
    slugs = {choice.slug for choice in choices}
    assert {"pbg", "nib", "reklame"} <= slugs
    assert len(slugs) == len(list(await session.scalars(select(PermitType.slug))))
