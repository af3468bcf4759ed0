"""Administrators' edits of the other offices' directory: validated, audited, and live
at the next answer or awaiting training as they should."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from permits.audit import Actor, recent_entries
from permits.errors import UnknownPublicService
from permits.faq_admin import InvalidEdit
from permits.models import AuditEntry, PublicService
from permits.public_service_admin import (
    ServiceDraft,
    create_service,
    get_service,
    list_services,
    set_service_active,
    split_aliases,
    update_service,
)
from permits.public_services import directions, find_public_service
from permits.texts import speaking

ADMIN = Actor(staff_id=None, name="Admin Uji")
NEW_ADDRESS = "Gedung Mal Pelayanan Publik Lt. 2, Jl. Merdeka No. 1, Sukamaju"
OFFICE = "Kantor Kementerian Agama Kabupaten Sukamaju"


async def draft_of(session: AsyncSession, slug: str, **changes: str) -> ServiceDraft:
    draft = (await get_service(session, slug)).draft()
    return ServiceDraft(**{**vars(draft), **changes})


async def audit_count(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(AuditEntry)) or 0


async def service_count(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(PublicService)) or 0


def test_aliases_are_split_on_lines_and_commas_lowered_and_kept_once() -> None:
    text = "  Kartu Keluarga, KK \n\npecah   kk\r\nkk,  ,KARTU keluarga\n"
    assert split_aliases(text) == ["kartu keluarga", "kk", "pecah kk"]


async def test_a_new_address_is_the_next_answer_without_training(session: AsyncSession) -> None:
    draft = await draft_of(session, "kk", address=NEW_ADDRESS, hours="Senin–Sabtu 08.00–14.00")
    change = await update_service(session, ADMIN, "kk", draft)
    assert change.changed and not change.needs_retraining
    answer = directions(await find_public_service(session, "kartu keluarga"))
    assert f"Alamat: {NEW_ADDRESS}" in answer
    assert "Jam layanan: Senin–Sabtu 08.00–14.00" in answer
    assert "Jl. Pahlawan" not in answer


async def test_new_aliases_are_stored_lower_case_and_need_training(
    session: AsyncSession,
) -> None:
    draft = await draft_of(session, "kk", aliases="KK\nKartu Keluarga, Kartu KK, kartu kk")
    change = await update_service(session, ADMIN, "kk", draft)
    assert change.changed and change.needs_retraining
    assert (await get_service(session, "kk")).aliases == ["kk", "kartu keluarga", "kartu kk"]
    assert (await find_public_service(session, "Kartu KK")).slug == "kk"


async def test_saving_the_same_values_changes_nothing_and_writes_no_audit(
    session: AsyncSession,
) -> None:
    change = await update_service(session, ADMIN, "sim", await draft_of(session, "sim"))
    assert not change.changed and not change.needs_retraining
    assert await audit_count(session) == 0


async def test_a_created_service_is_found_needs_training_and_is_audited(
    session: AsyncSession,
) -> None:
    draft = ServiceDraft(
        name="Rekomendasi nikah  ke luar daerah",
        aliases="numpang nikah, Rekomendasi Nikah\nnumpang nikah",
        office=OFFICE,
        address="Jl. Veteran No. 7, Sukamaju",
        hours="Senin–Jumat 08.00–15.00 WIB",
        phone="(0271) 555-0199",
        website="https://kemenag.go.id",
        how="Bawa surat pengantar dari desa/kelurahan dan KTP-el.",
    )
    change = await create_service(session, ADMIN, "numpang_nikah", draft)
    assert change.changed and change.needs_retraining
    service = await get_service(session, "numpang_nikah")
    assert service.name == "Rekomendasi nikah ke luar daerah"
    assert service.aliases == ["numpang nikah", "rekomendasi nikah"]
    found = await find_public_service(session, "rekomendasi nikah")
    assert directions(found).startswith(f"Rekomendasi nikah ke luar daerah adalah layanan {OFFICE}")
    [entry] = await recent_entries(session)
    assert (entry.action, entry.target, entry.staff_name) == (
        "service.create",
        "service:numpang_nikah",
        "Admin Uji",
    )
    assert entry.before is None and entry.after is not None
    assert entry.after["aliases"] == service.aliases and entry.after["active"] is True


async def test_retiring_stops_the_directions_at_once_and_reactivating_brings_them_back(
    session: AsyncSession,
) -> None:
    change = await set_service_active(session, ADMIN, "paspor", False)
    assert change.changed and not change.needs_retraining
    with pytest.raises(UnknownPublicService):
        await find_public_service(session, "paspor")
    retired = [s for s in await list_services(session) if not s.active]
    assert [s.slug for s in retired] == ["paspor"]
    assert (await list_services(session))[-1].slug == "paspor"  # retired ones last
    back = await set_service_active(session, ADMIN, "paspor", True)
    assert back.changed and back.needs_retraining
    assert (await find_public_service(session, "passport")).slug == "paspor"
    entries = await recent_entries(session, action_prefix="service.")
    assert [(e.action, e.target) for e in entries] == [
        ("service.reactivate", "service:paspor"),
        ("service.retire", "service:paspor"),
    ]
    assert entries[1].before is not None and entries[1].after is not None
    assert (entries[1].before["active"], entries[1].after["active"]) == (True, False)
    again = await set_service_active(session, ADMIN, "paspor", True)
    assert not again.changed


async def test_a_retired_service_whose_alias_was_given_away_is_not_reactivated(
    session: AsyncSession,
) -> None:
    await set_service_active(session, ADMIN, "paspor", False)
    draft = ServiceDraft(name="Paspor anak", aliases="paspor", office="Kantor Imigrasi")
    await create_service(session, ADMIN, "paspor_anak", draft)
    with pytest.raises(InvalidEdit) as refused:
        await set_service_active(session, ADMIN, "paspor", True)
    assert refused.value.errors == {
        "aliases": "Nama lain “paspor” sudah dipakai oleh layanan “Paspor anak”."
    }
    session.expire_all()
    assert not (await get_service(session, "paspor")).active


async def test_every_update_leaves_before_and_after(session: AsyncSession) -> None:
    old = await get_service(session, "skck")
    await update_service(
        session, ADMIN, "skck", await draft_of(session, "skck", phone="(0271) 555-0133")
    )
    [entry] = await recent_entries(session, action_prefix="service.")
    assert entry.action == "service.update" and entry.target == "service:skck"
    assert entry.before is not None and entry.after is not None
    assert (entry.before["phone"], entry.after["phone"]) == (old.phone, "(0271) 555-0133")
    assert entry.before["address"] == entry.after["address"] == old.address


GOOD = ServiceDraft(name="Akta perkawinan", aliases="akta nikah", office="Disdukcapil")


@pytest.mark.parametrize(
    ("slug", "draft", "fields"),
    [
        ("Akta-Nikah", GOOD, {"slug"}),
        ("a", GOOD, {"slug"}),
        ("kk", GOOD, {"slug"}),  # another service's
        ("pbg", GOOD, {"slug"}),  # a permit's
        ("akta_nikah", ServiceDraft("  ", "akta nikah", "Disdukcapil"), {"name"}),
        ("akta_nikah", ServiceDraft("Akta", "akta nikah", " "), {"office"}),
        ("akta_nikah", ServiceDraft("Akta", "akta nikah, KTP", "Disdukcapil"), {"aliases"}),
        ("akta_nikah", ServiceDraft("Akta", "pecah kk", "Disdukcapil"), {"aliases"}),
        ("akta_nikah", ServiceDraft("Akta", "imb", "Disdukcapil"), {"aliases"}),
        ("akta_nikah", ServiceDraft("Akta", "sip bidan", "Disdukcapil"), {"aliases"}),
        ("akta_nikah", ServiceDraft("Akta", "a" * 101, "Disdukcapil"), {"aliases"}),
        ("akta_nikah", ServiceDraft("A" * 201, "", "Disdukcapil"), {"name"}),
        (
            "akta_nikah",
            ServiceDraft("Akta", "", "Disdukcapil", website="dukcapil.go.id"),
            {"website"},
        ),
        ("akta_nikah", ServiceDraft("Akta", "", "Disdukcapil", phone="1" * 61), {"phone"}),
        ("akta_nikah", ServiceDraft("Akta", "", "Disdukcapil", en_hours="9 to 5"), {"en_hours"}),
        ("akta_nikah", ServiceDraft("Akta", "", "Disdukcapil", en_how="x" * 2001), {"en_how"}),
        ("akta_nikah", ServiceDraft("Akta", "", " ", en_office="Civil Registry"), {"office"}),
        (
            "1abc",
            ServiceDraft("", "kk", "", website="x y"),
            {"slug", "name", "office", "aliases", "website"},
        ),
    ],
)
async def test_invalid_services_are_refused_with_a_message_per_field(
    session: AsyncSession, slug: str, draft: ServiceDraft, fields: set[str]
) -> None:
    services_before = await service_count(session)
    with pytest.raises(InvalidEdit) as refused:
        await create_service(session, ADMIN, slug, draft)
    assert set(refused.value.errors) == fields
    assert all(refused.value.errors.values())
    assert await service_count(session) == services_before
    assert await audit_count(session) == 0


async def test_the_messages_say_what_is_wrong_in_indonesian(session: AsyncSession) -> None:
    draft = ServiceDraft(name="", aliases="KTP", office="", website="www.x.id")
    with pytest.raises(InvalidEdit) as refused:
        await create_service(session, ADMIN, "pbg", draft)
    assert refused.value.errors == {
        "slug": "Kode itu sudah dipakai oleh jenis izin; pilih kode lain.",
        "name": "Nama layanan wajib diisi.",
        "office": "Instansi wajib diisi.",
        "website": "Alamat situs web harus diawali http:// atau https://, tanpa spasi.",
        "aliases": "Nama lain “ktp” sudah dipakai oleh layanan “KTP elektronik”.",
    }
    imb = ServiceDraft(name="Akta", aliases="IMB", office="Disdukcapil")
    with pytest.raises(InvalidEdit) as permit_alias:
        await create_service(session, ADMIN, "akta", imb)
    assert permit_alias.value.errors == {
        "aliases": "Nama lain “imb” sudah dipakai oleh jenis izin “Persetujuan Bangunan "
        "Gedung (PBG)”."
    }


async def test_a_service_keeps_its_own_aliases_and_may_take_a_retired_ones(
    session: AsyncSession,
) -> None:
    kk = await draft_of(session, "kk", how="Bisa lewat aplikasi IKD.")
    assert (await update_service(session, ADMIN, "kk", kk)).changed
    await set_service_active(session, ADMIN, "sim", False)
    draft = await draft_of(session, "skck", aliases="skck\nsim a")
    assert (await update_service(session, ADMIN, "skck", draft)).needs_retraining


async def test_an_invalid_edit_changes_nothing(session: AsyncSession) -> None:
    old = await get_service(session, "akta_kelahiran")
    draft = await draft_of(session, "akta_kelahiran", address="Alamat baru", office="")
    with pytest.raises(InvalidEdit) as refused:
        await update_service(session, ADMIN, "akta_kelahiran", draft)
    assert refused.value.errors == {"office": "Instansi wajib diisi."}
    session.expire_all()
    assert await get_service(session, "akta_kelahiran") == old
    assert await audit_count(session) == 0


async def test_an_unknown_service_is_reported(session: AsyncSession) -> None:
    with pytest.raises(UnknownPublicService):
        await update_service(session, ADMIN, "tidak_ada", GOOD)
    with pytest.raises(UnknownPublicService):
        await set_service_active(session, ADMIN, "tidak_ada", False)


async def test_english_texts_are_the_directions_in_english(session: AsyncSession) -> None:
    how = "Bring your old KK and your KTP-el.\nThe new KK is printed the same day."
    draft = await draft_of(session, "kk", en_hours="Mon–Fri 8 am – 3 pm", en_how=how)
    change = await update_service(session, ADMIN, "kk", draft)
    assert change.changed and not change.needs_retraining
    found = await find_public_service(session, "kartu keluarga")
    with speaking("en"):
        english = directions(found)
    assert "Family Card (Kartu Keluarga, KK)" in english  # the demo's English name, kept
    assert how in english and "Mon–Fri 8 am – 3 pm" in english
    assert "Bawa KK lama" not in english
    assert "Bawa KK lama" in directions(found)  # Indonesian answers are unchanged
    [entry] = await recent_entries(session)
    assert entry.before is not None and entry.after is not None
    assert entry.after["english"]["how"] == how
    assert entry.before["english"]["how"] != how


async def test_an_emptied_english_text_is_absent_and_answered_in_indonesian(
    session: AsyncSession,
) -> None:
    await update_service(session, ADMIN, "kk", await draft_of(session, "kk", en_how=" \n "))
    service = await get_service(session, "kk")
    assert "how" not in service.english and "name" in service.english
    with speaking("en"):
        english = directions(await find_public_service(session, "kartu keluarga"))
    assert service.how in english
