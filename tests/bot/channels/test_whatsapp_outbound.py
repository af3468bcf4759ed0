"""WhatsApp messages the gateway sends on its own: status notifications inside and outside
the 24-hour window (plain text or the approved template), a late officer's answer, and
Twilio errors that are given up on or retried."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from aiohttp.test_utils import TestServer
from sqlalchemy import update

from bot.keys import SESSIONS
from permits.demo import load_demo
from permits.models import Conversation, utcnow
from permits.progress import StatusChange, change_status
from permits.status import subscribe
from permits.transcripts import Outgoing, ensure_conversation, queue_outbound
from tests.bot.channels.conftest import (
    BUDI,
    CONVERSATION,
    LATE_PBG,
    Client,
    ask,
    outbound_when,
)
from tests.bot.conftest import GatewayFactory
from tests.fakes.twilio import (
    INTERNAL_ERROR,
    OUTSIDE_WINDOW,
    TEMPLATE_SID,
    TOO_MANY_REQUESTS,
    WHATSAPP_FROM,
    FakeTwilio,
    TwilioError,
)


async def _subscribe_budi(client: Client, last_inbound: timedelta | None) -> None:
    """Budi follows his applications; his last message was `last_inbound` ago (or never)."""
    async with client.app[SESSIONS]() as session:
        await load_demo(session)
        await subscribe(session, CONVERSATION)
        await ensure_conversation(session, CONVERSATION)
        if last_inbound is not None:
            await session.execute(
                update(Conversation)
                .where(Conversation.id == CONVERSATION)
                .values(last_inbound_at=utcnow() - last_inbound)
            )
        await session.commit()


async def _move_late_pbg(client: Client) -> None:
    async with client.app[SESSIONS]() as session:
        await change_status(session, StatusChange(LATE_PBG, "perlu_perbaikan", "Perbaikan berkas"))


@pytest.mark.parametrize("last_inbound", [None, timedelta(hours=25)], ids=["never", "25h"])
async def test_a_notification_outside_the_window_goes_as_the_approved_template(
    whatsapp_gateway: Client,
    fake_twilio: tuple[FakeTwilio, TestServer],
    last_inbound: timedelta | None,
) -> None:
    await _subscribe_budi(whatsapp_gateway, last_inbound)
    await _move_late_pbg(whatsapp_gateway)
    [sent] = await fake_twilio[0].wait_for_sent(1)
    assert "Body" not in sent
    assert sent["ContentSid"] == TEMPLATE_SID
    assert json.loads(sent["ContentVariables"]) == {
        "1": LATE_PBG,
        "2": "Perlu perbaikan berkas",
        "3": "Perbaikan berkas",
    }
    assert (sent["To"], sent["From"]) == (f"whatsapp:{BUDI}", WHATSAPP_FROM)
    [notification] = await outbound_when(whatsapp_gateway, lambda row: row.state == "sent")
    assert notification.kind == "notification"


async def test_a_notification_without_a_configured_template_fails_outside_the_window(
    make_whatsapp_gateway: GatewayFactory, fake_twilio: tuple[FakeTwilio, TestServer]
) -> None:
    client = await make_whatsapp_gateway(twilio_notification_content_sid="")
    await _subscribe_budi(client, timedelta(hours=25))
    await _move_late_pbg(client)
    [notification] = await outbound_when(client, lambda row: row.state == "failed")
    assert notification.state == "failed" and notification.error is not None
    assert "24-hour" in notification.error
    assert fake_twilio[0].calls == []


async def test_a_chat_message_outside_the_window_fails_without_being_sent(
    whatsapp_gateway: Client, fake_twilio: tuple[FakeTwilio, TestServer]
) -> None:
    await _subscribe_budi(whatsapp_gateway, timedelta(hours=25))
    async with whatsapp_gateway.app[SESSIONS]() as session:  # an officer answers too late
        queue_outbound(
            session, CONVERSATION, Outgoing("Berkas Anda sudah kami terima."), sender="agent"
        )
        await session.commit()
    [late] = await outbound_when(whatsapp_gateway, lambda row: row.state == "failed")
    assert late.state == "failed" and late.attempts == 1
    assert late.error is not None and "24-hour" in late.error
    assert await fake_twilio[0].wait_for_calls(1, seconds=1.0) == []


async def test_a_notification_inside_the_window_is_plain_text(
    whatsapp_gateway: Client, fake_twilio: tuple[FakeTwilio, TestServer]
) -> None:
    fake, _ = fake_twilio
    await _subscribe_budi(whatsapp_gateway, last_inbound=None)
    await ask(whatsapp_gateway, "status permohonan saya")
    await fake.wait_for_sent(1)
    await _move_late_pbg(whatsapp_gateway)
    sent = await fake.wait_for_sent(2)
    assert len(sent) == 2
    assert "ContentSid" not in sent[1]
    assert sent[1]["Body"].startswith(f"🔔 Kabar terbaru permohonan {LATE_PBG}:")
    assert "Status: Perlu perbaikan berkas" in sent[1]["Body"]


async def test_a_permanent_twilio_error_is_not_retried(
    whatsapp_gateway: Client, fake_twilio: tuple[FakeTwilio, TestServer]
) -> None:
    fake, _ = fake_twilio
    fake.fail_next(OUTSIDE_WINDOW)
    await ask(whatsapp_gateway, "halo")
    [reply] = await outbound_when(whatsapp_gateway, lambda row: row.state == "failed")
    assert reply.state == "failed" and reply.attempts == 1
    assert reply.error is not None and "63016" in reply.error
    # A retry would come after two seconds: none comes.
    assert len(await fake.wait_for_calls(2, seconds=3.0)) == 1
    assert fake.sent == []


@pytest.mark.parametrize("error", [TOO_MANY_REQUESTS, INTERNAL_ERROR], ids=["429", "500"])
async def test_a_passing_twilio_error_is_retried_and_the_reply_arrives(
    whatsapp_gateway: Client, fake_twilio: tuple[FakeTwilio, TestServer], error: TwilioError
) -> None:
    fake, _ = fake_twilio
    fake.fail_next(error)
    await ask(whatsapp_gateway, "jam buka")
    [waiting] = await outbound_when(whatsapp_gateway, lambda row: row.attempts == 1)
    assert waiting.state == "queued" and waiting.next_attempt_at is not None
    assert waiting.error is not None and str(error.code) in waiting.error
    [sent] = await fake.wait_for_sent(1)
    assert sent["Body"] == "jawaban: jam buka"
    assert len(fake.calls) == 2
    [reply] = await outbound_when(whatsapp_gateway, lambda row: row.state == "sent")
    assert reply.state == "sent" and reply.attempts == 1
