"""The English texts on the admin pages, through the gateway like a browser: a permit's,
an FAQ topic's, a directory entry's and an agency's English is saved with the rest and is
the next English answer; a list of the wrong length is refused and nothing is saved."""

from __future__ import annotations

import re
from typing import Any

from permits.db import create_engine, create_sessionmaker
from permits.english import Localised, permit_in
from permits.faq import faq_answer
from permits.language import ENGLISH
from permits.public_services import directions, find_public_service
from permits.texts import speaking
from tests.bot.admin.conftest import (
    LIVE,
    add_parking_topic,
    client_for,
    flashes,
    form_fields,
    with_demo,
)
from tests.bot.admin.test_catalogue_pages import read_permit
from tests.bot.conftest import GatewayFactory

PERMIT = "/console/admin/permits"


async def in_english(database_url: str, slug: str) -> Localised:
    return permit_in(ENGLISH, await read_permit(database_url, slug))


async def english_answer(database_url: str, topic: str) -> str:
    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            return await faq_answer(session, topic, ENGLISH)
    finally:
        await engine.dispose()


async def english_directions(database_url: str, text: str) -> str:
    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            service = await find_public_service(session, text)
            with speaking(ENGLISH):
                return directions(service)
    finally:
        await engine.dispose()


async def test_a_permits_english_is_saved_with_the_rest_and_answered_in_english(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database)
    admin = await client_for(make_gateway, aiohttp_client, "admin")
    page = await (await admin.get(f"{PERMIT}/slf")).text()
    assert "Teks bahasa Inggris (untuk investor asing)" in page
    fields = form_fields(page, "permit-edit")
    assert fields["en_name"] == "Certificate of Building Worthiness (SLF)"  # the demo's
    requirements = fields["requirements"].splitlines()
    assert len(fields["en_requirements"].splitlines()) == len(requirements)
    fields.update(
        sla_days="4",
        requirements=fields["requirements"] + "\nFoto bangunan terbaru",
        en_requirements=fields["en_requirements"] + "\nA recent photo of the building",
        en_name="Building Worthiness Certificate (SLF)",
        en_procedure="",
    )
    saved = await admin.post(f"{PERMIT}/slf", data=fields)
    assert saved.status == 200 and saved.url.path == f"{PERMIT}/slf"
    page = await saved.text()
    assert any(LIVE in text for text in flashes(page))
    reopened = form_fields(page, "permit-edit")
    assert reopened["en_name"] == "Building Worthiness Certificate (SLF)"
    assert reopened["en_procedure"] == ""
    localised = await in_english(gateway_database, "slf")
    assert localised.permit.name == "Building Worthiness Certificate (SLF)"
    assert localised.permit.requirements[-1] == "A recent photo of the building"
    assert localised.permit.sla_days == 4
    indonesian = await read_permit(gateway_database, "slf")
    assert localised.permit.procedure == indonesian.procedure  # emptied: not translated
    assert not localised.complete
    audit = await (await admin.get("/console/admin/audit")).text()
    assert len(re.findall(r'data-admin="audit-entry"', audit)) == 1  # one change, one entry
    assert "Teks bahasa Inggris" in audit


async def test_a_wrong_number_of_english_lines_is_refused_and_nothing_is_saved(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database)
    admin = await client_for(make_gateway, aiohttp_client, "admin")
    before = await read_permit(gateway_database, "reklame")
    fields = form_fields(await (await admin.get(f"{PERMIT}/reklame")).text(), "permit-edit")
    typed = "Copy of the KTP\nCopy of the NPWP"
    fields.update(
        sla_days="9",
        en_requirements=typed,
        en_fee_rows=fields["en_fee_rows"].splitlines()[0],
    )
    refused = await admin.post(f"{PERMIT}/reklame", data=fields)
    assert refused.status == 400
    page = await refused.text()
    messages = flashes(page)
    count = len(before.requirements)
    assert (
        f"Tulis {count} baris, satu untuk setiap persyaratan berbahasa Indonesia, atau kosongkan."
        in messages
    )
    assert (
        "Tulis 3 baris, satu untuk setiap baris tarif berbahasa Indonesia, atau kosongkan."
        in messages
    )
    kept = form_fields(page, "permit-edit")
    assert (kept["en_requirements"], kept["sla_days"]) == (typed, "9")
    assert await read_permit(gateway_database, "reklame") == before
    audit = await (await admin.get("/console/admin/audit")).text()
    assert 'data-admin="audit-empty"' in audit


async def test_an_faq_answer_in_english_is_the_next_english_answer(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database)
    admin = await client_for(make_gateway, aiohttp_client, "admin")
    fields = form_fields(
        await (await admin.get("/console/admin/faq/jam_layanan")).text(), "faq-edit"
    )
    assert fields["en_title"] == "Service hours"
    english = "The counters are open Monday to Friday, 07:30–16:00 WIB."
    fields["en_answer"] = english
    saved = await admin.post("/console/admin/faq/jam_layanan", data=fields)
    assert any(LIVE in text for text in flashes(await saved.text()))
    assert await english_answer(gateway_database, "faq/jam_layanan") == english
    fields["en_title"] = ""
    fields["answer"] = ""
    refused = await admin.post("/console/admin/faq/jam_layanan", data=fields)
    assert refused.status == 400
    assert "Jawaban wajib diisi." in flashes(await refused.text())
    assert await english_answer(gateway_database, "faq/jam_layanan") == english


async def test_a_new_faq_topic_may_come_with_its_english_answer(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database)
    admin = await client_for(make_gateway, aiohttp_client, "admin")
    await add_parking_topic(admin, en_title="Parking", en_answer="Parking is behind the office.")
    assert await english_answer(gateway_database, "faq/parkir") == "Parking is behind the office."
    shown = form_fields(await (await admin.get("/console/admin/faq/parkir")).text(), "faq-edit")
    assert (shown["en_title"], shown["en_answer"]) == ("Parking", "Parking is behind the office.")


async def test_a_directory_entry_in_english_is_the_next_english_answer(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database)
    admin = await client_for(make_gateway, aiohttp_client, "admin")
    path = "/console/admin/layanan-lain/kk"
    fields = form_fields(await (await admin.get(path)).text(), "service-edit")
    assert fields["en_name"] == "Family Card (Kartu Keluarga, KK)"
    how = "Bring your old KK and your KTP-el; the new KK is printed the same day."
    fields.update(en_how=how, en_hours="Monday–Friday 08:00–15:00 WIB")
    saved = await admin.post(path, data=fields)
    assert any(LIVE in text for text in flashes(await saved.text()))
    answer = await english_directions(gateway_database, "kartu keluarga")
    assert how in answer and "Family Card (Kartu Keluarga, KK)" in answer
    fields.update(hours="", en_hours="Monday–Friday")
    refused = await admin.post(path, data=fields)
    assert refused.status == 400
    assert "Kosongkan, atau tulis dulu teksnya dalam bahasa Indonesia." in flashes(
        await refused.text()
    )


async def test_an_agencys_english_name_is_used_in_english_answers(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database)
    admin = await client_for(make_gateway, aiohttp_client, "admin")
    page = await (await admin.get("/console/admin/agencies")).text()
    fields = form_fields(page, "agency-dinkes")
    assert fields["en_name"] == "Health Office (Dinas Kesehatan)"
    fields["en_name"] = "Sukamaju Health Office"
    saved = await admin.post("/console/admin/agencies/dinkes", data=fields)
    assert any(LIVE in text for text in flashes(await saved.text()))
    localised = await in_english(gateway_database, "sip_dokter")
    assert localised.permit.agency_name == "Sukamaju Health Office"
    created = form_fields(page, "agency-create")
    created.update(slug="dinsos", name="Dinas Sosial", short_name="Dinsos", en_name="Social Office")
    listing = await (await admin.post("/console/admin/agencies", data=created)).text()
    assert form_fields(listing, "agency-dinsos")["en_name"] == "Social Office"
