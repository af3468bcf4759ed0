"""Which messages only name another permit, keeping the question before them."""

from __future__ import annotations

import re

import pytest

from permits.follow_ups import (
    only_names_another_permit,
    opens_a_follow_up,
    words_naming_a_permit,
)


def spans_of(text: str, name: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(re.escape(name), text, re.IGNORECASE)]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("kalau PBG?", "PBG"),
        ("kalo yg reklame gmn kak", "reklame"),
        ("terus untuk izin apotek?", "apotek"),
        ("trus sip dokter?", "sip dokter"),
        ("how about NIB?", "NIB"),
        ("and for SLF?", "SLF"),
        ("what about the billboard permit?", "billboard permit"),
    ],
)
def test_a_permit_and_connecting_words_only_is_a_follow_up(text: str, name: str) -> None:
    assert only_names_another_permit(text, spans_of(text, name))


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("kalau PBG biayanya?", "PBG"),
        ("cara daftar reklame gimana", "reklame"),
        ("syarat nib", "nib"),
        ("kalau PBG?", "NIB"),  # the permit is not where the model said: nothing is taken out
    ],
)
def test_a_message_that_asks_something_is_not(text: str, name: str) -> None:
    assert not only_names_another_permit(text, spans_of(text, name))


@pytest.mark.parametrize(
    ("text", "name", "opens"),
    [
        ("kalau PBG?", "PBG", True),
        ("yg reklame gmn kak", "reklame", True),
        ("how about NIB?", "NIB", True),
        ("PBG gimana?", "PBG", False),  # may be the first question: how to get a PBG
        ("reklame", "reklame", False),  # a permit alone, an answer to a question
        ("kalau PBG sudah jadi kabari ya", "PBG", False),
    ],
)
def test_a_follow_up_opens_with_kalau_yang_or_how_about(text: str, name: str, opens: bool) -> None:
    assert opens_a_follow_up(text, spans_of(text, name)) is opens


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("syarat izin tambang emas", "tambang emas"),
        ("Biaya ijin usaha tambak udang berapa?", "tambak udang"),
        ("syarat izin apa aja", ""),
        ("izin bertanya min, biayanya berapa?", ""),
        ("syarat izin tadi apa lagi", ""),
        ("biayanya berapa kak", ""),
    ],
)
def test_the_words_after_izin_say_which_permit_or_nothing(text: str, named: str) -> None:
    assert words_naming_a_permit(text) == named
