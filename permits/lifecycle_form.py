"""The lifecycle part of the permit editor: validity, and for renewal, change and
replacement what differs from a new application.

Each action is one of three modes: not written down (no row: answers say so and
give the new application's facts), offered (a row; empty fields mean "as for a new
application") or not offered (PBG is not renewed; the note says what to do instead).
A variant's fee is free or a flat amount here; tables and PBG retribution for a
variant come through the import (docs/catalogue.md). A variant's requirements,
procedure and note may also be written in English (permits.english_form), each list
as long as the Indonesian one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from permits.amounts import AMOUNT_INVALID, format_amount, parse_amount
from permits.catalogue import PermitInfo
from permits.english_form import PREFIX, EnglishForm, lines_of, text_of
from permits.faq_admin import split_lines
from permits.fees import FeeRule
from permits.lifecycle import VARIANT_ACTIONS, PermitAction, Variant

MAX_VALIDITY_YEARS = 100
MAX_ITEM = 500
MAX_SLA_DAYS = 365
MAX_NOTE = 1000  # an English note

# The modes as the form offers them.
MODES = {
    "": "Belum dicatat (bot memakai ketentuan permohonan baru)",
    "ada": "Ada, dengan ketentuan di bawah",
    "tidak": "Tidak ada (mis. izin ini tidak diperpanjang)",
}
ACTION_TITLES = {
    PermitAction.RENEWAL: "Perpanjangan",
    PermitAction.CHANGE: "Perubahan data",
    PermitAction.REPLACEMENT: "Penggantian (hilang/rusak)",
}
VARIANT_FEE_KINDS = {
    "": "Sama dengan permohonan baru",
    "free": "Gratis",
    "flat": "Biaya tetap",
}
# A table or PBG retribution from the import, which this form cannot show: kept as it is.
KEPT = "kept"
VARIANT_FIELDS = (
    "mode",
    "requirements",
    "procedure",
    "fee_kind",
    "fee_amount",
    "sla_days",
    "note",
    "en_requirements",
    "en_procedure",
    "en_note",
)


@dataclass(frozen=True)
class VariantDraft:
    """One action's part of the form as the administrator typed it."""

    mode: str = ""
    requirements: str = ""
    procedure: str = ""
    fee_kind: str = ""
    fee_amount: str = ""
    sla_days: str = ""
    note: str = ""
    # English texts (empty: not translated), lists as long as the Indonesian ones
    en_requirements: str = ""
    en_procedure: str = ""
    en_note: str = ""

    @classmethod
    def of(cls, variant: Variant | None) -> VariantDraft:
        if variant is None:
            return cls()
        fee, english = variant.fee, variant.english
        return cls(
            mode="ada" if variant.offered else "tidak",
            requirements="\n".join(variant.requirements or []),
            procedure="\n".join(variant.procedure or []),
            fee_kind=_fee_kind(fee),
            fee_amount=format_amount(fee.amount) if fee and fee.kind == "flat" else "",
            sla_days=str(variant.sla_days or ""),
            note=variant.note,
            en_requirements=lines_of(english, "requirements"),
            en_procedure=lines_of(english, "procedure"),
            en_note=text_of(english, "note"),
        )


def _fee_kind(fee: FeeRule | None) -> str:
    if fee is None:
        return ""
    return fee.kind if fee.kind in VARIANT_FEE_KINDS else KEPT


def variant_drafts_of(permit: PermitInfo) -> dict[str, VariantDraft]:
    return {
        action.value: VariantDraft.of(permit.variants.get(action)) for action in VARIANT_ACTIONS
    }


def field_name(action: str, name: str) -> str:
    """The form field of one action's part: "perpanjangan_requirements"."""
    return f"{action}_{name}"


@dataclass(frozen=True)
class CleanLifecycle:
    validity_years: int | None
    validity_note: str
    # action → PermitVariant's fields; None where nothing is written down (no row)
    variants: dict[str, dict[str, Any] | None]


def clean_lifecycle(
    validity_years: str, validity_note: str, drafts: dict[str, VariantDraft]
) -> tuple[CleanLifecycle, dict[str, str]]:
    """The lifecycle fields checked; problems by form field (empty when none)."""
    errors: dict[str, str] = {}
    years = _whole_number(validity_years, 1, MAX_VALIDITY_YEARS)
    if years is None and validity_years.strip():
        errors["validity_years"] = (
            f"Masa berlaku ditulis dalam tahun, bilangan bulat 1–{MAX_VALIDITY_YEARS}; "
            "kosongkan bila tidak dibatasi tahun dan jelaskan di catatan."
        )
    variants = {
        action.value: _clean_variant(action.value, drafts.get(action.value, VariantDraft()), errors)
        for action in VARIANT_ACTIONS
    }
    note = " ".join(validity_note.split())
    return CleanLifecycle(years, note, variants), errors


def _clean_variant(
    action: str, draft: VariantDraft, errors: dict[str, str]
) -> dict[str, Any] | None:
    if draft.mode not in MODES:
        errors[field_name(action, "mode")] = "Pilih salah satu pilihan dari daftar."
        return None
    if not draft.mode:
        return None
    requirements, procedure = split_lines(draft.requirements), split_lines(draft.procedure)
    for name, items in (("requirements", requirements), ("procedure", procedure)):
        if any(len(item) > MAX_ITEM for item in items):
            errors[field_name(action, name)] = f"Setiap baris paling panjang {MAX_ITEM} karakter."
    sla_days = _whole_number(draft.sla_days, 1, MAX_SLA_DAYS)
    if sla_days is None and draft.sla_days.strip():
        errors[field_name(action, "sla_days")] = (
            f"Lama proses harus bilangan bulat 1–{MAX_SLA_DAYS} hari kerja, atau kosong."
        )
    note = " ".join(draft.note.split())
    english = EnglishForm(prefix=field_name(action, PREFIX))
    english.items("requirements", draft.en_requirements, requirements, "persyaratan", MAX_ITEM)
    english.items("procedure", draft.en_procedure, procedure, "langkah prosedur", MAX_ITEM)
    english.text("note", draft.en_note, note, limit=MAX_NOTE)
    errors.update(english.errors_beside(errors))
    variant: dict[str, Any] = {
        "offered": draft.mode == "ada",
        "requirements": requirements or None,
        "procedure": procedure or None,
        "sla_days": sla_days,
        "note": note,
        "english": english.english,
    }
    if draft.fee_kind != KEPT:  # without the key, the row keeps its fee rule
        variant["fee_rule"] = _variant_fee(action, draft, errors)
    return variant


def _variant_fee(action: str, draft: VariantDraft, errors: dict[str, str]) -> dict[str, Any] | None:
    if draft.fee_kind not in VARIANT_FEE_KINDS:  # KEPT never reaches here
        errors[field_name(action, "fee_kind")] = "Pilih jenis biaya dari daftar."
        return None
    if draft.fee_kind == "free":
        return {"kind": "free"}
    if draft.fee_kind == "flat":
        amount = parse_amount(draft.fee_amount)
        if amount is None or amount <= 0:
            errors[field_name(action, "fee_amount")] = AMOUNT_INVALID
            return None
        return FeeRule(kind="flat", amount=amount).model_dump(exclude_defaults=True)
    return None


def _whole_number(text: str, low: int, high: int) -> int | None:
    value = text.strip()
    # isascii: str.isdigit also accepts '²', which int() refuses.
    if value.isascii() and value.isdigit() and low <= int(value) <= high:
        return int(value)
    return None
