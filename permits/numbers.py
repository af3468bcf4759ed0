"""Public application numbers: PTSP-YYYY-XXXXXX, not sequential, not guessable."""

from __future__ import annotations

import re
import secrets
from random import Random

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud on the phone
_LOOSE = re.compile(r"\bPTSP[\s.\-_/]*(\d{4})[\s.\-_/]*([A-Z0-9]{6})\b", re.IGNORECASE)


def canonical_number(text: str) -> str | None:
    """`ptsp 2025 7kq4mz` → `PTSP-2025-7KQ4MZ`; None when the text holds no number."""
    match = _LOOSE.search(text)
    if match is None:
        return None
    return f"PTSP-{match.group(1)}-{match.group(2).upper()}"


def new_number(year: int, rng: Random | None = None) -> str:
    choice = rng.choice if rng is not None else secrets.choice
    return f"PTSP-{year}-" + "".join(choice(ALPHABET) for _ in range(6))


def find_numbers(text: str) -> list[tuple[int, int, str]]:
    """Every application number in the text: (start, end, canonical value)."""
    return [
        (match.start(), match.end(), f"PTSP-{match.group(1)}-{match.group(2).upper()}")
        for match in _LOOSE.finditer(text)
    ]
