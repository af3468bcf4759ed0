"""Permit catalogue queries: facts are read at answer time, so edits are live at once."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from permits.errors import UnknownPermit
from permits.fees import FeeRule
from permits.models import PermitType

_FUZZY_CUTOFF = 80
_NOISE = re.compile(r"\b(izin|ijin|surat|syarat|persyaratan|biaya|bikin|buat|urus|ngurus)\b")


@dataclass(frozen=True)
class PermitInfo:
    slug: str
    name: str
    aliases: list[str]
    requirements: list[str]
    procedure: list[str]
    fee: FeeRule
    sla_days: int
    legal_basis: str
    agency_name: str

    @property
    def display_name(self) -> str:
        """'Persetujuan Bangunan Gedung (PBG)': the name applicants recognise."""
        return self.name


def permit_info(permit: PermitType) -> PermitInfo:
    """The permit as answers use it (its agency must be loaded)."""
    return PermitInfo(
        slug=permit.slug,
        name=permit.name,
        aliases=list(permit.aliases),
        requirements=list(permit.requirements),
        procedure=list(permit.procedure),
        fee=FeeRule.model_validate(permit.fee_rule),
        sla_days=permit.sla_days,
        legal_basis=permit.legal_basis,
        agency_name=permit.agency.name,
    )


async def _active_permits(session: AsyncSession) -> list[PermitType]:
    query = (
        select(PermitType)
        .where(PermitType.active.is_(True))
        .options(selectinload(PermitType.agency))
        .order_by(PermitType.name)
    )
    return list((await session.scalars(query)).all())


def permit_names(permit: PermitType) -> list[str]:
    """The names resolve_permit and the NLU's synonyms know a permit by."""
    return [permit.slug.replace("_", " "), permit.name, *permit.aliases]


def _clean(text: str) -> str:
    return " ".join(_NOISE.sub(" ", text.lower().replace("_", " ")).split())


def names_something(text: str) -> bool:
    """Whether the text holds more than generic words ("izin", "surat izin", "syarat")."""
    return bool(_clean(text))


async def get_permit(session: AsyncSession, slug: str) -> PermitInfo:
    query = (
        select(PermitType)
        .where(PermitType.slug == slug, PermitType.active.is_(True))
        .options(selectinload(PermitType.agency))
    )
    permit = await session.scalar(query)
    if permit is None:
        return await resolve_permit(session, slug)
    return permit_info(permit)


async def resolve_permit(session: AsyncSession, text: str) -> PermitInfo:
    """A slug, an alias (IMB, SIUP, AMDAL...) or a near spelling → the permit."""
    permits = await _active_permits(session)
    wanted = text.strip().lower()
    for permit in permits:
        if wanted in (name.lower() for name in permit_names(permit)):
            return permit_info(permit)
    cleaned = _clean(text)
    choices = {
        (index, name): _clean(name)
        for index, permit in enumerate(permits)
        for name in permit_names(permit)
    }
    best = process.extractOne(cleaned, choices, scorer=fuzz.WRatio, score_cutoff=_FUZZY_CUTOFF)
    if cleaned and best is not None:
        return permit_info(permits[best[2][0]])
    raise UnknownPermit(text, [p.slug for p in await closest_permits(session, text)])


async def closest_permits(session: AsyncSession, text: str, limit: int = 3) -> list[PermitInfo]:
    permits = await _active_permits(session)
    cleaned = _clean(text) or text.lower()
    scored = sorted(
        permits,
        key=lambda p: max(fuzz.WRatio(cleaned, _clean(n)) for n in permit_names(p)),
        reverse=True,
    )
    return [permit_info(permit) for permit in scored[:limit]]
