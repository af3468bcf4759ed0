"""Complaints are categorised from their words, as applicants write them (slang, typos)."""

from __future__ import annotations

import pytest

from permits.complaint_categories import CATEGORY_LABELS, categorise, normalised
from permits.states import ComplaintCategory

INTEGRITY = [
    "ada calo minta duit di depan kantor",
    "petugas minta uang rokok",
    "sy dimintai 500rb biar cepet kelar",
    "ada pungli di loket 3",
    "katanya harus ada uang pelicin biar izinnya keluar",
    "percaloan merajalela di parkiran DPMPTSP",
    "oknum minta tf ke rekening pribadi",
    "petugas nawarin jalur orang dalam",
    "mau lapor gratifikasi",
    "disuruh kasih amplop ke petugas",
    # An integrity cue wins over everything else the message says.
    "udah 2 bulan blm jadi trus petugasnya minta duit",
]
TECHNICAL = [
    "web oss eror terus",
    "gk bisa login ke akun oss",
    "upload berkas gagal terus dari kemarin",
    "portalnya down min",
    "aplikasi errorr pas unggah dokumen",
    "lupa password akun sicantik",
    "Web OSS lambat bgt",  # a slow portal is technical, not a late application
]
DELAY = [
    "udah 2 bulan blm jadi",
    "izin sy gak kelar2 udh lewat SLA",
    "sudah 3 minggu permohonan belum selesai, di oss statusnya masih diproses",
    "PBG saya molor terus",
    "kenapa lama banget prosesnya",
    "berbulan-bulan tidak ada kabar",
]
SERVICE = [
    "petugas loket tidak ramah",
    "loket lama sekali",  # a slow counter is service
    "antri nunggu lama di loket",
    "nelpon cs gak diangkat2",
    "petugasnya judes bgt",
    "berkas saya ditolak terus padahal sudah lengkap",  # no cue: service
    "",
]


@pytest.mark.parametrize("text", INTEGRITY)
def test_bribes_levies_and_brokers_are_integrity_reports(text: str) -> None:
    assert categorise(text) == ComplaintCategory.INTEGRITAS


@pytest.mark.parametrize("text", TECHNICAL)
def test_portal_upload_and_login_trouble_is_technical(text: str) -> None:
    assert categorise(text) == ComplaintCategory.TEKNIS


@pytest.mark.parametrize("text", DELAY)
def test_applications_past_their_time_are_delays(text: str) -> None:
    assert categorise(text) == ComplaintCategory.KETERLAMBATAN


@pytest.mark.parametrize("text", SERVICE)
def test_service_and_anything_unrecognised_is_service(text: str) -> None:
    assert categorise(text) == ComplaintCategory.PELAYANAN


@pytest.mark.parametrize(
    "text",
    [
        "calon pemohon bingung",  # "calon" is not "calo"
        "biaya retribusi PBG berapa",  # a fee question names no levy
        "minta dijelaskan prosedurnya",  # asking for something other than money
    ],
)
def test_words_that_only_look_like_integrity_cues_are_not(text: str) -> None:
    assert categorise(text) != ComplaintCategory.INTEGRITAS


def test_slang_and_spelling_are_read_as_the_nlu_reads_them() -> None:
    assert normalised("Udh 2bln BLM jadiii, calo2 minta duit!!") == (
        "sudah 2 bulan belum jadi calo minta duit"
    )


def test_every_category_has_a_staff_label_and_integrity_comes_first() -> None:
    assert set(CATEGORY_LABELS) == set(ComplaintCategory)
    assert next(iter(CATEGORY_LABELS)) == ComplaintCategory.INTEGRITAS
    assert CATEGORY_LABELS[ComplaintCategory.INTEGRITAS] == "Integritas (pungli/calo)"
