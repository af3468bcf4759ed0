"""The inbox page shows an answer an applicant judged unhelpful or asked again: the
question, the answer the bot gave and the applicant's mark (permits/feedback.py)."""

from __future__ import annotations

import html
import re
from typing import Any

from aiohttp.test_utils import TestServer

from bot.admin.reports import percent
from tests.bot.admin.conftest import Client, client_for, with_demo
from tests.bot.admin.test_reports_page import figure
from tests.bot.conftest import API_TOKEN, FakeRasa, GatewayFactory

HOURS = "Loket buka Senin–Jumat 08.00–15.00 WIB."


async def say(client: Client, conversation: str, text: str) -> None:
    response = await client.post(
        "/api/messages",
        json={"conversation_id": conversation, "text": text},
        headers={"Authorization": f"Bearer {API_TOKEN}"},
    )
    assert response.status == 200


def judged_entries(page: str) -> list[str]:
    """The text of each judged entry, tags and spacing aside."""
    items = re.findall(r'<li data-admin="inbox-judged"[^>]*>(.*?)</li>', page, re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", item)).split()) for item in items]


async def test_an_unhelpful_faq_answer_is_listed_with_the_answer_and_its_topic(
    make_gateway: GatewayFactory,
    gateway_database: str,
    fake_rasa: tuple[FakeRasa, TestServer],
    aiohttp_client: Any,
) -> None:
    rasa, _ = fake_rasa
    rasa.intents["kantor buka jam brp"] = ("faq", 0.97)  # confident, yet wrong for them
    rasa.faq_topics["kantor buka jam brp"] = "jam_layanan"
    rasa.replies["kantor buka jam brp"] = HOURS
    await with_demo(gateway_database)
    admin = await client_for(make_gateway, aiohttp_client, "admin")
    await say(admin, "api:warga1", "kantor buka jam brp")
    await say(admin, "api:warga1", "tidak membantu")
    await say(admin, "api:warga2", "brp lama ngurus imb")
    await say(admin, "api:warga2", "maksud saya berapa hari prosesnya")

    page = await (await admin.get("/console/admin/inbox")).text()
    assert judged_entries(page) == [  # the newest group first
        "Pemohon bertanya ulang “brp lama ngurus imb” — jawaban bot: "
        "jawaban: brp lama ngurus imb — ditanyakan ulang: maksud saya berapa hari prosesnya",
        f"Pemohon: tidak membantu “kantor buka jam brp” — jawaban bot: {HOURS}",
    ]
    hours_group = next(
        group
        for group in page.split('data-admin="inbox-group"')[1:]
        if "kantor buka jam brp" in group
    )
    # Named by its FAQ topic, the group offers that topic for the training example.
    assert re.search(r'<option value="faq/jam_layanan" selected>', hours_group)


async def test_the_report_shows_the_share_of_answers_judged_helpful(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database)
    admin = await client_for(make_gateway, aiohttp_client, "admin")
    for number, verdict in enumerate(["membantu", "sangat membantu", "tidak membantu"]):
        await say(admin, f"api:warga{number}", "biaya pbg")
        await say(admin, f"api:warga{number}", verdict)
    await say(admin, "api:warga9", "brp lama ngurus imb")  # asked again: not a verdict given
    await say(admin, "api:warga9", "maksud saya berapa hari prosesnya")
    page = await (await admin.get("/console/admin/laporan")).text()
    assert figure(page, "helpful-share") == percent(2 / 3)
    assert "(dari 3 penilaian pemohon)" in page
