"""Public application numbers: PTSP-YYYY-XXXXXX, not sequential, not guessable."""

from __future__ import annotations

import re
import secrets
from random import Random

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud on the phone
# How people write the separators: spaces, dots, slashes, the dashes phones and word
# processors substitute for "-", and the zero-width characters a copy from a PDF or a
# chat app leaves behind. The number may be glued to the word before it ("noPTSP…")
# or followed by the suffix "-nya" ("PTSP-2025-7KQ4MZnya"); the code may be read off a
# receipt in two halves ("7KQ 4MZ").
_INVISIBLE = "\u200b-\u200d\u2060\ufeff"
_DASH = "\\-\u2010-\u2015\u2212"
_SEP = rf"[\s._/:#{_DASH}{_INVISIBLE}]*"
_HALF = rf"[\s{_DASH}{_INVISIBLE}]?"
_END = r"(?=nya\b|[^A-Z0-9]|$)"
_LOOSE = re.compile(
    rf"PTSP{_SEP}(\d{{4}}){_SEP}([A-Z0-9]{{3}}){_HALF}([A-Z0-9]{{3}}){_END}", re.IGNORECASE
)
# Without the "PTSP" the year and the code are still unmistakable ("nomor 2025-N4B7QP")
# when joined by a dash or slash and the code mixes letters and digits, as every
# issued code does but words and other numbers do not.
_BARE = re.compile(
    rf"(?<![A-Z0-9])(20\d{{2}})[{_DASH}/](?=[A-Z]*\d)(?=\d*[A-Z])([A-Z0-9]{{3}})([A-Z0-9]{{3}}){_END}",
    re.IGNORECASE,
)


def _canonical(match: re.Match[str]) -> str:
    return f"PTSP-{match.group(1)}-{(match.group(2) + match.group(3)).upper()}"


def canonical_number(text: str) -> str | None:
    """`ptsp 2025 7kq4mz` → `PTSP-2025-7KQ4MZ`; None when the text holds no number."""
    found = find_numbers(text)
    return found[0][2] if found else None


def new_number(year: int, rng: Random | None = None) -> str:
    choice = rng.choice if rng is not None else secrets.choice
    return f"PTSP-{year}-" + "".join(choice(ALPHABET) for _ in range(6))


def find_numbers(text: str) -> list[tuple[int, int, str]]:
    """Every application number in the text, in order: (start, end, canonical value)."""
    found = [(m.start(), m.end(), _canonical(m)) for m in _LOOSE.finditer(text)]
    for match in _BARE.finditer(text):
        if all(match.end() <= start or match.start() >= end for start, end, _ in found):
            found.append((match.start(), match.end(), _canonical(match)))
    return sorted(found)
