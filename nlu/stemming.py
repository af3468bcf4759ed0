"""Indonesian stems with Sastrawi (Nazief-Adriani rules with a root-word dictionary).

Sastrawi's own cache grows with every distinct word it ever sees; a bounded LRU
cache in front of its uncached stemmer keeps a long-running Rasa process flat.
"""

from __future__ import annotations

from functools import lru_cache

from Sastrawi.Stemmer.StemmerFactory import StemmerFactory


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    return StemmerFactory().create_stemmer().delegatedStemmer


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """The stem of one word; the word itself when Sastrawi leaves nothing (numbers, codes)."""
    return str(_stemmer().stem(word)) or word


def stem_phrase(text: str) -> str:
    """Stems of a lemma that may hold two words ("terima kasih")."""
    return " ".join(stem(word) for word in text.split())
