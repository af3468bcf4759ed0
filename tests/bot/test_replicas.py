"""Two gateway replicas on one database and the real Redis at 127.0.0.1 (fake Rasa),
and a gateway whose Redis or PostgreSQL stops answering.

The end-to-end version, with real Rasa processes on PostgreSQL, is
tests/e2e/test_replicas.py; these check the gateway's own share of the work.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.engine import make_url

from bot.app import create_app
from bot.channels.web import conversation_for
from permits import db
from tests.bot.channels.test_web import events_until, say
from tests.bot.conftest import (
    API_TOKEN,
    TELEGRAM_SECRET,
    FakeRasa,
    GatewayFactory,
    chat_window,
    settings_for,
    telegram_settings,
    until,
)
from tests.bot.console.conftest import add_staff, signed_in
from tests.conftest import POSTGRES_URL, reset_postgres
from tests.fakes.network import link_to
from tests.fakes.telegram import FakeTelegram, post_update, text_update

REDIS_URL = "redis://127.0.0.1:6379/0"
AUTH = {"Authorization": f"Bearer {API_TOKEN}"}
Client = TestClient[web.Request, web.Application]
Socket = aiohttp.ClientWebSocketResponse


async def two_replicas(make_gateway: GatewayFactory) -> tuple[Client, Client]:
    return await make_gateway(redis_url=REDIS_URL), await make_gateway(redis_url=REDIS_URL)


async def ask(
    gateway: Client, conversation: str, text: str, request_id: str | None = None
) -> tuple[int, dict[str, Any]]:
    body = {"conversation_id": conversation, "text": text}
    if request_id:
        body["id"] = request_id
    response = await gateway.post("/api/messages", json=body, headers=AUTH)
    return response.status, await response.json()


def unique(prefix: str) -> str:
    return f"{prefix}:{uuid.uuid4().hex[:12]}"


async def test_questions_sent_to_two_replicas_are_answered_in_order(
    make_gateway: GatewayFactory, fake_rasa: tuple[FakeRasa, TestServer]
) -> None:
    rasa, _ = fake_rasa
    first_replica, second_replica = await two_replicas(make_gateway)
    conversation = unique("api")
    rasa.delays["pertama"] = 0.5
    first = asyncio.create_task(ask(first_replica, conversation, "pertama"))
    await until(lambda: "pertama" in rasa.started)  # the first replica holds the lock
    second = asyncio.create_task(ask(second_replica, conversation, "kedua"))
    (status_1, body_1), (status_2, body_2) = await asyncio.gather(first, second)
    assert rasa.received == [(conversation, "pertama"), (conversation, "kedua")]
    assert status_1 == status_2 == 200
    # Each caller gets the answer to its own question, whoever answered it.
    assert body_1["messages"][0]["text"] == "jawaban: pertama"
    assert body_2["messages"][0]["text"] == "jawaban: kedua"
    # "kedua" waited for the other replica's lock: it may have been sent by then.
    assert rasa.repeats == [False, True]


async def test_rasa_is_told_which_messages_may_have_reached_it_before(
    make_gateway: GatewayFactory, fake_rasa: tuple[FakeRasa, TestServer]
) -> None:
    # Only a message answered by the request that stored it, at once, is certainly
    # new; Rasa looks every other one up in its tracker before answering it.
    rasa, _ = fake_rasa
    gateway = await make_gateway(redis_url=REDIS_URL)
    conversation = unique("api")
    await ask(gateway, conversation, "baru", request_id="m-1")
    rasa.failures_left = 1  # retried by the client: the first try may have reached Rasa
    await ask(gateway, conversation, "dicoba lagi")
    rasa.down = True
    status, _ = await ask(gateway, conversation, "diulang", request_id="m-3")
    assert status == 503
    rasa.down = False
    await ask(gateway, conversation, "diulang", request_id="m-3")  # the caller's retry
    assert rasa.repeats == [False, True, True]
    assert [text for _, text in rasa.received] == ["baru", "dicoba lagi", "diulang"]


async def test_a_retry_on_the_other_replica_gets_the_same_answer_not_a_second(
    make_gateway: GatewayFactory, fake_rasa: tuple[FakeRasa, TestServer]
) -> None:
    rasa, _ = fake_rasa
    first_replica, second_replica = await two_replicas(make_gateway)
    conversation = unique("api")
    status, answer = await ask(first_replica, conversation, "biaya pbg", request_id="m-1")
    status_again, answer_again = await ask(
        second_replica, conversation, "biaya pbg", request_id="m-1"
    )
    assert status == status_again == 200
    assert answer_again["messages"] == answer["messages"]
    assert rasa.received == [(conversation, "biaya pbg")]


async def test_a_retry_after_rasa_was_down_is_answered(
    make_gateway: GatewayFactory, fake_rasa: tuple[FakeRasa, TestServer]
) -> None:
    rasa, _ = fake_rasa
    gateway = await make_gateway()
    conversation = unique("api")
    rasa.down = True
    status, _ = await ask(gateway, conversation, "syarat slf", request_id="m-7")
    assert status == 503
    rasa.down = False
    status, answer = await ask(gateway, conversation, "syarat slf", request_id="m-7")
    assert status == 200
    assert answer["messages"][0]["text"] == "jawaban: syarat slf"


async def test_chat_windows_on_both_replicas_see_the_answer(make_gateway: GatewayFactory) -> None:
    # The replica that answers or delivers need not be the one holding a window's
    # socket: both windows of one visitor get the answer only through the bus.
    first_replica, second_replica = await two_replicas(make_gateway)
    token = f"jendela-{uuid.uuid4().hex}"
    async with (
        chat_window(first_replica, token) as window_1,
        chat_window(second_replica, token) as window_2,
    ):
        await events_until(window_1, "history")
        await events_until(window_2, "history")
        await say(window_2, "c1", "jam buka")
        seen_1 = await events_until(window_1, "message")
        seen_2 = await events_until(window_2, "message")
    assert seen_1[-1]["text"] == seen_2[-1]["text"] == "jawaban: jam buka"
    assert seen_1[-1]["id"] == seen_2[-1]["id"]


async def test_readiness_reports_each_dependency(make_gateway: GatewayFactory) -> None:
    ready = await make_gateway(redis_url=REDIS_URL)
    response = await ready.get("/ready")
    assert response.status == 200
    assert await response.json() == {
        "status": "ok",
        "checks": {"database": True, "redis": True},
        "rasa": True,
    }

    # Redis away: the process lives on (liveness) but takes no traffic (readiness).
    no_redis = await make_gateway(redis_url="redis://127.0.0.1:9/0")
    assert (await no_redis.get("/health")).status == 200
    response = await no_redis.get("/ready")
    assert response.status == 503
    assert (await response.json())["checks"]["redis"] is False


async def test_a_redis_that_never_answers_holds_no_question_forever(
    make_gateway: GatewayFactory, fake_rasa: tuple[FakeRasa, TestServer]
) -> None:
    # redis-py (8.x) gives every command a 5 s socket timeout by default; a client made
    # without one would hold this question, and the conversation's lock, forever.
    async with link_to("127.0.0.1", 6379) as link:
        link.cut = True  # connections are accepted, and nothing comes back
        gateway = await make_gateway(redis_url=f"redis://127.0.0.1:{link.port}/0")
        conversation = unique("api")
        async with asyncio.timeout(30):
            status, body = await ask(gateway, conversation, "biaya pbg", request_id="m-1")
        # Kept for later, as when Redis is down: the caller is told to retry.
        assert status == 503
        assert "biaya pbg" not in str(body)
        assert (await gateway.get("/ready")).status == 503
    assert fake_rasa[0].received == []


@pytest.mark.postgres
async def test_a_postgresql_that_stops_answering_holds_no_question_forever(
    fake_rasa: tuple[FakeRasa, TestServer],
    aiohttp_client: Callable[..., Awaitable[Client]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Fails without the engine's PostgreSQL timeouts (permits/db.py): asyncpg would
    wait for the lost answer forever, and the question with it."""
    monkeypatch.setattr(db, "POSTGRES_CONNECT_SECONDS", 2.0)
    monkeypatch.setattr(db, "POSTGRES_STATEMENT_SECONDS", 2.0)
    await reset_postgres()
    await db.migrate(POSTGRES_URL)
    rasa, server = fake_rasa
    async with link_to("127.0.0.1", 5432) as link:
        through_link = make_url(POSTGRES_URL).set(port=link.port)
        settings = settings_for(
            str(server.make_url("")), through_link.render_as_string(hide_password=False)
        )
        gateway = await aiohttp_client(create_app(settings))
        assert (await ask(gateway, unique("api"), "jam buka"))[0] == 200

        link.cut = True
        conversation = unique("api")
        async with asyncio.timeout(30):
            status, body = await ask(gateway, conversation, "biaya pbg", request_id="m-1")
            ready = await gateway.get("/ready")
        # Nothing could be stored: the caller is told to try again, and the load
        # balancer to send traffic elsewhere.
        assert status == 500
        assert "Silakan coba lagi" in body["error"]
        assert ready.status == 503

        link.cut = False  # the network is back: the caller's retry is answered
        async with asyncio.timeout(30):
            status, body = await ask(gateway, conversation, "biaya pbg", request_id="m-1")
        assert status == 200
        assert [message for _, message in rasa.received].count("biaya pbg") == 1


async def test_metrics_count_messages_and_answers(make_gateway: GatewayFactory) -> None:
    gateway = await make_gateway()
    await ask(gateway, unique("api"), "biaya pbg")
    response = await gateway.get("/metrics")
    assert response.status == 200
    text = await response.text()
    assert 'tanya_messages_received_total{channel="api"} 1.0' in text
    assert 'tanya_nlu_confidence_count{intent="ask_fee"} 1.0' in text
    assert "tanya_turn_seconds_count" in text
    assert 'tanya_handoffs_open{state="queued"} 0.0' in text


async def test_an_agent_on_one_replica_sees_a_citizens_message_sent_to_the_other(
    make_gateway: GatewayFactory, gateway_database: str
) -> None:
    await add_staff(gateway_database, "siti", "agent", "sandi-petugas-rahasia")
    citizen_side, agent = await two_replicas(make_gateway)  # the agent's browser: replica 2
    await signed_in(agent, "siti", "sandi-petugas-rahasia")
    token = f"warga-{uuid.uuid4().hex}"
    async with (
        agent.ws_connect("/console/ws") as console,
        chat_window(citizen_side, token) as window,
    ):
        await events_until(window, "history")
        await say(window, "c1", "mau tanya izin reklame")
        line = await console_line_with(console, "mau tanya izin reklame")
    assert line["conversation_id"] == conversation_for(token)


async def console_line_with(console: Socket, text: str) -> dict[str, Any]:
    # One deadline for the whole wait: the console also shows other conversations'
    # lines (another test run on the same Redis), which must not keep it waiting forever.
    async with asyncio.timeout(8):
        while True:
            event: dict[str, Any] = await console.receive_json()
            if event["type"] == "message" and event["message"]["text"] == text:
                return event


async def test_a_storm_of_one_telegram_update_on_both_replicas_is_answered_once(
    make_gateway: GatewayFactory,
    fake_telegram: tuple[FakeTelegram, TestServer],
    fake_rasa: tuple[FakeRasa, TestServer],
) -> None:
    telegram, server = fake_telegram
    replicas = [
        await make_gateway(redis_url=REDIS_URL, **telegram_settings(server)) for _ in range(2)
    ]
    update = text_update(4242, 5550042, "biaya reklame brp")
    statuses = await asyncio.gather(
        *(post_update(replicas[n % 2], update, TELEGRAM_SECRET) for n in range(40))
    )
    assert set(statuses) == {200}  # Telegram is told every copy arrived, so it stops
    sent = await telegram.wait_for_sent(2, seconds=2)
    assert [m["text"] for m in sent] == ["jawaban: biaya reklame brp"]
    assert fake_rasa[0].received == [("telegram:5550042", "biaya reklame brp")]
