"""The message catalogue: complete, compiled, fields kept, and a language addable
without code (permits/texts.py)."""

from __future__ import annotations

import gettext
import io
import string
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from permits.answers import status_answer, status_line
from permits.status import StatusView
from permits.texts import DOMAIN, LOCALE_DIR, N_, _, catalogue, ngettext, speaking

ROOT = Path(__file__).resolve().parents[2]
Msgid = str | tuple[str, ...]


@cache
def texts_in_code() -> frozenset[Msgid]:
    """Every text the code marks, extracted as `make texts` does (babel.cfg)."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = extract_from_dir(str(ROOT), method_map, options_map)
    return frozenset(message for _, _, message, _, _ in found)


def singular(message: Msgid) -> str:
    return message if isinstance(message, str) else message[0]


def languages() -> list[str]:
    return sorted(path.name for path in LOCALE_DIR.iterdir() if path.is_dir())


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read(path: Path) -> Catalog:
    with path.open("rb") as po:
        return read_po(po)


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def translations(language: str) -> Iterator[tuple[str, str]]:
    """(msgid, msgstr) of every translated form; plural forms against the plural msgid."""
    for message in read(po_path(language)):
        if not message.id:
            continue
        if isinstance(message.id, str):
            assert isinstance(message.string, str)
            if message.string:
                yield message.id, message.string
            continue
        for form, text in enumerate(message.string):
            if text:
                yield message.id[min(form, 1)], text


def test_the_source_language_has_a_catalogue() -> None:
    assert "id" in languages()


@pytest.mark.parametrize("language", languages())
def test_every_text_of_the_code_is_in_the_catalogue_and_nothing_else(language: str) -> None:
    """Run `make texts` when this fails."""
    in_code = {singular(m) for m in texts_in_code()}
    in_po = {singular(m.id) for m in read(po_path(language)) if m.id}
    assert sorted(in_code - in_po) == [], "texts missing from the catalogue"
    assert sorted(in_po - in_code) == [], "texts no code uses any more"


def test_the_template_holds_every_text_of_the_code() -> None:
    template = {singular(m.id) for m in read(LOCALE_DIR / f"{DOMAIN}.pot") if m.id}
    assert template == {singular(m) for m in texts_in_code()}


@pytest.mark.parametrize("language", languages())
def test_the_compiled_catalogue_is_the_po_compiled(language: str) -> None:
    compiled = io.BytesIO()
    write_mo(compiled, read(po_path(language)))
    compiled.seek(0)
    expected = gettext.GNUTranslations(compiled)
    with po_path(language).with_suffix(".mo").open("rb") as mo:
        committed = gettext.GNUTranslations(mo)
    assert committed._catalog == expected._catalog  # type: ignore[attr-defined]


@pytest.mark.parametrize("language", languages())
def test_translations_keep_the_fields_of_their_text(language: str) -> None:
    for msgid, msgstr in translations(language):
        assert fields(msgstr) == fields(msgid), msgid


def test_every_text_is_a_valid_format_string() -> None:
    for message in texts_in_code():
        for text in (message,) if isinstance(message, str) else message:
            fields(text)  # raises ValueError on an unbalanced brace


def test_the_source_language_shows_the_code_s_text() -> None:
    assert _("Biaya {permit}: {fee}", permit="PBG", fee="gratis") == "Biaya PBG: gratis"
    assert ngettext("{count} hari kerja", "{count} hari kerja", 1, count=1) == "1 hari kerja"
    assert N_("tanpa terjemahan") == "tanpa terjemahan"


def test_a_language_is_added_by_its_compiled_catalogue_alone(tmp_path: Path) -> None:
    po = Catalog(locale="en", domain=DOMAIN)
    po.add("Biaya {permit}: {fee}", "{permit} costs {fee}")
    po.add(
        ("{count} hari kerja", "{count} hari kerja"),
        ("{count} working day", "{count} working days"),
    )
    mo_dir = tmp_path / "en" / "LC_MESSAGES"
    mo_dir.mkdir(parents=True)
    with (mo_dir / f"{DOMAIN}.mo").open("wb") as mo:
        write_mo(mo, po)
    english = catalogue("en", tmp_path)
    assert english.gettext("Biaya {permit}: {fee}", permit="PBG", fee="free") == "PBG costs free"
    assert english.ngettext("{count} hari kerja", "{count} hari kerja", 1, count=1) == (
        "1 working day"
    )
    assert english.ngettext("{count} hari kerja", "{count} hari kerja", 3, count=3) == (
        "3 working days"
    )
    # A text not yet translated reads in Indonesian rather than not at all.
    assert english.gettext("Pesan kosong. Silakan tulis pertanyaan Anda.") == (
        "Pesan kosong. Silakan tulis pertanyaan Anda."
    )
    po_text = io.BytesIO()
    write_po(po_text, po)  # what a translator would commit next to it
    assert b"working days" in po_text.getvalue()


def test_a_language_without_a_catalogue_shows_the_source_text() -> None:
    with speaking("xx"):
        assert _("Biaya {permit}: {fee}", permit="PBG", fee="gratis") == "Biaya PBG: gratis"


def test_a_status_answer_reads_as_before_the_catalogue() -> None:
    view = StatusView(
        number="PTSP-2025-AB3XYZ",
        permit_slug="pbg",
        permit_name="Persetujuan Bangunan Gedung (PBG)",
        status="diproses",
        status_label="Sedang diproses",
        stage="Verifikasi teknis",
        agency_name="Dinas PUPR",
        days_held=3,
        total_days=16,
        sla_days=14,
        is_late=True,
        days_late=2,
        finished=False,
        submitted_at=datetime(2025, 3, 1, 20, 0, tzinfo=UTC),  # 2 March in WIB
        due_at=None,
    )
    assert status_answer(view, ZoneInfo("Asia/Jakarta")) == (
        "Status permohonan PTSP-2025-AB3XYZ (Persetujuan Bangunan Gedung (PBG)):\n"
        "• Status: Sedang diproses\n"
        "• Tahap: Verifikasi teknis\n"
        "• Posisi berkas: Dinas PUPR\n"
        "• Diajukan: 2 Maret 2025\n"
        "⚠️ 3 hari kerja di tahap ini · total 16 dari SLA 14 hari kerja · terlambat 2 hari"
    )
    assert status_line(view) == (
        "• PTSP-2025-AB3XYZ (Persetujuan Bangunan Gedung (PBG)): Sedang diproses, "
        "Verifikasi teknis di Dinas PUPR — TERLAMBAT 2 hari kerja"
    )
