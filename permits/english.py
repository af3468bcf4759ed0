"""The catalogue's texts in the applicant's language.

Every catalogue row may carry English versions of its texts in its `english` column
(a JSON object by field name: a permit's "name", "requirements", "procedure",
"fee_note", "fee_rows", "validity_note"; a variant's "requirements", "procedure",
"note"; an FAQ topic's "title", "answer"; a service's "name", "office", "hours",
"how"; an agency's "name"). Where the office has not written one, the Indonesian
text is used and the answer says so in one line (UNTRANSLATED), never a blank.
A list counts as translated only when it has as many items as the Indonesian one:
a half-translated requirement list would be worse than the original.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from permits.catalogue import PermitInfo
from permits.fees import FeeRule
from permits.language import ENGLISH
from permits.lifecycle import Variant
from permits.texts import N_

UNTRANSLATED = N_(
    "Sebagian informasi ini belum tersedia dalam bahasa Inggris, jadi ditampilkan dalam "
    "bahasa Indonesia."
)


@dataclass
class Translating:
    """Reads texts from a row's `english` while answering in English (`active`),
    noting whether any was missing; otherwise gives the originals."""

    english: dict[str, Any]
    active: bool = True
    complete: bool = True

    @classmethod
    def in_language(cls, language: str, english: dict[str, Any]) -> Translating:
        return cls(english, active=language == ENGLISH)

    def text(self, field: str, original: str) -> str:
        if not original or not self.active:
            return original
        translated = self.english.get(field)
        if isinstance(translated, str) and translated.strip():
            return translated
        self.complete = False
        return original

    def items(self, field: str, original: list[str]) -> list[str]:
        if not original or not self.active:
            return original
        translated = self.english.get(field)
        if isinstance(translated, list) and len(translated) == len(original):
            return [str(item) for item in translated]
        self.complete = False
        return original


@dataclass(frozen=True)
class Localised:
    permit: PermitInfo
    complete: bool  # False: some text is shown in Indonesian


def permit_in(language: str, permit: PermitInfo) -> Localised:
    """`permit` with its texts in `language` where the office wrote them."""
    if language != ENGLISH:
        return Localised(permit, complete=True)
    reading = Translating(permit.english)
    variants = {action: _variant(variant, reading) for action, variant in permit.variants.items()}
    localised = replace(
        permit,
        name=reading.text("name", permit.name),
        requirements=reading.items("requirements", permit.requirements),
        procedure=reading.items("procedure", permit.procedure),
        fee=_fee(permit.fee, reading),
        validity_note=reading.text("validity_note", permit.validity_note),
        agency_name=reading.text("agency", permit.agency_name),
        variants=variants,
    )
    return Localised(localised, reading.complete)


def _variant(variant: Variant, permit_reading: Translating) -> Variant:
    reading = Translating(variant.english)
    localised = replace(
        variant,
        requirements=reading.items("requirements", variant.requirements or []) or None,
        procedure=reading.items("procedure", variant.procedure or []) or None,
        note=reading.text("note", variant.note),
    )
    permit_reading.complete = permit_reading.complete and reading.complete
    return localised


def _fee(fee: FeeRule, reading: Translating) -> FeeRule:
    labels = reading.items("fee_rows", [row.label for row in fee.rows])
    pairs = zip(fee.rows, labels, strict=True)
    rows = [row.model_copy(update={"label": label}) for row, label in pairs]
    return fee.model_copy(update={"note": reading.text("fee_note", fee.note), "rows": rows})


def field_in(language: str, english: dict[str, Any], field: str, original: str) -> tuple[str, bool]:
    """One text of a row (an FAQ answer) in `language`, and whether it is in it."""
    reading = Translating.in_language(language, english)
    return reading.text(field, original), reading.complete
