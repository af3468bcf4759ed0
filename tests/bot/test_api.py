from __future__ import annotations

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
from permits.models import Application, Message
from tests.bot.conftest import (
    AUTH,
    STATUS_TOKEN,
    FakeRasa,
    send,
    settings_for,
)

Client = TestClient[web.Request, web.Application]


async def test_a_message_gets_the_bots_answer_and_intent(gateway: Client) -> None:
    status, body = await send(gateway, "api:abc", "biaya pbg")
    assert status == 200
    assert body["messages"] == [{"text": "jawaban: biaya pbg", "buttons": []}]
    assert body["intent"]["name"] == "ask_fee"


async def test_an_faq_answer_names_its_topic_as_the_intent(
    gateway: Client, fake_rasa: tuple[FakeRasa, TestServer]
) -> None:
    """The intent contract names an FAQ answer faq/<topic>: "faq" alone does not say
    which of the office's answers the caller got."""
    fake_rasa[0].intents["ada beasiswa kuliah?"] = ("faq", 0.88)
    fake_rasa[0].faq_topics["ada beasiswa kuliah?"] = "beasiswa"
    status, body = await send(gateway, "api:faq", "ada beasiswa kuliah?")
    assert status == 200
    assert body["intent"] == {"name": "faq/beasiswa", "confidence": 0.88}
    status, body = await send(gateway, "api:faq", "biaya pbg")  # not an FAQ: as read
    assert body["intent"]["name"] == "ask_fee"


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


def test_production_refuses_default_secrets() -> None:
    with pytest.raises(ValidationError, match="TANYA_API_TOKEN"):
        GatewaySettings(env="production", rasa_token="x" * 32)
    GatewaySettings(
        env="production", rasa_token="r" * 32, api_token="a" * 32, status_token="s" * 32
    )


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
