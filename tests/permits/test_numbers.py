from __future__ import annotations

import pytest

from permits.numbers import canonical_number

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
    ],
)
def test_numbers_in_any_case_and_spacing(text: str) -> None:
    assert canonical_number(text) == LATE


@pytest.mark.parametrize(
    "text", ["PTSP-2025-7KQ4MZ2", "PTSP-2025-7KQ4", "PTSP-2025-7KQ4MZah", "PTSP-2025-7KQ 4MZ2"]
)
def test_a_longer_or_shorter_code_is_no_number(text: str) -> None:
    assert canonical_number(text) is None
