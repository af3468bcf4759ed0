"""The permit editor's lifecycle part: validity, renewal, change and replacement."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select

from permits.answers import duration_answer, fee_answer, requirements_answer
from permits.db import create_engine, create_sessionmaker
from permits.english import permit_in
from permits.language import ENGLISH
from permits.lifecycle import PermitAction
from permits.models import PermitType, PermitVariant
from tests.bot.admin.conftest import LIVE, client_for, flashes, form_fields, with_demo
from tests.bot.admin.test_catalogue_pages import read_permit
from tests.bot.conftest import GatewayFactory

RENEWAL = PermitAction.RENEWAL


async def test_an_admin_writes_a_renewal_and_the_bot_answers_it_at_once(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database)
    admin = await client_for(make_gateway, aiohttp_client, "admin")
    fields = form_fields(
        await (await admin.get("/console/admin/permits/sip_perawat")).text(), "permit-edit"
    )
    fields.update(
        validity_years="5",
        validity_note="selama STR berlaku",
        perpanjangan_mode="ada",
        perpanjangan_requirements="SIPP lama (asli)\nSTR Perawat yang masih berlaku",
        perpanjangan_en_requirements="The old SIPP (original)\nA valid nurse's STR",
        perpanjangan_fee_kind="flat",
        perpanjangan_fee_amount="Rp 25.000",
        perpanjangan_sla_days="3",
        perpanjangan_note="Ajukan paling lambat 3 bulan sebelum SIPP berakhir.",
    )
    saved = await admin.post("/console/admin/permits/sip_perawat", data=fields)
    page = await saved.text()
    assert saved.status == 200 and any(LIVE in text for text in flashes(page))
    permit = await read_permit(gateway_database, "sip_perawat")
    renewal = requirements_answer(permit, RENEWAL)
    assert renewal.startswith("Persyaratan perpanjangan Surat Izin Praktik Perawat (SIPP):")
    assert "1. SIPP lama (asli)\n2. STR Perawat yang masih berlaku" in renewal
    assert "Rekomendasi PPNI" not in renewal  # the new application's list is not used
    assert "3 bulan sebelum SIPP berakhir" in renewal
    in_english = permit_in(ENGLISH, permit).permit.variants[RENEWAL]
    assert in_english.requirements == ["The old SIPP (original)", "A valid nurse's STR"]
    assert "Rp 25.000" in fee_answer(permit, RENEWAL)
    assert "paling lama 3 hari kerja" in duration_answer(permit, RENEWAL)
    assert "berlaku 5 tahun (selama STR berlaku)" in duration_answer(permit)
    reopened = form_fields(page, "permit-edit")
    assert (reopened["perpanjangan_mode"], reopened["perpanjangan_fee_amount"]) == (
        "ada",
        "25.000",
    )


async def test_a_permit_that_is_not_renewed_says_so_and_what_to_do(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database)
    admin = await client_for(make_gateway, aiohttp_client, "admin")
    fields = form_fields(
        await (await admin.get("/console/admin/permits/pbg")).text(), "permit-edit"
    )
    fields.update(perpanjangan_mode="tidak", perpanjangan_note="Yang diperpanjang adalah SLF.")
    await admin.post("/console/admin/permits/pbg", data=fields)
    answer = requirements_answer(await read_permit(gateway_database, "pbg"), RENEWAL)
    assert answer == (
        "Tidak ada perpanjangan untuk Persetujuan Bangunan Gedung (PBG). "
        "Yang diperpanjang adalah SLF."
    )


async def test_an_action_left_unwritten_answers_with_the_new_application(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database)
    admin = await client_for(make_gateway, aiohttp_client, "admin")
    fields = form_fields(
        await (await admin.get("/console/admin/permits/tdup")).text(), "permit-edit"
    )
    fields.update(penggantian_mode="")
    await admin.post("/console/admin/permits/tdup", data=fields)
    permit = await read_permit(gateway_database, "tdup")
    answer = requirements_answer(permit, PermitAction.REPLACEMENT)
    assert answer.startswith("Ketentuan khusus penggantian Tanda Daftar Usaha Pariwisata")
    assert all(item in answer for item in permit.requirements)


async def test_bad_lifecycle_input_is_refused_and_kept(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database)
    admin = await client_for(make_gateway, aiohttp_client, "admin")
    before = await read_permit(gateway_database, "slf")
    fields = form_fields(
        await (await admin.get("/console/admin/permits/slf")).text(), "permit-edit"
    )
    fields.update(
        validity_years="lima",
        perubahan_mode="ada",
        perubahan_fee_kind="flat",
        perubahan_fee_amount="gratis",
        perubahan_sla_days="0",
    )
    refused = await admin.post("/console/admin/permits/slf", data=fields)
    assert refused.status == 400
    page = await refused.text()
    messages = flashes(page)
    assert any(m.startswith("Masa berlaku ditulis dalam tahun") for m in messages)
    assert "Tulis nominal rupiah berupa angka, misalnya 1.500.000." in messages
    assert "Lama proses harus bilangan bulat 1–365 hari kerja, atau kosong." in messages
    kept = form_fields(page, "permit-edit")
    assert (kept["validity_years"], kept["perubahan_fee_amount"]) == ("lima", "gratis")
    assert await read_permit(gateway_database, "slf") == before


async def test_an_imported_fee_table_the_form_cannot_show_is_kept(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database)
    table = {"kind": "table", "rows": [{"label": "baliho", "amount": 900_000}]}
    engine = create_engine(gateway_database)
    try:
        async with create_sessionmaker(engine)() as session:
            reklame = await session.scalar(
                select(PermitType.id).where(PermitType.slug == "reklame")
            )
            assert reklame is not None
            await session.execute(
                delete(PermitVariant).where(PermitVariant.permit_type_id == reklame)
            )
            session.add(
                PermitVariant(
                    permit_type_id=reklame, action="perpanjangan", fee_rule=table, note=""
                )
            )
            await session.commit()
    finally:
        await engine.dispose()
    admin = await client_for(make_gateway, aiohttp_client, "admin")
    fields = form_fields(
        await (await admin.get("/console/admin/permits/reklame")).text(), "permit-edit"
    )
    assert fields["perpanjangan_fee_kind"] == "kept"
    fields["perpanjangan_note"] = "Bayar pajak reklame periode berikutnya."
    await admin.post("/console/admin/permits/reklame", data=fields)
    permit = await read_permit(gateway_database, "reklame")
    assert "Rp 900.000" in fee_answer(permit, RENEWAL)
    assert "periode berikutnya" in fee_answer(permit, RENEWAL)


async def test_a_variants_english_is_saved_and_a_wrong_count_refused(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database)
    admin = await client_for(make_gateway, aiohttp_client, "admin")
    page = await (await admin.get("/console/admin/permits/sip_dokter")).text()
    fields = form_fields(page, "permit-edit")
    requirements = fields["penggantian_requirements"].splitlines()
    assert len(fields["penggantian_en_requirements"].splitlines()) == len(requirements)
    before = await read_permit(gateway_database, "sip_dokter")
    fields.update(
        penggantian_requirements=requirements[0],
        penggantian_note=fields["penggantian_note"] or "Bawa KTP.",
    )
    refused = await admin.post("/console/admin/permits/sip_dokter", data=fields)
    assert refused.status == 400
    assert (
        "Tulis 1 baris, satu untuk setiap persyaratan berbahasa Indonesia, atau kosongkan."
        in flashes(await refused.text())
    )
    assert await read_permit(gateway_database, "sip_dokter") == before
    fields.update(
        penggantian_en_requirements="Police report of the loss",
        penggantian_en_note="Bring the original damaged permit if you have it.",
        penggantian_en_procedure="",
    )
    saved = await admin.post("/console/admin/permits/sip_dokter", data=fields)
    assert any(LIVE in text for text in flashes(await saved.text()))
    localised = permit_in(ENGLISH, await read_permit(gateway_database, "sip_dokter"))
    replacement = localised.permit.variants[PermitAction.REPLACEMENT]
    assert replacement.requirements == ["Police report of the loss"]
    assert replacement.note == "Bring the original damaged permit if you have it."
    assert not localised.complete  # the replacement procedure is no longer translated
