"""Which language a message is in, and the catalogue's texts in it."""

from __future__ import annotations

import pytest

from permits.catalogue import PermitInfo
from permits.english import permit_in
from permits.fees import FeeRow, FeeRule
from permits.language import detect_language
from permits.lifecycle import PermitAction, Variant


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("how long does it take to get a building permit?", "en"),
        ("What documents do I need for a business license?", "en"),
        ("thank you", "en"),
        ("min brp hari ngurus imb?", "id"),
        ("mau apply NIB gimana caranya", "id"),  # English words in Indonesian
        ("makasih ya kak", "id"),
        ("PBG?", None),  # tells nothing: the conversation keeps its language
        ("PTSP-2025-H3D9XA", None),
        ("status permit saya", None),
        ('/ask_requirements{"permit_type": "nib"}', None),  # a button, not words
        ("hello, good morning", "en"),
    ],
)
def test_a_message_is_english_only_when_english_clearly_outweighs(
    text: str, language: str | None
) -> None:
    assert detect_language(text) == language


def _permit(english: dict[str, object]) -> PermitInfo:
    return PermitInfo(
        slug="reklame",
        name="Izin Penyelenggaraan Reklame",
        aliases=[],
        requirements=["Fotokopi KTP", "Desain reklame"],
        procedure=["Ajukan online", "Izin terbit"],
        fee=FeeRule(kind="table", rows=[FeeRow(label="baliho", amount=1_800_000)], note="Pajak"),
        sla_days=5,
        legal_basis="Perda",
        agency_name="Badan Pendapatan Daerah",
        variants={
            PermitAction.RENEWAL: Variant(
                PermitAction.RENEWAL, note="Bayar lagi", english={"note": "Pay again"}
            )
        },
        english=english,
    )


FULL = {
    "name": "Billboard Permit",
    "requirements": ["Copy of KTP", "Billboard design"],
    "procedure": ["Apply online", "Permit issued"],
    "fee_rows": ["billboard"],
    "fee_note": "Tax",
    "agency": "Regional Revenue Agency",
}


def test_an_english_permit_reads_every_text_in_english() -> None:
    localised = permit_in("en", _permit(FULL))
    permit = localised.permit
    assert localised.complete
    assert (permit.name, permit.requirements, permit.agency_name) == (
        "Billboard Permit",
        ["Copy of KTP", "Billboard design"],
        "Regional Revenue Agency",
    )
    assert [row.label for row in permit.fee.rows] == ["billboard"] and permit.fee.note == "Tax"
    assert permit.variants[PermitAction.RENEWAL].note == "Pay again"


def test_a_missing_or_partial_translation_keeps_the_indonesian_and_says_so() -> None:
    partial = {**FULL, "requirements": ["Copy of KTP"]}  # one of two items
    localised = permit_in("en", _permit(partial))
    assert not localised.complete
    assert localised.permit.requirements == ["Fotokopi KTP", "Desain reklame"]
    assert localised.permit.name == "Billboard Permit"


def test_indonesian_answers_ignore_the_english_texts() -> None:
    localised = permit_in("id", _permit(FULL))
    assert localised.complete and localised.permit.name == "Izin Penyelenggaraan Reklame"
