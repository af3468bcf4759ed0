"""Administrators' agency edits: validated and audited."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from permits.agency_admin import AgencyDraft, create_agency, list_agencies, update_agency
from permits.audit import Actor, recent_entries
from permits.catalogue import get_permit
from permits.english import permit_in
from permits.errors import UnknownAgency
from permits.faq_admin import InvalidEdit
from permits.language import ENGLISH
from permits.models import AuditEntry

ADMIN = Actor(staff_id=None, name="Admin Uji")


async def audit_count(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(AuditEntry)) or 0


async def test_agencies_are_created_and_renamed_with_audit(session: AsyncSession) -> None:
    change = await create_agency(session, ADMIN, "dinsos", AgencyDraft("Dinas Sosial", "Dinsos"))
    assert change.changed and not change.needs_retraining
    renamed = await update_agency(
        session, ADMIN, "dinkes", AgencyDraft("Dinas Kesehatan Kabupaten", "Dinkes")
    )
    assert renamed.changed and not renamed.needs_retraining
    agencies = {a.slug: a for a in await list_agencies(session)}
    assert agencies["dinsos"].permit_count == 0 and agencies["dinkes"].permit_count > 0
    assert agencies["dinkes"].short_name == "Dinkes"
    assert (await get_permit(session, "sip_dokter")).agency_name == "Dinas Kesehatan Kabupaten"
    entries = await recent_entries(session, action_prefix="agency.")
    assert [(e.action, e.target) for e in entries] == [
        ("agency.update", "agency:dinkes"),
        ("agency.create", "agency:dinsos"),
    ]
    assert entries[0].before == {
        "name": "Dinas Kesehatan",
        "short_name": "Dinas Kesehatan",
        "english": {"name": "Health Office (Dinas Kesehatan)"},
    }
    assert entries[0].after is not None and entries[0].after["english"] == {}


async def test_an_english_name_is_used_in_english_answers(session: AsyncSession) -> None:
    draft = AgencyDraft("Dinas Kesehatan", "Dinas Kesehatan", "  Health  Department ")
    change = await update_agency(session, ADMIN, "dinkes", draft)
    assert change.changed
    assert {a.slug: a.en_name for a in await list_agencies(session)}["dinkes"] == (
        "Health Department"
    )
    permit = await get_permit(session, "sip_dokter")
    assert permit_in(ENGLISH, permit).permit.agency_name == "Health Department"
    assert permit.agency_name == "Dinas Kesehatan"
    again = await update_agency(session, ADMIN, "dinkes", draft)
    assert not again.changed
    created = AgencyDraft("Dinas Sosial", "Dinsos", "Social Affairs Office")
    await create_agency(session, ADMIN, "dinsos", created)
    [entry] = await recent_entries(session, action_prefix="agency.create")
    assert entry.after is not None
    assert entry.after["english"] == {"name": "Social Affairs Office"}


@pytest.mark.parametrize(
    ("slug", "draft", "fields"),
    [
        ("dinkes", AgencyDraft("Dinas Kesehatan", "Dinkes"), {"slug"}),
        ("Dinas Sosial", AgencyDraft("Dinas Sosial", "Dinsos"), {"slug"}),
        ("dinsos", AgencyDraft("", ""), {"name", "short_name"}),
        ("dinsos", AgencyDraft("", "Dinsos", "Social Affairs"), {"name"}),
        ("dinsos", AgencyDraft("Dinas Sosial", "Dinsos", "S" * 201), {"en_name"}),
    ],
)
async def test_invalid_agencies_are_refused(
    session: AsyncSession, slug: str, draft: AgencyDraft, fields: set[str]
) -> None:
    count = len(await list_agencies(session))
    with pytest.raises(InvalidEdit) as refused:
        await create_agency(session, ADMIN, slug, draft)
    assert set(refused.value.errors) == fields
    assert len(await list_agencies(session)) == count
    assert await audit_count(session) == 0


async def test_renaming_an_unknown_agency_is_reported(session: AsyncSession) -> None:
    with pytest.raises(UnknownAgency):
        await update_agency(session, ADMIN, "tidak_ada", AgencyDraft("A", "B"))
