"""WhatsApp through a fake Twilio: signed webhooks, REST replies, delivery reports, floods.

Notifications, the 24-hour window and Twilio errors are in test_whatsapp_outbound.py."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from aiohttp.test_utils import TestServer

from bot.channels.base import NOT_TEXT
from bot.channels.whatsapp import BODY_LIMIT, EMPTY_TWIML
from bot.conversation.notices import SLOW_DOWN
from permits.status import SHARE_PHONE_PAYLOAD
from tests.bot.channels.conftest import (
    BUDI,
    CONVERSATION,
    Client,
    ask,
    deliver,
    outbound_when,
    stored,
)
from tests.bot.conftest import PUBLIC_URL, FakeRasa, GatewayFactory
from tests.fakes.twilio import (
    WHATSAPP_FROM,
    FakeTwilio,
    sign,
    status_callback,
    whatsapp_location,
    whatsapp_message,
    whatsapp_photo,
)

STATUS_URL = f"{PUBLIC_URL}/whatsapp/status"


async def test_a_question_is_answered_later_through_the_rest_api(
    whatsapp_gateway: Client,
    fake_twilio: tuple[FakeTwilio, TestServer],
    fake_rasa: tuple[FakeRasa, TestServer],
) -> None:
    fake, _ = fake_twilio
    rasa, _ = fake_rasa
    rasa.delays["min brp hari ngurus imb"] = 1.0
    form = whatsapp_message(BUDI, "min brp hari ngurus imb")
    response = await whatsapp_gateway.post(
        "/whatsapp/webhook", data=form, headers=sign(f"{PUBLIC_URL}/whatsapp/webhook", form)
    )
    assert response.status == 200
    assert response.content_type == "text/xml"
    assert await response.text() == EMPTY_TWIML
    assert rasa.received == []  # Twilio got its answer before the turn was done
    [sent] = await fake.wait_for_sent(1)
    assert sent == {
        "To": f"whatsapp:{BUDI}",
        "From": WHATSAPP_FROM,
        "Body": "jawaban: min brp hari ngurus imb",
        "StatusCallback": STATUS_URL,
    }
    assert rasa.received == [(CONVERSATION, "min brp hari ngurus imb")]


def _wrong_token(form: dict[str, str]) -> dict[str, str]:
    return sign(f"{PUBLIC_URL}/whatsapp/webhook", form, auth_token="0" * 32)


def _tampered_body(form: dict[str, str]) -> dict[str, str]:
    headers = sign(f"{PUBLIC_URL}/whatsapp/webhook", form)
    form["Body"] = "kirim data semua pemohon"
    return headers


def _other_url(form: dict[str, str]) -> dict[str, str]:
    return sign(STATUS_URL, form)  # a signature replayed from another endpoint


def _missing(form: dict[str, str]) -> dict[str, str]:
    return {}


@pytest.mark.parametrize("forge", [_wrong_token, _tampered_body, _other_url, _missing])
async def test_a_webhook_without_a_valid_signature_is_refused(
    whatsapp_gateway: Client,
    fake_twilio: tuple[FakeTwilio, TestServer],
    fake_rasa: tuple[FakeRasa, TestServer],
    forge: Callable[[dict[str, str]], dict[str, str]],
) -> None:
    form = whatsapp_message(BUDI, "status PTSP-2025-7KQ4MZ")
    headers = forge(form)
    assert await deliver(whatsapp_gateway, form, headers) == 403
    assert await stored(whatsapp_gateway, "in") == []
    assert await fake_twilio[0].wait_for_calls(1, seconds=1.0) == []
    assert fake_rasa[0].received == []


async def test_a_redelivered_message_sid_is_answered_once(
    whatsapp_gateway: Client,
    fake_twilio: tuple[FakeTwilio, TestServer],
    fake_rasa: tuple[FakeRasa, TestServer],
) -> None:
    form = whatsapp_message(BUDI, "biaya pbg")
    for _ in range(2):  # Twilio retries a webhook it thinks failed, with the same MessageSid
        assert await deliver(whatsapp_gateway, form) == 200
    sent = await fake_twilio[0].wait_for_sent(2, seconds=1.5)
    assert [s["Body"] for s in sent] == ["jawaban: biaya pbg"]
    assert len(fake_rasa[0].received) == 1
    assert [m.external_id for m in await stored(whatsapp_gateway, "in")] == [form["MessageSid"]]


@pytest.mark.parametrize(
    "form",
    [whatsapp_photo(BUDI), whatsapp_location(BUDI, "-6.9147", "107.6098")],
    ids=["photo", "location"],
)
async def test_media_and_locations_get_a_polite_text_answer(
    whatsapp_gateway: Client,
    fake_twilio: tuple[FakeTwilio, TestServer],
    fake_rasa: tuple[FakeRasa, TestServer],
    form: dict[str, str],
) -> None:
    assert await deliver(whatsapp_gateway, form) == 200
    [sent] = await fake_twilio[0].wait_for_sent(1)
    assert sent["Body"] == NOT_TEXT
    assert sent["To"] == f"whatsapp:{BUDI}"
    assert fake_rasa[0].received == []
    [inbound] = await stored(whatsapp_gateway, "in")
    assert inbound.external_id == form["MessageSid"] and inbound.state == "answered"


async def test_slash_commands_cannot_trigger_intents(
    whatsapp_gateway: Client,
    fake_twilio: tuple[FakeTwilio, TestServer],
    fake_rasa: tuple[FakeRasa, TestServer],
) -> None:
    await ask(whatsapp_gateway, "/restart")
    await ask(whatsapp_gateway, '/check_status{"application_number":"PTSP-2025-7KQ4MZ"}')
    sent = await fake_twilio[0].wait_for_sent(2)
    # Rasa reads them as ordinary words: no conversation reset, no forced intent.
    assert [text for _, text in fake_rasa[0].received] == [
        "restart",
        'check_status{"application_number":"PTSP-2025-7KQ4MZ"}',
    ]
    assert [s["Body"] for s in sent] == [
        "jawaban: restart",
        'jawaban: check_status{"application_number":"PTSP-2025-7KQ4MZ"}',
    ]


async def test_a_long_answer_is_split_at_paragraphs_under_twilios_limit(
    whatsapp_gateway: Client,
    fake_twilio: tuple[FakeTwilio, TestServer],
    fake_rasa: tuple[FakeRasa, TestServer],
) -> None:
    fake, _ = fake_twilio
    paragraphs = [f"{n}. " + ("persyaratan " * 58).strip() for n in range(1, 6)]  # ~700 each
    answer = "\n\n".join(paragraphs)
    assert len(answer) > 2 * BODY_LIMIT
    fake_rasa[0].replies["syarat lengkap"] = answer
    await ask(whatsapp_gateway, "syarat lengkap")
    sent = await fake.wait_for_sent(3)
    bodies = [s["Body"] for s in sent]
    assert len(bodies) == 3 and len(fake.calls) == 3  # none refused by Twilio
    assert all(len(body) <= BODY_LIMIT for body in bodies)
    assert [body[:2] for body in bodies] == ["1.", "3.", "5."]  # two paragraphs a message
    assert "\n\n".join(bodies) == answer


async def test_bold_is_written_the_whatsapp_way(
    whatsapp_gateway: Client,
    fake_twilio: tuple[FakeTwilio, TestServer],
    fake_rasa: tuple[FakeRasa, TestServer],
) -> None:
    fake_rasa[0].replies["biaya pbg"] = "Retribusi **PBG** untuk rumah tinggal **gratis**."
    await ask(whatsapp_gateway, "biaya pbg")
    [sent] = await fake_twilio[0].wait_for_sent(1)
    assert sent["Body"] == "Retribusi *PBG* untuk rumah tinggal *gratis*."


async def test_buttons_become_a_numbered_list_answered_by_number(
    whatsapp_gateway: Client,
    fake_twilio: tuple[FakeTwilio, TestServer],
    fake_rasa: tuple[FakeRasa, TestServer],
) -> None:
    fake, _ = fake_twilio
    rasa, _ = fake_rasa
    rasa.buttons = [
        {"title": "Bagikan nomor telepon", "payload": SHARE_PHONE_PAYLOAD},  # not on WhatsApp
        {"title": "Biaya PBG", "payload": '/ask_fee{"permit_type":"pbg"}'},
        {"title": "Syarat PBG", "payload": '/ask_requirements{"permit_type":"pbg"}'},
    ]
    await ask(whatsapp_gateway, "pbg")
    [offer] = await fake.wait_for_sent(1)
    assert offer["Body"] == (
        "jawaban: pbg\n\nBalas dengan angka pilihan Anda:\n1. Biaya PBG\n2. Syarat PBG"
    )
    await ask(whatsapp_gateway, "1")
    await fake.wait_for_sent(2)
    assert rasa.received[-1] == (CONVERSATION, '/ask_fee{"permit_type":"pbg"}')


async def test_delivery_reports_are_recorded_on_the_reply(
    whatsapp_gateway: Client, fake_twilio: tuple[FakeTwilio, TestServer]
) -> None:
    fake, _ = fake_twilio
    await ask(whatsapp_gateway, "jam buka")
    await fake.wait_for_sent(1)
    [reply] = await outbound_when(whatsapp_gateway, lambda row: row.state == "sent")
    sid = fake.resources[0]["sid"]
    assert reply.provider_id == sid
    for status in ("sent", "delivered", "read"):
        form = status_callback(sid, status, BUDI)
        assert await deliver(whatsapp_gateway, form, path="/whatsapp/status") == 200
    unsigned = status_callback(sid, "failed", BUDI, error_code="63016")
    assert await deliver(whatsapp_gateway, unsigned, headers={}, path="/whatsapp/status") == 403
    [reply] = await stored(whatsapp_gateway, "out")
    assert reply.delivery_status == "read"


async def test_late_or_replayed_status_callbacks_never_move_a_delivery_back(
    whatsapp_gateway: Client, fake_twilio: tuple[FakeTwilio, TestServer]
) -> None:
    """Twilio retries callbacks and sends them out of order: "read" then a late "sent"
    and a replayed "delivered" leave "read"; a failure keeps Twilio's ErrorCode, and a
    replayed "sent" after it does not hide it. Fails on 538ba62, which stored whatever
    came last and dropped the ErrorCode."""
    fake, _ = fake_twilio
    await ask(whatsapp_gateway, "jam buka")
    await ask(whatsapp_gateway, "biaya pbg")
    await fake.wait_for_sent(2)
    await outbound_when(whatsapp_gateway, lambda row: row.state == "sent")
    read, failed = (resource["sid"] for resource in fake.resources[:2])
    callbacks = [
        status_callback(read, "read", BUDI),
        status_callback(read, "sent", BUDI),
        status_callback(read, "delivered", BUDI),
        status_callback(failed, "failed", BUDI, error_code="63016"),
        status_callback(failed, "sent", BUDI),
    ]
    for form in callbacks:
        assert await deliver(whatsapp_gateway, form, path="/whatsapp/status") == 200
    rows = {row.provider_id: row for row in await stored(whatsapp_gateway, "out")}
    assert (rows[read].delivery_status, rows[read].delivery_error_code) == ("read", None)
    assert (rows[failed].delivery_status, rows[failed].delivery_error_code) == ("failed", "63016")


async def test_a_flood_is_stopped_with_one_notice(
    make_whatsapp_gateway: GatewayFactory,
    fake_twilio: tuple[FakeTwilio, TestServer],
    fake_rasa: tuple[FakeRasa, TestServer],
) -> None:
    client = await make_whatsapp_gateway(conversation_rate_limit="3/minute")
    for n in range(7):
        assert await ask(client, f"PTSP-2025-AAAA{n:02d}") == 200
    sent = await fake_twilio[0].wait_for_sent(4)
    assert len(sent) == 4  # three answers and one notice
    assert [s["Body"] for s in sent].count(SLOW_DOWN) == 1
    assert len(fake_rasa[0].received) == 3
    limited = [m for m in await stored(client, "in") if m.state == "limited"]
    assert len(limited) == 4  # kept in the transcript, not answered


def _without_from(form: dict[str, str]) -> None:
    del form["From"]


def _without_sid(form: dict[str, str]) -> None:
    for key in ("MessageSid", "SmsMessageSid", "SmsSid"):
        del form[key]


def _sms_sender(form: dict[str, str]) -> None:
    form["From"] = BUDI  # an SMS, not WhatsApp


@pytest.mark.parametrize("spoil", [_without_from, _without_sid, _sms_sender])
async def test_a_signed_but_malformed_webhook_is_refused(
    whatsapp_gateway: Client,
    fake_twilio: tuple[FakeTwilio, TestServer],
    fake_rasa: tuple[FakeRasa, TestServer],
    spoil: Callable[[dict[str, str]], None],
) -> None:
    form = whatsapp_message(BUDI, "syarat nib")
    spoil(form)
    assert await deliver(whatsapp_gateway, form) == 400
    assert await stored(whatsapp_gateway, "in") == []
    assert await fake_twilio[0].wait_for_calls(1, seconds=1.0) == []
    assert fake_rasa[0].received == []
