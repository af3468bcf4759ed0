"""Which language a message is written in: English, Indonesian, or no telling.

Foreign investors write in English; everyone else in Indonesian, often with English
words mixed in ("mau apply NIB", "status permit saya"). A message counts as English
only when English function words clearly outnumber Indonesian ones, so a mixed
message stays Indonesian; a message with neither ("PBG?", a number) tells nothing and
the conversation keeps the language it had.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

ENGLISH = "en"
INDONESIAN = "id"
LANGUAGES = (INDONESIAN, ENGLISH)
LANGUAGE_NAMES = {INDONESIAN: "Indonesia", ENGLISH: "Inggris"}  # as staff read them

_ENGLISH = """the a an is are was be do does did how what which where when who why can could
    would should will i i'm my me we our you your it its this that these those there
    to for of in on at with from about and or not no yes please thank thanks hello hi
    need get take takes long much many cost costs fee fees document documents permit
    permits license licence licenses business company apply application status
    required requirements require open opening hours office have has want know good
morning afternoon evening"""
_ENGLISH_WORDS = frozenset(_ENGLISH.split())
_INDONESIAN = """yang dan apa apakah saya sy aku kami kita anda berapa brp izin ijin syarat bikin
    gimana gmn bagaimana untuk utk di ke dari ada tidak gak ga nggak enggak mau bisa kak
    min pak bu mas mbak dong ya nya sudah udah belum blm biaya lama hari dengan dgn ini
    itu buat kalau kalo mohon tolong terima kasih makasih selamat pagi siang sore malam
    cara urus ngurus berapa kapan mana dimana kenapa juga atau perlu butuh harus"""
_INDONESIAN_WORDS = frozenset(_INDONESIAN.split())
_WORD = re.compile(r"[a-z']+")


def detect_language(text: str) -> str | None:
    """ENGLISH, INDONESIAN, or None when the message does not tell."""
    if text.lstrip().startswith("/"):
        return None  # a button's payload ("/ask_fee{...}"): the intent's name, not words
    words = _WORD.findall(text.lower())
    english = sum(word in _ENGLISH_WORDS for word in words)
    indonesian = sum(word in _INDONESIAN_WORDS for word in words)
    if english >= 2 and english > 2 * indonesian:
        return ENGLISH
    if indonesian >= 1 and indonesian >= english:
        return INDONESIAN
    return None


def language_of(texts_newest_first: Iterable[str], default: str = INDONESIAN) -> str:
    """A conversation's language, as the bot keeps it: that of the latest message that
    tells, else `default`."""
    for text in texts_newest_first:
        language = detect_language(text)
        if language is not None:
            return language
    return default
