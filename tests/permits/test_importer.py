from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from permits.importer import import_path
from permits.models import Application, Message, PermitType, Subscription
from permits.status import subscribe

LATE_PBG = "PTSP-2025-7KQ4MZ"  # Budi Santoso, +6281234567890
EXAMPLE = Path(__file__).resolve().parents[2] / "permits" / "examples" / "office"


async def test_the_example_office_imports(session: AsyncSession) -> None:
    report = await import_path(session, EXAMPLE)
    assert report.ok, report.errors
    assert report.counts == {
        "agencies": 2,
        "permit_types": 2,
        "applications": 2,
        "applications_updated": 0,
    }
    pbg = await session.scalar(select(PermitType).where(PermitType.slug == "pbg"))
    assert pbg is not None and pbg.sla_days == 21  # the office's own SLA replaced the demo's


async def test_one_bad_row_imports_nothing_and_names_the_row(
    session: AsyncSession, tmp_path: Path
) -> None:
    before = await session.scalar(select(func.count()).select_from(Application))
    data = {
        "permit_types": [
            {
                "slug": "izin_baru",
                "name": "Izin Baru",
                "agency": "dpmptsp",
                "sla_days": 5,
                "requirements": ["KTP"],
            },
            {
                "slug": "izin_rusak",
                "name": "Izin Rusak",
                "agency": "dpmptsp",
                "sla_days": "lima",
                "requirements": ["KTP"],
            },
        ],
        "applications": [
            {
                "number": "bukan-nomor",
                "permit_type": "izin_baru",
                "applicant_name": "A",
                "applicant_phone": "+6281200000000",
                "status": "diproses",
                "current_stage": "Verifikasi",
                "current_agency": "dpmptsp",
                "submitted_at": "2026-11-01T08:00:00",
            },
        ],
    }
    source = tmp_path / "office.json"
    source.write_text(json.dumps(data))
    report = await import_path(session, source)
    assert not report.ok
    assert any("office.json baris 2" in e and "sla_days" in e for e in report.errors)
    assert any("office.json baris 1" in e and "number" in e for e in report.errors)
    assert await session.scalar(select(PermitType).where(PermitType.slug == "izin_baru")) is None
    assert await session.scalar(select(func.count()).select_from(Application)) == before


async def test_unknown_agency_rolls_back_the_whole_import(
    session: AsyncSession, tmp_path: Path
) -> None:
    (tmp_path / "permit_types.csv").write_text(
        "slug,name,agency,sla_days,requirements\n"
        "izin_a,Izin A,dpmptsp,3,KTP\n"
        "izin_b,Izin B,dinas_tidak_ada,3,KTP\n"
    )
    report = await import_path(session, tmp_path)
    assert report.errors == ["permit_types baris 2: instansi 'dinas_tidak_ada' tidak ada"]
    assert await session.scalar(select(PermitType).where(PermitType.slug == "izin_a")) is None


async def test_a_reimport_with_new_progress_updates_and_notifies(
    session: AsyncSession, tmp_path: Path
) -> None:
    await subscribe(session, "whatsapp:+6281234567890")
    row = {
        "number": LATE_PBG,
        "permit_type": "pbg",
        "applicant_name": "Budi Santoso",
        "applicant_phone": "+6281234567890",
        "status": "selesai",
        "current_stage": "Penerbitan izin",
        "current_agency": "dpmptsp",
        "submitted_at": "2025-10-01T09:00:00+07:00",
    }
    (tmp_path / "applications.json").write_text(json.dumps([row]))
    report = await import_path(session, tmp_path)
    assert report.ok, report.errors
    assert report.counts["applications_updated"] == 1
    notes = (await session.scalars(select(Message).where(Message.kind == "notification"))).all()
    assert [n.conversation_id for n in notes] == ["whatsapp:+6281234567890"]
    assert "Selesai, izin terbit" in notes[0].text
    subscriptions = await session.scalars(select(Subscription))
    assert len(subscriptions.all()) >= 1
