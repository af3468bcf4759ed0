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
# receipt in two halves ("7KQ 4MZ") or dictated one character at a time ("7 K Q 4 M Z"),
# and the year typed with the letter O for the zero ("2O25"): after "PTSP" nothing else
# can be meant.
_INVISIBLE = "\u200b-\u200d\u2060\ufeff"
_DASH = "\\-\u2010-\u2015\u2212"
_SEP = rf"[\s._/:#{_DASH}{_INVISIBLE}]*"
_GAP = rf"[\s{_DASH}{_INVISIBLE}]?"
_END = r"(?=nya\b|[^A-Z0-9]|$)"
_LOOSE = re.compile(
    rf"PTSP{_SEP}(2[0O]\d{{2}}){_SEP}([A-Z0-9](?:{_GAP}[A-Z0-9]){{5}}){_END}", re.IGNORECASE
)
# Without the "PTSP" the year and the code are still unmistakable ("nomor 2025-N4B7QP")
# when joined by a dash or slash and the code mixes letters and digits, as every
# issued code does but words and other numbers do not.
_BARE = re.compile(
    rf"(?<![A-Z0-9])(20\d{{2}})[{_DASH}/](?=[A-Z]*\d)(?=\d*[A-Z])([A-Z0-9]{{6}}){_END}",
    re.IGNORECASE,
)
_NOT_CODE = re.compile(r"[^A-Z0-9]")


def _canonical(match: re.Match[str]) -> str:
    year = match.group(1).upper().replace("O", "0")
    return f"PTSP-{year}-{_NOT_CODE.sub('', match.group(2).upper())}"


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
