"""Imports an office's own catalogue and applications from CSV or JSON, all or nothing.

Input: a folder with agencies / permit_types / permit_variants / applications as .csv
or .json, or one .json file with those keys. Every row is validated first; if any
row is wrong nothing is written and every error is reported with its file and row.
A row updates the columns its file has; a column the file leaves out keeps what is
stored, an empty cell clears it (docs/catalogue.md).
In CSV, list columns (aliases, keywords, requirements, procedure) are separated by "|" and
fee_rule and english (the English texts, permits.english_form) are JSON text.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import (
    BaseModel,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from permits.english_form import (
    AGENCY_ENGLISH,
    PERMIT_ENGLISH,
    VARIANT_ENGLISH,
    imported,
    length_errors,
)
from permits.fees import FeeRule
from permits.lifecycle import VARIANT_ACTIONS
from permits.models import Agency, Application, ApplicationEvent, PermitType, PermitVariant
from permits.numbers import canonical_number
from permits.phones import STORED_PHONE
from permits.progress import StatusChange, apply_status_change
from permits.status import STATUS_LABELS
from permits.workdays import add_working_days


class _FileRow(BaseModel):
    """A row of an import file, which remembers the columns (JSON keys) the file had:
    a re-import updates what the file holds and keeps what it leaves out."""

    _columns: frozenset[str] = PrivateAttr(default=frozenset())

    def given(self, column: str) -> bool:
        return column in self._columns


_Row = TypeVar("_Row", bound=_FileRow)
KINDS = ("agencies", "permit_types", "permit_variants", "applications")
_YES, _NO = {"ya", "true"}, {"tidak", "false"}


class _Rejected(Exception):
    """Raised inside the import transaction to roll it back."""


class AgencyRow(_FileRow):
    slug: str = Field(min_length=1, max_length=60)
    name: str = Field(min_length=1)
    short_name: str = Field(min_length=1)
    english: dict[str, Any] = {}  # {"name": "..."}

    @field_validator("english", mode="before")
    @classmethod
    def _english(cls, value: Any) -> Any:
        return imported(value, AGENCY_ENGLISH)


def _split(value: Any) -> Any:
    """A CSV list cell, "KTP|NPWP", as a list; JSON lists pass through."""
    if isinstance(value, str):
        return [part.strip() for part in value.split("|") if part.strip()]
    return value


def _parse_json(value: Any) -> Any:
    if not (isinstance(value, str) and value.strip()):
        return value
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        # A ValueError in a validator becomes the row's error message.
        raise ValueError("bukan JSON yang sah") from None


def _same_lengths(english: dict[str, Any], originals: dict[str, list[str] | None]) -> None:
    """Refuses English lists not as long as the row's Indonesian ones (validated before
    `english`, so in `info.data`; a missing one was wrong and is reported already)."""
    errors = length_errors(english, originals)
    if errors:
        raise ValueError("; ".join(errors))


class PermitTypeRow(_FileRow):
    slug: str = Field(min_length=1, max_length=60, pattern=r"^[a-z0-9_]+$")
    name: str = Field(min_length=1)
    agency: str
    sla_days: int = Field(gt=0)
    aliases: list[str] = []
    keywords: list[str] = []
    requirements: list[str] = Field(min_length=1)
    procedure: list[str] = []
    fee_rule: FeeRule = FeeRule(kind="free")
    legal_basis: str = ""
    validity_years: int | None = Field(default=None, gt=0)  # None: the note says what it follows
    validity_note: str = ""
    english: dict[str, Any] = {}  # last: checked against the lists above

    @field_validator("aliases", "keywords", "requirements", "procedure", mode="before")
    @classmethod
    def _lists(cls, value: Any) -> Any:
        return _split(value)

    @field_validator("fee_rule", mode="before")
    @classmethod
    def _parse_fee(cls, value: Any) -> Any:
        return _parse_json(value)

    @field_validator("english", mode="before")
    @classmethod
    def _english(cls, value: Any, info: ValidationInfo) -> Any:
        english = imported(value, PERMIT_ENGLISH)
        fee: FeeRule | None = info.data.get("fee_rule")
        _same_lengths(
            english,
            {
                "requirements": info.data.get("requirements"),
                "procedure": info.data.get("procedure"),
                "fee_rows": [row.label for row in fee.rows] if fee else None,
            },
        )
        return english


class PermitVariantRow(_FileRow):
    """How renewing, changing or replacing a permit differs; an empty fact is the new
    application's, so the office writes only what differs."""

    permit_type: str = Field(min_length=1)
    action: str
    offered: bool = True
    requirements: list[str] | None = None
    procedure: list[str] | None = None
    fee_rule: FeeRule | None = None
    sla_days: int | None = Field(default=None, gt=0)
    note: str = ""
    english: dict[str, Any] = {}  # last: checked against the lists above

    @field_validator("fee_rule", mode="before")
    @classmethod
    def _parse_fee(cls, value: Any) -> Any:
        return _parse_json(value)

    @field_validator("requirements", "procedure", mode="before")
    @classmethod
    def _list_or_same(cls, value: Any) -> Any:
        return _split(value) or None  # an empty list too means "as for a new application"

    @field_validator("action")
    @classmethod
    def _known_action(cls, value: str) -> str:
        action = value.strip().lower()
        if action not in VARIANT_ACTIONS:
            raise ValueError("harus perpanjangan, perubahan atau penggantian")
        return action

    @field_validator("offered", mode="before")
    @classmethod
    def _yes_no(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        word = value.strip().lower()
        if word not in _YES | _NO:
            raise ValueError("harus ya atau tidak")
        return word in _YES

    @field_validator("english", mode="before")
    @classmethod
    def _english(cls, value: Any, info: ValidationInfo) -> Any:
        english = imported(value, VARIANT_ENGLISH)
        originals = {
            key: (info.data[key] or []) if key in info.data else None
            for key in ("requirements", "procedure")
        }
        _same_lengths(english, originals)
        return english


class ApplicationRow(_FileRow):
    number: str
    permit_type: str
    applicant_name: str = Field(min_length=1)
    applicant_phone: str = Field(pattern=STORED_PHONE)
    status: Literal["diajukan", "diproses", "perlu_perbaikan", "selesai", "ditolak"]
    current_stage: str = Field(min_length=1)
    current_agency: str
    submitted_at: datetime
    stage_started_at: datetime | None = None

    @field_validator("number")
    @classmethod
    def _canonical(cls, value: str) -> str:
        number = canonical_number(value)
        if number is None:
            raise ValueError("format nomor harus PTSP-YYYY-XXXXXX")
        return number

    @field_validator("submitted_at", "stage_started_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        return value.replace(tzinfo=UTC) if value and value.tzinfo is None else value


@dataclass
class ImportReport:
    counts: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0  # existing applications whose progress changed

    @property
    def ok(self) -> bool:
        return not self.errors


def _read_rows(source: Path) -> dict[str, list[tuple[str, int, dict[str, Any]]]]:
    """kind → [(file name, row number as the user sees it, raw row)]."""
    rows: dict[str, list[tuple[str, int, dict[str, Any]]]] = {kind: [] for kind in KINDS}
    if source.is_file():
        data = json.loads(source.read_text(encoding="utf-8"))
        for kind in KINDS:
            rows[kind] = [(source.name, i, r) for i, r in enumerate(data.get(kind, []), 1)]
        return rows
    for kind in KINDS:
        csv_file, json_file = source / f"{kind}.csv", source / f"{kind}.json"
        if csv_file.exists():
            with csv_file.open(encoding="utf-8-sig", newline="") as handle:
                # Row 1 is the header, so data rows start at 2 as in a spreadsheet.
                rows[kind] = [
                    (csv_file.name, i, r) for i, r in enumerate(csv.DictReader(handle), 2)
                ]
        elif json_file.exists():
            data = json.loads(json_file.read_text(encoding="utf-8"))
            rows[kind] = [(json_file.name, i, r) for i, r in enumerate(data, 1)]
    return rows


def _errors_of(exc: ValidationError, where: str) -> list[str]:
    return [
        f"{where}: {'.'.join(str(p) for p in err['loc']) or 'baris'}: {err['msg']}"
        for err in exc.errors()
    ]


def _validate(
    model: type[_Row], raw: list[tuple[str, int, dict[str, Any]]], report: ImportReport
) -> list[tuple[str, _Row]]:
    """The valid rows, each with where it came from ("permit_types.csv baris 3") so an
    error found while writing names the row as the user sees it."""
    valid = []
    for name, line, row in raw:
        where = f"{name} baris {line}"
        cleaned = {k: v for k, v in row.items() if v not in (None, "")}
        try:
            parsed = model.model_validate(cleaned)
        except ValidationError as exc:
            report.errors.extend(_errors_of(exc, where))
            continue
        parsed._columns = frozenset(row)  # an empty cell counts: it clears the fact
        valid.append((where, parsed))
    return valid


@dataclass
class _Rows:
    """The validated rows of one import, each with where it came from."""

    agencies: list[tuple[str, AgencyRow]]
    permits: list[tuple[str, PermitTypeRow]]
    variants: list[tuple[str, PermitVariantRow]]
    applications: list[tuple[str, ApplicationRow]]


async def import_path(session: AsyncSession, source: Path) -> ImportReport:
    report = ImportReport()
    raw = _read_rows(source)
    rows = _Rows(
        agencies=_validate(AgencyRow, raw["agencies"], report),
        permits=_validate(PermitTypeRow, raw["permit_types"], report),
        variants=_validate(PermitVariantRow, raw["permit_variants"], report),
        applications=_validate(ApplicationRow, raw["applications"], report),
    )
    if not report.ok:
        return report
    try:
        async with session.begin():
            await _write(session, rows, report)
            if not report.ok:
                raise _Rejected
    except _Rejected:
        return report  # the transaction was rolled back: nothing half-imported
    report.counts = {
        "agencies": len(rows.agencies),
        "permit_types": len(rows.permits),
        "permit_variants": len(rows.variants),
        "applications": report.created,
        "applications_updated": report.updated,
    }
    return report


async def _write(session: AsyncSession, rows: _Rows, report: ImportReport) -> None:
    agencies = await _write_agencies(session, rows.agencies)
    permits = await _write_permits(session, rows.permits, agencies, report)
    await _write_variants(session, rows.variants, permits, report)
    await _write_applications(session, rows.applications, permits, agencies, report)


async def _write_agencies(
    session: AsyncSession, rows: list[tuple[str, AgencyRow]]
) -> dict[str, Agency]:
    by_slug = {a.slug: a for a in (await session.scalars(select(Agency))).all()}
    for _, row in rows:
        agency = by_slug.get(row.slug) or Agency(slug=row.slug, english={})
        before = {"name": agency.name}
        agency.name, agency.short_name = row.name, row.short_name
        agency.english = _english_after(agency.english, row, before, {"name": agency.name})
        session.add(agency)
        by_slug[row.slug] = agency
    await session.flush()
    return by_slug


async def _write_permits(
    session: AsyncSession,
    rows: list[tuple[str, PermitTypeRow]],
    agencies: dict[str, Agency],
    report: ImportReport,
) -> dict[str, PermitType]:
    by_slug = {p.slug: p for p in (await session.scalars(select(PermitType))).all()}
    for where, row in rows:
        if row.agency not in agencies:
            report.errors.append(f"{where}: instansi '{row.agency}' tidak ada")
            continue
        existing = by_slug.get(row.slug)
        permit = existing or PermitType(slug=row.slug, english={})
        before = _permit_originals(permit)
        for key, value in row.model_dump(exclude={"agency", "fee_rule", "english"}).items():
            if existing is None or row.given(key):
                setattr(permit, key, value)
        if existing is None or row.given("fee_rule"):
            permit.fee_rule = row.fee_rule.model_dump()
        permit.english = _english_after(permit.english, row, before, _permit_originals(permit))
        permit.agency_id = agencies[row.agency].id
        session.add(permit)
        by_slug[row.slug] = permit
    await session.flush()
    return by_slug


async def _write_variants(
    session: AsyncSession,
    rows: list[tuple[str, PermitVariantRow]],
    permits: dict[str, PermitType],
    report: ImportReport,
) -> None:
    """Matched by (permit type, action) and updated in place, so a re-import edits."""
    existing = {
        (v.permit_type_id, v.action): v for v in (await session.scalars(select(PermitVariant)))
    }
    seen: set[tuple[str, str]] = set()
    for where, row in rows:
        permit = permits.get(row.permit_type)
        if permit is None:
            report.errors.append(f"{where}: jenis izin '{row.permit_type}' tidak ada")
            continue
        if (row.permit_type, row.action) in seen:
            report.errors.append(f"{where}: {row.permit_type} {row.action} ganda")
            continue
        seen.add((row.permit_type, row.action))
        stored = existing.get((permit.id, row.action))
        variant = stored or PermitVariant(permit_type_id=permit.id, action=row.action, english={})
        before = _variant_originals(variant)
        for key, value in row.model_dump(exclude={"permit_type", "action", "english"}).items():
            if stored is None or row.given(key):
                setattr(variant, key, value)  # fee_rule: its JSON, as model_dump gives it
        variant.english = _english_after(variant.english, row, before, _variant_originals(variant))
        session.add(variant)
    await session.flush()


def _english_after(
    stored: dict[str, Any] | None,
    row: AgencyRow | PermitTypeRow | PermitVariantRow,
    before: dict[str, Any],
    after: dict[str, Any],
) -> dict[str, Any]:
    """A row's English texts after the import: the file's where it has the column;
    otherwise those stored, less any whose Indonesian original the import changed (a
    translation of the old text would be wrong, and an untranslated text reads in
    Indonesian)."""
    if row.given("english"):
        return row.english
    return {key: text for key, text in (stored or {}).items() if before.get(key) == after.get(key)}


def _permit_originals(permit: PermitType) -> dict[str, Any]:
    """The Indonesian texts a permit's English keys translate (PERMIT_ENGLISH)."""
    fee = permit.fee_rule or {}
    return {
        "name": permit.name,
        "requirements": permit.requirements,
        "procedure": permit.procedure,
        "fee_note": fee.get("note"),
        "fee_rows": [row.get("label") for row in fee.get("rows") or []],
        "validity_note": permit.validity_note,
    }


def _variant_originals(variant: PermitVariant) -> dict[str, Any]:
    return {
        "requirements": variant.requirements,
        "procedure": variant.procedure,
        "note": variant.note,
    }


async def _write_applications(
    session: AsyncSession,
    rows: list[tuple[str, ApplicationRow]],
    permits: dict[str, PermitType],
    agencies: dict[str, Agency],
    report: ImportReport,
) -> None:
    known = {a.number: a for a in (await session.scalars(select(Application))).all()}
    seen: set[str] = set()
    for where, row in rows:
        if row.number in seen:
            report.errors.append(f"{where}: nomor {row.number} ganda")
            continue
        seen.add(row.number)
        if row.number in known:
            await _update_progress(session, known[row.number], row, agencies, where, report)
        else:
            _write_application(session, row, where, permits, agencies, report)
            report.created += 1


async def _update_progress(
    session: AsyncSession,
    application: Application,
    row: ApplicationRow,
    agencies: dict[str, Agency],
    where: str,
    report: ImportReport,
) -> None:
    """A re-exported application moves on: same path as any status change (notifies)."""
    agency = agencies.get(row.current_agency)
    if agency is None:
        report.errors.append(f"{where}: instansi tidak dikenal")
        return
    unchanged = (
        application.status == row.status
        and application.current_stage == row.current_stage
        and application.current_agency_id == agency.id
    )
    if unchanged:
        return
    change = StatusChange(row.number, row.status, row.current_stage, row.current_agency, "impor")
    await apply_status_change(session, change)
    report.updated += 1


def _write_application(
    session: AsyncSession,
    row: ApplicationRow,
    where: str,
    permits: dict[str, PermitType],
    agencies: dict[str, Agency],
    report: ImportReport,
) -> None:
    permit, agency = permits.get(row.permit_type), agencies.get(row.current_agency)
    if permit is None or agency is None:
        missing = "jenis izin" if permit is None else "instansi"
        report.errors.append(f"{where}: {missing} tidak dikenal")
        return
    if row.status not in STATUS_LABELS:
        report.errors.append(f"{where}: status tidak dikenal")
        return
    stage_started = row.stage_started_at or row.submitted_at
    finished = row.status in ("selesai", "ditolak")
    application = Application(
        number=row.number,
        permit_type_id=permit.id,
        applicant_name=row.applicant_name,
        applicant_phone=row.applicant_phone,
        applicant_nik=None,
        status=row.status,
        current_stage=row.current_stage,
        current_agency_id=agency.id,
        submitted_at=row.submitted_at,
        due_at=add_working_days(row.submitted_at, permit.sla_days),
        stage_started_at=stage_started,
        completed_at=stage_started if finished else None,
    )
    application.events = [
        ApplicationEvent(
            stage=row.current_stage,
            agency_id=agency.id,
            status=row.status,
            note="impor",
            at=stage_started,
        )
    ]
    session.add(application)
