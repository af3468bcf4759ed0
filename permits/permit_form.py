"""The permit editor's form: what it shows, and the administrator's text read back.

Edits arrive as the form's text (one item per line, amounts as Indonesians write
them: "1.500.000", "0,8") and are checked here, every problem at once, with the
fee rule validated by permits.fees.FeeRule itself. The English texts for foreign
investors are optional and checked against the Indonesian ones (permits.english_form).
Saving is permits.catalogue_admin.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, get_args

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from permits.amounts import (
    AMOUNT_INVALID,
    format_amount,
    format_decimal,
    parse_amount,
    parse_decimal,
)
from permits.catalogue import PermitInfo, permit_info, permit_names
from permits.english_form import EnglishForm, lines_of, text_of
from permits.faq_admin import InvalidEdit, split_lines
from permits.fees import FeeRule
from permits.lifecycle_form import CleanLifecycle, VariantDraft, clean_lifecycle, variant_drafts_of
from permits.models import Agency, PermitType

MIN_SLA_DAYS, MAX_SLA_DAYS = 1, 365
MAX_NAME = 200
MAX_ITEM = 500  # one alias, requirement or procedure step
MAX_NOTE = 1000  # an English fee or validity note

# Every kind FeeRule knows, as the form offers it (a test keeps the two in step).
FEE_KINDS: dict[str, str] = {
    "free": "Gratis (tidak dipungut biaya)",
    "flat": "Biaya tetap",
    "pbg_retribution": "Retribusi PBG (luas × indeks fungsi × harga satuan × koefisien)",
    "table": "Daftar tarif (satu tarif per baris)",
}
SUPPORTED_FEE_KINDS: tuple[str, ...] = get_args(FeeRule.model_fields["kind"].annotation)


# --- the permit as the editor shows it -----------------------------------------


@dataclass(frozen=True, kw_only=True)
class PermitView(PermitInfo):
    """A permit as the editor shows it: what answers use, plus its agency's code and state."""

    agency_slug: str
    active: bool

    @property
    def fee_text(self) -> str:
        """The fee as applicants read it."""
        return self.fee.describe()


def permit_view(permit: PermitType) -> PermitView:
    info = permit_info(permit)
    shared = {f.name: getattr(info, f.name) for f in fields(info)}
    return PermitView(**shared, agency_slug=permit.agency.slug, active=permit.active)


# --- the edit form ---------------------------------------------------------------


@dataclass(frozen=True)
class PermitDraft:
    """A permit type as the administrator typed it; lists one item per line, fee table
    rows as "keterangan = nominal"."""

    name: str
    aliases: str
    requirements: str
    procedure: str
    fee_kind: str
    sla_days: str
    legal_basis: str
    agency: str  # the agency's slug
    fee_amount: str = ""
    fee_unit_cost: str = ""
    fee_coefficient: str = ""
    fee_rows: str = ""
    fee_note: str = ""
    keywords: str = ""
    validity_years: str = ""
    validity_note: str = ""
    variants: dict[str, VariantDraft] = field(default_factory=dict)  # by action
    # English texts (empty: not translated); lists one item per line like the Indonesian
    en_name: str = ""
    en_requirements: str = ""
    en_procedure: str = ""
    en_fee_note: str = ""
    en_fee_rows: str = ""  # the fee table's labels, one per row
    en_validity_note: str = ""

    @classmethod
    def of(cls, permit: PermitView) -> PermitDraft:
        """The form as it opens: the permit's current values."""
        fee, english = permit.fee, permit.english
        return cls(
            name=permit.name,
            aliases="\n".join(permit.aliases),
            keywords="\n".join(permit.keywords),
            requirements="\n".join(permit.requirements),
            procedure="\n".join(permit.procedure),
            fee_kind=fee.kind,
            sla_days=str(permit.sla_days),
            legal_basis=permit.legal_basis,
            agency=permit.agency_slug,
            fee_amount=format_amount(fee.amount) if fee.kind == "flat" else "",
            fee_unit_cost=format_amount(fee.unit_cost) if fee.kind == "pbg_retribution" else "",
            fee_coefficient=format_decimal(fee.coefficient),
            fee_rows="\n".join(f"{row.label} = {format_amount(row.amount)}" for row in fee.rows),
            fee_note=fee.note,
            validity_years=str(permit.validity_years or ""),
            validity_note=permit.validity_note,
            variants=variant_drafts_of(permit),
            en_name=text_of(english, "name"),
            en_requirements=lines_of(english, "requirements"),
            en_procedure=lines_of(english, "procedure"),
            en_fee_note=text_of(english, "fee_note"),
            en_fee_rows=lines_of(english, "fee_rows"),
            en_validity_note=text_of(english, "validity_note"),
        )


def _fee_rows(text: str, errors: dict[str, str]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for number, line in enumerate(split_lines(text), 1):
        label, separator, amount_text = line.rpartition("=")
        amount = parse_amount(amount_text)
        if not separator or not label.strip() or amount is None:
            errors["fee_rows"] = (
                f"Baris tarif ke-{number} harus berbentuk “keterangan = nominal”, "
                "misalnya “baliho per tahun = 1.800.000”."
            )
            return []
        rows.append({"label": label.strip(), "amount": amount})
    if not rows:
        errors["fee_rows"] = "Tulis minimal satu tarif, satu per baris."
    return rows


def _fee_fields(draft: PermitDraft, errors: dict[str, str]) -> dict[str, Any]:
    """The fields of the chosen kind, read from the form; problems go into `errors`."""
    fields: dict[str, Any] = {"kind": draft.fee_kind, "note": " ".join(draft.fee_note.split())}
    if draft.fee_kind == "flat":
        amount = parse_amount(draft.fee_amount)
        if amount is None or amount <= 0:
            errors["fee_amount"] = (
                AMOUNT_INVALID + " Bila tidak dipungut biaya, pilih “Gratis”."
                if amount is not None
                else AMOUNT_INVALID
            )
        fields["amount"] = amount
    elif draft.fee_kind == "pbg_retribution":
        unit_cost = parse_amount(draft.fee_unit_cost)
        if unit_cost is None or unit_cost <= 0:
            errors["fee_unit_cost"] = "Harga satuan per m² wajib diisi, misalnya 2.500.000."
        coefficient = parse_decimal(draft.fee_coefficient or "1")
        if coefficient is None or coefficient <= 0:
            errors["fee_coefficient"] = "Koefisien harus angka lebih dari 0, misalnya 0,8."
        fields.update(unit_cost=unit_cost, coefficient=coefficient)
    elif draft.fee_kind == "table":
        fields["rows"] = _fee_rows(draft.fee_rows, errors)
    return fields


def fee_rule_from(draft: PermitDraft) -> FeeRule:
    """The fee part of the form as a FeeRule, or InvalidEdit with what to fix."""
    if draft.fee_kind not in FEE_KINDS:
        raise InvalidEdit({"fee_kind": "Pilih jenis biaya dari daftar."})
    errors: dict[str, str] = {}
    fields = _fee_fields(draft, errors)
    if errors:
        raise InvalidEdit(errors)
    try:
        return FeeRule.model_validate(fields)
    except ValidationError:  # FeeRule has the last word on what a fee rule is
        raise InvalidEdit({"fee_kind": "Aturan biaya tidak sah; periksa isian biaya."}) from None


def stored_fee(rule: FeeRule) -> dict[str, Any]:
    """What PermitType.fee_rule keeps: only the fields that say something."""
    return rule.model_dump(exclude_defaults=True)  # "kind" has no default: always kept


# --- permit validation -------------------------------------------------------------


@dataclass(frozen=True)
class CleanPermit:
    name: str
    aliases: list[str]
    keywords: list[str]
    requirements: list[str]
    procedure: list[str]
    fee_rule: dict[str, Any]
    sla_days: int
    legal_basis: str
    agency_id: int
    lifecycle: CleanLifecycle
    english: dict[str, Any]  # what PermitType.english keeps: only the texts written


def _sla_error(text: str) -> str:
    value = text.strip()
    # isascii: str.isdigit also accepts '²', which int() refuses.
    if not (value.isascii() and value.isdigit()) or not MIN_SLA_DAYS <= int(value) <= MAX_SLA_DAYS:
        return f"Lama proses harus bilangan bulat {MIN_SLA_DAYS}–{MAX_SLA_DAYS} hari kerja."
    return ""


def _list_error(items: list[str], label: str, *, required: bool) -> str:
    if required and not items:
        return f"Tulis minimal satu {label}, satu per baris."
    if any(len(item) > MAX_ITEM for item in items):
        return f"Setiap {label} paling panjang {MAX_ITEM} karakter."
    return ""


async def _names_taken(session: AsyncSession, slug: str) -> dict[str, str]:
    """Every other permit type's names (case-folded) → that permit's name."""
    others = (await session.scalars(select(PermitType).where(PermitType.slug != slug))).all()
    return {name.casefold(): other.name for other in others for name in permit_names(other)}


def _name_error(name: str, taken: dict[str, str]) -> str:
    if not name:
        return "Nama izin wajib diisi."
    if len(name) > MAX_NAME:
        return f"Nama izin paling panjang {MAX_NAME} karakter."
    owner = taken.get(name.casefold())
    return f"Nama itu sudah dipakai oleh {owner}." if owner else ""


def _aliases_error(aliases: list[str], taken: dict[str, str]) -> str:
    """A name another permit already answers to would make that name ambiguous."""
    listed = _list_error(aliases, "nama lain", required=False)
    if listed:
        return listed
    for alias in aliases:
        owner = taken.get(alias.casefold())
        if owner is not None:
            return f"Nama lain “{alias}” sudah dipakai oleh {owner}."
    return ""


async def clean_permit(session: AsyncSession, slug: str, draft: PermitDraft) -> CleanPermit:
    """The draft trimmed and checked; every problem is reported at once."""
    name = " ".join(draft.name.split())
    aliases = split_lines(draft.aliases)
    keywords = list(dict.fromkeys(word.lower() for word in split_lines(draft.keywords)))
    requirements = split_lines(draft.requirements)
    procedure = split_lines(draft.procedure)
    agency_id = await session.scalar(select(Agency.id).where(Agency.slug == draft.agency))
    taken = await _names_taken(session, slug)
    errors = {
        "name": _name_error(name, taken),
        "aliases": _aliases_error(aliases, taken),
        "keywords": _list_error(keywords, "kata kunci", required=False),
        "requirements": _list_error(requirements, "persyaratan", required=True),
        "procedure": _list_error(procedure, "langkah prosedur", required=True),
        "sla_days": _sla_error(draft.sla_days),
        "agency": "" if agency_id is not None else "Pilih instansi dari daftar.",
    }
    errors = {name: text for name, text in errors.items() if text}
    lifecycle, lifecycle_errors = clean_lifecycle(
        draft.validity_years, draft.validity_note, draft.variants
    )
    errors.update(lifecycle_errors)
    fee_rule: dict[str, Any] | None = None
    try:
        fee_rule = stored_fee(fee_rule_from(draft))
    except InvalidEdit as invalid:
        errors.update(invalid.errors)
    english = _english(draft, name, requirements, procedure, fee_rule, lifecycle.validity_note)
    errors.update(english.errors_beside(errors))
    if errors or agency_id is None or fee_rule is None:
        raise InvalidEdit(errors)
    return CleanPermit(
        name=name,
        aliases=aliases,
        keywords=keywords,
        requirements=requirements,
        procedure=procedure,
        fee_rule=fee_rule,
        sla_days=int(draft.sla_days.strip()),
        legal_basis=draft.legal_basis.strip(),
        agency_id=agency_id,
        lifecycle=lifecycle,
        english=english.english,
    )


def _english(
    draft: PermitDraft,
    name: str,
    requirements: list[str],
    procedure: list[str],
    fee_rule: dict[str, Any] | None,
    validity_note: str,
) -> EnglishForm:
    """The English texts checked against the cleaned Indonesian ones."""
    english = EnglishForm()
    english.text("name", draft.en_name, name, limit=MAX_NAME)
    english.items("requirements", draft.en_requirements, requirements, "persyaratan", MAX_ITEM)
    english.items("procedure", draft.en_procedure, procedure, "langkah prosedur", MAX_ITEM)
    if fee_rule is not None:  # a wrong fee rule has its own message
        english.text("fee_note", draft.en_fee_note, fee_rule.get("note", ""), limit=MAX_NOTE)
        if fee_rule["kind"] == "table":  # otherwise ignored, like the other kinds' fields
            labels = [row["label"] for row in fee_rule["rows"]]
            english.items("fee_rows", draft.en_fee_rows, labels, "baris tarif", MAX_ITEM)
    english.text("validity_note", draft.en_validity_note, validity_note, limit=MAX_NOTE)
    return english
