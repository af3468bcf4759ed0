"""Administrators' permit edits: validated, audited, live at once except aliases."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from permits.audit import Actor, recent_entries
from permits.catalogue import get_permit, resolve_permit
from permits.catalogue_admin import (
    get_permit_for_edit,
    list_permits,
    set_permit_active,
    update_permit,
)
from permits.english import permit_in
from permits.errors import UnknownPermit
from permits.faq_admin import InvalidEdit
from permits.fees import FeeRule
from permits.language import ENGLISH
from permits.lifecycle import PermitAction
from permits.models import AuditEntry, PermitType
from permits.permit_form import PermitDraft

ADMIN = Actor(staff_id=None, name="Admin Uji")


async def form_of(session: AsyncSession, slug: str) -> PermitDraft:
    return PermitDraft.of(await get_permit_for_edit(session, slug))


async def audit_count(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(AuditEntry)) or 0


async def test_the_form_opens_with_the_stored_values_and_saving_them_changes_nothing(
    session: AsyncSession,
) -> None:
    for slug in ("pbg", "reklame", "slf"):
        change = await update_permit(session, ADMIN, slug, await form_of(session, slug))
        assert not change.changed, slug
    assert await audit_count(session) == 0


async def test_an_edited_fee_and_sla_are_what_the_bot_reads_next(session: AsyncSession) -> None:
    draft = replace(
        await form_of(session, "slf"),
        fee_kind="flat",
        fee_amount="Rp 150.000",
        fee_note="Dibayar di Bapenda.",
        sla_days="7",
    )
    change = await update_permit(session, ADMIN, "slf", draft)
    assert change.changed and not change.needs_retraining
    permit = await get_permit(session, "slf")
    assert permit.fee == FeeRule(kind="flat", amount=150_000, note="Dibayar di Bapenda.")
    assert permit.fee.describe() == "Biayanya Rp 150.000. Dibayar di Bapenda."
    assert permit.sla_days == 7
    [entry] = await recent_entries(session)
    assert (entry.action, entry.target) == ("permit.update", "permit:slf")
    assert entry.before is not None and entry.after is not None
    assert entry.before["fee_rule"] == {"kind": "free"}
    assert entry.after["fee_rule"] == {
        "kind": "flat",
        "amount": 150_000,
        "note": "Dibayar di Bapenda.",
    }
    assert (entry.before["sla_days"], entry.after["sla_days"]) == (3, 7)
    assert entry.before["requirements"] == entry.after["requirements"]


async def test_a_pbg_retribution_is_edited_with_a_decimal_comma(session: AsyncSession) -> None:
    draft = replace(await form_of(session, "pbg"), fee_unit_cost="3.000.000", fee_coefficient="0,5")
    await update_permit(session, ADMIN, "pbg", draft)
    fee = (await get_permit(session, "pbg")).fee
    assert (fee.kind, fee.unit_cost, fee.coefficient) == ("pbg_retribution", 3_000_000, 0.5)


async def test_requirements_procedure_legal_basis_and_agency_are_live(
    session: AsyncSession,
) -> None:
    draft = replace(
        await form_of(session, "slf"),
        requirements="Fotokopi KTP pemohon\n\nSalinan PBG\n",
        procedure="Ajukan di SIMBG\nSLF terbit",
        en_requirements="Copy of the applicant's KTP\nCopy of the PBG",
        en_procedure="",  # not translated any more
        legal_basis="Perda Kabupaten Sukamaju Nomor 1 Tahun 2026",
        agency="dpmptsp",
    )
    change = await update_permit(session, ADMIN, "slf", draft)
    assert not change.needs_retraining
    permit = await get_permit(session, "slf")
    assert permit.requirements == ["Fotokopi KTP pemohon", "Salinan PBG"]
    assert permit.procedure == ["Ajukan di SIMBG", "SLF terbit"]
    assert permit.legal_basis == "Perda Kabupaten Sukamaju Nomor 1 Tahun 2026"
    assert permit.agency_name == "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu"
    in_english = permit_in(ENGLISH, permit)
    assert in_english.permit.requirements == ["Copy of the applicant's KTP", "Copy of the PBG"]
    assert in_english.permit.procedure == permit.procedure and not in_english.complete


async def test_changed_aliases_need_training(session: AsyncSession) -> None:
    form = await form_of(session, "slf")
    change = await update_permit(
        session, ADMIN, "slf", replace(form, aliases=form.aliases + "\nsertifikat laik")
    )
    assert change.needs_retraining
    assert (await resolve_permit(session, "sertifikat laik")).slug == "slf"


async def test_a_new_name_is_live_and_needs_training_for_the_nlu(session: AsyncSession) -> None:
    form = await form_of(session, "slf")
    change = await update_permit(session, ADMIN, "slf", replace(form, name="SLF Bangunan"))
    assert change.needs_retraining
    assert (await get_permit(session, "slf")).name == "SLF Bangunan"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"sla_days": "0"}, "sla_days"),
        ({"sla_days": "366"}, "sla_days"),
        ({"sla_days": "tujuh"}, "sla_days"),
        ({"sla_days": "5²"}, "sla_days"),
        ({"name": "  "}, "name"),
        ({"name": "Nomor Induk Berusaha (NIB)"}, "name"),
        ({"aliases": "laik fungsi\nIMB"}, "aliases"),
        ({"requirements": "\n"}, "requirements"),
        ({"procedure": ""}, "procedure"),
        ({"agency": "dinas_tidak_ada"}, "agency"),
        ({"fee_kind": "gratis"}, "fee_kind"),
        ({"fee_kind": "flat", "fee_amount": ""}, "fee_amount"),
        ({"fee_kind": "flat", "fee_amount": "0"}, "fee_amount"),
        ({"fee_kind": "flat", "fee_amount": "seratus ribu"}, "fee_amount"),
        ({"fee_kind": "pbg_retribution", "fee_unit_cost": ""}, "fee_unit_cost"),
        (
            {"fee_kind": "pbg_retribution", "fee_unit_cost": "1.000", "fee_coefficient": "0"},
            "fee_coefficient",
        ),
        ({"fee_kind": "table", "fee_rows": ""}, "fee_rows"),
        ({"fee_kind": "table", "fee_rows": "spanduk 25.000"}, "fee_rows"),
        ({"en_requirements": "Copy of KTP"}, "en_requirements"),
        ({"en_procedure": "Apply\nWait"}, "en_procedure"),
        ({"en_fee_note": "Paid at Bapenda."}, "en_fee_note"),  # no Indonesian fee note
        ({"requirements": "", "en_requirements": "Copy of KTP"}, "requirements"),
        (
            {"fee_kind": "table", "fee_rows": "spanduk = 25.000", "en_fee_rows": "a\nb"},
            "en_fee_rows",
        ),
        ({"en_name": "x" * 201}, "en_name"),
    ],
)
async def test_invalid_permit_edits_are_refused_and_nothing_changes(
    session: AsyncSession, changes: dict[str, str], field: str
) -> None:
    before = await get_permit(session, "slf")
    with pytest.raises(InvalidEdit) as refused:
        await update_permit(
            session, ADMIN, "slf", replace(await form_of(session, "slf"), **changes)
        )
    assert set(refused.value.errors) == {field}
    assert refused.value.errors[field]
    session.expire_all()
    assert await get_permit(session, "slf") == before
    assert await audit_count(session) == 0


async def test_every_problem_is_reported_at_once(session: AsyncSession) -> None:
    draft = replace(
        await form_of(session, "slf"), name="", sla_days="999", fee_kind="flat", fee_amount="x"
    )
    with pytest.raises(InvalidEdit) as refused:
        await update_permit(session, ADMIN, "slf", draft)
    assert set(refused.value.errors) == {"name", "sla_days", "fee_amount"}


async def test_a_deactivated_permit_is_no_longer_answered(session: AsyncSession) -> None:
    change = await set_permit_active(session, ADMIN, "izin_trayek", False)
    assert change.needs_retraining
    with pytest.raises(UnknownPermit):
        await resolve_permit(session, "izin trayek")
    listed = {p.slug: p.active for p in await list_permits(session)}
    assert listed["izin_trayek"] is False and listed["pbg"] is True
    assert (await get_permit_for_edit(session, "izin_trayek")).active is False
    await set_permit_active(session, ADMIN, "izin_trayek", True)
    assert (await get_permit(session, "izin_trayek")).slug == "izin_trayek"
    actions = [(e.action, e.before, e.after) for e in await recent_entries(session)]
    assert [action for action, _, _ in actions] == ["permit.activate", "permit.deactivate"]
    assert all(b and a and b["active"] != a["active"] for _, b, a in actions)


async def test_an_unknown_permit_is_reported(session: AsyncSession) -> None:
    with pytest.raises(UnknownPermit):
        await get_permit_for_edit(session, "izin_tidak_ada")


async def test_english_texts_are_saved_with_the_rest_and_answered_in_english(
    session: AsyncSession,
) -> None:
    form = await form_of(session, "reklame")
    assert form.en_name == "Outdoor Advertising Permit (Izin Reklame)"  # the demo's
    assert form.en_fee_rows.splitlines()[0] == "banners/pennants, per week"
    draft = replace(
        form,
        sla_days="4",
        en_name="Advertising Permit",
        en_fee_rows="tariff 1\ntariff 2\n\ntariff 3\n",
        en_validity_note="for the display period",
    )
    change = await update_permit(session, ADMIN, "reklame", draft)
    assert change.changed and not change.needs_retraining
    permit = await get_permit(session, "reklame")
    in_english = permit_in(ENGLISH, permit).permit
    assert in_english.name == "Advertising Permit"
    assert [row.label for row in in_english.fee.rows] == [f"tariff {n}" for n in (1, 2, 3)]
    assert in_english.validity_note == "for the display period"
    assert (permit.name, permit.sla_days) == ("Izin Penyelenggaraan Reklame", 4)
    [entry] = await recent_entries(session)  # one entry for the facts and the English
    assert entry.before is not None and entry.after is not None
    assert (entry.before["sla_days"], entry.after["sla_days"]) == (5, 4)
    assert entry.before["english"]["name"] == "Outdoor Advertising Permit (Izin Reklame)"
    assert entry.after["english"]["name"] == "Advertising Permit"
    assert entry.after["english"]["requirements"] == entry.before["english"]["requirements"]


async def test_emptied_english_fields_are_stored_as_absent(session: AsyncSession) -> None:
    draft = replace(await form_of(session, "slf"), en_name=" ", en_requirements="\n\n")
    await update_permit(session, ADMIN, "slf", draft)
    row = await session.scalar(select(PermitType).where(PermitType.slug == "slf"))
    assert row is not None
    assert "name" not in row.english and "requirements" not in row.english
    assert "procedure" in row.english
    localised = permit_in(ENGLISH, await get_permit(session, "slf"))
    assert localised.permit.name == "Sertifikat Laik Fungsi (SLF)" and not localised.complete


async def test_a_wrong_number_of_english_lines_is_refused_and_nothing_changes(
    session: AsyncSession,
) -> None:
    before = await get_permit(session, "slf")
    form = await form_of(session, "slf")
    draft = replace(form, sla_days="9", en_requirements=form.en_requirements + "\nOne more")
    with pytest.raises(InvalidEdit) as refused:
        await update_permit(session, ADMIN, "slf", draft)
    count = len(before.requirements)
    assert refused.value.errors == {
        "en_requirements": (
            f"Tulis {count} baris, satu untuk setiap persyaratan berbahasa Indonesia, "
            "atau kosongkan."
        )
    }
    session.expire_all()
    assert await get_permit(session, "slf") == before
    assert await audit_count(session) == 0


async def test_a_variants_english_is_kept_in_its_row_and_in_the_audit(
    session: AsyncSession,
) -> None:
    form = await form_of(session, "slf")
    note = "Apply at least 60 days before the SLF expires."
    renewal = replace(form.variants["perpanjangan"], en_note=note)
    draft = replace(form, variants={**form.variants, "perpanjangan": renewal})
    assert (await update_permit(session, ADMIN, "slf", draft)).changed
    localised = permit_in(ENGLISH, await get_permit(session, "slf"))
    assert localised.permit.variants[PermitAction.RENEWAL].note == note
    [entry] = await recent_entries(session)
    assert entry.before is not None and entry.after is not None
    assert entry.after["variants"]["perpanjangan"]["english"]["note"] == note
    assert entry.before["variants"]["perpanjangan"]["english"]["note"] != note
    assert not (await update_permit(session, ADMIN, "slf", await form_of(session, "slf"))).changed
