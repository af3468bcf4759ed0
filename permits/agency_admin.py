"""The agencies (OPD) as administrators keep them: their names and codes, and the
name in English for answers to foreign investors (permits.english_form).

Every change is written together with its audit entry (permits.audit) in one
transaction; answers and status replies use the new names on the next message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from permits.audit import Actor, record
from permits.english_form import EnglishForm, stored, text_of
from permits.errors import UnknownAgency
from permits.faq_admin import UNCHANGED, Change, InvalidEdit, commit_new
from permits.models import Agency, PermitType

MAX_NAME, MAX_SHORT_NAME = 200, 60  # the columns' lengths
AGENCY_SLUG = re.compile(r"[a-z][a-z0-9_]{1,59}")


@dataclass(frozen=True)
class AgencyView:
    slug: str
    name: str
    short_name: str
    permit_count: int = 0
    en_name: str = ""


@dataclass(frozen=True)
class AgencyDraft:
    name: str
    short_name: str
    en_name: str = ""  # empty: not translated


def _agency_snapshot(agency: Agency) -> dict[str, Any]:
    return {
        "name": agency.name,
        "short_name": agency.short_name,
        "english": stored(agency.english),
    }


def _clean_agency(draft: AgencyDraft) -> tuple[AgencyDraft, dict[str, Any]]:
    """The draft trimmed and checked, and its English texts as Agency.english keeps them."""
    clean = AgencyDraft(" ".join(draft.name.split()), " ".join(draft.short_name.split()))
    english = EnglishForm()
    english.text("name", draft.en_name, clean.name, limit=MAX_NAME)
    errors: dict[str, str] = {}
    if not clean.name:
        errors["name"] = "Nama instansi wajib diisi."
    elif len(clean.name) > MAX_NAME:
        errors["name"] = f"Nama instansi paling panjang {MAX_NAME} karakter."
    if not clean.short_name:
        errors["short_name"] = "Nama singkat wajib diisi."
    elif len(clean.short_name) > MAX_SHORT_NAME:
        errors["short_name"] = f"Nama singkat paling panjang {MAX_SHORT_NAME} karakter."
    errors.update(english.errors_beside(errors))
    if errors:
        raise InvalidEdit(errors)
    return clean, english.english


async def list_agencies(session: AsyncSession) -> list[AgencyView]:
    """Every agency with how many permit types it issues, by name."""
    agencies = (await session.scalars(select(Agency).order_by(Agency.name))).all()
    counts: dict[int, int] = {}
    for agency_id in (await session.scalars(select(PermitType.agency_id))).all():
        counts[agency_id] = counts.get(agency_id, 0) + 1
    return [
        AgencyView(
            agency.slug,
            agency.name,
            agency.short_name,
            counts.get(agency.id, 0),
            text_of(agency.english, "name"),
        )
        for agency in agencies
    ]


async def _agency(session: AsyncSession, slug: str) -> Agency:
    agency = await session.scalar(select(Agency).where(Agency.slug == slug))
    if agency is None:
        raise UnknownAgency(slug)
    return agency


AGENCY_SLUG_INVALID = (
    "Kode instansi harus 2–60 karakter: huruf kecil, angka atau garis bawah, diawali huruf."
)
AGENCY_SLUG_TAKEN = "Kode instansi itu sudah dipakai."


async def create_agency(
    session: AsyncSession, actor: Actor, slug: str, draft: AgencyDraft
) -> Change:
    slug = slug.strip()
    errors: dict[str, str] = {}
    if not AGENCY_SLUG.fullmatch(slug):
        errors["slug"] = AGENCY_SLUG_INVALID
    elif await session.scalar(select(Agency.id).where(Agency.slug == slug)) is not None:
        errors["slug"] = AGENCY_SLUG_TAKEN
    try:
        clean, english = _clean_agency(draft)
    except InvalidEdit as invalid:
        errors.update(invalid.errors)
    if errors:
        raise InvalidEdit(errors)
    agency = Agency(slug=slug, name=clean.name, short_name=clean.short_name, english=english)
    session.add(agency)
    record(session, actor, "agency.create", f"agency:{slug}", None, _agency_snapshot(agency))
    await commit_new(session, AGENCY_SLUG_TAKEN)
    return Change(changed=True, needs_retraining=False)


async def update_agency(
    session: AsyncSession, actor: Actor, slug: str, draft: AgencyDraft
) -> Change:
    """New name, short name or English name; answers and status replies use them at once."""
    agency = await _agency(session, slug)
    clean, english = _clean_agency(draft)
    before = _agency_snapshot(agency)
    if (clean.name, clean.short_name, english) == (
        agency.name,
        agency.short_name,
        before["english"],
    ):
        return UNCHANGED
    agency.name, agency.short_name, agency.english = clean.name, clean.short_name, english
    record(session, actor, "agency.update", f"agency:{slug}", before, _agency_snapshot(agency))
    await session.commit()
    return Change(changed=True, needs_retraining=False)
