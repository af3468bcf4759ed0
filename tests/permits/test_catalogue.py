from __future__ import annotations

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from permits.catalogue import closest_permits, get_permit, resolve_permit
from permits.errors import UnknownPermit
from permits.fees import FeeRule, rupiah
from permits.models import PermitType


@pytest.mark.parametrize(
    ("asked", "slug"),
    [
        ("imb", "pbg"),
        ("IMB", "pbg"),
        ("siup", "nib"),
        ("TDP", "nib"),
        ("amdal", "persetujuan_lingkungan"),
        ("UKL-UPL", "persetujuan_lingkungan"),
        ("izin reklam", "reklame"),
        ("ijin praktek dokter", "sip_dokter"),
        ("pbg", "pbg"),
    ],
)
async def test_official_old_and_colloquial_names_resolve(
    session: AsyncSession, asked: str, slug: str
) -> None:
    assert (await resolve_permit(session, asked)).slug == slug


async def test_a_permit_no_office_here_issues_gets_no_suggestion_by_spelling(
    session: AsyncSession,
) -> None:
    with pytest.raises(UnknownPermit) as caught:
        await resolve_permit(session, "izin tambang emas")
    assert caught.value.suggestions == []  # not the midwife's permit for "emas"


@pytest.mark.parametrize(
    ("asked", "first"),
    [
        ("praktek bidan mandiri", "sip_bidan"),
        ("bangun ruko 3 lantai", "pbg"),
        ("pasang baliho di pinggir jalan", "reklame"),
        ("buka homestay", "tdup"),
        ("riset buat skripsi", "izin_penelitian"),
        ("usaha angkot", "izin_trayek"),
        ("buka toko obat", "izin_apotek"),
        ("bimbel anak sd", "izin_operasional_sekolah"),
        ("pengolahan limbah pabrik", "persetujuan_lingkungan"),
    ],
)
async def test_an_unknown_name_is_matched_by_what_the_permit_is_for(
    session: AsyncSession, asked: str, first: str
) -> None:
    suggested = await closest_permits(session, asked)
    assert suggested and suggested[0].slug == first


async def test_new_keywords_are_used_at_once(session: AsyncSession) -> None:
    assert await closest_permits(session, "izin tambang emas") == []
    await session.execute(
        update(PermitType)
        .where(PermitType.slug == "persetujuan_lingkungan")
        .values(keywords=["tambang", "galian"])
    )
    await session.commit()
    suggested = await closest_permits(session, "izin tambang emas")
    assert [p.slug for p in suggested] == ["persetujuan_lingkungan"]


async def test_an_edited_catalogue_entry_is_read_at_once(session: AsyncSession) -> None:
    await session.execute(update(PermitType).where(PermitType.slug == "slf").values(sla_days=7))
    await session.commit()
    assert (await get_permit(session, "slf")).sla_days == 7


def test_free_permits_say_so() -> None:
    assert FeeRule(kind="free").describe().startswith("Tidak dipungut biaya")


def test_pbg_retribution_depends_on_area_and_function() -> None:
    rule = FeeRule(kind="pbg_retribution", unit_cost=2_500_000, coefficient=0.8)
    assert rule.estimate_pbg(100, "hunian") == pytest.approx(30_000_000)
    assert rule.estimate_pbg(100, "usaha") > rule.estimate_pbg(100, "hunian")
    assert "Rp 30.000.000" in rule.describe()


def test_rupiah_uses_indonesian_separators() -> None:
    assert rupiah(1_500_000) == "Rp 1.500.000"
