"""Production shape: two gateways, two Rasa processes, PostgreSQL and Redis (127.0.0.1).

Rasa keeps its trackers in PostgreSQL and its locks in Redis; the gateways share
the permit database, Redis locks and the bus. A client that behaves like a load
balancer sends each message with an id and, when a gateway fails it, repeats the
message to the other one. Each fault test asserts that every message got exactly
one answer: the answer the conversation's context calls for, and a tracker in
Rasa that holds each user message once.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from sqlalchemy import func, select

from devstack.config import StackConfig
from devstack.supervisor import Stack
from permits.db import create_engine, create_sessionmaker
from permits.models import Message
from tests.conftest import POSTGRES_SERVER, admin_statement

from .conftest import ALWAYS_OPEN, API_TOKEN, ROOT

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.asyncio(loop_scope="session")]

REDIS_URL = "redis://127.0.0.1:6379/0"
RASA_TOKEN = "replicas-rasa-token"

# One applicant's conversation: each answer depends on the one before (the permit
# asked about first is carried over), so an answer out of order or lost shows.
SCRIPT: list[tuple[str, str]] = [
    ("syarat bikin imb apa aja ya", "Persyaratan Persetujuan Bangunan Gedung"),
    ("kalau biayanya?", "Persetujuan Bangunan Gedung"),
    ("trus lama prosesnya brp hari", "28 hari kerja"),
    ("cek status PTSP-2025-7KQ4MZ", "PTSP-2025-7KQ4MZ"),
]


@dataclass
class Balancer:
    """Spreads messages over the gateways and repeats a failed one to the next."""

    http: aiohttp.ClientSession
    urls: list[str]
    failovers: int = 0
    answers: dict[str, list[str]] = field(default_factory=dict)  # conversation → texts

    async def ask(self, conversation: str, text: str, message_id: str, turn: int) -> str:
        body = {"conversation_id": conversation, "text": text, "id": message_id}
        headers = {"Authorization": f"Bearer {API_TOKEN}"}
        deadline = time.monotonic() + 120
        attempt = 0
        while time.monotonic() < deadline:
            url = self.urls[(turn + attempt) % len(self.urls)]
            attempt += 1
            try:
                async with self.http.post(
                    f"{url}/api/messages", json=body, headers=headers
                ) as response:
                    if response.status == 200:
                        reply = await response.json()
                        return "\n".join(m.get("text") or "" for m in reply["messages"])
            except (aiohttp.ClientError, TimeoutError):
                pass
            self.failovers += 1
            await asyncio.sleep(0.2)
        raise AssertionError(f"{conversation}: no answer to {text!r} within 120 s")

    async def converse(self, conversation: str, pause: float = 0.0) -> None:
        texts = self.answers.setdefault(conversation, [])
        for turn, (question, _) in enumerate(SCRIPT):
            texts.append(await self.ask(conversation, question, f"t{turn}", turn))
            await asyncio.sleep(pause)


@dataclass
class Cluster:
    stack: Stack
    database_url: str

    @property
    def gateways(self) -> list[str]:
        return [self.stack.url_of(name) for name in self.stack.gateway_names]

    async def user_turns_in_rasa(self, http: aiohttp.ClientSession, conversation: str) -> int:
        """User messages in the tracker, read through the second Rasa (the store is shared)."""
        url = f"{self.stack.url_of('rasa-2')}/conversations/{conversation}/tracker"
        async with http.get(url, params={"token": RASA_TOKEN}) as response:
            tracker = await response.json()
        return sum(1 for event in tracker["events"] if event["event"] == "user")

    async def unanswered_and_replies(self, conversation: str) -> tuple[int, int]:
        engine = create_engine(self.database_url)
        try:
            async with create_sessionmaker(engine)() as session:
                pending = await session.scalar(
                    select(func.count()).where(
                        Message.conversation_id == conversation,
                        Message.direction == "in",
                        Message.state != "answered",
                    )
                )
                replies = await session.scalar(
                    select(func.count()).where(
                        Message.conversation_id == conversation,
                        Message.direction == "out",
                        Message.reply_to.is_not(None),
                    )
                )
        finally:
            await engine.dispose()
        return int(pending or 0), int(replies or 0)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def cluster(
    model_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Cluster]:
    suffix = f"{os.getpid()}_{uuid.uuid4().hex[:6]}"
    permits_db, rasa_db = f"tanya_replicas_{suffix}", f"tanya_rasa_{suffix}"
    for name in (permits_db, rasa_db):
        await admin_statement(f"CREATE DATABASE {name}")
    database_url = f"postgresql+asyncpg://{POSTGRES_SERVER}/{permits_db}"
    config = StackConfig.for_tests(
        root=ROOT,
        database_url=database_url,
        api_token=API_TOKEN,
        model_dir=model_dir,
        log_dir=tmp_path_factory.mktemp("replica-logs"),
    )
    config.rasa_token = RASA_TOKEN
    config.redis_url = REDIS_URL
    config.tracker_store_url = f"postgresql://{POSTGRES_SERVER}/{rasa_db}"
    config.rasa_replicas = config.gateway_replicas = 2
    config.extra_env.update(
        {"TANYA_OFFICE_HOURS": ALWAYS_OPEN, "TANYA_CONVERSATION_RATE_LIMIT": "600/minute"}
    )
    stack = Stack(config)
    await stack.start()
    try:
        yield Cluster(stack, database_url)
    finally:
        await stack.stop()
        for name in (permits_db, rasa_db):
            await admin_statement(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest_asyncio.fixture(loop_scope="session")
async def balancer(cluster: Cluster) -> AsyncIterator[Balancer]:
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(timeout=timeout) as http:
        yield Balancer(http, cluster.gateways)


def conversations(count: int) -> list[str]:
    run = uuid.uuid4().hex[:6]
    return [f"api:replica-{run}-{n}" for n in range(count)]


async def assert_each_answered_once(cluster: Cluster, balancer: Balancer, ids: list[str]) -> None:
    for conversation in ids:
        texts = balancer.answers[conversation]
        assert len(texts) == len(SCRIPT), conversation
        for (question, expected), text in zip(SCRIPT, texts, strict=True):
            assert expected in text, f"{conversation}: {question!r} was answered {text!r}"
        assert await cluster.user_turns_in_rasa(balancer.http, conversation) == len(SCRIPT)
        pending, replies = await cluster.unanswered_and_replies(conversation)
        assert pending == 0
        assert replies >= len(SCRIPT)


async def under_load(
    balancer: Balancer, ids: list[str], fault: Callable[[], Awaitable[None]], pause: float = 0.3
) -> None:
    """Run the conversations and, once they are under way, the fault."""
    load = asyncio.gather(*(balancer.converse(c, pause) for c in ids))
    await asyncio.sleep(1.0)
    await fault()
    await load


async def test_conversations_spread_over_both_gateways_keep_order_and_context(
    cluster: Cluster, balancer: Balancer
) -> None:
    ids = conversations(8)
    await asyncio.gather(*(balancer.converse(c) for c in ids))
    await assert_each_answered_once(cluster, balancer, ids)
    assert balancer.failovers == 0


async def test_a_visitors_two_chat_windows_on_different_gateways_both_see_the_answer(
    cluster: Cluster, balancer: Balancer
) -> None:
    token = f"jendela-replika-{uuid.uuid4().hex}"
    first, second = (f"{url}/chat/ws" for url in cluster.gateways)
    async with (
        balancer.http.ws_connect(first) as window_1,
        balancer.http.ws_connect(second) as window_2,
    ):
        for window in (window_1, window_2):  # the session in the first frame, as the widget
            await window.send_json({"type": "hello", "session": token})
        await next_event(window_1, "history")
        await next_event(window_2, "history")
        await window_2.send_json({"type": "message", "id": "w1", "text": SCRIPT[0][0]})
        answer_1 = await next_event(window_1, "message")
        answer_2 = await next_event(window_2, "message")
    assert SCRIPT[0][1] in answer_1["text"]
    assert answer_1 == answer_2


async def next_event(window: aiohttp.ClientWebSocketResponse, kind: str) -> dict[str, Any]:
    while True:
        event: dict[str, Any] = await asyncio.wait_for(window.receive_json(), timeout=30)
        if event["type"] == kind and (kind != "message" or event.get("from") == "bot"):
            return event


async def test_a_storm_of_one_repeated_message_is_answered_once(
    cluster: Cluster, balancer: Balancer
) -> None:
    (conversation,) = conversations(1)
    question = SCRIPT[0][0]
    copies = await asyncio.gather(
        *(balancer.ask(conversation, question, "storm", turn) for turn in range(30))
    )
    assert len(set(copies)) == 1 and SCRIPT[0][1] in copies[0]
    assert await cluster.user_turns_in_rasa(balancer.http, conversation) == 1


async def test_a_gateway_killed_mid_load_loses_no_message(
    cluster: Cluster, balancer: Balancer
) -> None:
    ids = conversations(12)

    async def kill_second_gateway() -> None:
        await cluster.stack.stop_child("gateway-2", signal.SIGKILL)

    await under_load(balancer, ids, kill_second_gateway)
    await assert_each_answered_once(cluster, balancer, ids)
    assert balancer.failovers > 0  # the kill did hit messages in flight or on their way
    await cluster.stack.restart_child("gateway-2")


async def test_a_gateway_stopped_gracefully_mid_load_finishes_its_turns(
    cluster: Cluster, balancer: Balancer
) -> None:
    ids = conversations(12)

    async def stop_second_gateway() -> None:
        await cluster.stack.stop_child("gateway-2", signal.SIGTERM)

    await under_load(balancer, ids, stop_second_gateway)
    stopped = next(c for c in cluster.stack.children if c.name == "gateway-2")
    assert stopped.process.returncode == 0  # a clean exit, not a kill after a timeout
    await assert_each_answered_once(cluster, balancer, ids)
    await cluster.stack.restart_child("gateway-2")


async def test_a_rasa_restarted_mid_load_loses_no_message(
    cluster: Cluster, balancer: Balancer
) -> None:
    ids = conversations(12)

    async def restart_first_rasa() -> None:
        await cluster.stack.restart_child("rasa")

    # Pauses long enough that conversations are still going while Rasa restarts.
    await under_load(balancer, ids, restart_first_rasa, pause=2.0)
    await assert_each_answered_once(cluster, balancer, ids)


async def test_a_restarted_action_server_costs_no_message(
    cluster: Cluster, balancer: Balancer
) -> None:
    ids = conversations(6)

    async def restart_actions() -> None:
        await cluster.stack.restart_child("actions")

    await under_load(balancer, ids, restart_actions, pause=0.5)
    for conversation in ids:
        # A turn that met the action server down is answered with an apology, once.
        assert len(balancer.answers[conversation]) == len(SCRIPT)
        assert await cluster.user_turns_in_rasa(balancer.http, conversation) == len(SCRIPT)
        assert (await cluster.unanswered_and_replies(conversation))[0] == 0


async def test_redis_stopped_and_started_mid_load_loses_no_message(
    cluster: Cluster, balancer: Balancer
) -> None:
    ids = conversations(6)
    await under_load(balancer, ids, lambda: outage(STOP_REDIS, START_REDIS), pause=0.5)
    await assert_each_answered_once(cluster, balancer, ids)
    assert balancer.failovers > 0  # messages met the outage and were repeated


async def test_postgres_stopped_and_started_mid_load_loses_no_message(
    cluster: Cluster, balancer: Balancer
) -> None:
    ids = conversations(6)
    await under_load(balancer, ids, lambda: outage(STOP_POSTGRES, START_POSTGRES), pause=0.5)
    for conversation in ids:
        # The action server reads the permit database too: a turn that met the
        # outage there is answered with an apology, still exactly once.
        assert len(balancer.answers[conversation]) == len(SCRIPT)
        assert await cluster.user_turns_in_rasa(balancer.http, conversation) == len(SCRIPT)
        assert (await cluster.unanswered_and_replies(conversation))[0] == 0
    assert balancer.failovers > 0


# The services as .ci/run starts them (Redis keeps nothing on disk here).
STOP_REDIS = ["redis-cli", "-h", "127.0.0.1", "shutdown", "nosave"]
START_REDIS = [
    "redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "--port", "6379",
    "--save", "", "--appendonly", "no",
]  # fmt: skip
POSTGRES_VERSION = min(p.name for p in Path("/etc/postgresql").iterdir())
POSTGRES_CLUSTER = ["pg_ctlcluster", "--skip-systemctl-redirect", POSTGRES_VERSION, "main"]
STOP_POSTGRES = [*POSTGRES_CLUSTER, "stop", "-m", "fast"]
START_POSTGRES = [*POSTGRES_CLUSTER, "start"]
OUTAGE_SECONDS = 5.0


async def outage(stop: list[str], start: list[str]) -> None:
    await _run(stop)
    try:
        await asyncio.sleep(OUTAGE_SECONDS)
    finally:
        await _run(start)


async def _run(command: list[str]) -> None:
    process = await asyncio.create_subprocess_exec(
        *command, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
    )
    _, error = await process.communicate()
    assert process.returncode == 0, f"{command} failed: {error.decode()}"
