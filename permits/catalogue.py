"""Permit catalogue queries: facts are read at answer time, so edits are live at once."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from permits.errors import UnknownPermit
from permits.fees import FeeRule
from permits.lifecycle import PermitAction, Variant
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
    keywords: list[str] = field(default_factory=list)  # what the permit is for
    validity_years: int | None = None
    validity_note: str = ""
    variants: dict[PermitAction, Variant] = field(default_factory=dict)
    # English versions of the texts, with the agency's as "agency" (permits.english)
    english: dict[str, Any] = field(default_factory=dict)

    @property
    def display_name(self) -> str:
        """'Persetujuan Bangunan Gedung (PBG)': the name applicants recognise."""
        return self.name


def permit_info(permit: PermitType) -> PermitInfo:
    """The permit as answers use it (its agency and variants must be loaded)."""
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
        keywords=list(permit.keywords),
        validity_years=permit.validity_years,
        validity_note=permit.validity_note,
        variants={
            PermitAction(row.action): Variant.from_row(
                row.action,
                row.offered,
                row.requirements,
                row.procedure,
                row.fee_rule,
                row.sla_days,
                row.note,
                row.english,
            )
            for row in permit.variants
        },
        english={**permit.english, "agency": permit.agency.english.get("name", "")},
    )


async def _active_permits(session: AsyncSession) -> list[PermitType]:
    query = (
        select(PermitType)
        .where(PermitType.active.is_(True))
        .options(selectinload(PermitType.agency), selectinload(PermitType.variants))
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
        .options(selectinload(PermitType.agency), selectinload(PermitType.variants))
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
    """The permits an unknown name may mean, best first; none when nothing fits.

    By meaning, not spelling: each word of the text (generic ones such as "izin" left
    out) is looked for among a permit's names, keywords and its agency's name (its
    sector), a typo allowed in longer words. A word many permits share ("praktik")
    counts less than one only a few have ("bidan"), so "izin praktek bidan" puts the
    midwife's permit first, while "izin tambang emas" fits none.
    """
    permits = await _active_permits(session)
    vocabularies = [_vocabulary(permit) for permit in permits]
    wanted = [word for word in _WORD.findall(text.lower()) if word not in _GENERIC]
    scores = [0.0] * len(permits)
    for word in wanted:
        matches = [_match(word, vocabulary) for vocabulary in vocabularies]
        sharing = sum(1 for match in matches if match > 0)
        for index, match in enumerate(matches):
            if match > 0:
                scores[index] += match / sharing
    ranked = sorted(
        (index for index, score in enumerate(scores) if score > 0),
        key=lambda index: (-scores[index], permits[index].name),
    )
    return [permit_info(permits[index]) for index in ranked[:limit]]


_WORD = re.compile(r"[^\W\d_]{2,}")
# Words that say nothing about which permit is meant.
_GENERIC_WORDS = """izin ijin surat syarat persyaratan biaya bikin buat membuat urus ngurus
mengurus mau ingin saya aku apa apakah bagaimana gimana cara untuk utk yang yg dan atau di ke
dari dengan tentang kalau kalo mohon tolong min kak pak bu dinas badan kantor kabupaten kota
tanda daftar nomor persetujuan penyelenggaraan operasional dokumen baru perpanjangan usaha
berusaha"""
_GENERIC = frozenset(_GENERIC_WORDS.split())


def _vocabulary(permit: PermitType) -> set[str]:
    texts = [*permit_names(permit), *permit.keywords, permit.agency.name]
    return {word for text in texts for word in _WORD.findall(text.lower())} - _GENERIC


def _match(word: str, vocabulary: set[str]) -> float:
    """1 for the word itself, 0.8 for a typo or another form of a longer word, else 0."""
    if word in vocabulary:
        return 1.0
    if len(word) < 5:
        return 0.0
    for known in vocabulary:
        if len(known) >= 5 and (
            known.startswith(word) or word.startswith(known) or fuzz.ratio(word, known) >= 85
        ):
            return 0.8
    return 0.0
