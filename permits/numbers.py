"""Public application numbers: PTSP-YYYY-XXXXXX, not sequential, not guessable."""

from __future__ import annotations

import re
import secrets
from random import Random

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud on the phone
# How people write the separators: spaces, dots, slashes, and the dashes phones and
# word processors substitute for "-". The number may be glued to the word before it
# ("noPTSP…") or followed by the suffix "-nya" ("PTSP-2025-7KQ4MZnya"); the code
# may be read off a receipt in two halves ("7KQ 4MZ").
_SEP = r"[\s.\-_/:#\u2010-\u2015\u2212]*"
_HALF = r"[\s\-\u2010-\u2015\u2212]?"
_LOOSE = re.compile(
    rf"PTSP{_SEP}(\d{{4}}){_SEP}([A-Z0-9]{{3}}){_HALF}([A-Z0-9]{{3}})(?=nya\b|[^A-Z0-9]|$)",
    re.IGNORECASE,
)


def _canonical(match: re.Match[str]) -> str:
    return f"PTSP-{match.group(1)}-{(match.group(2) + match.group(3)).upper()}"


def canonical_number(text: str) -> str | None:
    """`ptsp 2025 7kq4mz` → `PTSP-2025-7KQ4MZ`; None when the text holds no number."""
    match = _LOOSE.search(text)
    return None if match is None else _canonical(match)


def new_number(year: int, rng: Random | None = None) -> str:
    choice = rng.choice if rng is not None else secrets.choice
    return f"PTSP-{year}-" + "".join(choice(ALPHABET) for _ in range(6))


def find_numbers(text: str) -> list[tuple[int, int, str]]:
    """Every application number in the text: (start, end, canonical value)."""
    return [(match.start(), match.end(), _canonical(match)) for match in _LOOSE.finditer(text)]
