"""bot/conversation/rasa.py: the Rasa client retries a restarting Rasa."""

from __future__ import annotations

from aiohttp.test_utils import TestServer

from tests.bot.conftest import (
    Client,
    FakeRasa,
    send,
)


async def test_rasa_restarting_is_retried(
    gateway: Client, fake_rasa: tuple[FakeRasa, TestServer]
) -> None:
    fake, _ = fake_rasa
    fake.failures_left = 2
    status, body = await send(gateway, "api:r", "halo")
    assert status == 200 and body["messages"][0]["text"] == "jawaban: halo"
