from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from pydantic import ValidationError
from sqlalchemy import select

from bot.app import create_app
from bot.keys import SESSIONS
from bot.settings import GatewaySettings
from permits.db import create_engine, create_sessionmaker
from permits.demo import load_demo
from permits.models import Application, Message, UnrecognisedMessage
from permits.transcripts import record_inbound
from tests.bot.conftest import (
    API_TOKEN,
    STATUS_TOKEN,
    FakeRasa,
    GatewayFactory,
    settings_for,
)

AUTH = {"Authorization": f"Bearer {API_TOKEN}"}
Client = TestClient[web.Request, web.Application]


async def send(client: Client, conversation: str, text: str) -> tuple[int, dict[str, Any]]:
    response = await client.post(
        "/api/messages", json={"conversation_id": conversation, "text": text}, headers=AUTH
    )
    return response.status, await response.json()


async def test_a_message_gets_the_bots_answer_and_intent(gateway: Client) -> None:
    status, body = await send(gateway, "api:abc", "biaya pbg")
    assert status == 200
    assert body["messages"] == [{"text": "jawaban: biaya pbg", "buttons": []}]
    assert body["intent"]["name"] == "ask_fee"


async def test_messages_of_one_conversation_are_answered_in_order(
    gateway: Client, fake_rasa: tuple[FakeRasa, TestServer]
) -> None:
    fake, _ = fake_rasa
    fake.delays["pertama"] = 0.5
    first = asyncio.create_task(send(gateway, "api:one", "pertama"))
    await asyncio.sleep(0.05)
    second = asyncio.create_task(send(gateway, "api:one", "kedua"))
    await asyncio.sleep(0.05)
    other = asyncio.create_task(send(gateway, "api:two", "lain"))
    await asyncio.gather(first, second, other)
    # The other conversation was not held up by the slow one; one's order is kept.
    assert fake.received == [("api:two", "lain"), ("api:one", "pertama"), ("api:one", "kedua")]


async def test_slash_text_cannot_trigger_intents(
    gateway: Client, fake_rasa: tuple[FakeRasa, TestServer]
) -> None:
    fake, _ = fake_rasa
    await send(gateway, "api:s", "/restart")
    assert fake.received[-1] == ("api:s", "restart")


async def test_offered_button_payloads_and_titles_pass(
    gateway: Client, fake_rasa: tuple[FakeRasa, TestServer]
) -> None:
    fake, _ = fake_rasa
    fake.buttons = [{"title": "Biaya", "payload": '/ask_fee{"permit_type": "pbg"}'}]
    await send(gateway, "api:b", "reklame")
    await send(gateway, "api:b", '/ask_fee{"permit_type": "pbg"}')
    assert fake.received[-1][1] == '/ask_fee{"permit_type": "pbg"}'
    await send(gateway, "api:b", "biaya")
    assert fake.received[-1][1] == '/ask_fee{"permit_type": "pbg"}'
    # A payload offered to someone else is not offered here.
    await send(gateway, "api:c", '/ask_fee{"permit_type": "pbg"}')
    assert fake.received[-1] == ("api:c", 'ask_fee{"permit_type": "pbg"}')


@pytest.mark.parametrize(
    ("headers", "status"),
    [({}, 401), ({"Authorization": "Bearer wrong"}, 401), (AUTH, 200)],
)
async def test_the_api_needs_its_token(
    gateway: Client, headers: dict[str, str], status: int
) -> None:
    response = await gateway.post(
        "/api/messages", json={"conversation_id": "api:t", "text": "halo"}, headers=headers
    )
    assert response.status == status


@pytest.mark.parametrize(
    "conversation", ["whatsapp:+6281234567890", "telegram:5550042", "web:abc", "cli:x"]
)
async def test_the_api_cannot_speak_for_another_channels_user(
    gateway: Client, fake_rasa: tuple[FakeRasa, TestServer], conversation: str
) -> None:
    """With the API token, posting as someone's WhatsApp number or Telegram chat is
    refused: nothing reaches Rasa (their applications), nothing enters their transcript.
    Fails on 538ba62, which answered 200 as that user."""
    status, body = await send(gateway, conversation, "permohonan saya apa saja")
    assert status == 403
    assert '"api:"' in body["error"]
    assert fake_rasa[0].received == []
    async with gateway.app[SESSIONS]() as session:
        stored = await session.scalars(
            select(Message).where(Message.conversation_id == conversation)
        )
        assert stored.all() == []
    status, _ = await send(gateway, "api:abc", "permohonan saya apa saja")
    assert status == 200


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"{not json", "JSON"),
        (b'{"text": "halo"}', "conversation_id"),
        (b'{"conversation_id": "api:x", "text": "   "}', "kosong"),
        (b'{"conversation_id": "api:x", "text": "' + b"a" * 201 + b'"}', "terlalu panjang"),
        (b'{"conversation_id": "api:x", "text": "\xff\xfe"}', "JSON"),
    ],
)
async def test_bad_requests_get_a_clear_indonesian_message(
    gateway: Client, body: bytes, expected: str, fake_rasa: tuple[FakeRasa, TestServer]
) -> None:
    response = await gateway.post(
        "/api/messages", data=body, headers={**AUTH, "Content-Type": "application/json"}
    )
    assert response.status == 400
    assert expected in (await response.json())["error"]
    assert fake_rasa[0].received == []


async def test_rasa_down_gets_an_apology_not_a_crash(
    aiohttp_client: Callable[..., Any], unused_tcp_port: int, gateway_database: str
) -> None:
    settings = settings_for(f"http://127.0.0.1:{unused_tcp_port}", gateway_database)
    client = await aiohttp_client(create_app(settings))
    status, body = await send(client, "api:down", "halo")
    assert status == 503
    assert body["messages"][0]["text"] == (  # as before the message catalogue
        "Maaf, layanan sedang gangguan. Pesan Anda kami simpan, silakan coba lagi sebentar "
        "lagi atau hubungi call center 1500164."
    )


async def test_a_message_left_unanswered_is_answered_later_for_the_callers_retry(
    gateway: Client, fake_rasa: tuple[FakeRasa, TestServer]
) -> None:
    fake, _ = fake_rasa
    # Stored, then its replica died before answering: the recovery loop answers it.
    async with gateway.app[SESSIONS]() as session:
        await record_inbound(session, "api:orphan", "syarat pbg", "api-req-9")
    reply = await settled_reply(gateway, "api:orphan")
    assert (reply.text, reply.state, reply.error) == ("jawaban: syarat pbg", "sent", None)
    retry = await gateway.post(
        "/api/messages",
        json={"conversation_id": "api:orphan", "text": "syarat pbg", "id": "req-9"},
        headers=AUTH,
    )
    assert retry.status == 200
    assert [m["text"] for m in (await retry.json())["messages"]] == ["jawaban: syarat pbg"]
    assert fake.received == [("api:orphan", "syarat pbg")]  # answered once


async def settled_reply(client: Client, conversation: str, seconds: float = 10) -> Message:
    """The bot's reply in the conversation once delivery is done with it (not queued)."""
    query = select(Message).where(
        Message.conversation_id == conversation,
        Message.direction == "out",
        Message.state != "queued",
    )
    async with asyncio.timeout(seconds):
        while True:
            async with client.app[SESSIONS]() as session:
                reply = await session.scalar(query)
            if reply is not None:
                return reply
            await asyncio.sleep(0.1)


async def test_rasa_restarting_is_retried(
    gateway: Client, fake_rasa: tuple[FakeRasa, TestServer]
) -> None:
    fake, _ = fake_rasa
    fake.failures_left = 2
    status, body = await send(gateway, "api:r", "halo")
    assert status == 200 and body["messages"][0]["text"] == "jawaban: halo"


def test_production_refuses_default_secrets() -> None:
    with pytest.raises(ValidationError, match="TANYA_API_TOKEN"):
        GatewaySettings(env="production", rasa_token="x" * 32)
    GatewaySettings(
        env="production", rasa_token="r" * 32, api_token="a" * 32, status_token="s" * 32
    )


async def test_a_silent_rasa_turn_becomes_an_apology(
    gateway: Client, fake_rasa: tuple[FakeRasa, TestServer]
) -> None:
    fake, _ = fake_rasa
    fake.silent = True  # what Rasa answers when the action server is down
    status, body = await send(gateway, "api:quiet", "syarat imb")
    assert status == 200
    assert body["messages"][0]["text"] == (  # what an action says when the database is down
        "Maaf, sistem data kami sedang gangguan sehingga saya belum bisa menjawab. Silakan "
        "coba lagi beberapa saat lagi, atau hubungi petugas di call center 1500164."
    )


async def test_messages_the_bot_did_not_understand_reach_the_inbox(
    gateway: Client, fake_rasa: tuple[FakeRasa, TestServer]
) -> None:
    rasa, _ = fake_rasa
    rasa.intents = {
        "beli pulsa dong": ("out_of_scope", 0.88),
        "xkcd qwer": ("nlu_fallback", 0.31),
        "izin apa ya yg itu": ("ask_requirements", 0.42),
    }
    for text in [*rasa.intents, "syarat pbg"]:
        status, _ = await send(gateway, "api:inbox", text)
        assert status == 200
    async with gateway.app[SESSIONS]() as session:
        filed = (await session.scalars(select(UnrecognisedMessage))).all()
    assert sorted((m.text, m.intent) for m in filed) == [
        ("beli pulsa dong", "out_of_scope"),
        ("izin apa ya yg itu", "ask_requirements"),
        ("xkcd qwer", "nlu_fallback"),
    ]


async def test_status_changes_need_the_status_token_not_the_api_token(
    gateway: Client, gateway_database: str
) -> None:
    """A chat partner holding the API token cannot change an application's status (and
    so send the office's official notifications); the back office's own token can, and
    it does not open the chat API. Fails on 538ba62, where the API token did both."""
    engine = create_engine(gateway_database)
    async with create_sessionmaker(engine)() as session:
        await load_demo(session)
    await engine.dispose()
    url, change = "/api/applications/PTSP-2025-7KQ4MZ/status", {"status": "selesai"}
    refused = await gateway.post(url, json=change, headers=AUTH)
    assert refused.status == 401
    assert (await refused.json())["error"] == "Token status tidak sah."
    async with gateway.app[SESSIONS]() as session:
        number = "PTSP-2025-7KQ4MZ"
        status = await session.scalar(
            select(Application.status).where(Application.number == number)
        )
        assert status != "selesai"
    status_auth = {"Authorization": f"Bearer {STATUS_TOKEN}"}
    accepted = await gateway.post(url, json=change, headers=status_auth)
    assert accepted.status == 200 and (await accepted.json())["status"] == "selesai"
    chat = await gateway.post(
        "/api/messages", json={"conversation_id": "api:x", "text": "halo"}, headers=status_auth
    )
    assert chat.status == 401


def test_production_wants_a_status_token_of_its_own() -> None:
    """Fails on 538ba62, which had no status token."""
    with pytest.raises(ValidationError, match="TANYA_STATUS_TOKEN"):
        GatewaySettings(env="production", rasa_token="r" * 32, api_token="a" * 32)
    with pytest.raises(ValidationError, match="must differ"):
        GatewaySettings(
            env="production", rasa_token="r" * 32, api_token="a" * 32, status_token="a" * 32
        )
    GatewaySettings(
        env="production", rasa_token="r" * 32, api_token="a" * 32, status_token="s" * 32
    )


async def test_the_api_has_the_channels_flood_limit(
    make_gateway: GatewayFactory, fake_rasa: tuple[FakeRasa, TestServer]
) -> None:
    fake, _ = fake_rasa
    client = await make_gateway(conversation_rate_limit="3/minute")
    answered = [await send(client, "api:flood", f"syarat pbg {n}") for n in range(3)]
    assert [status for status, _ in answered] == [200, 200, 200]
    status, body = await send(client, "api:flood", "syarat pbg lagi")
    assert status == 429
    assert "terlalu banyak" in body["messages"][0]["text"]
    assert len(fake.received) == 3  # the fourth never reached Rasa
    # Kept in the transcript as limited, and another conversation is still answered.
    async with client.app[SESSIONS]() as session:
        states = (
            await session.scalars(
                select(Message.state).where(
                    Message.conversation_id == "api:flood", Message.direction == "in"
                )
            )
        ).all()
    assert sorted(states) == ["answered", "answered", "answered", "limited"]
    assert (await send(client, "api:other", "syarat pbg"))[0] == 200
