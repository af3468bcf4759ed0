"""Telegram through a fake Bot API server: webhook and polling, buttons, contacts, limits."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.channels.base import NOT_TEXT
from bot.keys import SESSIONS
from permits.models import Conversation, Message
from tests.bot.conftest import (
    TELEGRAM_SECRET,
    FakeRasa,
    GatewayFactory,
    settled,
)
from tests.fakes.telegram import (
    TOKEN,
    FakeTelegram,
    callback_update,
    contact_update,
    photo_update,
    post_update,
    text_update,
)

SECRET = TELEGRAM_SECRET
CHAT = 5550001
Client = TestClient[web.Request, web.Application]


async def deliver(client: Client, update: dict[str, Any], secret: str | None = SECRET) -> int:
    return await post_update(client, update, secret)


async def test_the_webhook_is_registered_with_its_secret(
    telegram_gateway: Client, fake_telegram: tuple[FakeTelegram, TestServer]
) -> None:
    fake, _ = fake_telegram
    assert fake.webhook["url"] == "https://izin.sukamaju.go.id/telegram/webhook"
    assert fake.webhook["secret_token"] == SECRET


async def test_a_question_is_answered_in_the_same_chat(
    telegram_gateway: Client,
    fake_telegram: tuple[FakeTelegram, TestServer],
    fake_rasa: tuple[FakeRasa, TestServer],
) -> None:
    fake, _ = fake_telegram
    assert await deliver(telegram_gateway, text_update(1, CHAT, "min brp hari ngurus imb")) == 200
    [sent] = await fake.wait_for_sent(1)
    assert int(sent["chat_id"]) == CHAT
    assert sent["text"] == "jawaban: min brp hari ngurus imb"
    assert fake_rasa[0].received == [(f"telegram:{CHAT}", "min brp hari ngurus imb")]
    assert fake_rasa[0].repeats == [False]  # just stored: Rasa need not look it up


@pytest.mark.parametrize("secret", [None, "tebakan-salah"])
async def test_a_webhook_without_the_secret_token_is_refused(
    telegram_gateway: Client,
    fake_telegram: tuple[FakeTelegram, TestServer],
    fake_rasa: tuple[FakeRasa, TestServer],
    secret: str | None,
) -> None:
    assert await deliver(telegram_gateway, text_update(2, CHAT, "halo"), secret) == 403
    await settled(telegram_gateway.app)
    assert fake_rasa[0].received == [] and fake_telegram[0].sent == []


async def test_a_malformed_update_is_refused_clearly(telegram_gateway: Client) -> None:
    response = await telegram_gateway.post(
        "/telegram/webhook",
        data=b"{not json",
        headers={"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"},
    )
    assert response.status == 400
    assert "tidak sah" in (await response.json())["error"]


async def test_a_repeated_update_id_is_answered_once(
    telegram_gateway: Client,
    fake_telegram: tuple[FakeTelegram, TestServer],
    fake_rasa: tuple[FakeRasa, TestServer],
) -> None:
    for _ in range(3):  # Telegram retries when it thinks we did not answer
        assert await deliver(telegram_gateway, text_update(7, CHAT, "biaya pbg")) == 200
    sent = await fake_telegram[0].wait_for_sent(2, seconds=1.5)
    assert len(sent) == 1
    assert len(fake_rasa[0].received) == 1


async def test_buttons_are_inline_and_a_tap_comes_back_as_the_choice(
    telegram_gateway: Client,
    fake_telegram: tuple[FakeTelegram, TestServer],
    fake_rasa: tuple[FakeRasa, TestServer],
) -> None:
    fake, _ = fake_telegram
    rasa, _ = fake_rasa
    rasa.buttons = [{"title": "Biaya PBG", "payload": '/ask_fee{"permit_type":"pbg"}'}]
    await deliver(telegram_gateway, text_update(10, CHAT, "pbg"))
    [offer] = await fake.wait_for_sent(1)
    keyboard = offer["reply_markup"]["inline_keyboard"]
    assert keyboard == [[{"text": "Biaya PBG", "callback_data": "Biaya PBG"}]]
    await deliver(telegram_gateway, callback_update(11, CHAT, "Biaya PBG"))
    await fake.wait_for_sent(2)
    assert fake.answered_callbacks == ["cb11"]
    assert rasa.received[-1] == (f"telegram:{CHAT}", '/ask_fee{"permit_type":"pbg"}')


async def test_slash_commands_cannot_trigger_intents(
    telegram_gateway: Client,
    fake_telegram: tuple[FakeTelegram, TestServer],
    fake_rasa: tuple[FakeRasa, TestServer],
) -> None:
    await deliver(telegram_gateway, text_update(20, CHAT, "/start"))
    await deliver(
        telegram_gateway, text_update(21, CHAT, '/check_status{"application_number":"x"}')
    )
    await fake_telegram[0].wait_for_sent(2)
    assert [text for _, text in fake_rasa[0].received] == [
        "halo",
        'check_status{"application_number":"x"}',
    ]


async def test_a_flood_is_stopped_with_one_notice(
    make_gateway: GatewayFactory,
    fake_telegram: tuple[FakeTelegram, TestServer],
    fake_rasa: tuple[FakeRasa, TestServer],
) -> None:
    fake, server = fake_telegram
    client = await make_gateway(
        telegram_mode="webhook",
        telegram_token=TOKEN,
        telegram_secret_token=SECRET,
        telegram_api_url=str(server.make_url("/bot")),
        conversation_rate_limit="5/minute",
    )
    for n in range(12):
        assert await deliver(client, text_update(100 + n, CHAT, f"PTSP-2025-AAAA{n:02d}")) == 200
    sent = await fake.wait_for_sent(6)
    assert len(fake_rasa[0].received) == 5
    notices = [s for s in sent if "terlalu banyak" in s["text"]]
    assert len(notices) == 1
    async with client.app[SESSIONS]() as session:
        limited = await session.scalars(select(Message).where(Message.state == "limited"))
        assert len(limited.all()) == 7  # kept in the transcript, not answered


async def test_sharing_ones_own_contact_links_the_phone(
    telegram_gateway: Client, fake_telegram: tuple[FakeTelegram, TestServer]
) -> None:
    await deliver(telegram_gateway, contact_update(30, CHAT, "6281234567890", CHAT))
    [sent] = await fake_telegram[0].wait_for_sent(1)
    assert "+6281234567890 sudah ditautkan" in sent["text"]
    async with telegram_gateway.app[SESSIONS]() as session:
        conversation = await session.get(Conversation, f"telegram:{CHAT}")
        assert conversation is not None and conversation.linked_phone == "+6281234567890"


@pytest.mark.parametrize("owner", [999, None])
async def test_someone_elses_contact_is_not_linked(
    telegram_gateway: Client, fake_telegram: tuple[FakeTelegram, TestServer], owner: int | None
) -> None:
    await deliver(telegram_gateway, contact_update(31, CHAT, "6281234567890", owner))
    [sent] = await fake_telegram[0].wait_for_sent(1)
    assert "nomor Anda sendiri" in sent["text"]
    async with telegram_gateway.app[SESSIONS]() as session:
        conversation = await session.get(Conversation, f"telegram:{CHAT}")
        assert conversation is not None and conversation.linked_phone is None


async def test_the_privacy_answer_offers_the_contact_keyboard(
    telegram_gateway: Client,
    fake_telegram: tuple[FakeTelegram, TestServer],
    fake_rasa: tuple[FakeRasa, TestServer],
) -> None:
    fake_rasa[0].buttons = [{"title": "Bagikan nomor telepon", "payload": "/share_phone"}]
    await deliver(telegram_gateway, text_update(40, CHAT, "permohonan saya apa aja"))
    [sent] = await fake_telegram[0].wait_for_sent(1)
    [[button]] = sent["reply_markup"]["keyboard"]
    assert button == {"text": "Bagikan nomor telepon", "request_contact": True}


async def test_a_photo_gets_a_polite_text_answer(
    telegram_gateway: Client,
    fake_telegram: tuple[FakeTelegram, TestServer],
    fake_rasa: tuple[FakeRasa, TestServer],
) -> None:
    await deliver(telegram_gateway, photo_update(50, CHAT))
    [sent] = await fake_telegram[0].wait_for_sent(1)
    # WhatsApp's wording, with examples; Telegram's own ("hanya bisa membaca pesan
    # teks") was dropped when the channels' texts became one catalogue.
    assert sent["text"] == NOT_TEXT
    assert fake_rasa[0].received == []


async def test_a_long_answer_is_split_at_paragraphs_under_the_limit(
    telegram_gateway: Client,
    fake_telegram: tuple[FakeTelegram, TestServer],
    fake_rasa: tuple[FakeRasa, TestServer],
) -> None:
    paragraphs = [f"{n}. " + "persyaratan " * 300 for n in range(1, 4)]  # ~3600 chars each
    fake_rasa[0].replies["syarat lengkap"] = "\n\n".join(p.strip() for p in paragraphs)
    await deliver(telegram_gateway, text_update(60, CHAT, "syarat lengkap"))
    sent = await fake_telegram[0].wait_for_sent(3)
    assert len(sent) == 3
    assert all(len(s["text"]) <= 4096 for s in sent)
    assert [s["text"][:2] for s in sent] == ["1.", "2.", "3."]


async def test_telegrams_flood_limit_is_waited_out(
    telegram_gateway: Client, fake_telegram: tuple[FakeTelegram, TestServer]
) -> None:
    fake, _ = fake_telegram
    fake.floods_left = 1  # the first sendMessage gets 429 retry_after=1
    await deliver(telegram_gateway, text_update(70, CHAT, "jam buka"))
    sent = await fake.wait_for_sent(1, seconds=6)
    assert [s["text"] for s in sent] == ["jawaban: jam buka"]


async def test_a_blocked_bot_is_recorded_not_retried_forever(
    telegram_gateway: Client, fake_telegram: tuple[FakeTelegram, TestServer]
) -> None:
    fake_telegram[0].blocked_chats.add(CHAT)
    await deliver(telegram_gateway, text_update(80, CHAT, "halo"))
    await settled(telegram_gateway.app)  # the reply is no longer due: sent or failed
    async with telegram_gateway.app[SESSIONS]() as session:
        reply = await session.scalar(select(Message).where(Message.direction == "out"))
        assert reply is not None and reply.state == "failed"
        assert reply.error is not None and "blocked" in reply.error


async def test_polling_mode_answers_updates_without_a_webhook(
    make_gateway: GatewayFactory,
    fake_telegram: tuple[FakeTelegram, TestServer],
    fake_rasa: tuple[FakeRasa, TestServer],
) -> None:
    fake, server = fake_telegram
    fake.updates = [text_update(90, CHAT, "syarat nib"), text_update(91, CHAT, "biaya nib")]
    await make_gateway(
        telegram_mode="polling", telegram_token=TOKEN, telegram_api_url=str(server.make_url("/bot"))
    )
    sent = await fake.wait_for_sent(2)
    assert [s["text"] for s in sent] == ["jawaban: syarat nib", "jawaban: biaya nib"]
    assert fake.webhook == {}  # polling removed any webhook


def in_group(update: dict[str, Any], group: int) -> dict[str, Any]:
    """The same update, sent in a Telegram group instead of the private chat."""
    update["message"]["chat"] = {"id": group, "type": "supergroup", "title": "Warga RT 05"}
    return update


async def test_a_contact_shared_in_a_group_links_nothing(
    telegram_gateway: Client, fake_telegram: tuple[FakeTelegram, TestServer]
) -> None:
    """Someone shares their own contact in a group the bot is in: the group is not
    linked (everyone there would read the applications), and it is told to use a
    private chat. Fails on 538ba62, which linked the group to the number."""
    group = -1001234567890
    await deliver(
        telegram_gateway, in_group(contact_update(32, CHAT, "6281234567890", CHAT), group)
    )
    [sent] = await fake_telegram[0].wait_for_sent(1)
    assert int(sent["chat_id"]) == group
    assert "chat pribadi" in sent["text"] and "ditautkan ke percakapan" not in sent["text"]
    async with telegram_gateway.app[SESSIONS]() as session:
        conversation = await session.get(Conversation, f"telegram:{group}")
        assert conversation is not None and conversation.linked_phone is None


async def test_a_group_is_never_offered_the_contact_keyboard(
    telegram_gateway: Client,
    fake_telegram: tuple[FakeTelegram, TestServer],
    fake_rasa: tuple[FakeRasa, TestServer],
) -> None:
    """Fails on 538ba62, which offered a group the "share my phone" keyboard."""
    fake_rasa[0].buttons = [{"title": "Bagikan nomor telepon", "payload": "/share_phone"}]
    await deliver(telegram_gateway, in_group(text_update(41, CHAT, "permohonan saya"), -4242))
    [sent] = await fake_telegram[0].wait_for_sent(1)
    assert "keyboard" not in str(sent.get("reply_markup") or "")
