"""The office settings page: the hours and address set once are what the canned replies,
the FAQ answer and the homepage's footer show."""

from __future__ import annotations

import html
from typing import Any

from permits.db import create_engine, create_sessionmaker
from permits.faq import faq_answer
from tests.bot.admin.conftest import LIVE, client_for, flashes, form_fields, with_demo
from tests.bot.conftest import GatewayFactory

CANNED = {
    "Jam layanan loket": "Loket DPMPTSP buka {jam_layanan}.",
    "Datang ke kantor": "Silakan ke lantai 2 {alamat_kantor}. Jam layanan: {jam_layanan}.",
}
NEW_HOURS = "Senin–Jumat pukul 07.30–16.00 WIB dan Sabtu pukul 08.00–12.00 WIB"


def new_week(fields: dict[str, str]) -> dict[str, str]:
    """The form as the administrator leaves it: weekdays 07.30–16.00, Saturday mornings."""
    changed = {key: value for key, value in fields.items() if not key.endswith("_open")}
    for day in range(6):
        changed[f"day{day}_open"] = "1"
        changed[f"day{day}_opening"] = "07.30" if day < 5 else "08.00"
        changed[f"day{day}_closing"] = "16.00" if day < 5 else "12.00"
    changed["address"] = "Gedung MPP Sukamaju, Jl. Pahlawan No. 5"
    return changed


async def hours_answer(database_url: str) -> str:
    engine = create_engine(database_url)
    async with create_sessionmaker(engine)() as session:
        answer = await faq_answer(session, "faq/jam_layanan")
    await engine.dispose()
    return answer


async def test_hours_set_once_show_in_canned_replies_the_faq_and_the_footer(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database)
    admin = await client_for(make_gateway, aiohttp_client, "admin")
    for title, text in CANNED.items():
        canned_page = await (await admin.get("/console/canned")).text()
        token = form_fields(canned_page, "canned-new")["csrf_token"]
        await admin.post(
            "/console/canned", data={"csrf_token": token, "title": title, "text": text}
        )
    page = await (await admin.get("/console/admin/kantor")).text()
    demo_hours = "Senin–Kamis pukul 08.00–15.00 WIB dan Jumat pukul 08.00–11.00 WIB"
    assert demo_hours in page  # TANYA_OFFICE_HOURS, the initial value

    saved = await admin.post(
        "/console/admin/kantor", data=new_week(form_fields(page, "office-edit"))
    )
    assert f"Pengaturan kantor tersimpan. {LIVE}" in flashes(await saved.text())

    canned = html.unescape(await (await admin.get("/console/canned")).text())
    assert f"Loket DPMPTSP buka {NEW_HOURS}." in canned
    assert "lantai 2 Gedung MPP Sukamaju, Jl. Pahlawan No. 5. Jam layanan: " in canned
    assert "{jam_layanan}" in canned  # the administrator still edits the placeholder
    assert f"buka {NEW_HOURS}." in await hours_answer(gateway_database)
    footer = html.unescape(await (await admin.get("/")).text())
    assert f"Gedung MPP Sukamaju, Jl. Pahlawan No. 5 · Jam layanan: {NEW_HOURS}" in footer
    audit = await (await admin.get("/console/admin/audit")).text()
    assert "Pengaturan kantor diubah" in audit


async def test_hours_that_make_no_sense_are_refused_with_what_to_fix(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database)
    admin = await client_for(make_gateway, aiohttp_client, "admin")
    fields = form_fields(await (await admin.get("/console/admin/kantor")).text(), "office-edit")
    fields.update(day0_opening="16.00", day0_closing="08.00", day1_opening="jam 8")
    refused = await admin.post("/console/admin/kantor", data=fields)
    assert refused.status == 400
    text = html.unescape(await refused.text())
    assert "Senin: Jam tutup harus setelah jam buka." in text
    assert "Selasa: Tulis jam buka dan jam tutup seperti 08.00 dan 15.00" in text
    assert 'value="jam 8"' in text  # what was typed stays
    demo_hours = "Senin–Kamis pukul 08.00–15.00 WIB dan Jumat pukul 08.00–11.00 WIB"
    assert demo_hours in await hours_answer(gateway_database)


async def test_agents_cannot_change_the_office_settings(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database)
    agent = await client_for(make_gateway, aiohttp_client, "siti")
    assert (await agent.get("/console/admin/kantor")).status == 403
    fields = {"day0_open": "1", "day0_opening": "00.00", "day0_closing": "24.00"}
    assert (await agent.post("/console/admin/kantor", data=fields)).status in (403, 400)
