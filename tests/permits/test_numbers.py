from __future__ import annotations

import pytest

from permits.numbers import canonical_number, find_numbers

LATE = "PTSP-2025-7KQ4MZ"


@pytest.mark.parametrize(
    "text",
    [
        "PTSP-2025-7KQ4MZ",
        "ptsp 2025 7kq4mz",
        "ptsp.2025.7kq4mz",
        "no PTSP2025-7KQ4MZ ya",
        "PTSP\u20132025\u20137KQ4MZ",  # the en dash a phone's keyboard puts for "-"
        "nomorku:PTSP/2025/7kq4mz",
        "noPTSP-2025-7KQ4MZ",
        "PTSP-2025-7KQ4MZnya sudah sampai mana",
        "ptsp 2025 7kq 4mz",  # read off the receipt in two halves
        "PTSP-2025-7KQ-4MZ udah jadi?",
        "PTSP-2025-\u200b7KQ4MZ",  # a zero-width space left by a copy from a PDF
        "nomor permohonan 2025-7KQ4MZ sudah sampai mana?",  # the "PTSP" left out
        "no 2025/7kq4mz",
        "ptsp 2025 7 k q 4 m z",  # dictated one character at a time
        "PTSP-2O25-7KQ4MZ",  # the letter O typed for the zero of the year
    ],
)
def test_numbers_in_any_case_and_spacing(text: str) -> None:
    assert canonical_number(text) == LATE


@pytest.mark.parametrize(
    "text", ["periode 2024-2025", "tanggal 2025-12-03", "tahun 2025-ABCDEF", "kode 2025-123456"]
)
def test_a_year_and_a_word_or_number_are_no_application(text: str) -> None:
    assert canonical_number(text) is None


def test_every_number_of_a_message_in_order() -> None:
    text = "yang 2026-B7N2QX belum, kalau ptsp 2025 7kq4mz?"
    assert [value for _, _, value in find_numbers(text)] == ["PTSP-2026-B7N2QX", LATE]


@pytest.mark.parametrize(
    "text",
    [
        "PTSP-2025-7KQ4MZ2",
        "PTSP-2025-7KQ4",
        "PTSP-2025-7KQ4MZah",
        "PTSP-2025-7KQ 4MZ2",
        "PTSP 2025 7 K Q 4 M",
    ],
)
def test_a_longer_or_shorter_code_is_no_number(text: str) -> None:
    assert canonical_number(text) is None
