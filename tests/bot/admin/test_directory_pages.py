"""The administrators' pages of the other offices' directory, through the gateway like a
browser: list, add, edit, retire and reactivate; refused to agents and strangers."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from yarl import URL

from permits.db import create_engine, create_sessionmaker
from permits.errors import UnknownPublicService
from permits.public_service_admin import ServiceView, get_service
from permits.public_services import directions, find_public_service
from tests.bot.admin.conftest import LIVE, RETRAIN, client_for, flashes, form_fields, with_demo
from tests.bot.conftest import GatewayFactory

Client = TestClient[web.Request, web.Application]
DIRECTORY = "/console/admin/layanan-lain"
NEW_ADDRESS = "Mal Pelayanan Publik Sukamaju, Jl. Merdeka No. 1"


async def bot_directions(database_url: str, text: str) -> str:
    """What the bot answers about the service named `text`, read as the action reads it."""
    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            return directions(await find_public_service(session, text))
    finally:
        await engine.dispose()


async def read_service(database_url: str, slug: str) -> ServiceView:
    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            return await get_service(session, slug)
    finally:
        await engine.dispose()


async def test_an_admin_changes_an_address_and_the_bot_answers_with_it_at_once(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database)
    admin = await client_for(make_gateway, aiohttp_client, "admin")
    queue = await (await admin.get("/console")).text()
    assert f'<a href="{DIRECTORY}"' in queue and "Layanan lain" in queue  # in the menu
    listing = await (await admin.get(DIRECTORY)).text()
    assert "Layanan instansi lain" in listing
    assert f'href="{DIRECTORY}/kk"' in listing and "Kartu Keluarga (KK)" in listing
    page = await (await admin.get(f"{DIRECTORY}/kk")).text()
    for label in ("Nama layanan", "Instansi", "Alamat", "Jam layanan", "Telepon", "Situs web"):
        assert f">{label}</label>" in page
    assert "Cara mengurus" in page and "Nama lain (satu per baris)" in page
    assert "Simpan perubahan" in page and "Nonaktifkan" in page
    fields = form_fields(page, "service-edit")
    assert fields["aliases"].splitlines()[:2] == ["kk", "kartu keluarga"]
    assert fields["address"] == "Jl. Pahlawan No. 12, Sukamaju"
    fields["address"] = NEW_ADDRESS
    saved = await admin.post(f"{DIRECTORY}/kk", data=fields)
    assert saved.status == 200 and saved.url.path == f"{DIRECTORY}/kk"
    shown = await saved.text()
    assert any(text.startswith("Layanan tersimpan.") and LIVE in text for text in flashes(shown))
    assert RETRAIN not in html.unescape(shown)
    assert form_fields(shown, "service-edit")["address"] == NEW_ADDRESS
    answer = await bot_directions(gateway_database, "kartu keluarga")
    assert f"Alamat: {NEW_ADDRESS}" in answer


async def test_new_aliases_say_training_is_needed_and_are_kept_lower_case(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database)
    admin = await client_for(make_gateway, aiohttp_client, "admin")
    fields = form_fields(await (await admin.get(f"{DIRECTORY}/sim")).text(), "service-edit")
    fields["aliases"] += "\nSIM B1, bikin SIM"
    saved = await admin.post(f"{DIRECTORY}/sim", data=fields)
    messages = flashes(await saved.text())
    assert any(LIVE not in text and RETRAIN in text for text in messages)
    assert (await read_service(gateway_database, "sim")).aliases[-2:] == ["sim b1", "bikin sim"]


async def test_an_admin_adds_a_service(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database)
    admin = await client_for(make_gateway, aiohttp_client, "admin")
    fields = form_fields(await (await admin.get(DIRECTORY)).text(), "service-create")
    fields.update(
        slug="akta_perkawinan",
        name="Akta perkawinan (non-Muslim)",
        aliases="akta perkawinan, akta nikah kristen\nAkta Perkawinan",
        office="Dinas Kependudukan dan Pencatatan Sipil Kabupaten Sukamaju",
        address="Jl. Pahlawan No. 12, Sukamaju",
        website="https://dukcapil.sukamajukab.go.id",
        how="Bawa surat pemberkatan dari gereja/pura/vihara, KTP-el dan KK kedua mempelai.",
    )
    created = await admin.post(DIRECTORY, data=fields)
    assert created.url.path == f"{DIRECTORY}/akta_perkawinan"
    assert any(RETRAIN in text for text in flashes(await created.text()))
    service = await read_service(gateway_database, "akta_perkawinan")
    assert service.aliases == ["akta perkawinan", "akta nikah kristen"] and service.active
    answer = await bot_directions(gateway_database, "akta nikah kristen")
    assert answer.startswith("Akta perkawinan (non-Muslim) adalah layanan Dinas Kependudukan")
    listing = await (await admin.get(DIRECTORY)).text()
    assert f'href="{DIRECTORY}/akta_perkawinan"' in listing


async def test_bad_input_gets_the_messages_and_keeps_what_was_typed(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database)
    admin = await client_for(make_gateway, aiohttp_client, "admin")
    listing = await (await admin.get(DIRECTORY)).text()
    fields = form_fields(listing, "service-create")
    fields.update(
        slug="Surat <Nikah>",
        name="Surat <nikah>",
        aliases="surat nikah\nKTP",
        office="",
        website="kemenag.go.id",
    )
    refused = await admin.post(DIRECTORY, data=fields)
    assert refused.status == 400
    page = await refused.text()
    messages = flashes(page)
    assert any(message.startswith("Kode layanan harus") for message in messages)
    assert "Instansi wajib diisi." in messages
    assert "Nama lain “ktp” sudah dipakai oleh layanan “KTP elektronik”." in messages
    assert "Alamat situs web harus diawali http:// atau https://, tanpa spasi." in messages
    kept = form_fields(page, "service-create")
    assert (kept["slug"], kept["name"], kept["aliases"], kept["website"]) == (
        "Surat <Nikah>",
        "Surat <nikah>",
        "surat nikah\nKTP",
        "kemenag.go.id",
    )
    assert "Surat <nikah>" not in page  # escaped, not markup
    after = await (await admin.get(DIRECTORY)).text()
    assert after.count("<tr data-service=") == listing.count("<tr data-service=") == 17

    edit = form_fields(await (await admin.get(f"{DIRECTORY}/kk")).text(), "service-edit")
    edit.update(address="Alamat yang belum boleh tersimpan", name=" ", aliases="kk\nimb")
    refused_edit = await admin.post(f"{DIRECTORY}/kk", data=edit)
    assert refused_edit.status == 400
    edit_page = await refused_edit.text()
    assert "Nama layanan wajib diisi." in flashes(edit_page)
    assert 'data-admin="error-aliases"' in edit_page and "jenis izin" in edit_page
    assert form_fields(edit_page, "service-edit")["address"] == edit["address"]
    assert "Alamat: Jl. Pahlawan No. 12" in await bot_directions(gateway_database, "kk")


async def test_retiring_stops_the_directions_and_reactivating_brings_them_back(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database)
    admin = await client_for(make_gateway, aiohttp_client, "admin")
    page = await (await admin.get(f"{DIRECTORY}/paspor")).text()
    csrf = form_fields(page, "service-edit")["csrf_token"]
    retired = await admin.post(
        f"{DIRECTORY}/paspor/status", data={"csrf_token": csrf, "action": "retire"}
    )
    retired_page = await retired.text()
    assert any(text.startswith("Layanan dinonaktifkan") for text in flashes(retired_page))
    assert "Aktifkan kembali" in retired_page
    with pytest.raises(UnknownPublicService):
        await bot_directions(gateway_database, "paspor")
    back = await admin.post(
        f"{DIRECTORY}/paspor/status", data={"csrf_token": csrf, "action": "reactivate"}
    )
    assert any(RETRAIN in text for text in flashes(await back.text()))
    assert "Kantor Imigrasi" in await bot_directions(gateway_database, "paspor")
    unknown = await admin.post(
        f"{DIRECTORY}/paspor/status", data={"csrf_token": csrf, "action": "hapus"}
    )
    assert unknown.status == 400

    audit = html.unescape(await (await admin.get("/console/admin/audit?jenis=layanan-lain")).text())
    entries = re.findall(r'<tr data-admin="audit-entry">(.*?)</tr>', audit, re.S)
    assert len(entries) == 2
    assert (
        "Layanan instansi lain diaktifkan kembali" in entries[0] and "service:paspor" in entries[0]
    )
    assert "Layanan instansi lain dinonaktifkan" in entries[1]


async def test_an_unknown_service_leads_back_to_the_list(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database)
    admin = await client_for(make_gateway, aiohttp_client, "admin")
    response = await admin.get(f"{DIRECTORY}/tidak_ada")
    assert response.url.path == DIRECTORY
    assert "Layanan itu tidak ditemukan." in flashes(await response.text())


async def test_signed_out_visitors_and_agents_are_refused(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database)
    stranger = await make_gateway()
    page = await stranger.get(DIRECTORY, allow_redirects=False)
    assert page.status == 302
    assert URL(page.headers["Location"]).path == "/console/login"
    posted = await stranger.post(f"{DIRECTORY}/kk", data={"address": "Jl. Palsu"})
    assert posted.status == 401

    agent = await client_for(make_gateway, aiohttp_client, "siti")
    for path in (DIRECTORY, f"{DIRECTORY}/kk"):
        response = await agent.get(path)
        assert response.status == 403, path
        assert "Halaman ini hanya untuk admin." in await response.text()
    queue = await (await agent.get("/console")).text()
    assert DIRECTORY not in queue  # not in an agent's menu
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', queue)
    assert csrf is not None
    for path in (DIRECTORY, f"{DIRECTORY}/kk", f"{DIRECTORY}/kk/status"):
        data = {"csrf_token": csrf.group(1), "action": "retire", "address": "Jl. Palsu"}
        response = await agent.post(path, data=data)
        assert response.status == 403, path
    assert "Jl. Palsu" not in await bot_directions(gateway_database, "kk")


async def test_a_change_without_the_csrf_token_is_refused(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database)
    admin = await client_for(make_gateway, aiohttp_client, "admin")
    fields = form_fields(await (await admin.get(f"{DIRECTORY}/kk")).text(), "service-edit")
    fields.update(csrf_token="palsu", address="Diubah dari situs lain.")
    forged = await admin.post(f"{DIRECTORY}/kk", data=fields)
    assert forged.status == 403
    assert "Jl. Pahlawan No. 12" in await bot_directions(gateway_database, "kk")
