"""The slang lexicon and the stemmer the engine's components use."""

from __future__ import annotations

import pytest

from nlu.lexicon import normalize
from nlu.stemming import stem_phrase


@pytest.mark.parametrize(
    ("typed", "standard"),
    [
        ("brp", "berapa"),
        ("Gmn", "bagaimana"),
        ("udh", "sudah"),
        ("blm", "belum"),
        ("piye", "bagaimana"),  # Javanese
        ("sabaraha", "berapa"),  # Sundanese
        ("kagak", "tidak"),  # Betawi
        ("syarat2", "syarat"),  # reduplication written with a 2
        ("halooo", "halo"),
        ("requirements", "syarat"),
        ("ijin", "izin"),
    ],
)
def test_slang_regional_and_english_words_get_their_standard_form(
    typed: str, standard: str
) -> None:
    assert normalize(typed) == standard


@pytest.mark.parametrize("word", ["kk", "no", "sim", "pbg", "ptsp-2025-7kq4mz"])
def test_words_with_another_meaning_here_are_left_alone(word: str) -> None:
    # "kk" is Kartu Keluarga, "no" the abbreviation of nomor, "sim" a licence.
    assert normalize(word) == word


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("persyaratannya", "syarat"),
        ("diperpanjang", "panjang"),
        ("perpanjangan", "panjang"),
        ("permohonannya", "mohon"),
        ("terima kasih", "terima kasih"),
    ],
)
def test_affixed_words_share_their_stem(word: str, stem: str) -> None:
    assert stem_phrase(word) == stem
