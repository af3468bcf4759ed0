"""The administrators' FAQ pages, through the gateway like a browser: edit, add, retire."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from permits.db import create_engine, create_sessionmaker
from permits.errors import UnknownTopic
from permits.faq import faq_answer
from permits.faq_admin import get_topic
from permits.model_versions import (
    Step,
    StepMark,
    append_log,
    finish,
    mark_deployed,
    start_version,
    step_line,
)
from permits.models import TrainingExample, utcnow
from permits.states import ModelState
from tests.bot.admin.conftest import (
    LIVE,
    PARKING_ANSWER,
    RETRAIN,
    add_parking_topic,
    client_for,
    flashes,
    form_fields,
    with_demo,
)
from tests.bot.conftest import GatewayFactory

Client = TestClient[web.Request, web.Application]


async def read_answer(database_url: str, slug: str) -> str:
    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            return await faq_answer(session, f"faq/{slug}")
    finally:
        await engine.dispose()


async def test_an_admin_edits_an_answer_and_the_bot_answers_with_it_at_once(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database)
    admin = await client_for(make_gateway, aiohttp_client, "admin")
    listing = await (await admin.get("/console/admin/faq")).text()
    assert 'href="/console/admin/faq/jam_layanan"' in listing
    page = await (await admin.get("/console/admin/faq/jam_layanan")).text()
    fields = form_fields(page, "faq-edit")
    assert fields["examples"].splitlines()[0] == "jam buka kantor"
    fields["answer"] = "Loket buka Senin–Jumat 07.30–16.00 WIB; Sabtu tutup."
    saved = await admin.post("/console/admin/faq/jam_layanan", data=fields)
    assert saved.status == 200 and saved.url.path == "/console/admin/faq/jam_layanan"
    shown = await saved.text()
    assert any(LIVE in text for text in flashes(shown))
    assert RETRAIN not in html.unescape(shown)
    assert "Sabtu tutup." in shown
    assert await read_answer(gateway_database, "jam_layanan") == fields["answer"]


async def test_an_admin_adds_a_topic_that_needs_training(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database)
    admin = await client_for(make_gateway, aiohttp_client, "admin")
    created = await add_parking_topic(
        admin, examples="parkir dimana\nada parkir motor ga\n\nparkir dimana"
    )
    assert created.url.path == "/console/admin/faq/parkir"
    assert any(RETRAIN in text for text in flashes(await created.text()))
    engine = create_engine(gateway_database)
    async with create_sessionmaker(engine)() as session:
        topic = await get_topic(session, "parkir")
    await engine.dispose()
    assert topic.examples == ["parkir dimana", "ada parkir motor ga"]
    assert await read_answer(gateway_database, "parkir") == PARKING_ANSWER


async def test_new_examples_say_training_is_needed(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database)
    admin = await client_for(make_gateway, aiohttp_client, "admin")
    fields = form_fields(await (await admin.get("/console/admin/faq/lokasi")).text(), "faq-edit")
    fields["examples"] += "\nmpp sukamaju di mana"
    saved = await admin.post("/console/admin/faq/lokasi", data=fields)
    assert any(RETRAIN in text for text in flashes(await saved.text()))


async def test_invalid_input_is_refused_with_the_message_and_the_input_kept(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database)
    admin = await client_for(make_gateway, aiohttp_client, "admin")
    fields = form_fields(await (await admin.get("/console/admin/faq")).text(), "faq-create")
    fields.update(slug="Parkir Motor", title="Parkir <motor>", examples="satu saja", answer="")
    refused = await admin.post("/console/admin/faq", data=fields)
    assert refused.status == 400
    page = await refused.text()
    messages = flashes(page)
    assert any(message.startswith("Kode topik harus") for message in messages)
    assert "Tulis minimal 2 contoh pertanyaan yang berbeda, satu per baris." in messages
    assert "Jawaban wajib diisi." in messages
    kept = form_fields(page, "faq-create")
    assert (kept["slug"], kept["title"], kept["examples"]) == (
        "Parkir Motor",
        "Parkir <motor>",
        "satu saja",
    )
    assert "Parkir <motor>" not in page  # escaped, not markup
    listing = await (await admin.get("/console/admin/faq")).text()
    assert "Parkir" not in listing

    edit = form_fields(await (await admin.get("/console/admin/faq/kontak")).text(), "faq-edit")
    before = await read_answer(gateway_database, "kontak")
    edit.update(answer="Jawaban baru yang belum boleh tersimpan.", examples="kontak ptsp")
    refused_edit = await admin.post("/console/admin/faq/kontak", data=edit)
    assert refused_edit.status == 400
    edit_page = await refused_edit.text()
    assert form_fields(edit_page, "faq-edit")["answer"] == edit["answer"]
    assert 'data-admin="error-examples"' in edit_page
    assert await read_answer(gateway_database, "kontak") == before


async def test_retiring_a_topic_stops_its_answer_and_needs_training(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database)
    admin = await client_for(make_gateway, aiohttp_client, "admin")
    page = await (await admin.get("/console/admin/faq/antrian")).text()
    csrf = form_fields(page, "faq-edit")["csrf_token"]
    retired = await admin.post(
        "/console/admin/faq/antrian/status", data={"csrf_token": csrf, "action": "retire"}
    )
    retired_page = await retired.text()
    assert any(RETRAIN in text for text in flashes(retired_page))
    assert "Aktifkan kembali" in retired_page
    with pytest.raises(UnknownTopic):
        await read_answer(gateway_database, "antrian")
    back = await admin.post(
        "/console/admin/faq/antrian/status", data={"csrf_token": csrf, "action": "reactivate"}
    )
    assert any(RETRAIN in text for text in flashes(await back.text()))
    assert await read_answer(gateway_database, "antrian")
    unknown = await admin.post(
        "/console/admin/faq/antrian/status", data={"csrf_token": csrf, "action": "hapus"}
    )
    assert unknown.status == 400


async def test_an_unknown_topic_leads_back_to_the_list(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database)
    admin = await client_for(make_gateway, aiohttp_client, "admin")
    response = await admin.get("/console/admin/faq/tidak_ada")
    assert response.url.path == "/console/admin/faq"
    assert "Topik FAQ itu tidak ditemukan." in flashes(await response.text())


async def test_a_change_without_the_csrf_token_is_refused(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database)
    admin = await client_for(make_gateway, aiohttp_client, "admin")
    fields = form_fields(await (await admin.get("/console/admin/faq/kontak")).text(), "faq-edit")
    before = await read_answer(gateway_database, "kontak")
    fields.update(csrf_token="palsu", answer="Diubah dari situs lain.")
    forged = await admin.post("/console/admin/faq/kontak", data=fields)
    assert forged.status == 403
    assert await read_answer(gateway_database, "kontak") == before


NOT_TRAINED = "belum aktif — latih ulang"


def status_of(page: str, slug: str) -> str:
    """The status cell of a topic's row on the list."""
    row = page[page.index(f'<tr data-topic="{slug}">') :]
    cell = row[row.index('data-admin="topic-status"') :]
    cell = cell[: cell.index("</td>")]
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", cell.split(">", 1)[1]).split()))


async def model_in_service_trained_on(database_url: str, topics: tuple[str, ...]) -> None:
    engine = create_engine(database_url)
    async with create_sessionmaker(engine)() as session:
        version = await start_version(session, "Admin")
        mark = StepMark(Step.TRAIN, utcnow(), "", topics)
        await append_log(session, version.id, step_line(mark))
        await finish(session, version.id, ModelState.DEPLOYED, summary="", file="/m/v1.tar.gz")
        await mark_deployed(session, version.id)
    await engine.dispose()


async def test_a_topic_the_model_in_service_was_not_trained_on_is_not_shown_as_active(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database)
    admin = await client_for(make_gateway, aiohttp_client, "admin")
    created = await add_parking_topic(admin)
    assert NOT_TRAINED in html.unescape(await created.text())  # its own page says so too
    # The model in service is the one `make train` built from nlu/data: no parkir there.
    listing = await (await admin.get("/console/admin/faq")).text()
    assert status_of(listing, "parkir") == NOT_TRAINED
    assert status_of(listing, "jam_layanan") == "Aktif"

    await model_in_service_trained_on(gateway_database, ("jam_layanan", "parkir"))
    listing = await (await admin.get("/console/admin/faq")).text()
    assert status_of(listing, "parkir") == "Aktif"
    assert status_of(listing, "lokasi") == NOT_TRAINED  # left out of that training


async def test_examples_assigned_from_the_inbox_are_counted_and_listed(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database)
    admin = await client_for(make_gateway, aiohttp_client, "admin")
    own = len(
        form_fields(await (await admin.get("/console/admin/faq/kontak")).text(), "faq-edit")[
            "examples"
        ].splitlines()
    )
    engine = create_engine(gateway_database)
    async with create_sessionmaker(engine)() as session:
        session.add_all(
            TrainingExample(intent="faq/kontak", text=text)
            for text in ("no wa kantor brp", "bisa telpon kemana min")
        )
        await session.commit()
    await engine.dispose()
    listing = await (await admin.get("/console/admin/faq")).text()
    row = listing[listing.index('<tr data-topic="kontak">') :]
    count = re.search(r'data-admin="example-count">([^<]*)<span[^>]*>([^<]*)<', row)
    assert count is not None
    assert (count.group(1).strip(), count.group(2)) == (str(own + 2), "(2 dari kotak pesan)")
    page = await (await admin.get("/console/admin/faq/kontak")).text()
    section = page[page.index('data-admin="inbox-examples"') :]
    assert "Contoh dari kotak pesan (2)" in section
    assert "<li>no wa kantor brp</li>" in section and "<li>bisa telpon kemana min</li>" in section
    assert f"seluruhnya {own + 2} contoh" in section
