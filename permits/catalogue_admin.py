"""The permit catalogue as administrators keep it: permit types.

Every change is written together with its audit entry (permits.audit) in one
transaction. Actions read the catalogue at answer time (permits.catalogue), so a
new fee, SLA, requirement list, procedure or legal basis is live on the next
message. A permit's name and aliases also become the NLU's permit_type synonyms
(nlu/build.py), and only active permits' do, so changing those or (de)activating a
permit reaches the bot's understanding after the next training.

The edit form and its checks are permits.permit_form; agencies are
permits.agency_admin.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from permits.audit import Actor, record
from permits.english_form import stored
from permits.errors import UnknownPermit
from permits.faq_admin import UNCHANGED, Change
from permits.fees import FeeRule
from permits.lifecycle import VARIANT_COLUMNS
from permits.models import PermitType, PermitVariant
from permits.permit_form import (
    CleanPermit,
    PermitDraft,
    PermitView,
    clean_permit,
    permit_view,
    stored_fee,
)


async def list_permits(session: AsyncSession) -> list[PermitView]:
    """Every permit type, active ones first, then by name."""
    query = (
        select(PermitType)
        .options(selectinload(PermitType.agency), selectinload(PermitType.variants))
        .order_by(PermitType.active.desc(), PermitType.name)
    )
    return [permit_view(permit) for permit in (await session.scalars(query)).all()]


async def get_permit_for_edit(session: AsyncSession, slug: str) -> PermitView:
    """A permit type, active or not (permits.catalogue.get_permit sees active ones only)."""
    return permit_view(await _permit(session, slug))


async def _permit(session: AsyncSession, slug: str) -> PermitType:
    permit = await session.scalar(
        select(PermitType)
        .where(PermitType.slug == slug)
        .options(selectinload(PermitType.agency), selectinload(PermitType.variants))
    )
    if permit is None:
        raise UnknownPermit(slug, [])
    return permit


def _permit_snapshot(permit: PermitType, agency_slug: str) -> dict[str, Any]:
    return {
        "name": permit.name,
        "aliases": list(permit.aliases),
        "keywords": list(permit.keywords),
        "requirements": list(permit.requirements),
        "procedure": list(permit.procedure),
        "fee_rule": dict(permit.fee_rule),
        "sla_days": permit.sla_days,
        "legal_basis": permit.legal_basis,
        "agency": agency_slug,
        "active": permit.active,
        "validity_years": permit.validity_years,
        "validity_note": permit.validity_note,
        "variants": {variant.action: _variant_snapshot(variant) for variant in permit.variants},
        "english": stored(permit.english),
    }


def _variant_snapshot(variant: PermitVariant) -> dict[str, Any]:
    return {
        **{name: getattr(variant, name) for name in VARIANT_COLUMNS},
        "english": stored(variant.english),
    }


def _edited_snapshot(
    before: dict[str, Any], clean: CleanPermit, agency_slug: str
) -> dict[str, Any]:
    """The snapshot after the edit. An unchanged fee keeps its stored form, so the
    audit shows no change that is only a different spelling of the same rule."""
    same_fee = stored_fee(FeeRule.model_validate(before["fee_rule"])) == clean.fee_rule
    return {
        **before,
        "name": clean.name,
        "aliases": clean.aliases,
        "keywords": clean.keywords,
        "requirements": clean.requirements,
        "procedure": clean.procedure,
        "fee_rule": before["fee_rule"] if same_fee else clean.fee_rule,
        "sla_days": clean.sla_days,
        "legal_basis": clean.legal_basis,
        "agency": agency_slug,
        "validity_years": clean.lifecycle.validity_years,
        "validity_note": clean.lifecycle.validity_note,
        "variants": {
            action: {**before["variants"].get(action, {}), **fields}
            for action, fields in clean.lifecycle.variants.items()
            if fields is not None
        },
        "english": clean.english,
    }


async def update_permit(
    session: AsyncSession, actor: Actor, slug: str, draft: PermitDraft
) -> Change:
    """Saves the form. Everything is live at once; a new name or aliases also need
    training before the NLU recognises them."""
    permit = await _permit(session, slug)
    clean = await clean_permit(session, slug, draft)
    before = _permit_snapshot(permit, permit.agency.slug)
    after = _edited_snapshot(before, clean, draft.agency)
    if after == before:
        return UNCHANGED
    permit.name, permit.aliases, permit.keywords = clean.name, clean.aliases, clean.keywords
    permit.requirements, permit.procedure = clean.requirements, clean.procedure
    permit.fee_rule, permit.sla_days = after["fee_rule"], clean.sla_days
    permit.legal_basis, permit.agency_id = clean.legal_basis, clean.agency_id
    permit.validity_years = clean.lifecycle.validity_years
    permit.validity_note = clean.lifecycle.validity_note
    permit.english = clean.english
    keep_variants(permit, clean.lifecycle.variants)
    record(session, actor, "permit.update", f"permit:{slug}", before, after)
    await session.commit()
    names_changed = (clean.name, clean.aliases) != (before["name"], before["aliases"])
    return Change(changed=True, needs_retraining=names_changed)


def keep_variants(permit: PermitType, variants: dict[str, dict[str, Any] | None]) -> None:
    """The permit's variant rows as `variants` says (None: no row), changed in place:
    a row deleted and added again in one flush would break the (permit, action) key."""
    existing = {variant.action: variant for variant in permit.variants}
    for action, values in variants.items():
        row = existing.get(action)
        if values is None:
            if row is not None:
                permit.variants.remove(row)
        elif row is None:
            permit.variants.append(PermitVariant(action=action, **values))
        else:
            for name, value in values.items():
                setattr(row, name, value)


async def set_permit_active(session: AsyncSession, actor: Actor, slug: str, active: bool) -> Change:
    """Answers about a deactivated permit stop at once; its names leave (or, when it is
    reactivated, rejoin) the NLU's synonyms at the next training."""
    permit = await _permit(session, slug)
    if permit.active == active:
        return UNCHANGED
    before = _permit_snapshot(permit, permit.agency.slug)
    permit.active = active
    action = "permit.activate" if active else "permit.deactivate"
    record(
        session,
        actor,
        action,
        f"permit:{slug}",
        before,
        _permit_snapshot(permit, permit.agency.slug),
    )
    await session.commit()
    return Change(changed=True, needs_retraining=True)
