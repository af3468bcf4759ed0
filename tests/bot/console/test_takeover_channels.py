"""Telegram and WhatsApp conversations taken over from the console, through the fake
Bot API and the fake Twilio: the bot goes quiet, the agent's words arrive on the
user's own channel, and after the hand-back the satisfaction question follows (or,
on WhatsApp outside its 24-hour window, does not)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import update

from bot.console.queue import conversation_url
from permits.db import create_engine, create_sessionmaker
from permits.handoff import request_handoff
from permits.models import Conversation, Handoff, utcnow
from tests.bot.conftest import (
    PUBLIC_URL,
    TELEGRAM_SECRET,
    FakeRasa,
    GatewayFactory,
    settled,
    telegram_settings,
    until,
    whatsapp_settings,
)
from tests.bot.console.conftest import add_staff, csrf_in, signed_in
from tests.fakes.telegram import FakeTelegram, post_update, text_update
from tests.fakes.twilio import FakeTwilio, post_form, whatsapp_message

Client = TestClient[web.Request, web.Application]
PASSWORD = "sandi-petugas-rahasia"
CHAT = 7770001
PHONE = "+6281299990000"


async def queue_and_claim(agent: Client, database_url: str, conversation_id: str) -> str:
    """Queue the conversation as the action server would, claim it; the page's HTML."""
    engine = create_engine(database_url)
    async with create_sessionmaker(engine)() as session:
        queued = await request_handoff(session, conversation_id, "request")
    await engine.dispose()
    queue = await (await agent.get("/console")).text()
    claimed = await agent.post(
        f"/console/handoffs/{queued.handoff_id}/claim",
        data={"csrf_token": csrf_in(queue), "conversation_id": conversation_id},
        allow_redirects=False,
    )
    assert claimed.status == 303
    return await (await agent.get(conversation_url(conversation_id))).text()


async def reply_and_hand_back(agent: Client, conversation_id: str, page: str, text: str) -> None:
    url = conversation_url(conversation_id)
    token = csrf_in(page)
    await agent.post(url + "/reply", data={"csrf_token": token, "text": text})
    await agent.post(url + "/hand-back", data={"csrf_token": token}, allow_redirects=False)


async def signed_in_agent(gateway: Client, aiohttp_client: Any, database_url: str) -> Client:
    await add_staff(database_url, "siti", "agent", PASSWORD)
    # The public URL is https, so the console's cookies are Secure: the test browser
    # treats the local server as the secure origin it stands in for.
    jar = aiohttp.CookieJar(unsafe=True, treat_as_secure_origin=[gateway.server.make_url("/")])
    agent: Client = await aiohttp_client(gateway.server, cookie_jar=jar)
    await signed_in(agent, "siti", PASSWORD)
    return agent


async def test_a_telegram_conversation_is_taken_over(
    make_gateway: GatewayFactory,
    gateway_database: str,
    fake_rasa: tuple[FakeRasa, TestServer],
    fake_telegram: tuple[FakeTelegram, TestServer],
    aiohttp_client: Any,
) -> None:
    rasa, _ = fake_rasa
    telegram, server = fake_telegram
    gateway = await make_gateway(**telegram_settings(server))
    agent = await signed_in_agent(gateway, aiohttp_client, gateway_database)
    conversation_id = f"telegram:{CHAT}"

    assert await post_update(gateway, text_update(1, CHAT, "minta cs"), TELEGRAM_SECRET) == 200
    await telegram.wait_for_sent(1)
    page = await queue_and_claim(agent, gateway_database, conversation_id)

    assert await post_update(gateway, text_update(2, CHAT, "halo min?"), TELEGRAM_SECRET) == 200
    await until(lambda: "halo min?" in rasa.parsed)  # read for the agent's console
    await settled(gateway.app)  # the turn is over: Rasa would have been asked by now
    assert [text for _, text in rasa.received] == ["minta cs"]  # silent while held
    assert rasa.parsed == ["halo min?"]  # but the agent sees what it meant

    await reply_and_hand_back(agent, conversation_id, page, "Halo, saya Siti dari PTSP.")
    sent = await telegram.wait_for_sent(5)
    joined, reply, farewell, survey = sent[1:5]
    assert joined["text"].startswith("Petugas Siti bergabung")  # presence, on Telegram too
    assert reply["text"] == "Halo, saya Siti dari PTSP."
    assert "asisten virtual" in farewell["text"]
    assert "1 = Tidak baik" in survey["text"]
    choices = [row[0]["text"] for row in survey["reply_markup"]["inline_keyboard"]]
    assert choices == ["1 Tidak baik", "2 Kurang baik", "3 Baik", "4 Sangat baik"]
    assert all(int(m["chat_id"]) == CHAT for m in sent)


async def test_a_whatsapp_conversation_is_taken_over_and_the_window_is_respected(
    make_gateway: GatewayFactory,
    gateway_database: str,
    fake_rasa: tuple[FakeRasa, TestServer],
    fake_twilio: tuple[FakeTwilio, TestServer],
    aiohttp_client: Any,
) -> None:
    rasa, _ = fake_rasa
    twilio, server = fake_twilio
    gateway = await make_gateway(**whatsapp_settings(server))
    agent = await signed_in_agent(gateway, aiohttp_client, gateway_database)
    conversation_id = f"whatsapp:{PHONE}"

    assert (
        await post_form(gateway, whatsapp_message(PHONE, "mau ngobrol sm petugas"), PUBLIC_URL)
        == 200
    )
    await twilio.wait_for_sent(1)
    page = await queue_and_claim(agent, gateway_database, conversation_id)
    assert await post_form(gateway, whatsapp_message(PHONE, "cepet ya"), PUBLIC_URL) == 200
    await until(lambda: "cepet ya" in rasa.parsed)  # read for the agent's console
    await settled(gateway.app)  # the turn is over: Rasa would have been asked by now
    assert len(rasa.received) == 1

    url = conversation_url(conversation_id)
    await agent.post(
        url + "/reply", data={"csrf_token": csrf_in(page), "text": "Siap, saya bantu."}
    )
    sent = await twilio.wait_for_sent(3)
    assert sent[1]["Body"].startswith("Petugas Siti bergabung")  # presence, on WhatsApp too
    assert (sent[2]["To"], sent[2]["Body"]) == (f"whatsapp:{PHONE}", "Siap, saya bantu.")

    # The user's last message is now over 24 hours old: no survey may be sent.
    engine = create_engine(gateway_database)
    async with create_sessionmaker(engine)() as session:
        await session.execute(
            update(Conversation)
            .where(Conversation.id == conversation_id)
            .values(last_inbound_at=utcnow() - timedelta(hours=25))
        )
        await session.commit()
    await agent.post(
        url + "/close",
        data={"csrf_token": csrf_in(page), "outcome": "answered", "note": ""},
        allow_redirects=False,
    )
    await settled(gateway.app)  # a survey queued on closing would have been sent by now
    async with create_sessionmaker(engine)() as session:
        handoff = await session.get_one(Handoff, 1)
    await engine.dispose()
    assert handoff.outcome == "answered" and handoff.survey_asked_at is None
    assert not any("Tidak baik" in m.get("Body", "") for m in twilio.sent)
