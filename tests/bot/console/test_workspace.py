"""The agent's workspace on a shift: who waits (for the alerts), a preview that does not
claim, and a reply that moves live from "mengirim…" to "terkirim" and, where the
channel reports it, to "diterima" and "dibaca" (gateway on a fake Rasa, fake Twilio
and fake Bot API)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.channels.web import conversation_for
from bot.console.queue import PREVIEW_LINES, conversation_url
from permits.db import create_engine, create_sessionmaker
from permits.handoff import request_handoff
from permits.models import Handoff, Message
from permits.states import MessageState
from permits.transcripts import record_inbound
from tests.bot.conftest import (
    PUBLIC_URL,
    TELEGRAM_SECRET,
    GatewayFactory,
    chat_window,
    settled,
    telegram_settings,
    whatsapp_settings,
)
from tests.bot.console.conftest import add_staff, csrf_in, signed_in
from tests.fakes.telegram import FakeTelegram, post_update, text_update
from tests.fakes.twilio import (
    OUTSIDE_WINDOW,
    FakeTwilio,
    post_form,
    status_callback,
    whatsapp_message,
)

Client = TestClient[web.Request, web.Application]
Socket = aiohttp.ClientWebSocketResponse
PASSWORD = "sandi-petugas-rahasia"
TOKEN = "warga-yang-menunggu-balasan-01"
WEB = conversation_for(TOKEN)
PHONE = "+6281299990001"
WHATSAPP = f"whatsapp:{PHONE}"


async def queue(database_url: str, conversation_id: str, said: Sequence[str] = ()) -> int:
    """The user's messages, then the conversation queued as the action server does."""
    engine = create_engine(database_url)
    async with create_sessionmaker(engine)() as session:
        for n, text in enumerate(said):
            asked = await record_inbound(session, conversation_id, text, f"said-{n}")
            assert asked is not None
            asked.state = MessageState.ANSWERED  # answered then: not for the recovery loop
            await session.commit()
        queued = await request_handoff(session, conversation_id, "request")
    await engine.dispose()
    return queued.handoff_id


async def handoff_state(database_url: str, handoff_id: int) -> str:
    engine = create_engine(database_url)
    async with create_sessionmaker(engine)() as session:
        handoff = await session.get(Handoff, handoff_id)
    await engine.dispose()
    assert handoff is not None
    return handoff.state


async def stored_reply(database_url: str, message_id: int) -> Message:
    engine = create_engine(database_url)
    async with create_sessionmaker(engine)() as session:
        row = await session.scalar(select(Message).where(Message.id == message_id))
    await engine.dispose()
    assert row is not None
    return row


async def agent_for(gateway: Client, aiohttp_client: Any, database_url: str) -> Client:
    """An agent signed in on the gateway, in their own browser. The public URL may be
    https (Secure cookies): the local server stands in for that origin."""
    await add_staff(database_url, "siti", "agent", PASSWORD)
    jar = aiohttp.CookieJar(unsafe=True, treat_as_secure_origin=[gateway.server.make_url("/")])
    agent: Client = await aiohttp_client(gateway.server, cookie_jar=jar)
    await signed_in(agent, "siti", PASSWORD)
    return agent


async def claim(agent: Client, handoff_id: int, conversation_id: str) -> str:
    """Claim from the queue page; the conversation page's HTML."""
    token = csrf_in(await (await agent.get("/console")).text())
    claimed = await agent.post(
        f"/console/handoffs/{handoff_id}/claim",
        data={"csrf_token": token, "conversation_id": conversation_id},
        allow_redirects=False,
    )
    assert claimed.status == 303
    return await (await agent.get(conversation_url(conversation_id))).text()


async def reply_from_page(agent: Client, conversation_id: str, page: str, text: str) -> Any:
    """Send as console.js does (asking for JSON); the line it answers with."""
    response = await agent.post(
        conversation_url(conversation_id) + "/reply",
        data={"csrf_token": csrf_in(page), "text": text},
        headers={"Accept": "application/json"},
    )
    assert response.status == 200, await response.text()
    body = await response.json()
    assert body["conversation_id"] == conversation_id
    return body["line"]


async def line_reaches(live: Socket, message_id: int, step: str) -> dict[str, Any]:
    """The console event that shows the line `message_id` at `step` of its delivery."""
    while True:
        event = await asyncio.wait_for(live.receive_json(), timeout=8)
        line = event.get("message") or {}
        if event["type"] == "message" and (line.get("id"), line["delivery"]) == (message_id, step):
            return event


async def window_event(window: Socket, kind: str) -> dict[str, Any]:
    """The chat window's next event of this type (the session and history come first)."""
    while True:
        event: dict[str, Any] = await asyncio.wait_for(window.receive_json(), timeout=8)
        if event["type"] == kind:
            return event


async def shown_in_window(window: Socket, message_id: int) -> None:
    while (await window_event(window, "message"))["id"] != message_id:
        continue


def delivery_shown(page: str, message_id: int) -> str:
    """The delivery mark on a transcript line of the page."""
    line = re.search(rf'data-id="{message_id}".*?</li>', page, re.S)
    assert line is not None, page
    mark = re.search(r'data-console="delivery" data-status="(\w+)">([^<]*)<', line.group(0))
    assert mark is not None, line.group(0)
    return mark.group(2)


async def test_who_waits_is_listed_for_the_alerts_without_what_they_wrote(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    gateway = await make_gateway()
    agent = await agent_for(gateway, aiohttp_client, gateway_database)
    held = await queue(gateway_database, "web:sudah-ditangani", ["halo"])
    await claim(agent, held, "web:sudah-ditangani")
    waiting = await queue(gateway_database, WEB, ["NIK saya 3201234567890001, tolong cek"])

    response = await agent.get("/console/queue/waiting")
    assert response.status == 200
    assert await response.json() == {
        "waiting": [{"id": waiting, "channel": "Web chat", "reason": "Meminta petugas"}]
    }
    page = await (await agent.get("/console")).text()
    assert "<title>(1) Antrian · Tanya PTSP</title>" in page
    signed_out = await (await make_gateway()).get("/console/queue/waiting", allow_redirects=False)
    assert signed_out.status == 302


async def test_a_waiting_conversation_is_previewed_and_stays_in_the_queue(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    gateway = await make_gateway()
    agent = await agent_for(gateway, aiohttp_client, gateway_database)
    said = [f"pertanyaan ke-{n} tentang PBG" for n in range(1, 15)]
    handoff_id = await queue(gateway_database, WEB, said)

    queue_page = await (await agent.get("/console")).text()
    assert f'data-source="/console/handoffs/{handoff_id}/preview"' in queue_page
    preview = await agent.get(f"/console/handoffs/{handoff_id}/preview")
    assert preview.status == 200
    html = await preview.text()
    shown = re.findall(r"pertanyaan ke-(\d+) tentang PBG", html)
    assert shown == [str(n) for n in range(15 - PREVIEW_LINES, 15)]  # the latest, in order
    assert "Percakapan tetap di antrian" in html
    assert f'action="/console/handoffs/{handoff_id}/claim"' in html
    assert await handoff_state(gateway_database, handoff_id) == "queued"
    assert "Menunggu petugas (1)" in await (await agent.get("/console/queue")).text()

    await claim(agent, handoff_id, WEB)
    taken = await (await agent.get(f"/console/handoffs/{handoff_id}/preview")).text()
    assert "sudah tidak menunggu" in taken and "/claim" not in taken
    assert (await agent.get("/console/handoffs/999999/preview")).status == 404


async def test_a_web_reply_moves_from_sending_to_sent_to_read_in_the_console(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    """Read is the applicant's own window reporting that it showed the reply; another
    conversation's window naming the same message changes nothing."""
    gateway = await make_gateway()
    agent = await agent_for(gateway, aiohttp_client, gateway_database)
    async with chat_window(gateway, TOKEN) as window, chat_window(gateway) as stranger:
        page = await claim(agent, await queue(gateway_database, WEB, ["minta petugas"]), WEB)
        async with agent.ws_connect("/console/ws") as live:
            line = await reply_from_page(agent, WEB, page, "Halo, saya Siti.")
            assert (line["from"], line["text"], line["delivery"]) == (
                "agent",
                "Halo, saya Siti.",
                "queued",
            )
            await line_reaches(live, line["id"], "sent")
            await shown_in_window(window, line["id"])

            await stranger.send_json({"type": "read", "id": line["id"]})
            await stranger.send_json({"type": "ping"})  # answered after the receipt is done
            await window_event(stranger, "error")
            assert (await stored_reply(gateway_database, line["id"])).delivery_status is None

            await window.send_json({"type": "read", "id": line["id"]})
            await line_reaches(live, line["id"], "read")
    page = await (await agent.get(conversation_url(WEB))).text()
    assert delivery_shown(page, line["id"]) == "dibaca"


async def whatsapp_held_by_agent(
    make_gateway: GatewayFactory,
    fake_twilio: tuple[FakeTwilio, TestServer],
    aiohttp_client: Any,
    database_url: str,
) -> tuple[Client, Client, str]:
    """A WhatsApp applicant asked for an agent, who claimed the conversation: the
    gateway, the agent's client and the conversation page it shows."""
    twilio, server = fake_twilio
    gateway = await make_gateway(**whatsapp_settings(server))
    agent = await agent_for(gateway, aiohttp_client, database_url)
    assert await post_form(gateway, whatsapp_message(PHONE, "minta cs"), PUBLIC_URL) == 200
    await twilio.wait_for_sent(1)
    page = await claim(agent, await queue(database_url, WHATSAPP), WHATSAPP)
    return gateway, agent, page


async def test_whatsapp_reports_show_delivered_then_read_and_never_go_back(
    make_gateway: GatewayFactory,
    gateway_database: str,
    fake_twilio: tuple[FakeTwilio, TestServer],
    aiohttp_client: Any,
) -> None:
    twilio, _ = fake_twilio
    gateway, agent, page = await whatsapp_held_by_agent(
        make_gateway, fake_twilio, aiohttp_client, gateway_database
    )
    async with agent.ws_connect("/console/ws") as live:
        line = await reply_from_page(agent, WHATSAPP, page, "Halo, berkas Anda kami cek.")
        await line_reaches(live, line["id"], "sent")
        [sid] = [r["sid"] for r in twilio.resources if r["body"] == "Halo, berkas Anda kami cek."]

        async def report(status: str) -> None:
            form = status_callback(sid, status, PHONE)
            assert await post_form(gateway, form, PUBLIC_URL, "/whatsapp/status") == 200

        await report("delivered")
        await line_reaches(live, line["id"], "delivered")
        await report("read")
        await line_reaches(live, line["id"], "read")
        await report("delivered")  # late: Twilio's callbacks cross
    page = await (await agent.get(conversation_url(WHATSAPP))).text()
    assert delivery_shown(page, line["id"]) == "dibaca"


async def test_a_reply_whatsapp_refuses_shows_failed_live(
    make_gateway: GatewayFactory,
    gateway_database: str,
    fake_twilio: tuple[FakeTwilio, TestServer],
    aiohttp_client: Any,
) -> None:
    twilio, _ = fake_twilio
    gateway, agent, page = await whatsapp_held_by_agent(
        make_gateway, fake_twilio, aiohttp_client, gateway_database
    )
    await settled(gateway.app)  # what the claim sent (if anything) is out of the way
    twilio.fail_next(OUTSIDE_WINDOW)  # WhatsApp's 24-hour window, as Twilio says it
    async with agent.ws_connect("/console/ws") as live:
        line = await reply_from_page(agent, WHATSAPP, page, "Masih di sana?")
        await line_reaches(live, line["id"], "failed")
    page = await (await agent.get(conversation_url(WHATSAPP))).text()
    assert delivery_shown(page, line["id"]) == "gagal terkirim"


async def test_telegram_replies_show_sent_only(
    make_gateway: GatewayFactory,
    gateway_database: str,
    fake_telegram: tuple[FakeTelegram, TestServer],
    aiohttp_client: Any,
) -> None:
    """The Bot API reports nothing after it took a message: "terkirim" is all there is."""
    telegram, server = fake_telegram
    gateway = await make_gateway(**telegram_settings(server))
    agent = await agent_for(gateway, aiohttp_client, gateway_database)
    assert await post_update(gateway, text_update(1, 7770002, "minta cs"), TELEGRAM_SECRET) == 200
    await telegram.wait_for_sent(1)
    conversation_id = "telegram:7770002"
    page = await claim(agent, await queue(gateway_database, conversation_id), conversation_id)
    async with agent.ws_connect("/console/ws") as live:
        line = await reply_from_page(agent, conversation_id, page, "Halo dari PTSP.")
        await line_reaches(live, line["id"], "sent")
    assert "Halo dari PTSP." in [m["text"] for m in telegram.sent]
    page = await (await agent.get(conversation_url(conversation_id))).text()
    assert delivery_shown(page, line["id"]) == "terkirim"


async def test_a_reply_sent_without_script_still_returns_to_the_page(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    gateway = await make_gateway()
    agent = await agent_for(gateway, aiohttp_client, gateway_database)
    page = await claim(agent, await queue(gateway_database, WEB, ["halo"]), WEB)
    response = await agent.post(
        conversation_url(WEB) + "/reply",
        data={"csrf_token": csrf_in(page), "text": "Halo."},
        allow_redirects=False,
    )
    assert response.status == 303
    assert response.headers["Location"] == conversation_url(WEB) + "#balas"
