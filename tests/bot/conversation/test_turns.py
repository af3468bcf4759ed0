"""bot/conversation/turns.py: the pipeline both sinks share; messages left waiting (a
replica died, Rasa was down) are answered by the recovery loop, in order."""

from __future__ import annotations

from aiohttp.test_utils import TestServer

from bot.keys import SESSIONS
from permits.transcripts import record_inbound
from tests.bot.conftest import (
    AUTH,
    TELEGRAM_SECRET,
    Client,
    FakeRasa,
    settled_reply,
)
from tests.fakes.telegram import FakeTelegram, post_update, text_update


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


# Messages kept while Rasa is down: the user is told once; the recovery loop answers them.
CHAT = 5550001


async def test_messages_sent_while_rasa_is_down_are_answered_when_it_is_back(
    telegram_gateway: Client,
    fake_telegram: tuple[FakeTelegram, TestServer],
    fake_rasa: tuple[FakeRasa, TestServer],
) -> None:
    fake, _ = fake_telegram
    rasa, _ = fake_rasa
    notice = await told_while_rasa_is_down(
        telegram_gateway, fake_telegram, fake_rasa, CHAT, ["syarat pbg", "biaya pbg"]
    )
    assert "Pesan Anda kami simpan" in notice
    rasa.down = False
    sent = await fake.wait_for_sent(3, seconds=8)
    assert [s["text"] for s in sent[1:]] == ["jawaban: syarat pbg", "jawaban: biaya pbg"]
    assert rasa.repeats == [True, True]  # picked up again: they may have reached Rasa


async def test_a_kept_choice_is_read_with_the_buttons_of_the_answer_before_it(
    telegram_gateway: Client,
    fake_telegram: tuple[FakeTelegram, TestServer],
    fake_rasa: tuple[FakeRasa, TestServer],
) -> None:
    """Two messages kept while Rasa was down: the second ("1") chooses from the
    buttons the first one's answer offers, which exist only once it is answered."""
    fake, _ = fake_telegram
    rasa, _ = fake_rasa
    rasa.buttons = [{"title": "PBG", "payload": '/choose_permit{"permit_type":"pbg"}'}]
    rasa.down = True
    await post_update(telegram_gateway, text_update(210, CHAT, "izin bangunan"), TELEGRAM_SECRET)
    await post_update(telegram_gateway, text_update(211, CHAT, "1"), TELEGRAM_SECRET)
    await fake.wait_for_sent(1, seconds=6)  # the notice that they are kept
    rasa.down = False
    await fake.wait_for_sent(3, seconds=8)
    assert [text for _, text in rasa.received] == [
        "izin bangunan",
        '/choose_permit{"permit_type":"pbg"}',
    ]


async def test_an_applicant_writing_english_is_told_of_the_outage_in_english(
    telegram_gateway: Client,
    fake_telegram: tuple[FakeTelegram, TestServer],
    fake_rasa: tuple[FakeRasa, TestServer],
) -> None:
    asked = ["what are the requirements for a building permit?"]
    assert await told_while_rasa_is_down(
        telegram_gateway, fake_telegram, fake_rasa, CHAT + 1, asked
    ) == (
        "Sorry, the service is currently experiencing a disruption. Your message "
        "has been saved and we will reply as soon as the service is restored."
    )


async def told_while_rasa_is_down(
    telegram_gateway: Client,
    fake_telegram: tuple[FakeTelegram, TestServer],
    fake_rasa: tuple[FakeRasa, TestServer],
    chat: int,
    texts: list[str],
) -> str:
    """The one notice a Telegram chat gets for `texts` sent while Rasa is down."""
    fake, _ = fake_telegram
    rasa, _ = fake_rasa
    rasa.down = True
    for update_id, text in enumerate(texts, 200 + 10 * (chat - CHAT)):
        await post_update(telegram_gateway, text_update(update_id, chat, text), TELEGRAM_SECRET)
    [notice] = await fake.wait_for_sent(1, seconds=6)
    return str(notice["text"])
