"""bot/conversation/delivery.py: every queued message is sent exactly once, even when
the gateway dies while sending (the lease lets another worker take it over).

The gateway runs as a real process here and is killed with SIGKILL mid-send. The
channels' own retry rules (a passing error, a blocked bot) are in
tests/bot/channels/.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer

from devstack.config import free_port
from permits.db import create_engine, create_sessionmaker
from permits.progress import StatusChange, change_status
from tests.bot.conftest import API_TOKEN, RASA_TOKEN, channel_settings, until
from tests.bot.processes import ROOT, GatewayProcess
from tests.bot.subscribers import notifications_of, subscribe_three_channels
from tests.fakes.telegram import FakeTelegram
from tests.fakes.twilio import FakeTwilio


@pytest.fixture
async def gateway_process(
    gateway_database: str,
    fakes: tuple[FakeTelegram, TestServer, FakeTwilio, TestServer],
    tmp_path: Path,
) -> AsyncIterator[GatewayProcess]:
    _, telegram_server, _, twilio_server = fakes
    settings = {
        **channel_settings(telegram_server, twilio_server),
        "database_url": gateway_database,
        "gateway_port": free_port(),
        "rasa_url": "http://127.0.0.1:9",  # no Rasa needed: nothing here asks it
        "rasa_token": RASA_TOKEN,
        "api_token": API_TOKEN,
        "delivery_poll_seconds": 0.3,
        "delivery_lease_seconds": 2,
    }
    env = {key: value for key, value in os.environ.items() if not key.startswith("TANYA_")}
    env.update({f"TANYA_{key.upper()}": str(value) for key, value in settings.items()})
    env["PYTHONPATH"] = str(ROOT)
    process = GatewayProcess(env, cwd=tmp_path)  # tmp_path: no developer's .env is read
    yield process
    await process.stop()


async def test_a_gateway_killed_mid_send_sends_each_notification_exactly_once(
    gateway_database: str,
    gateway_process: GatewayProcess,
    fakes: tuple[FakeTelegram, TestServer, FakeTwilio, TestServer],
) -> None:
    telegram, _, twilio, _ = fakes
    subscribers = await subscribe_three_channels(gateway_database)
    telegram.holding = True  # the Telegram send will hang until the worker is dead
    await gateway_process.start()
    engine = create_engine(gateway_database)
    async with create_sessionmaker(engine)() as session:
        await change_status(session, StatusChange(subscribers.number, "diproses", "Survei lokasi"))
    await engine.dispose()

    assert await telegram.wait_for_held(1) == 1
    await twilio.wait_for_sent(1)  # WhatsApp went out before the crash
    await gateway_process.kill()
    telegram.release()  # the cut-off request never reaches Telegram

    await gateway_process.start()
    sent = await telegram.wait_for_sent(1, seconds=15)

    async def nothing_left_to_send() -> bool:
        stored = await notifications_of(gateway_database)
        rows = [row for rows in stored.values() for row in rows]
        return len(stored) == len(subscribers.all) and all(row.state == "sent" for row in rows)

    # Every notification is marked sent: the worker sends only queued ones, so a second
    # send (of the one cut off, or of WhatsApp's sent before the crash) would be in by now.
    await until(nothing_left_to_send, seconds=15)
    assert len(sent) == 1 and "Survei lokasi" in sent[0]["text"]
    assert len(twilio.sent) == 1, "the WhatsApp notification sent before the crash is not resent"
    stored = await notifications_of(gateway_database)
    assert {conversation: len(rows) for conversation, rows in stored.items()} == {
        conversation: 1 for conversation in subscribers.all
    }
    assert all(rows[0].state == "sent" for rows in stored.values())
