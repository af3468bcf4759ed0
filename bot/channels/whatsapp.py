"""WhatsApp through Twilio's Messaging API.

The webhook checks X-Twilio-Signature over the public URL and the posted form
(403 otherwise), stores the message and answers Twilio at once with empty TwiML;
the reply goes out later through the REST API, so a slow turn never meets
Twilio's 15-second deadline. A retried webhook carries the same MessageSid and
is dropped by the transcript's de-duplication. The sender's number, verified by
WhatsApp, is the identity the privacy rules use (conversation "whatsapp:+62...").
A text the bot does not take (over TANYA_MAX_MESSAGE_CHARS, unreadable) is
answered with the web chat's sentence and kept in the transcript. Twilio's status
callbacks (sent, delivered, read, failed) are kept on the message; an agent's reply
shows them in the console as they come.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import ClassVar

from aiohttp import web
from twilio.base.exceptions import TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from bot.channels.base import NOT_TEXT, numbered_choices, split_text
from bot.conversation.inbound import refusal, storable
from bot.conversation.outbound import DeliveryFailed, Outbound
from bot.keys import CHANNELS, DELIVERY, SESSIONS, SETTINGS, TURNS
from permits.models import utcnow
from permits.outbox import record_delivery_status
from permits.states import MessageKind
from permits.texts import _

log = logging.getLogger(__name__)

BODY_LIMIT = 1600  # characters, Twilio's limit for one WhatsApp message body
SESSION_WINDOW = timedelta(hours=24)
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
SENDER_PATTERN = re.compile(r"^whatsapp:\+\d{6,16}$")


def whatsapp_text(text: str, buttons: list[dict[str, str]]) -> str:
    """WhatsApp renders *bold* with single asterisks and has no buttons here."""
    body = re.sub(r"\*\*(.+?)\*\*", r"*\1*", text)
    return f"{body}\n\n{numbered_choices(buttons)}" if buttons else body


def outside_window(message: Outbound) -> bool:
    last = message.last_inbound_at
    return last is None or utcnow() - last > SESSION_WINDOW


class WhatsAppChannel:
    name: ClassVar[str] = "whatsapp"

    def __init__(
        self, client: Client, sender: str, status_callback: str, template_sid: str
    ) -> None:
        self._client = client
        self._from = sender
        self._status_callback = status_callback
        self._template_sid = template_sid

    async def send(self, message: Outbound) -> str | None:
        to = f"whatsapp:{message.address}"
        if outside_window(message):
            return await self._send_template(to, message)
        sid = None
        for chunk in split_text(whatsapp_text(message.text, message.buttons), BODY_LIMIT):
            sid = await self._create(to=to, body=chunk)
        return sid

    async def _send_template(self, to: str, message: Outbound) -> str | None:
        # Outside 24 hours WhatsApp accepts only approved templates.
        if message.kind != MessageKind.NOTIFICATION or not self._template_sid:
            raise DeliveryFailed("outside WhatsApp's 24-hour window", permanent=True)
        variables = json.dumps(message.template_variables or {})
        return await self._create(
            to=to, content_sid=self._template_sid, content_variables=variables
        )

    async def _create(self, **fields: str) -> str | None:
        try:
            created = await self._client.messages.create_async(
                from_=self._from, status_callback=self._status_callback, **fields
            )
        except TwilioRestException as exc:
            permanent = 400 <= exc.status < 500 and exc.status != 429
            raise DeliveryFailed(
                f"twilio {exc.status} {exc.code}: {exc.msg}", permanent=permanent
            ) from exc
        return str(created.sid)


def _signed(request: web.Request, form: dict[str, str]) -> bool:
    settings = request.app[SETTINGS]
    url = settings.public_url.rstrip("/") + request.path_qs
    signature = request.headers.get("X-Twilio-Signature", "")
    return bool(RequestValidator(settings.twilio_auth_token).validate(url, form, signature))


async def _signed_form(request: web.Request) -> dict[str, str] | web.Response:
    try:
        posted = await request.post()  # 413 if over client_max_size
    except ValueError:  # bytes that are not UTF-8: not from Twilio, which percent-encodes
        return web.Response(status=400, text="formulir tidak sah")
    form = {key: str(value) for key, value in posted.items()}
    if not _signed(request, form):
        log.warning(
            "twilio webhook with an invalid signature refused", extra={"path": request.path}
        )
        return web.Response(status=403, text="tanda tangan Twilio tidak sah")
    return form


async def webhook(request: web.Request) -> web.Response:
    form = await _signed_form(request)
    if isinstance(form, web.Response):
        return form
    sender, sid = form.get("From", ""), form.get("MessageSid", "")
    if not SENDER_PATTERN.match(sender) or not sid:
        return web.Response(status=400, text="From dan MessageSid wajib ada")
    conversation_id = "whatsapp:" + sender.removeprefix("whatsapp:")
    text = form.get("Body", "").strip()
    turns = request.app[TURNS]
    if not text:  # media without caption, location, contact card...
        await turns.reply_directly(conversation_id, "[bukan teks]", sid, _(NOT_TEXT))
    elif (refused := refusal(text, request.app[SETTINGS].max_message_chars)) is not None:
        log.info("whatsapp message refused", extra={"chars": len(text)})
        await turns.reply_directly(conversation_id, storable(text), sid, refused)
    else:
        await turns.receive(conversation_id, text, sid)
    return web.Response(text=EMPTY_TWIML, content_type="text/xml")


async def status_callback(request: web.Request) -> web.Response:
    form = await _signed_form(request)
    if isinstance(form, web.Response):
        return form
    sid, status = form.get("MessageSid", ""), form.get("MessageStatus", "")
    error_code = form.get("ErrorCode") or None  # e.g. 63016: outside the 24-hour window
    if sid and status:
        async with request.app[SESSIONS]() as session:
            moved = await record_delivery_status(session, sid, status, error_code)
        request.app[DELIVERY].reported(moved)  # the agent sees "diterima", "dibaca" live
        log.info(
            "whatsapp delivery status",
            extra={
                "provider_id": sid,
                "status": status,
                "error_code": error_code,
                "kept": bool(moved),  # False: older than what is stored (a replay, out of order)
            },
        )
    return web.Response(text=EMPTY_TWIML, content_type="text/xml")


async def twilio_client(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    http_client = AsyncTwilioHttpClient(timeout=20)
    client = Client(
        settings.twilio_account_sid, settings.twilio_auth_token, http_client=http_client
    )
    client.api.base_url = settings.twilio_api_url  # a local fake in tests
    channel = WhatsAppChannel(
        client,
        settings.twilio_whatsapp_from,
        f"{settings.public_url.rstrip('/')}/whatsapp/status",
        settings.twilio_notification_content_sid,
    )
    app[CHANNELS][channel.name] = channel
    yield
    await http_client.close()


def setup(app: web.Application) -> None:
    app.cleanup_ctx.append(twilio_client)
    app.router.add_post("/whatsapp/webhook", webhook)
    app.router.add_post("/whatsapp/status", status_callback)
