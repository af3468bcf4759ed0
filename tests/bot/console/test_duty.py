"""Duty outside office hours ("Piket") in the top bar and on the staff page, and a
call-back marked done from the conversation page (bot/console/duty.py)."""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.console.queue import conversation_url
from permits.db import create_engine, create_sessionmaker
from permits.handoff import request_callback
from permits.transcripts import record_inbound
from tests.bot.console.conftest import (
    ADMIN_PASSWORD,
    AGENT_PASSWORD,
    csrf_in,
    page_token,
    signed_in,
)

Client = TestClient[web.Request, web.Application]
SWITCH = re.compile(r'role="switch" aria-checked="(true|false)"')
WHATSAPP = "whatsapp:+6281244445555"


def switch_state(html: str) -> str:
    found = SWITCH.search(html)
    assert found is not None, "no duty switch in the top bar"
    return found.group(1)


async def switch_duty(client: Client, on: bool, from_page: str = "/console") -> str:
    """Press the switch on `from_page`; where the browser is sent back to."""
    response = await client.post(
        "/console/duty",
        data={"csrf_token": await page_token(client, from_page), "on_duty": "1" if on else "0"},
        headers={"Referer": str(client.make_url(from_page))},
        allow_redirects=False,
    )
    assert response.status == 303, await response.text()
    return response.headers["Location"]


async def duty_of(admin: Client, username: str) -> str:
    """The "Piket" cell of an account on the staff page, as read."""
    html = await (await admin.get("/console/staff")).text()
    rows = re.findall(r"<tr>\s*<td>([a-z]+)</td>.*?data-console=\"on-duty\">(.*?)</td>", html, re.S)
    cells = {name: " ".join(re.sub(r"<[^>]+>", "", cell).split()) for name, cell in rows}
    assert username in cells, cells
    return cells[username]


async def test_an_agent_goes_on_duty_and_signing_out_ends_it(
    gateway: Client, aiohttp_client: Any
) -> None:
    agent = gateway
    admin: Client = await aiohttp_client(agent.server)
    await signed_in(agent, "sari", AGENT_PASSWORD)
    await signed_in(admin, "admin", ADMIN_PASSWORD)
    assert switch_state(await (await agent.get("/console")).text()) == "false"
    assert await duty_of(admin, "sari") == "Tidak"

    back = await switch_duty(agent, True, "/console/stats")
    assert back == "/console/stats?pesan=piket-mulai"
    page = await (await agent.get(back)).text()
    assert switch_state(page) == "true" and "Anda sedang piket" in page
    assert (await duty_of(admin, "sari")).startswith("Piket sejak")

    html = await (await agent.get("/console")).text()
    await agent.post("/console/logout", data={"csrf_token": csrf_in(html)})
    assert await duty_of(admin, "sari") == "Tidak"
    await signed_in(agent, "sari", AGENT_PASSWORD)
    assert switch_state(await (await agent.get("/console")).text()) == "false"


async def test_a_call_back_is_marked_done_on_the_conversation_page(
    gateway: Client, gateway_database: str
) -> None:
    engine = create_engine(gateway_database)
    async with create_sessionmaker(engine)() as session:
        await record_inbound(session, WHATSAPP, "tolong telepon saya soal PBG", "wa-1")
        await request_callback(session, WHATSAPP, "request", "+6281244445555")
    await engine.dispose()
    await signed_in(gateway, "sari", AGENT_PASSWORD)

    queue = await (await gateway.get("/console")).text()
    row = re.search(r'<tr data-console="callback-item".*?</tr>', queue, re.S)
    assert row is not None
    assert "Meminta petugas" in row.group() and "tolong telepon saya soal PBG" in row.group()
    assert "+6281244445555" in row.group()

    page_url = conversation_url(WHATSAPP)
    page = await (await gateway.get(page_url)).text()
    callback = re.search(
        r'<section class="card" data-console="callbacks">.*?</section>', page, re.S
    )
    assert callback is not None and "+6281244445555" in callback.group()
    action = re.search(r'action="(/console/callbacks/\d+/done)"', callback.group())
    assert action is not None and "Sudah ditelepon" in callback.group()

    form = {"csrf_token": csrf_in(page), "conversation_id": WHATSAPP}
    done = await gateway.post(action.group(1), data=form, allow_redirects=False)
    assert done.headers["Location"] == page_url + "?pesan=sudah-ditelepon"
    page = await (await gateway.get(done.headers["Location"])).text()
    assert "ditandai sudah ditelepon" in page
    assert 'data-state="done"' in page and "oleh Sari" in page
    assert "/console/callbacks/" not in page  # no button any more
    assert 'data-console="callback-item"' not in await (await gateway.get("/console")).text()

    again = await gateway.post(action.group(1), data=form, allow_redirects=False)
    assert again.headers["Location"] == page_url + "?pesan=telepon-sudah-ditandai"
