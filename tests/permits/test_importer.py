from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from permits.importer import import_path
from permits.models import Application, PermitType

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
