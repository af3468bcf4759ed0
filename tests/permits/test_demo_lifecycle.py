from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import ScalarSelect, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from permits.demo import load_demo
from permits.demo_catalogue import PERMIT_TYPES
from permits.demo_lifecycle import VALIDITY, VARIANTS
from permits.lifecycle import VARIANT_ACTIONS, Variant
from permits.models import PermitType, PermitVariant

SLUGS = {row["slug"] for row in PERMIT_TYPES}
ACTIONS = {action.value for action in VARIANT_ACTIONS}
FIELDS = {"offered", "requirements", "procedure", "fee_rule", "sla_days", "note"}


def test_every_demo_permit_has_a_validity() -> None:
    assert set(VALIDITY) == SLUGS
    for slug, (years, note) in VALIDITY.items():
        assert (years is None or years > 0) and note.strip(), slug


def _variants() -> list[tuple[str, str, dict[str, Any]]]:
    return [(s, a, fields) for s, actions in VARIANTS.items() for a, fields in actions.items()]


def test_every_demo_permit_has_the_three_actions() -> None:
    assert set(VARIANTS) == SLUGS
    assert all(set(actions) == ACTIONS for actions in VARIANTS.values())


@pytest.mark.parametrize(("slug", "action", "fields"), _variants())
def test_each_variant_reads_as_the_answers_will(
    slug: str, action: str, fields: dict[str, Any]
) -> None:
    assert set(fields) <= FIELDS
    variant = Variant.from_row(
        action,
        fields.get("offered", True),
        fields.get("requirements"),
        fields.get("procedure"),
        fields.get("fee_rule"),
        fields.get("sla_days"),
        fields.get("note", ""),
    )
    assert variant.requirements is None or all(r.strip() for r in variant.requirements)
    assert variant.sla_days is None or variant.sla_days > 0
    # Not offered, the applicant must be told what to do instead.
    assert variant.offered or len(variant.note) > 40


def test_pbg_is_not_renewed_but_slf_is() -> None:
    assert VARIANTS["pbg"]["perpanjangan"]["offered"] is False
    assert "SLF" in VARIANTS["pbg"]["perpanjangan"]["note"]
    assert VARIANTS["slf"]["perpanjangan"].get("offered", True)
    assert any("pengkaji teknis" in r for r in VARIANTS["slf"]["perpanjangan"]["requirements"])


async def _variant_rows(session: AsyncSession) -> list[tuple[str, str, bool]]:
    rows = await session.execute(
        select(PermitType.slug, PermitVariant.action, PermitVariant.offered)
        .join(PermitType)
        .order_by(PermitType.slug, PermitVariant.action)
    )
    return [(slug, action, offered) for slug, action, offered in rows]


async def test_loading_twice_adds_each_variant_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        await load_demo(session)
        await load_demo(session)
        rows = await _variant_rows(session)
        slf = await session.scalar(select(PermitType).where(PermitType.slug == "slf"))
    assert len(rows) == len(set(rows)) == len(SLUGS) * len(ACTIONS)
    assert ("pbg", "perpanjangan", False) in rows
    assert ("slf", "perpanjangan", True) in rows
    assert slf is not None and slf.validity_years == 5


async def test_an_older_database_gets_what_it_lacks_and_keeps_its_edits(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        await load_demo(session)
        # As if loaded before the lifecycle existed, but for one edit the office made.
        await session.execute(delete(PermitVariant).where(PermitVariant.action != "perubahan"))
        await session.execute(update(PermitType).values(validity_years=None, validity_note=""))
        await session.execute(
            update(PermitVariant)
            .where(PermitVariant.permit_type_id == _id_of("nib"))
            .values(note="Catatan kantor sendiri.")
        )
        await session.commit()
    async with sessions() as session:  # a later run, as `make demo` would be
        await load_demo(session)
        count = await session.scalar(select(func.count()).select_from(PermitVariant))
        nib_note = await session.scalar(
            select(PermitVariant.note).where(
                PermitVariant.permit_type_id == _id_of("nib"), PermitVariant.action == "perubahan"
            )
        )
        pbg = await session.scalar(select(PermitType).where(PermitType.slug == "pbg"))
    assert count == len(SLUGS) * len(ACTIONS)
    assert nib_note == "Catatan kantor sendiri."
    assert pbg is not None and pbg.validity_note == VALIDITY["pbg"][1]


def _id_of(slug: str) -> ScalarSelect[int]:
    return select(PermitType.id).where(PermitType.slug == slug).scalar_subquery()
