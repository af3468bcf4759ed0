"""English texts as forms and imports write them: stored only when written, lists as long
as the Indonesian ones."""

from __future__ import annotations

from typing import Any

import pytest

from permits.english_form import (
    PERMIT_ENGLISH,
    VARIANT_ENGLISH,
    WITHOUT_ORIGINAL,
    EnglishForm,
    english_lines,
    imported,
    length_errors,
    lines_of,
    stored,
    text_of,
)

KTP_NPWP = ["Fotokopi KTP", "Fotokopi NPWP"]


def test_lines_are_trimmed_and_blank_ones_dropped_but_repeats_kept() -> None:
    # The n-th line translates the n-th item, so dropping a repeat would shift the rest.
    assert english_lines("  Copy of  KTP \n\n Copy \nCopy\n") == ["Copy of KTP", "Copy", "Copy"]


def test_empty_texts_are_not_stored() -> None:
    english: dict[str, Any] = {
        "name": "Building Approval",
        "fee_note": "",
        "fee_rows": [],
        "note": None,
    }
    assert stored(english) == {"name": "Building Approval"}


def test_a_form_shows_what_is_stored_and_nothing_for_the_rest() -> None:
    english = {"name": "Building Approval", "requirements": ["KTP", "NPWP"], "fee_rows": "x"}
    assert text_of(english, "name") == "Building Approval"
    assert lines_of(english, "requirements") == "KTP\nNPWP"
    assert (text_of(english, "fee_note"), lines_of(english, "fee_rows")) == ("", "")


def test_a_list_as_long_as_the_indonesian_one_is_kept() -> None:
    form = EnglishForm()
    form.items("requirements", "Copy of KTP\n\nCopy of NPWP\n", KTP_NPWP, "persyaratan", 500)
    form.text("name", "  Research  permit ", "Izin Penelitian", limit=200)
    assert form.errors == {}
    assert form.english == {
        "requirements": ["Copy of KTP", "Copy of NPWP"],
        "name": "Research permit",
    }


def test_a_list_of_another_length_says_how_many_lines_to_write() -> None:
    form = EnglishForm()
    form.items("requirements", "Copy of KTP", KTP_NPWP, "persyaratan", 500)
    assert form.errors == {
        "en_requirements": (
            "Tulis 2 baris, satu untuk setiap persyaratan berbahasa Indonesia, atau kosongkan."
        )
    }


def test_empty_fields_are_no_translation_and_no_error() -> None:
    form = EnglishForm()
    form.items("requirements", " \n ", KTP_NPWP, "persyaratan", 500)
    form.text("name", "   ", "Izin", limit=200)
    assert (form.english, form.errors) == ({}, {})


def test_a_translation_of_nothing_is_refused() -> None:
    form = EnglishForm(prefix="perpanjangan_en_")
    form.text("note", "Apply early.", "", limit=1000)
    form.items("requirements", "Old permit", [], "persyaratan", 500)
    assert form.errors["perpanjangan_en_note"] == WITHOUT_ORIGINAL
    assert form.errors["perpanjangan_en_requirements"].startswith("Kosongkan")


def test_long_texts_are_refused_and_multiline_answers_keep_their_lines() -> None:
    form = EnglishForm()
    form.text("title", "x" * 201, "Judul", limit=200)
    form.text("answer", " Open daily.\nClosed on Sunday. ", "Buka.", limit=4000, multiline=True)
    assert form.errors == {"en_title": "Paling panjang 200 karakter."}
    assert form.english["answer"] == "Open daily.\nClosed on Sunday."


def test_an_indonesian_field_with_its_own_problem_is_fixed_first() -> None:
    form = EnglishForm()
    form.items("requirements", "Copy of KTP", [], "persyaratan", 500)
    form.text("name", "Permit", "", limit=200)
    assert form.errors_beside({"requirements": "Tulis minimal satu persyaratan."}) == {
        "en_name": WITHOUT_ORIGINAL
    }


def test_an_import_takes_an_object_or_its_json_text_and_drops_empty_texts() -> None:
    text = '{"name": " Building Approval ", "fee_note": "", "requirements": ["KTP", "NPWP"]}'
    assert imported(text, PERMIT_ENGLISH) == {
        "name": "Building Approval",
        "requirements": ["KTP", "NPWP"],
    }
    assert imported({"note": "Apply early."}, VARIANT_ENGLISH) == {"note": "Apply early."}
    assert imported("", VARIANT_ENGLISH) == {}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("{name: x}", "bukan JSON yang sah"),
        ('["a"]', "harus objek JSON"),
        ('{"nama": "x"}', "kunci 'nama' tidak dikenal; yang boleh: name, requirements"),
        ('{"name": ["x"]}', "name harus teks"),
        ('{"requirements": "KTP"}', "requirements harus daftar teks"),
        ('{"requirements": ["KTP", 3]}', "requirements harus daftar teks"),
        ('{"requirements": ["KTP", " "]}', "requirements berisi butir kosong"),
    ],
)
def test_an_import_refuses_what_is_not_english_texts(value: str, message: str) -> None:
    with pytest.raises(ValueError, match="^" + message.replace("[", r"\[")):
        imported(value, PERMIT_ENGLISH)


def test_imported_lists_are_compared_with_the_indonesian_ones() -> None:
    english = {"requirements": ["KTP"], "procedure": ["Apply"], "name": "Permit"}
    originals = {"requirements": KTP_NPWP, "procedure": None}  # None: itself wrong
    assert length_errors(english, originals) == [
        "requirements berisi 1 butir, sedangkan daftar berbahasa Indonesianya 2 butir"
    ]
