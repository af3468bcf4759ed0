"""The English texts of catalogue rows as administrators and imports write them.

Each row's `english` column holds the English versions of its texts by field name
(permits.english reads them when answering in English). What is stored is only what
was written: an empty text or list is an absent key, so the answer falls back to the
Indonesian text and says so. A list counts only when it has as many items as the
Indonesian one (a half-translated requirement list would mislead), so a list is
checked against its Indonesian list here, in the admin forms and in the import alike.
Lines of an English list are kept as typed, one item per line, without dropping
repeats: the n-th English line translates the n-th Indonesian item.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Literal

Kind = Literal["text", "list"]

# The texts each kind of row may carry in English, and which of them are lists.
AGENCY_ENGLISH: dict[str, Kind] = {"name": "text"}
PERMIT_ENGLISH: dict[str, Kind] = {
    "name": "text",
    "requirements": "list",
    "procedure": "list",
    "fee_note": "text",
    "fee_rows": "list",  # the fee table's labels, in the order of its rows
    "validity_note": "text",
}
VARIANT_ENGLISH: dict[str, Kind] = {"requirements": "list", "procedure": "list", "note": "text"}
FAQ_ENGLISH: dict[str, Kind] = {"title": "text", "answer": "text"}
SERVICE_ENGLISH: dict[str, Kind] = dict.fromkeys(("name", "office", "hours", "how"), "text")

PREFIX = "en_"  # a form's English fields: "en_requirements" beside "requirements"
WITHOUT_ORIGINAL = "Kosongkan, atau tulis dulu teksnya dalam bahasa Indonesia."


def stored(english: Mapping[str, Any]) -> dict[str, Any]:
    """A row's English texts without the empty ones (an empty text is no translation)."""
    return {key: value for key, value in english.items() if value not in ("", [], None)}


def text_of(english: Mapping[str, Any], key: str) -> str:
    """One English text as a form shows it."""
    value = english.get(key)
    return value if isinstance(value, str) else ""


def lines_of(english: Mapping[str, Any], key: str) -> str:
    """One English list as a form shows it, one item per line."""
    value = english.get(key)
    return "\n".join(str(item) for item in value) if isinstance(value, list) else ""


def english_lines(text: str) -> list[str]:
    """A list typed one item per line: trimmed, blank lines dropped, repeats kept."""
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def count_error(items: list[str], original: list[str], item: str) -> str:
    """Why an English list cannot stand for `original` ("" when it can); `item` names
    one Indonesian item in the message ("persyaratan", "langkah prosedur")."""
    if not items or len(items) == len(original):
        return ""
    if not original:
        return f"Kosongkan: belum ada {item} berbahasa Indonesia yang diterjemahkan."
    return (
        f"Tulis {len(original)} baris, satu untuk setiap {item} berbahasa Indonesia, "
        "atau kosongkan."
    )


class EnglishForm:
    """Collects one row's English texts from a form, with the problems by form field.

    `prefix` names the form fields: "en_" gives "en_name"; a permit variant's are
    "perpanjangan_en_requirements".
    """

    def __init__(self, prefix: str = PREFIX) -> None:
        self.prefix = prefix
        self.english: dict[str, Any] = {}
        self.errors: dict[str, str] = {}

    def text(
        self, key: str, typed: str, original: str, *, limit: int, multiline: bool = False
    ) -> None:
        """A text: one line (spaces collapsed) unless `multiline` (only trimmed)."""
        value = typed.strip() if multiline else " ".join(typed.split())
        if not value:
            return
        if not original:
            self.errors[self.prefix + key] = WITHOUT_ORIGINAL
        elif len(value) > limit:
            self.errors[self.prefix + key] = f"Paling panjang {limit} karakter."
        self.english[key] = value

    def items(self, key: str, typed: str, original: list[str], item: str, limit: int) -> None:
        """A list typed one item per line, as long as `original`."""
        items = english_lines(typed)
        if not items:
            return
        error = count_error(items, original, item)
        if not error and any(len(line) > limit for line in items):
            error = f"Setiap baris paling panjang {limit} karakter."
        if error:
            self.errors[self.prefix + key] = error
        self.english[key] = items

    def errors_beside(self, errors: Mapping[str, str]) -> dict[str, str]:
        """The English problems, except where the Indonesian field beside one has its own
        problem in `errors` (keyed like the form): that one is fixed first."""
        beside = self.prefix.removesuffix(
            PREFIX
        )  # "en_" → "", "perpanjangan_en_" → "perpanjangan_"
        return {
            name: text
            for name, text in self.errors.items()
            if beside + name.removeprefix(self.prefix) not in errors
        }


# --- the import --------------------------------------------------------------------


def imported(value: Any, kinds: Mapping[str, Kind]) -> dict[str, Any]:
    """An `english` value from an import: a JSON object (or its text, in CSV) of known
    keys, with texts and lists of texts; empty ones are dropped. ValueError (in
    Indonesian, as the import reports it) when it is anything else."""
    if isinstance(value, str):
        try:
            value = json.loads(value) if value.strip() else {}
        except json.JSONDecodeError:
            raise ValueError("bukan JSON yang sah") from None
    if not isinstance(value, dict):
        raise ValueError('harus objek JSON, misalnya {"name": "..."}')
    unknown = [key for key in value if key not in kinds]
    if unknown:
        raise ValueError(
            f"kunci {', '.join(map(repr, unknown))} tidak dikenal; yang boleh: {', '.join(kinds)}"
        )
    english: dict[str, Any] = {}
    for key, item in value.items():
        if kinds[key] == "text":
            if not isinstance(item, str):
                raise ValueError(f"{key} harus teks")
            english[key] = item.strip()
        else:
            if not isinstance(item, list) or not all(isinstance(line, str) for line in item):
                raise ValueError(f"{key} harus daftar teks")
            if any(not line.strip() for line in item):
                raise ValueError(f"{key} berisi butir kosong")
            english[key] = [" ".join(line.split()) for line in item]
    return stored(english)


def length_errors(
    english: Mapping[str, Any], originals: Mapping[str, list[str] | None]
) -> list[str]:
    """The imported lists that are not as long as their Indonesian lists, `originals` by
    key (None: the Indonesian list is itself wrong and reported, so not compared)."""
    errors = []
    for key, items in english.items():
        original = originals.get(key)
        if isinstance(items, list) and original is not None and len(items) != len(original):
            errors.append(
                f"{key} berisi {len(items)} butir, sedangkan daftar berbahasa Indonesianya "
                f"{len(original)} butir"
            )
    return errors
