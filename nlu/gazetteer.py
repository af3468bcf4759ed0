"""Finds permit names in free text, tolerating typos: the logic of PermitGazetteer.

Standard library only: the Rasa engine (Python 3.10) imports it, and so do the
app's tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

_TOKEN = re.compile(r"[^\s.,!?;:()\"']+")
_MIN_FUZZY_CHARS = 4
_FUZZY_RATIO = 0.84
_MAX_WORDS = 5


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    text: str
    value: str


def normalise(text: str) -> str:
    return " ".join(text.lower().replace("-", " ").split())


class Gazetteer:
    def __init__(self, names: dict[str, str]) -> None:
        """names: permit name or alias (any case) → canonical slug."""
        self.names = {normalise(name): slug for name, slug in names.items() if normalise(name)}
        # One matcher per name: SequenceMatcher caches what it learns about its second
        # sequence, and every message compares many phrases with the same names.
        self._by_words: dict[int, list[tuple[str, SequenceMatcher[str]]]] = {}
        for name in self.names:
            matcher = SequenceMatcher(None, "", name)
            self._by_words.setdefault(len(name.split()), []).append((name, matcher))

    @property
    def slugs(self) -> set[str]:
        return set(self.names.values())

    def lookup(self, phrase: str) -> str | None:
        """The slug of one name, exactly or with a small typo."""
        return self._lookup(normalise(phrase))

    def _lookup(self, phrase: str) -> str | None:
        if phrase in self.names:
            return self.names[phrase]
        if len(phrase.replace(" ", "")) < _MIN_FUZZY_CHARS:
            return None
        best, best_ratio = None, _FUZZY_RATIO
        for name, matcher in self._by_words.get(len(phrase.split()), []):
            matcher.set_seq1(phrase)
            # The cheap upper bounds first: most names are far too different.
            if matcher.real_quick_ratio() < best_ratio or matcher.quick_ratio() < best_ratio:
                continue
            ratio = matcher.ratio()
            if ratio >= best_ratio:
                best, best_ratio = name, ratio
        return self.names[best] if best else None

    def find(self, text: str) -> list[Match]:
        """Longest matches first, left to right, without overlaps."""
        tokens = [(m.start(), m.end(), m.group().lower()) for m in _TOKEN.finditer(text)]
        taken = [False] * len(tokens)
        found: list[Match] = []
        for size in range(min(_MAX_WORDS, len(tokens)), 0, -1):
            for first in range(len(tokens) - size + 1):
                window = range(first, first + size)
                if any(taken[i] for i in window):
                    continue
                slug = self._lookup(normalise(" ".join(tokens[i][2] for i in window)))
                if slug is None:
                    continue
                start, end = tokens[first][0], tokens[first + size - 1][1]
                found.append(Match(start, end, text[start:end], slug))
                for i in window:
                    taken[i] = True
        return sorted(found, key=lambda match: match.start)


def reconcile(
    text: str, extracted: list[dict[str, object]], gazetteer: Gazetteer
) -> list[dict[str, object]]:
    """Permit entities to keep: the learned ones that name a real permit, then names the
    gazetteer finds elsewhere; spans naming no permit ("rumah") only if nothing else is
    found, so the answer can still say that permit is unknown. Each is a dict with
    entity, start, end, value; values are slugs where known.
    """
    resolved, unknown = [], []
    for entity in extracted:
        value = str(entity["value"])
        slug = value if value in gazetteer.slugs else gazetteer.lookup(value)
        if slug is None:
            unknown.append(entity)
        else:
            resolved.append({**entity, "value": slug})
    taken = [(int(str(e["start"])), int(str(e["end"]))) for e in resolved]
    for match in gazetteer.find(text):
        if all(match.end <= start or match.start >= end for start, end in taken):
            resolved.append(
                {
                    "entity": "permit_type",
                    "start": match.start,
                    "end": match.end,
                    "value": match.value,
                    "confidence": 1.0,
                }
            )
    return sorted(resolved, key=lambda e: int(str(e["start"]))) if resolved else unknown
