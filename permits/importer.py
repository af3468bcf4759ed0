"""Imports an office's own catalogue and applications from CSV or JSON, all or nothing.

Input: a folder with agencies / permit_types / applications as .csv or .json,
or one .json file with those three keys. Every row is validated first; if any
row is wrong nothing is written and every error is reported with its file and row.
In CSV, list columns (aliases, keywords, requirements, procedure) are separated by "|" and
fee_rule is JSON text.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, Field, ValidationError, field_validator
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from permits.fees import FeeRule
from permits.models import Agency, Application, ApplicationEvent, PermitType
from permits.numbers import canonical_number
from permits.phones import STORED_PHONE
from permits.progress import StatusChange, apply_status_change
from permits.status import STATUS_LABELS
from permits.workdays import add_working_days

_Row = TypeVar("_Row", bound=BaseModel)
KINDS = ("agencies", "permit_types", "applications")


class _Rejected(Exception):
    """Raised inside the import transaction to roll it back."""


class AgencyRow(BaseModel):
    slug: str = Field(min_length=1, max_length=60)
    name: str = Field(min_length=1)
    short_name: str = Field(min_length=1)


class PermitTypeRow(BaseModel):
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

    @field_validator("aliases", "keywords", "requirements", "procedure", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [part.strip() for part in value.split("|") if part.strip()]
        return value

    @field_validator("fee_rule", mode="before")
    @classmethod
    def _parse_fee(cls, value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) and value.strip() else value


class ApplicationRow(BaseModel):
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
) -> list[_Row]:
    valid = []
    for name, line, row in raw:
        cleaned = {k: v for k, v in row.items() if v not in (None, "")}
        try:
            valid.append(model.model_validate(cleaned))
        except ValidationError as exc:
            report.errors.extend(_errors_of(exc, f"{name} baris {line}"))
        except json.JSONDecodeError:
            report.errors.append(f"{name} baris {line}: fee_rule bukan JSON yang sah")
    return valid


async def import_path(session: AsyncSession, source: Path) -> ImportReport:
    report = ImportReport()
    raw = _read_rows(source)
    agencies = _validate(AgencyRow, raw["agencies"], report)
    permits = _validate(PermitTypeRow, raw["permit_types"], report)
    applications = _validate(ApplicationRow, raw["applications"], report)
    if not report.ok:
        return report
    try:
        async with session.begin():
            await _write(session, agencies, permits, applications, report)
            if not report.ok:
                raise _Rejected
    except _Rejected:
        return report  # the transaction was rolled back: nothing half-imported
    report.counts = {
        "agencies": len(agencies),
        "permit_types": len(permits),
        "applications": report.created,
        "applications_updated": report.updated,
    }
    return report


async def _write(
    session: AsyncSession,
    agencies: list[AgencyRow],
    permits: list[PermitTypeRow],
    applications: list[ApplicationRow],
    report: ImportReport,
) -> None:
    by_slug = {a.slug: a for a in (await session.scalars(select(Agency))).all()}
    for row in agencies:
        agency = by_slug.get(row.slug) or Agency(slug=row.slug)
        agency.name, agency.short_name = row.name, row.short_name
        session.add(agency)
        by_slug[row.slug] = agency
    await session.flush()
    permit_by_slug = {p.slug: p for p in (await session.scalars(select(PermitType))).all()}
    for line, prow in enumerate(permits, 1):
        if prow.agency not in by_slug:
            report.errors.append(f"permit_types baris {line}: instansi '{prow.agency}' tidak ada")
            continue
        permit = permit_by_slug.get(prow.slug) or PermitType(slug=prow.slug)
        values = prow.model_dump(exclude={"agency", "fee_rule"})
        for key, value in values.items():
            setattr(permit, key, value)
        permit.fee_rule = prow.fee_rule.model_dump()
        permit.agency_id = by_slug[prow.agency].id
        session.add(permit)
        permit_by_slug[prow.slug] = permit
    await session.flush()
    known = {a.number: a for a in (await session.scalars(select(Application))).all()}
    seen: set[str] = set()
    for line, arow in enumerate(applications, 1):
        if arow.number in seen:
            report.errors.append(f"applications baris {line}: nomor {arow.number} ganda")
            continue
        seen.add(arow.number)
        if arow.number in known:
            await _update_progress(session, known[arow.number], arow, by_slug, line, report)
        else:
            _write_application(session, arow, line, permit_by_slug, by_slug, report)
            report.created += 1


async def _update_progress(
    session: AsyncSession,
    application: Application,
    row: ApplicationRow,
    agencies: dict[str, Agency],
    line: int,
    report: ImportReport,
) -> None:
    """A re-exported application moves on: same path as any status change (notifies)."""
    agency = agencies.get(row.current_agency)
    if agency is None:
        report.errors.append(f"applications baris {line}: instansi tidak dikenal")
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
    line: int,
    permits: dict[str, PermitType],
    agencies: dict[str, Agency],
    report: ImportReport,
) -> None:
    permit, agency = permits.get(row.permit_type), agencies.get(row.current_agency)
    if permit is None or agency is None:
        missing = "jenis izin" if permit is None else "instansi"
        report.errors.append(f"applications baris {line}: {missing} tidak dikenal")
        return
    if row.status not in STATUS_LABELS:
        report.errors.append(f"applications baris {line}: status tidak dikenal")
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
