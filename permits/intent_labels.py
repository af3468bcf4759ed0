"""Intent names as staff read them: "Tanya syarat", "Cek status", "FAQ: jam layanan".

The NLU's names (ask_requirements, faq/jam_layanan) are identifiers; agents and
administrators see these labels instead, in the transcript, the suggestions, the
assist page, the inbox and the reports alike. FAQ topics are added by
administrators at any time, so they are labelled from their slug, which the FAQ
editor keeps as Indonesian words ("jam_layanan" → "FAQ: jam layanan"); the label
then needs no database and reads the same in a live transcript line as on a page.
An intent nobody labelled yet (a new one in the domain) reads as its words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

FAQ = "faq"
FAQ_PREFIX = FAQ + "/"

# Every intent of the domain (domain.yml), and Rasa's own fallback.
INTENT_LABELS: dict[str, str] = {
    "greet": "Salam",
    "goodbye": "Pamit",
    "thanks": "Terima kasih",
    "affirm": "Ya / setuju",
    "deny": "Tidak / menolak",
    "bot_challenge": "Tanya bot atau manusia",
    "ask_requirements": "Tanya syarat",
    "ask_fee": "Tanya biaya",
    "ask_duration": "Tanya lama proses",
    "ask_procedure": "Tanya prosedur",
    "check_status": "Cek status",
    "list_my_applications": "Daftar permohonan saya",
    "subscribe_updates": "Minta kabar status",
    "human_handoff": "Minta petugas",
    "complaint": "Pengaduan",
    "inform": "Memberi keterangan",
    "out_of_scope": "Di luar layanan",
    "ask_other_service": "Layanan instansi lain",
    FAQ: "FAQ (pertanyaan umum)",
    "nlu_fallback": "Tidak dipahami bot",
}
_SEPARATORS = re.compile(r"[_\-\s]+")
_VOWELS = frozenset("aeiou")


def readable(slug: str) -> str:
    """'jam_layanan' → 'jam layanan'; a word without vowels is an acronym ('lkpm' → 'LKPM')."""
    words = [word for word in _SEPARATORS.split(slug.strip()) if word]
    return " ".join(
        word.upper() if word.isalpha() and not _VOWELS & set(word.lower()) else word
        for word in words
    )


def intent_label(intent: str) -> str:
    """The plain-Indonesian label of an intent name, "faq/<topic>" included."""
    if intent.startswith(FAQ_PREFIX):
        topic = readable(intent.removeprefix(FAQ_PREFIX))
        return f"FAQ: {topic}" if topic else INTENT_LABELS[FAQ]
    known = INTENT_LABELS.get(intent)
    if known is not None:
        return known
    words = readable(intent)
    return words[:1].upper() + words[1:] if words else "Tidak diketahui"


def full_intent(intent: str | None, nlu: Mapping[str, Any] | None) -> str | None:
    """The intent of a stored message with its FAQ topic ("faq" → "faq/jam_layanan"):
    messages keep the intent and the response selector's topic apart."""
    topic = (nlu or {}).get("faq_topic")
    if intent == FAQ and topic:
        return FAQ_PREFIX + str(topic)
    return intent
