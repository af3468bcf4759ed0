"""The administrators' catalogue and audit pages, through the gateway like a browser."""

from __future__ import annotations

import html
import re
from typing import Any

from permits.catalogue import PermitInfo, closest_permits, get_permit
from permits.db import create_engine, create_sessionmaker
from permits.fees import FeeRule
from tests.bot.admin.conftest import (
    LIVE,
    RETRAIN,
    client_for,
    flashes,
    form_fields,
    with_demo,
)
from tests.bot.conftest import GatewayFactory

ADMIN_PAGES = (
    "/console/admin/faq",
    "/console/admin/faq/jam_layanan",
    "/console/admin/permits",
    "/console/admin/permits/pbg",
    "/console/admin/agencies",
    "/console/admin/audit",
)


async def read_permit(database_url: str, slug: str) -> PermitInfo:
    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            return await get_permit(session, slug)
    finally:
        await engine.dispose()


async def test_an_admin_edits_a_fee_and_sla_and_the_bot_reads_them_at_once(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database)
    admin = await client_for(make_gateway, aiohttp_client, "admin")
    listing = await (await admin.get("/console/admin/permits")).text()
    assert 'href="/console/admin/permits/slf"' in listing
    fields = form_fields(
        await (await admin.get("/console/admin/permits/slf")).text(), "permit-edit"
    )
    assert (fields["fee_kind"], fields["sla_days"], fields["agency"]) == ("free", "3", "dinas_pupr")
    fields.update(fee_kind="flat", fee_amount="Rp 150.000", sla_days="7")
    saved = await admin.post("/console/admin/permits/slf", data=fields)
    assert saved.status == 200 and saved.url.path == "/console/admin/permits/slf"
    page = await saved.text()
    assert any(LIVE in text for text in flashes(page))
    assert "Biayanya Rp 150.000." in page
    permit = await read_permit(gateway_database, "slf")
    assert permit.fee == FeeRule(kind="flat", amount=150_000)
    assert permit.sla_days == 7
    reopened = form_fields(page, "permit-edit")
    assert (reopened["fee_amount"], reopened["sla_days"]) == ("150.000", "7")


async def test_a_fee_table_and_new_aliases_are_saved_and_aliases_need_training(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database)
    admin = await client_for(make_gateway, aiohttp_client, "admin")
    page = await (await admin.get("/console/admin/permits/reklame")).text()
    fields = form_fields(page, "permit-edit")
    assert "baliho sampai 12 m² per tahun = 1.800.000" in fields["fee_rows"].splitlines()
    fields["fee_rows"] = fields["fee_rows"].replace("1.800.000", "2.000.000")
    fields["aliases"] += "\niklan luar ruang"
    saved = await admin.post("/console/admin/permits/reklame", data=fields)
    assert any(RETRAIN in text for text in flashes(await saved.text()))
    fee = (await read_permit(gateway_database, "reklame")).fee
    assert ("baliho sampai 12 m² per tahun", 2_000_000) in [(r.label, r.amount) for r in fee.rows]
    assert (await read_permit(gateway_database, "iklan luar ruang")).slug == "reklame"


async def test_new_keywords_suggest_the_permit_at_once_without_training(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database)
    admin = await client_for(make_gateway, aiohttp_client, "admin")
    page = await (await admin.get("/console/admin/permits/persetujuan_lingkungan")).text()
    fields = form_fields(page, "permit-edit")
    assert "limbah" in fields["keywords"].splitlines()
    fields["keywords"] += "\nTambang\ngalian c"
    saved = await admin.post("/console/admin/permits/persetujuan_lingkungan", data=fields)
    assert any(LIVE in text for text in flashes(await saved.text()))
    engine = create_engine(gateway_database)
    try:
        async with create_sessionmaker(engine)() as session:
            suggested = await closest_permits(session, "izin tambang emas")
    finally:
        await engine.dispose()
    assert [p.slug for p in suggested] == ["persetujuan_lingkungan"]


async def test_invalid_permit_input_is_refused_with_messages_and_kept(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database)
    admin = await client_for(make_gateway, aiohttp_client, "admin")
    before = await read_permit(gateway_database, "pbg")
    fields = form_fields(
        await (await admin.get("/console/admin/permits/pbg")).text(), "permit-edit"
    )
    fields.update(sla_days="0", fee_unit_cost="dua juta", requirements="Fotokopi KTP\nBaru")
    refused = await admin.post("/console/admin/permits/pbg", data=fields)
    assert refused.status == 400
    page = await refused.text()
    messages = flashes(page)
    assert "Lama proses harus bilangan bulat 1–365 hari kerja." in messages
    assert "Harga satuan per m² wajib diisi, misalnya 2.500.000." in messages
    kept = form_fields(page, "permit-edit")
    assert (kept["sla_days"], kept["fee_unit_cost"]) == ("0", "dua juta")
    assert kept["requirements"] == "Fotokopi KTP\nBaru"
    assert await read_permit(gateway_database, "pbg") == before


async def test_deactivating_a_permit_stops_answers_about_it(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database)
    admin = await client_for(make_gateway, aiohttp_client, "admin")
    fields = form_fields(
        await (await admin.get("/console/admin/permits/sipa")).text(), "permit-edit"
    )
    response = await admin.post(
        "/console/admin/permits/sipa/status",
        data={"csrf_token": fields["csrf_token"], "action": "deactivate"},
    )
    page = await response.text()
    assert any(RETRAIN in text for text in flashes(page))
    assert 'value="activate"' in page
    listing = await (await admin.get("/console/admin/permits")).text()
    row = re.search(r'<tr data-permit="sipa">(.*?)</tr>', listing, re.S)
    assert row is not None and "Nonaktif" in row.group(1)


async def test_agencies_are_added_and_renamed(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database)
    admin = await client_for(make_gateway, aiohttp_client, "admin")
    page = await (await admin.get("/console/admin/agencies")).text()
    fields = form_fields(page, "agency-create")
    fields.update(slug="Dinas Sosial", name="Dinas Sosial", short_name="Dinsos")
    refused = await admin.post("/console/admin/agencies", data=fields)
    assert refused.status == 400
    refused_page = await refused.text()
    assert any(m.startswith("Kode instansi harus") for m in flashes(refused_page))
    assert form_fields(refused_page, "agency-create")["name"] == "Dinas Sosial"
    fields["slug"] = "dinsos"
    created = await admin.post("/console/admin/agencies", data=fields)
    created_page = await created.text()
    assert any(LIVE in text for text in flashes(created_page))
    assert 'data-agency="dinsos"' in created_page
    renamed = await admin.post(
        "/console/admin/agencies/dinkes",
        data={
            "csrf_token": fields["csrf_token"],
            "name": "Dinas Kesehatan Kabupaten Sukamaju",
            "short_name": "Dinkes",
        },
    )
    assert any(LIVE in text for text in flashes(await renamed.text()))
    permit = await read_permit(gateway_database, "sip_dokter")
    assert permit.agency_name == "Dinas Kesehatan Kabupaten Sukamaju"
    blank = await admin.post(
        "/console/admin/agencies/dinkes",
        data={"csrf_token": fields["csrf_token"], "name": " ", "short_name": "Dinkes"},
    )
    assert blank.status == 400
    assert "Nama instansi wajib diisi." in flashes(await blank.text())


async def test_saving_nothing_new_or_an_unknown_agency_says_so(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database)
    admin = await client_for(make_gateway, aiohttp_client, "admin")
    fields = form_fields(
        await (await admin.get("/console/admin/permits/slf")).text(), "permit-edit"
    )
    same = await admin.post("/console/admin/permits/slf", data=fields)
    assert same.status == 200 and same.url.path == "/console/admin/permits/slf"
    assert "Tidak ada perubahan: isian sama dengan yang tersimpan." in flashes(await same.text())
    unknown = await admin.post(
        "/console/admin/agencies/tidak_ada",
        data={"csrf_token": fields["csrf_token"], "name": "Dinas Baru", "short_name": "DB"},
    )
    assert unknown.status == 200 and unknown.url.path == "/console/admin/agencies"
    assert "Instansi itu tidak ditemukan." in flashes(await unknown.text())


async def test_an_agent_is_refused_every_admin_page(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database)
    agent = await client_for(make_gateway, aiohttp_client, "siti")
    for path in ADMIN_PAGES:
        response = await agent.get(path)
        assert response.status == 403, path
        assert "Halaman ini hanya untuk admin." in await response.text()
    queue = await (await agent.get("/console")).text()
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', queue)
    assert csrf is not None
    for path in (
        "/console/admin/faq",
        "/console/admin/faq/kontak",
        "/console/admin/faq/kontak/status",
        "/console/admin/permits/pbg",
        "/console/admin/permits/pbg/status",
        "/console/admin/agencies",
        "/console/admin/agencies/dinkes",
    ):
        response = await agent.post(path, data={"csrf_token": csrf.group(1), "action": "retire"})
        assert response.status == 403, path


async def test_the_audit_page_shows_who_changed_what(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database)
    admin = await client_for(make_gateway, aiohttp_client, "admin")
    empty = await (await admin.get("/console/admin/audit")).text()
    assert 'data-admin="audit-empty"' in empty
    fields = form_fields(
        await (await admin.get("/console/admin/permits/slf")).text(), "permit-edit"
    )
    fields.update(
        sla_days="5",
        requirements=fields["requirements"] + "\nFoto bangunan terbaru",
        en_requirements=fields["en_requirements"] + "\nA recent photo of the building",
    )
    await admin.post("/console/admin/permits/slf", data=fields)
    faq_fields = form_fields(
        await (await admin.get("/console/admin/faq/kontak")).text(), "faq-edit"
    )
    faq_fields["answer"] = "Hubungi 1500164."
    await admin.post("/console/admin/faq/kontak", data=faq_fields)

    page = await (await admin.get("/console/admin/audit")).text()
    assert "Riwayat perubahan" in page
    entries = re.findall(r'<tr data-admin="audit-entry">(.*?)</tr>', page, re.S)
    assert len(entries) == 2
    newest, older = (html.unescape(entry) for entry in entries)
    assert "Admin" in newest and "Topik FAQ diubah" in newest and "faq:kontak" in newest
    assert "Hubungi 1500164." in newest and "Jawaban" in newest
    assert re.search(r"\d{2}-\d{2}-\d{4} \d{2}\.\d{2} WIB", newest)
    assert "Jenis izin diubah" in older and "permit:slf" in older
    assert "+ Foto bangunan terbaru" in older
    assert re.search(r"Sebelum:</span> 3<.*Sesudah:</span> 5<", older, re.S)
    assert "Biaya" not in older  # unchanged fields are not listed

    only_faq = await (await admin.get("/console/admin/audit", params={"jenis": "faq"})).text()
    assert len(re.findall(r'data-admin="audit-entry"', only_faq)) == 1
