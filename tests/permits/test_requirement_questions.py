"""Yes/no questions about one requirement, answered from each permit's own list."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from permits.answers import requirement_question_answer
from permits.catalogue import get_permit
from permits.requirement_questions import requirement_question


@pytest.mark.parametrize(
    ("slug", "text", "document", "required"),
    [
        ("nib", "butuh NPWP gak buat NIB?", "NPWP", True),
        ("nib", "perlu akta notaris gak buat ngurus nib?", "akta pendirian", True),
        ("nib", "bikin nib harus punya sertifikat tanah?", "sertifikat tanah", False),
        ("pbg", "apakah PBG perlu bukti bayar PBB?", "bukti bayar PBB", True),
        ("pbg", "imb wajib lampirkan npwp ga?", "NPWP", False),
        ("reklame", "izin reklame butuh npwp?", "NPWP", True),
        ("sip_dokter", "SIP dokter perlu STR gak min", "STR", True),
        ("sip_dokter", "sip dokter harus bawa pas foto?", "pas foto", True),
        ("sip_bidan", "sipb perlu rekomendasi IBI?", "surat rekomendasi", True),
        ("izin_apotek", "izin apotek perlu denah ga?", "denah", True),
        ("izin_apotek", "apotek butuh ktp pemilik?", "KTP", False),
        ("izin_klinik", "klinik perlu amdal?", "dokumen lingkungan", True),
        ("izin_penelitian", "penelitian butuh surat pengantar?", "surat pengantar", True),
        ("izin_trayek", "trayek harus ada uji kir?", "uji KIR", True),
        ("slf", "slf perlu imb lama?", "PBG/IMB", True),
        ("tdup", "tdup wajib akta pendirian?", "akta pendirian", True),
    ],
)
async def test_each_permit_answers_yes_or_no_from_its_own_requirements(
    session: AsyncSession, slug: str, text: str, document: str, required: bool
) -> None:
    permit = await get_permit(session, slug)
    question = requirement_question(text, permit)
    assert question is not None
    assert [a.document for a in question.answers] == [document]
    answer = requirement_question_answer(question, permit)
    first_line, rest = answer.split("\n", 1)
    if required:
        assert first_line.startswith(f"Ya, {document} termasuk persyaratan {permit.name}")
        item = question.answers[0].item
        assert item in permit.requirements and f'"{item}"' in first_line
    else:
        assert first_line == f"Tidak, {document} tidak termasuk persyaratan {permit.name}."
    assert all(item in rest for item in permit.requirements)  # then the whole list


@pytest.mark.parametrize(
    "text",
    ["syarat NIB apa aja?", "persyaratan pbg", "syarat sip dokter apa saja min", "nib"],
)
async def test_a_request_for_the_list_is_no_yes_no_question(
    session: AsyncSession, text: str
) -> None:
    permit = await get_permit(session, "nib" if "nib" in text.lower() else "pbg")
    assert requirement_question(text, permit) is None


async def test_one_document_alone_is_not_enough_when_the_list_has_more(
    session: AsyncSession,
) -> None:
    permit = await get_permit(session, "pbg")
    question = requirement_question("ngurus pbg cukup pakai KTP aja bisa?", permit)
    assert question is not None and question.enough_alone
    answer = requirement_question_answer(question, permit)
    assert answer.startswith("Ya, KTP termasuk persyaratan")
    others = len(permit.requirements) - 1
    assert f"Tetapi itu saja belum cukup: masih ada {others} persyaratan lain." in answer


async def test_the_permit_asked_about_is_not_read_as_a_document_it_needs(
    session: AsyncSession,
) -> None:
    permit = await get_permit(session, "nib")
    question = requirement_question("perlu apa aja buat bikin NIB? npwp perlu?", permit)
    assert question is not None
    assert [a.document for a in question.answers] == ["NPWP"]
    assert not question.enough_alone  # "apa aja" asks for the list, not "only"


async def test_an_edited_requirement_list_changes_the_answer(session: AsyncSession) -> None:
    permit = await get_permit(session, "pbg")
    permit.requirements.append("Fotokopi NPWP pemohon")
    question = requirement_question("pbg perlu npwp?", permit)
    assert question is not None
    assert question.answers[0].item == "Fotokopi NPWP pemohon"
