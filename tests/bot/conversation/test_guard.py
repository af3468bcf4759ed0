"""bot/conversation/guard.py: only the button payloads offered reach Rasa as intents."""

from __future__ import annotations

from aiohttp.test_utils import TestServer

from bot.conversation.guard import screen
from tests.bot.conftest import (
    Client,
    FakeRasa,
    send,
)


def test_only_offered_payloads_pass_the_slash_guard() -> None:
    offered = [{"title": "Ya", "payload": "/affirm"}, {"title": "Tidak", "payload": "/deny"}]
    assert screen("/affirm", offered) == "/affirm"
    assert screen("tidak", offered) == "/deny"  # a title typed as text
    assert screen("2", offered) == "/deny"  # its number, as WhatsApp shows it
    assert screen("/human_handoff", offered) == "human_handoff"  # not offered: stripped
    assert screen("/affirm", []) == "affirm"


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
