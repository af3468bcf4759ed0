"""The inbox page: messages the bot did not understand, grouped, become training examples."""

from __future__ import annotations

import re
from typing import Any

from aiohttp import ClientResponse
from aiohttp.test_utils import TestServer
from sqlalchemy import select

from permits.db import create_engine, create_sessionmaker
from permits.models import TrainingExample, UnrecognisedMessage
from tests.bot.admin.conftest import Client, client_for, flashes, with_demo
from tests.bot.conftest import API_TOKEN, FakeRasa, GatewayFactory
from tests.bot.console.conftest import csrf_in

NOT_UNDERSTOOD = {
    "beli pulsa dong": ("out_of_scope", 0.83),
    "mau beli pulsa dong min": ("out_of_scope", 0.79),
    "Beli pulsa 20rb": ("out_of_scope", 0.71),
    "izin keramaian nikahan gmn": ("nlu_fallback", 0.31),
    "syarat izin keramaian acara nikahan": ("ask_requirements", 0.44),
}


async def stored(database_url: str) -> tuple[list[str], list[str]]:
    engine = create_engine(database_url)
    async with create_sessionmaker(engine)() as session:
        examples = (await session.scalars(select(TrainingExample.text))).all()
        states = (await session.scalars(select(UnrecognisedMessage.state))).all()
    await engine.dispose()
    return sorted(examples), sorted(states)


async def test_messages_appear_grouped_and_an_assigned_group_becomes_examples(
    make_gateway: GatewayFactory,
    gateway_database: str,
    fake_rasa: tuple[FakeRasa, TestServer],
    aiohttp_client: Any,
) -> None:
    rasa, _ = fake_rasa
    rasa.intents = dict(NOT_UNDERSTOOD)
    await with_demo(gateway_database)
    admin = await client_for(make_gateway, aiohttp_client, "admin")
    for number, text in enumerate([*NOT_UNDERSTOOD, "syarat pbg"]):
        response = await admin.post(
            "/api/messages",
            json={"conversation_id": f"api:warga{number}", "text": text},
            headers={"Authorization": f"Bearer {API_TOKEN}"},
        )
        assert response.status == 200

    page = await (await admin.get("/console/admin/inbox")).text()
    counts = [int(n) for n in re.findall(r'data-admin="inbox-group" data-count="(\d+)"', page)]
    assert counts == [3, 2]  # "syarat pbg" was understood: not in the inbox
    groups = page.split('data-admin="inbox-group"')[1:]
    assert "pulsa" in groups[0] and "keramaian" in groups[1]

    ids = re.findall(r'name="message_id" value="(\d+)"', groups[1])
    assigned = await act_on(admin, page, ids, intent="ask_requirements", action="assign")
    assert "Pesan dijadikan contoh pelatihan." in " ".join(flashes(await assigned.text()))
    examples, states = await stored(gateway_database)
    assert examples == ["izin keramaian nikahan gmn", "syarat izin keramaian acara nikahan"]
    assert states == ["assigned", "assigned", "new", "new", "new"]

    page = await (await admin.get("/console/admin/inbox")).text()
    ids = re.findall(r'name="message_id" value="(\d+)"', page)
    await act_on(admin, page, ids, action="dismiss")
    assert 'data-admin="inbox-empty"' in await (await admin.get("/console/admin/inbox")).text()
    audit = await (await admin.get("/console/admin/audit")).text()
    assert "Pesan dijadikan contoh pelatihan" in audit and "Pesan diabaikan" in audit


async def filled_inbox(
    make_gateway: GatewayFactory,
    gateway_database: str,
    fake_rasa: tuple[FakeRasa, TestServer],
    aiohttp_client: Any,
) -> Client:
    """The admin's client, after users sent the NOT_UNDERSTOOD messages."""
    rasa, _ = fake_rasa
    rasa.intents = dict(NOT_UNDERSTOOD)
    await with_demo(gateway_database)
    admin = await client_for(make_gateway, aiohttp_client, "admin")
    for number, text in enumerate(NOT_UNDERSTOOD):
        response = await admin.post(
            "/api/messages",
            json={"conversation_id": f"api:warga{number}", "text": text},
            headers={"Authorization": f"Bearer {API_TOKEN}"},
        )
        assert response.status == 200
    return admin


async def act_on(admin: Client, page: str, ids: list[str], **choice: str) -> ClientResponse:
    """Post the inbox form of `page` for the messages `ids`, with `choice` (action,
    intent) as the admin picked it."""
    return await admin.post(
        "/console/admin/inbox",
        data=[
            ("csrf_token", csrf_in(page)),
            *[("message_id", i) for i in ids],
            *choice.items(),
        ],
    )


def selected_targets(page: str) -> list[str]:
    groups = page.split('data-admin="inbox-group"')[1:]
    return [re.findall(r'<option value="([^"]*)" selected>', group)[0] for group in groups]


async def test_each_group_offers_its_detected_intent_and_nothing_is_assigned_unchosen(
    make_gateway: GatewayFactory,
    gateway_database: str,
    fake_rasa: tuple[FakeRasa, TestServer],
    aiohttp_client: Any,
) -> None:
    admin = await filled_inbox(make_gateway, gateway_database, fake_rasa, aiohttp_client)
    page = await (await admin.get("/console/admin/inbox")).text()
    # pulsa: read as out_of_scope; keramaian: once a fallback, once ask_requirements.
    assert selected_targets(page) == ["out_of_scope", "ask_requirements"]
    assert "greet" not in selected_targets(page)

    ids = re.findall(r'name="message_id" value="(\d+)"', page.split('data-admin="inbox-group"')[1])
    unchosen = await act_on(admin, page, ids, intent="", action="assign")
    assert "pilih dulu maksud (intent) atau topik FAQ" in " ".join(flashes(await unchosen.text()))
    assert await stored(gateway_database) == ([], ["new"] * 5)


async def test_an_unsure_faq_answer_is_filed_under_its_topic_and_offered_for_it(
    make_gateway: GatewayFactory,
    gateway_database: str,
    fake_rasa: tuple[FakeRasa, TestServer],
    aiohttp_client: Any,
) -> None:
    rasa, _ = fake_rasa
    asked = "kantor mpp pindah kemana ya sekarang"
    rasa.intents[asked] = ("faq", 0.41)
    rasa.faq_topics[asked] = "lokasi"
    await with_demo(gateway_database)
    admin = await client_for(make_gateway, aiohttp_client, "admin")
    answered = await admin.post(
        "/api/messages",
        json={"conversation_id": "api:warga-faq", "text": asked},
        headers={"Authorization": f"Bearer {API_TOKEN}"},
    )
    assert answered.status == 200
    page = await (await admin.get("/console/admin/inbox")).text()
    assert asked in page
    assert selected_targets(page) == ["faq/lokasi"]  # not a bare "faq", which has no examples


async def test_groups_ticked_together_are_dismissed_and_the_header_counts_what_is_listed(
    make_gateway: GatewayFactory,
    gateway_database: str,
    fake_rasa: tuple[FakeRasa, TestServer],
    aiohttp_client: Any,
) -> None:
    admin = await filled_inbox(make_gateway, gateway_database, fake_rasa, aiohttp_client)
    page = await (await admin.get("/console/admin/inbox")).text()
    header = re.search(
        r'data-admin="inbox-summary" data-messages="(\d+)" data-groups="(\d+)"', page
    )
    assert header is not None and (int(header[1]), int(header[2])) == (5, 2)
    assert "5 pesan</strong> dalam <strong>2 kelompok" in page
    groups = [int(n) for n in re.findall(r'data-admin="inbox-group" data-count="(\d+)"', page)]
    texts = [int(n) for n in re.findall(r'data-admin="inbox-text" data-count="(\d+)"', page)]
    assert sum(groups) == sum(texts) == 5

    nothing = await admin.post("/console/admin/inbox/abaikan", data={"csrf_token": csrf_in(page)})
    assert "centang dulu kelompok" in " ".join(flashes(await nothing.text()))
    ticked = re.findall(r'name="group" value="([\d,]+)"', page)
    assert len(ticked) == 2
    dismissed = await admin.post(
        "/console/admin/inbox/abaikan",
        data=[("csrf_token", csrf_in(page)), *[("group", value) for value in ticked]],
    )
    assert "Kelompok pesan diabaikan." in flashes(await dismissed.text())
    assert await stored(gateway_database) == ([], ["dismissed"] * 5)
    assert 'data-admin="inbox-empty"' in await (await admin.get("/console/admin/inbox")).text()
