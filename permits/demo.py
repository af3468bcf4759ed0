"""Loads the demo catalogue and deterministic demo applications (idempotent).

Dates are relative to the load time, so an application that is late stays late
by the same margin whenever the demo is loaded.
"""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass
from datetime import datetime
from random import Random
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from permits.canned import save_canned
from permits.demo_catalogue import AGENCIES, DEMO_ADDRESS, FAQ_TOPICS, PERMIT_TYPES, STAGES
from permits.demo_english import AGENCIES_EN, FAQ_EN, PERMIT_TYPES_EN, SERVICES_EN, VARIANTS_EN
from permits.demo_lifecycle import VALIDITY, VARIANTS
from permits.demo_public_services import PUBLIC_SERVICES
from permits.models import (
    Agency,
    Application,
    ApplicationEvent,
    FaqTopic,
    PermitType,
    PermitVariant,
    PublicService,
    StaffUser,
    utcnow,
)
from permits.numbers import new_number
from permits.office_profile import set_initial_address
from permits.staff import create_user
from permits.workdays import add_working_days

GENERATED_APPLICATIONS = 300
_FIRST_NAMES = [
    "Agus",
    "Dewi",
    "Rudi",
    "Sri",
    "Hendra",
    "Wati",
    "Joko",
    "Rina",
    "Bambang",
    "Nur",
    "Yusuf",
    "Ratna",
    "Eko",
    "Fitri",
    "Ahmad",
    "Lestari",
    "Dimas",
    "Ayu",
]
_LAST_NAMES = [
    "Saputra",
    "Wulandari",
    "Hidayat",
    "Susanti",
    "Pratama",
    "Kurniawan",
    "Siregar",
    "Nasution",
    "Simanjuntak",
    "Rahayu",
    "Setiawan",
    "Lubis",
]


@dataclass(frozen=True)
class Fixture:
    """A demo application that tests and the README rely on."""

    number: str
    permit: str
    status: str
    stage_index: int
    submitted_days_ago: int  # working days
    stage_days_ago: int  # working days at the current stage
    applicant_name: str
    applicant_phone: str


DEMO_FIXTURES = [
    Fixture("PTSP-2025-7KQ4MZ", "pbg", "diproses", 1, 30, 12, "Budi Santoso", "+6281234567890"),
    Fixture(
        "PTSP-2026-R8T2WC", "sip_dokter", "diproses", 0, 2, 2, "Budi Santoso", "+6281234567890"
    ),
    Fixture("PTSP-2025-H3D9XA", "nib", "selesai", 3, 20, 19, "Siti Rahmawati", "+6285711112222"),
    Fixture("PTSP-2026-M5N7PB", "reklame", "ditolak", 1, 15, 10, "Andi Wijaya", "+6289876543210"),
    # Issued some 18 months ago: "kapan SIP saya habis?" is answered from its issue date.
    Fixture(
        "PTSP-2024-SB5L7N", "sip_bidan", "selesai", 3, 400, 390, "Dewi Lestari", "+6281377778888"
    ),
]


async def _ensure_catalogue(
    session: AsyncSession,
) -> tuple[dict[str, Agency], dict[str, PermitType]]:
    agencies = {a.slug: a for a in (await session.scalars(select(Agency))).all()}
    for row in AGENCIES:
        if row["slug"] not in agencies:
            agencies[row["slug"]] = Agency(**row)
            session.add(agencies[row["slug"]])
    await session.flush()
    permits = {p.slug: p for p in (await session.scalars(select(PermitType))).all()}
    for row in PERMIT_TYPES:
        if row["slug"] not in permits:
            fields = {k: v for k, v in row.items() if k != "agency"}
            permits[row["slug"]] = PermitType(**fields, agency_id=agencies[row["agency"]].id)
            session.add(permits[row["slug"]])
    topics = set((await session.scalars(select(FaqTopic.slug))).all())
    session.add_all(FaqTopic(**row) for row in FAQ_TOPICS if row["slug"] not in topics)
    services = set((await session.scalars(select(PublicService.slug))).all())
    session.add_all(PublicService(**row) for row in PUBLIC_SERVICES if row["slug"] not in services)
    await session.flush()
    await _ensure_lifecycle(session, permits)
    await _ensure_english(session, agencies, permits)
    return agencies, permits


async def _ensure_lifecycle(session: AsyncSession, permits: dict[str, PermitType]) -> None:
    """Validity and renewal/change/replacement facts, only where missing: a database
    loaded before the lifecycle existed gets them, an office's own edits are kept."""
    for slug, (years, note) in VALIDITY.items():
        permit = permits[slug]
        if permit.validity_years is None and not permit.validity_note:
            permit.validity_years, permit.validity_note = years, note
    rows = await session.execute(select(PermitVariant.permit_type_id, PermitVariant.action))
    present = {(permit_id, action) for permit_id, action in rows}
    for slug, actions in VARIANTS.items():
        permit_id = permits[slug].id
        session.add_all(
            # A copy: the row keeps the lists it is given, the module's data stays as written.
            PermitVariant(permit_type_id=permit_id, action=action, **deepcopy(fields))
            for action, fields in actions.items()
            if (permit_id, action) not in present
        )
    await session.flush()


async def _ensure_english(
    session: AsyncSession, agencies: dict[str, Agency], permits: dict[str, PermitType]
) -> None:
    """The English texts of the demo catalogue, only on rows that have none yet."""
    for slug, english in AGENCIES_EN.items():
        _fill_english(agencies.get(slug), english)
    for slug, english in PERMIT_TYPES_EN.items():
        _fill_english(permits.get(slug), english)
    variants = (await session.scalars(select(PermitVariant))).all()
    slugs = {permit.id: slug for slug, permit in permits.items()}
    for variant in variants:
        by_action = VARIANTS_EN.get(slugs.get(variant.permit_type_id, ""), {})
        _fill_english(variant, by_action.get(variant.action))
    for topic in (await session.scalars(select(FaqTopic))).all():
        _fill_english(topic, FAQ_EN.get(topic.slug))
    for service in (await session.scalars(select(PublicService))).all():
        _fill_english(service, SERVICES_EN.get(service.slug))
    await session.flush()


def _fill_english(
    row: Agency | PermitType | PermitVariant | FaqTopic | PublicService | None,
    english: dict[str, Any] | None,
) -> None:
    if row is not None and english and not row.english:
        row.english = deepcopy(english)


def _stage_agency(index: int, permit: PermitType, agencies: dict[str, Agency]) -> Agency:
    slug = STAGES[index][1]
    return (
        agencies[slug] if slug else next(a for a in agencies.values() if a.id == permit.agency_id)
    )


def _build(
    fixture: Fixture, permit: PermitType, agencies: dict[str, Agency], now: datetime
) -> Application:
    submitted = add_working_days(now, -fixture.submitted_days_ago)
    stage_started = add_working_days(now, -fixture.stage_days_ago)
    finished = fixture.status in ("selesai", "ditolak")
    application = Application(
        number=fixture.number,
        permit_type_id=permit.id,
        applicant_name=fixture.applicant_name,
        applicant_phone=fixture.applicant_phone,
        applicant_nik=None,
        status=fixture.status,
        current_stage=STAGES[fixture.stage_index][0],
        current_agency_id=_stage_agency(fixture.stage_index, permit, agencies).id,
        submitted_at=submitted,
        due_at=add_working_days(submitted, permit.sla_days),
        stage_started_at=stage_started,
        completed_at=stage_started if finished else None,
    )
    # The trail: one event per stage reached, spread between submission and now.
    steps = fixture.stage_index + 1
    span = max(1, fixture.submitted_days_ago - fixture.stage_days_ago)
    application.events = [
        ApplicationEvent(
            stage=STAGES[i][0],
            agency_id=_stage_agency(i, permit, agencies).id,
            status="diajukan" if i == 0 else "diproses",
            at=submitted if i == 0 else add_working_days(submitted, span * i // max(1, steps - 1)),
        )
        for i in range(steps - 1)
    ] + [
        ApplicationEvent(
            stage=application.current_stage,
            agency_id=application.current_agency_id,
            status=fixture.status,
            at=stage_started,
        )
    ]
    return application


def _generated_fixtures(
    permits: dict[str, PermitType], rng: Random, now: datetime
) -> list[Fixture]:
    fixtures = []
    slugs = sorted(permits)
    for _ in range(GENERATED_APPLICATIONS):
        permit = permits[rng.choice(slugs)]
        age = rng.randint(1, 45)
        roll = rng.random()
        if roll < 0.15:  # stuck past its SLA at some agency: the bottleneck cases
            age = permit.sla_days + rng.randint(1, 15)
            status, stage = "diproses", rng.choice([1, 2])
        elif age > permit.sla_days or roll < 0.55:
            status, stage = ("ditolak", 1) if rng.random() < 0.2 else ("selesai", 3)
            age = max(age, 2)
        else:
            status = rng.choice(["diajukan", "diproses", "diproses", "perlu_perbaikan"])
            stage = 0 if status == "diajukan" else rng.choice([0, 1, 2])
        at_stage = rng.randint(0, max(0, min(age - 1, permit.sla_days)))
        fixtures.append(
            Fixture(
                number=new_number(now.year - (1 if age > 30 else 0), rng),
                permit=permit.slug,
                status=status,
                stage_index=stage,
                submitted_days_ago=age,
                stage_days_ago=at_stage,
                applicant_name=f"{rng.choice(_FIRST_NAMES)} {rng.choice(_LAST_NAMES)}",
                applicant_phone="+628" + "".join(rng.choice("0123456789") for _ in range(10)),
            )
        )
    return fixtures


async def load_demo(session: AsyncSession, now: datetime | None = None) -> int:
    """Load everything that is missing; returns how many applications were added."""
    now = now or utcnow()
    agencies, permits = await _ensure_catalogue(session)
    await set_initial_address(session, DEMO_ADDRESS)
    existing = set((await session.scalars(select(Application.number))).all())
    wanted = DEMO_FIXTURES + _generated_fixtures(permits, Random(20260101), now)
    added = 0
    for fixture in wanted:
        if fixture.number in existing:
            continue
        existing.add(fixture.number)
        session.add(_build(fixture, permits[fixture.permit], agencies, now))
        added += 1
    await session.commit()
    return added


# Sign-in accounts of the demo console (`make run`). Demo data only: an office
# creates its own with `python -m permits create-admin`.
DEMO_STAFF = [("admin", "Admin Demo", "admin"), ("petugas", "Petugas Demo", "agent")]
DEMO_STAFF_PASSWORD = "demo-tanya-izin"
DEMO_CANNED = [
    (
        "Berkas belum lengkap",
        "Mohon maaf, berkas Anda belum lengkap. Silakan lengkapi dokumen yang kurang melalui "
        "akun OSS/SiCantik Anda, lalu kami proses kembali.",
    ),
    # Placeholders: the facts of the office settings page (permits.office_profile).
    ("Jam layanan loket", "Loket DPMPTSP buka {jam_layanan}."),
    (
        "Datang ke kantor",
        "Silakan datang ke loket kami di lantai 2 {alamat_kantor}. Jam layanan: "
        "{jam_layanan}. Untuk pertanyaan lain, hubungi call center {call_center}.",
    ),
    (
        "Diteruskan ke instansi teknis",
        "Permohonan Anda sudah kami teruskan ke instansi teknis terkait. Kami akan mengabari "
        "Anda begitu ada perkembangan.",
    ),
]


async def load_demo_staff(session: AsyncSession) -> list[str]:
    """The demo console's accounts and canned replies, when the office has none yet."""
    if await session.scalar(select(StaffUser.id).limit(1)) is not None:
        return []
    for username, full_name, role in DEMO_STAFF:
        await create_user(session, username, full_name, role, DEMO_STAFF_PASSWORD)
    for title, text in DEMO_CANNED:
        await save_canned(session, title, text)
    return [username for username, _, _ in DEMO_STAFF]
