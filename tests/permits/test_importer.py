from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from permits.catalogue import get_permit
from permits.english import permit_in
from permits.importer import import_path
from permits.language import ENGLISH
from permits.models import Application, Message, PermitType, PermitVariant, Subscription
from permits.status import subscribe

LATE_PBG = "PTSP-2025-7KQ4MZ"  # Budi Santoso, +6281234567890
EXAMPLE = Path(__file__).resolve().parents[2] / "permits" / "examples" / "office"


async def test_the_example_office_imports(session: AsyncSession) -> None:
    report = await import_path(session, EXAMPLE)
    assert report.ok, report.errors
    assert report.counts == {
        "agencies": 2,
        "permit_types": 3,
        "permit_variants": 5,
        "applications": 2,
        "applications_updated": 0,
    }
    pbg = await _permit(session, "pbg")
    assert pbg.sla_days == 21  # the office's own SLA replaced the demo's
    assert (pbg.validity_years, pbg.validity_note[:6]) == (None, "selama")
    assert (await _permit(session, "slf")).validity_years == 5
    renewal = await _variant(session, "pbg", "perpanjangan")
    assert not renewal.offered and renewal.requirements is None
    assert "SLF" in renewal.note
    replacement = await _variant(session, "pbg", "penggantian")
    assert replacement.fee_rule is not None and replacement.fee_rule["kind"] == "free"
    assert replacement.sla_days == 5
    assert replacement.procedure is None  # empty: as for a new application
    assert replacement.english["requirements"][1] == "Police report of the loss"
    assert renewal.english["note"].startswith("A PBG is not renewed")


async def test_the_example_office_s_english_texts_are_answered_in_english(
    session: AsyncSession,
) -> None:
    report = await import_path(session, EXAMPLE)
    assert report.ok, report.errors
    pbg = permit_in(ENGLISH, await get_permit(session, "pbg"))
    assert pbg.permit.name == "Building Approval (PBG, formerly IMB)"
    assert pbg.permit.requirements[1] == "Land certificate"
    assert pbg.permit.agency_name.startswith("Public Works and Spatial Planning Office")
    research = permit_in(ENGLISH, await get_permit(session, "izin_penelitian"))
    assert research.permit.procedure == ["Ajukan online", "Surat terbit"]  # not translated
    assert not research.complete
    slf = await _permit(session, "slf")
    assert slf.english == {}  # an empty cell clears the demo's English


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
    # Row 3 of the spreadsheet: row 1 is the header.
    assert report.errors == ["permit_types.csv baris 3: instansi 'dinas_tidak_ada' tidak ada"]
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


async def _permit(session: AsyncSession, slug: str) -> PermitType:
    permit = await session.scalar(select(PermitType).where(PermitType.slug == slug))
    assert permit is not None
    return permit


async def _variant(session: AsyncSession, slug: str, action: str) -> PermitVariant:
    variant = await session.scalar(
        select(PermitVariant)
        .join(PermitType)
        .where(PermitType.slug == slug, PermitVariant.action == action)
        .execution_options(populate_existing=True)  # the database's values, not the cache's
    )
    assert variant is not None
    return variant


async def _variant_count(session: AsyncSession) -> int:
    count = await session.scalar(select(func.count()).select_from(PermitVariant))
    await session.commit()  # import_path opens its own transaction
    return count or 0


VARIANTS_HEADER = "permit_type,action,offered,requirements,procedure,fee_rule,sla_days,note\n"


async def test_variants_are_updated_in_place(session: AsyncSession, tmp_path: Path) -> None:
    before = await _variant_count(session)  # the demo's variants are already there
    (tmp_path / "permit_variants.csv").write_text(
        VARIANTS_HEADER
        + "sip_dokter,perpanjangan,ya,KTP|SIP lama|STR,,,2,Ajukan 3 bulan sebelumnya.\n"
        + "nib,perpanjangan,false,,,,,Perbarui data di OSS.\n"
    )
    report = await import_path(session, tmp_path)
    assert report.ok, report.errors
    assert report.counts["permit_variants"] == 2
    assert await _variant_count(session) == before
    renewal = await _variant(session, "sip_dokter", "perpanjangan")
    assert renewal.requirements == ["KTP", "SIP lama", "STR"]
    assert (renewal.offered, renewal.sla_days, renewal.procedure) == (True, 2, None)
    assert renewal.note == "Ajukan 3 bulan sebelumnya."
    assert not (await _variant(session, "nib", "perpanjangan")).offered


async def test_a_new_permits_variants_come_from_one_json_file(
    session: AsyncSession, tmp_path: Path
) -> None:
    data = {
        "permit_types": [
            {
                "slug": "izin_keramaian",
                "name": "Izin Keramaian",
                "agency": "dpmptsp",
                "sla_days": 3,
                "requirements": ["KTP"],
                "validity_note": "Selama acara berlangsung.",
            }
        ],
        "permit_variants": [
            {"permit_type": "izin_keramaian", "action": "Perubahan", "offered": False},
            {"permit_type": "izin_keramaian", "action": "penggantian", "requirements": []},
        ],
    }
    source = tmp_path / "office.json"
    source.write_text(json.dumps(data))
    report = await import_path(session, source)
    assert report.ok, report.errors
    assert not (await _variant(session, "izin_keramaian", "perubahan")).offered
    assert (await _variant(session, "izin_keramaian", "penggantian")).requirements is None
    permit = await _permit(session, "izin_keramaian")
    assert (permit.validity_years, permit.validity_note) == (None, "Selama acara berlangsung.")


async def test_a_bad_variant_row_names_file_and_row_and_writes_nothing(
    session: AsyncSession, tmp_path: Path
) -> None:
    before = await _variant(session, "slf", "perpanjangan")
    kept = (before.requirements, before.sla_days)
    await session.commit()
    (tmp_path / "permit_variants.csv").write_text(
        VARIANTS_HEADER
        + "slf,perpanjangan,ya,KTP,,,1,\n"
        + "slf,perubahan,mungkin,,,,dua,\n"
        + 'pbg,penggantian,ya,,,"{kind: free}",,\n'
    )
    report = await import_path(session, tmp_path)
    assert not report.ok
    assert any(e.startswith("permit_variants.csv baris 3: offered:") for e in report.errors)
    assert any(e.startswith("permit_variants.csv baris 3: sla_days:") for e in report.errors)
    not_json = "permit_variants.csv baris 4: fee_rule: Value error, bukan JSON yang sah"
    assert not_json in report.errors
    after = await _variant(session, "slf", "perpanjangan")
    assert (after.requirements, after.sla_days) == kept


async def test_an_unknown_permit_in_a_variant_rolls_back_the_whole_import(
    session: AsyncSession, tmp_path: Path
) -> None:
    (tmp_path / "permit_types.csv").write_text(
        "slug,name,agency,sla_days,requirements\nizin_a,Izin A,dpmptsp,3,KTP\n"
    )
    (tmp_path / "permit_variants.json").write_text(
        json.dumps(
            [
                {"permit_type": "izin_a", "action": "perpanjangan"},
                {"permit_type": "izin_tidak_ada", "action": "perpanjangan"},
                {"permit_type": "izin_a", "action": "perpanjangan", "note": "lagi"},
            ]
        )
    )
    report = await import_path(session, tmp_path)
    assert report.errors == [
        "permit_variants.json baris 2: jenis izin 'izin_tidak_ada' tidak ada",
        "permit_variants.json baris 3: izin_a perpanjangan ganda",
    ]
    assert await session.scalar(select(PermitType).where(PermitType.slug == "izin_a")) is None


async def test_an_unknown_action_is_refused(session: AsyncSession, tmp_path: Path) -> None:
    (tmp_path / "permit_variants.csv").write_text(
        VARIANTS_HEADER + "pbg,baru,ya,,,,,\n" + "pbg,diperpanjang,ya,,,,,\n"
    )
    report = await import_path(session, tmp_path)
    assert report.errors == [
        f"permit_variants.csv baris {row}: action: Value error, harus perpanjangan, "
        "perubahan atau penggantian"
        for row in (2, 3)
    ]


async def test_bad_english_texts_name_file_and_row_and_write_nothing(
    session: AsyncSession, tmp_path: Path
) -> None:
    before = (await _permit(session, "slf")).english
    await session.commit()
    (tmp_path / "agencies.csv").write_text(
        'slug,name,short_name,english\ndpmptsp,DPMPTSP,DPMPTSP,"{name: x}"\n'
    )
    permit = {"agency": "dinas_pupr", "sla_days": 3, "requirements": ["KTP", "NPWP"]}
    (tmp_path / "permit_types.json").write_text(
        json.dumps(
            [
                {**permit, "slug": "slf", "name": "SLF", "english": {"name": "SLF"}},
                {**permit, "slug": "izin_a", "name": "Izin A", "english": {"nama": "A"}},
                {**permit, "slug": "izin_b", "name": "Izin B", "english": {"requirements": ["ID"]}},
                {
                    **permit,
                    "slug": "izin_c",
                    "name": "Izin C",
                    "fee_rule": {"kind": "flat", "amount": 10_000},
                    "english": {"fee_rows": ["flat"]},
                },
                {**permit, "slug": "izin_d", "name": "Izin D", "english": ["Permit D"]},
            ]
        )
    )
    (tmp_path / "permit_variants.csv").write_text(
        VARIANTS_HEADER.replace("note\n", "note,english\n")
        + 'slf,perubahan,ya,KTP,,,,,"{""requirements"": [""ID"", ""Tax ID""]}"\n'
        + 'slf,penggantian,ya,,,,,,"{""requirements"": [""ID""]}"\n'
        + 'slf,perpanjangan,ya,,,,,Segera.,"{""note"": ""Soon.""}"\n'
    )
    report = await import_path(session, tmp_path)
    assert sorted(report.errors) == [
        "agencies.csv baris 2: english: Value error, bukan JSON yang sah",
        "permit_types.json baris 2: english: Value error, kunci 'nama' tidak dikenal; "
        "yang boleh: name, requirements, procedure, fee_note, fee_rows, validity_note",
        "permit_types.json baris 3: english: Value error, requirements berisi 1 butir, "
        "sedangkan daftar berbahasa Indonesianya 2 butir",
        "permit_types.json baris 4: english: Value error, fee_rows berisi 1 butir, "
        "sedangkan daftar berbahasa Indonesianya 0 butir",
        "permit_types.json baris 5: english: Value error, harus objek JSON, "
        'misalnya {"name": "..."}',
        "permit_variants.csv baris 2: english: Value error, requirements berisi 2 butir, "
        "sedangkan daftar berbahasa Indonesianya 1 butir",
        "permit_variants.csv baris 3: english: Value error, requirements berisi 1 butir, "
        "sedangkan daftar berbahasa Indonesianya 0 butir",
    ]
    assert (await _permit(session, "slf")).english == before


async def test_a_reimport_keeps_the_columns_its_file_leaves_out(
    session: AsyncSession, tmp_path: Path
) -> None:
    """An office's back-office export has no validity or English columns: importing it
    updates what it holds and keeps the rest, except an English text whose Indonesian
    original it changed (that translation would now be wrong)."""
    assert (await import_path(session, EXAMPLE)).ok
    pbg = await _permit(session, "pbg")
    kept = (pbg.validity_note, pbg.procedure, pbg.fee_rule, pbg.legal_basis)
    english = dict(pbg.english)
    requirements = "|".join(pbg.requirements)
    header = "slug,name,agency,sla_days,requirements\n"
    await session.commit()  # import_path opens its own transaction

    (tmp_path / "permit_types.csv").write_text(
        header + f"pbg,{pbg.name},dinas_pupr,30,{requirements}\n", encoding="utf-8"
    )
    assert (await import_path(session, tmp_path)).ok
    pbg = await _permit(session, "pbg")
    assert pbg.sla_days == 30
    assert (pbg.validity_note, pbg.procedure, pbg.fee_rule, pbg.legal_basis) == kept
    assert pbg.english == english
    await session.commit()

    (tmp_path / "permit_types.csv").write_text(
        header + f"pbg,{pbg.name},dinas_pupr,30,{requirements}|Foto lokasi\n", encoding="utf-8"
    )
    assert (await import_path(session, tmp_path)).ok
    pbg = await _permit(session, "pbg")
    assert "requirements" not in pbg.english  # translated the old list
    assert pbg.english["name"] == english["name"]
    shown = permit_in(ENGLISH, await get_permit(session, "pbg"))
    assert shown.permit.name == english["name"]
    assert shown.permit.requirements[-1] == "Foto lokasi" and not shown.complete
