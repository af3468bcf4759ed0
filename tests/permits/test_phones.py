from __future__ import annotations

import re

import pytest

from permits.phones import STORED_PHONE, normalise_phone, phone_in

BUDI = "+6281234567890"


@pytest.mark.parametrize(
    "written",
    [
        "081234567890",
        "0812-3456-7890",
        "0812 3456 7890",
        "0812.3456.7890",
        "(0812) 3456-7890",
        "+62 812 3456 7890",
        "+62-812-3456-7890",
        "6281234567890",
        "+6281234567890",
    ],
)
def test_every_way_of_writing_a_number_reads_as_the_stored_form(written: str) -> None:
    assert normalise_phone(written) == BUDI


@pytest.mark.parametrize(
    "written",
    [
        "81234567890",  # no 0 or 62: cannot be told from other digits
        "+1 555 123 4567",  # not Indonesian
        "08123456",  # too short
        "0812345678901234",  # too long
        "",
    ],
)
def test_what_is_not_an_indonesian_number_is_refused(written: str) -> None:
    assert normalise_phone(written) is None


@pytest.mark.parametrize("written", ["081234567", "+628123456789012"])
def test_the_shortest_and_longest_numbers_are_kept(written: str) -> None:
    phone = normalise_phone(written)
    assert phone is not None and re.fullmatch(STORED_PHONE, phone)


def test_the_stored_form_is_what_the_rule_gives() -> None:
    assert re.fullmatch(STORED_PHONE, BUDI)
    assert not re.fullmatch(STORED_PHONE, "081234567890")


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("telp aja ke 0812-3456-7890 ya", BUDI),
        ("nomor saya +62 812 3456 7890, terima kasih", BUDI),
        ("6281234567890", BUDI),
        ("hubungi 0812 3456 7890 atau 0857 1111 2222", BUDI),
        ("nomor permohonan PTSP-2025-7KQ4MZ", None),
        ("jam 08.00 sampai 12", None),
        ("saya mau tanya syarat PBG", None),
    ],
)
def test_a_number_is_found_inside_a_message(text: str, found: str | None) -> None:
    assert phone_in(text) == found
