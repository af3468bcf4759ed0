"""Finds permit names in free text, tolerating typos: the logic of PermitGazetteer.

Standard library only: the Rasa engine (Python 3.10) imports it, and so do the
app's tests.

Typos are forgiven word by word, never on a phrase as a whole: "surat izin praktik
dokter" is one word away from "surat izin praktik apoteker", and that word is the
permit. A word is corrected only when it is long enough to hold a typo and is not a
word people write on purpose (`known_words`, the vocabulary of the training data):
"siapa" is not a typo of "sipa", nor "bidang" of "bidan".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from nlu.lexicon import normalize

TOKEN = re.compile(r"[^\s.,!?;:()\"']+")
_POSSESSIVE = re.compile(r"(?<=[a-z]{4})(nya|ku|mu)$")  # "izin usahanya" names "izin usaha"
_MIN_TYPO_CHARS = 5  # shorter words (sip, imb, izin, oss) match only as written
_WORD_RATIO = 0.8
_MIN_GLUED_CHARS = 6  # a name found inside a longer run of letters ("brpbiayareklame")
_MIN_GLUED_TOKEN = 10
_MAX_WORDS = 5
_REMEMBERED_PHRASES = 50_000  # a few MB at most; beyond it phrases are read each time
# Words that say what the applicant wants to do with a permit, not which permit.
_FILLER = frozenset({"buka", "membuka", "bikin", "membuat", "buat", "mau", "urus", "ngurus"})


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    text: str
    value: str


def normalise(text: str) -> str:
    """Lower case, each word in its standard form ("ijin" → "izin", "izin2" → "izin"),
    without a possessive suffix."""
    words = (normalize(word) for word in text.lower().replace("-", " ").split())
    return " ".join(_POSSESSIVE.sub("", word) for word in " ".join(words).split())


@lru_cache(maxsize=65536)
def _similarity(word: str, name_word: str) -> float:
    return SequenceMatcher(None, word, name_word).ratio()


class Gazetteer:
    def __init__(self, names: dict[str, str], known_words: Iterable[str] = ()) -> None:
        """names: permit name or alias (any case) → canonical slug. known_words: words
        written on purpose, never read as a typo of a name's word."""
        self.names = {normalise(name): slug for name, slug in names.items() if normalise(name)}
        self.known_words = frozenset(normalise(" ".join(known_words)).split())
        self._by_words: dict[int, list[tuple[list[str], str]]] = {}
        self._glued: dict[str, str] = {}
        self._vocabulary: dict[str, set[str]] = {}
        for name, slug in self.names.items():
            words = name.split()
            self._by_words.setdefault(len(words), []).append((words, slug))
            self._vocabulary.setdefault(slug, set()).update(words)
            if len(words) > 1 or len(name) >= _MIN_GLUED_CHARS:
                self._glued["".join(words)] = slug
        # A phrase always reads the same, and applicants use the same few hundred words:
        # remembering each phrase's answer spares find() a pass over every name per
        # window of every message (it was the gazetteer's cost under load).
        self._known_phrases: dict[str, str | None] = {}

    @property
    def slugs(self) -> set[str]:
        return set(self.names.values())

    def lookup(self, phrase: str) -> str | None:
        """The slug of one name: as written, glued ("sertifikatlaikfungsi"), or with
        typos in its longer words."""
        return self._lookup(normalise(phrase))

    def guess(self, phrase: str) -> str | None:
        """The slug whose names use every word of a phrase that names no permit exactly
        ("kesesuaian pemanfaatan ruang", "buka praktik dokter", "usaha pariwisata"):
        for spans DIET tagged as a permit. Two words at least, one permit only."""
        words = normalise(phrase).split()
        wanted = [word for word in words if word not in _FILLER]
        if len(words) < 2 or not wanted:
            return None
        slugs = [
            slug
            for slug, vocabulary in self._vocabulary.items()
            if all(any(self._same_word(w, known) for known in vocabulary) for w in wanted)
        ]
        return slugs[0] if len(slugs) == 1 else None

    def _lookup(self, phrase: str) -> str | None:
        if phrase in self._known_phrases:
            return self._known_phrases[phrase]
        slug = self._read(phrase)
        if len(self._known_phrases) < _REMEMBERED_PHRASES:
            self._known_phrases[phrase] = slug
        return slug

    def _read(self, phrase: str) -> str | None:
        if phrase in self.names:
            return self.names[phrase]
        words = phrase.split()
        glued = self._glued.get("".join(words))
        if glued is not None:
            return glued
        best, best_score = None, 0.0
        for name_words, slug in self._by_words.get(len(words), []):
            score = self._words_score(words, name_words)
            if score > best_score:
                best, best_score = slug, score
        return best

    def _words_score(self, words: list[str], name_words: list[str]) -> float:
        """Mean similarity when every word matches its name word, else 0."""
        total = 0.0
        for word, name_word in zip(words, name_words, strict=True):
            if word == name_word:
                total += 1.0
            elif self._may_be_typo(word, name_word):
                ratio = _similarity(word, name_word)
                if ratio < _WORD_RATIO:
                    return 0.0
                total += ratio
            else:
                return 0.0
        return total / len(words)

    def _may_be_typo(self, word: str, name_word: str) -> bool:
        return (
            min(len(word), len(name_word)) >= _MIN_TYPO_CHARS
            and abs(len(word) - len(name_word)) <= 2
            and word not in self.known_words
        )

    def _same_word(self, word: str, name_word: str) -> bool:
        if word == name_word:
            return True
        return self._may_be_typo(word, name_word) and _similarity(word, name_word) >= _WORD_RATIO

    def _inside_glued(self, token: str) -> str | None:
        """The longest name written inside a run of letters without spaces."""
        found = [name for name in self._glued if len(name) >= _MIN_GLUED_CHARS and name in token]
        return self._glued[max(found, key=len)] if found else None

    def find(self, text: str) -> list[Match]:
        """Longest matches first, left to right, without overlaps."""
        tokens = [(m.start(), m.end(), m.group().lower()) for m in TOKEN.finditer(text)]
        # normalise works word by word, so each token is normalised once, not per window.
        normalised = [normalise(token) for _, _, token in tokens]
        taken = [False] * len(tokens)
        found: list[Match] = []
        for size in range(min(_MAX_WORDS, len(tokens)), 0, -1):
            for first in range(len(tokens) - size + 1):
                window = range(first, first + size)
                if any(taken[i] for i in window):
                    continue
                slug = self._lookup(" ".join(normalised[i] for i in window if normalised[i]))
                if slug is None and size == 1 and len(tokens[first][2]) >= _MIN_GLUED_TOKEN:
                    slug = self._inside_glued(tokens[first][2])
                if slug is None:
                    continue
                start, end = tokens[first][0], tokens[first + size - 1][1]
                found.append(Match(start, end, text[start:end], slug))
                for i in window:
                    taken[i] = True
        return sorted(found, key=lambda match: match.start)


# "SIP" and "izin praktik" name a practice permit; the profession in the message says which.
_PRACTICE = frozenset({"sip", "izin praktik", "surat izin praktik"})
_PROFESSIONS = {
    "dokter": "sip_dokter",
    "drg": "sip_dokter",
    "doctor": "sip_dokter",
    "bidan": "sip_bidan",
    "midwife": "sip_bidan",
    "perawat": "sip_perawat",
    "ners": "sip_perawat",
    "nurse": "sip_perawat",
    "apoteker": "sipa",
    "pharmacist": "sipa",
}


def practice_permit(text: str, slugs: set[str]) -> str | None:
    """The practice permit of the one profession the text names, if it names one."""
    words = set(normalise(" ".join(m.group() for m in TOKEN.finditer(text))).split())
    found = {slug for word, slug in _PROFESSIONS.items() if word in words and slug in slugs}
    return found.pop() if len(found) == 1 else None


def _resolved(value: str, text: str, gazetteer: Gazetteer) -> str | None:
    if value in gazetteer.slugs:
        return value
    slug = gazetteer.lookup(value)
    if slug is None and normalise(value) in _PRACTICE:
        # Before guessing: "surat izin praktik" is in every practice permit's name.
        slug = practice_permit(text, gazetteer.slugs)
    return slug or gazetteer.guess(value)


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
        slug = _resolved(str(entity["value"]), text, gazetteer)
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
