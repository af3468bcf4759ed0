"""A small Twilio Messaging API, in the real wire format, and Twilio's signed webhooks.

Outbound: POST /2010-04-01/Accounts/{AccountSid}/Messages.json with HTTP basic
auth (account SID, auth token) and a form-encoded body, answered 201 with the
JSON message resource, or with Twilio's error object ({"code", "message",
"more_info", "status"}), as the twilio library (`messages.create_async`) expects.

Inbound: the form fields Twilio posts to a WhatsApp webhook and a status callback,
with X-Twilio-Signature computed by the library's own RequestValidator.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from typing import Any

from aiohttp import BasicAuth, web
from aiohttp.test_utils import TestClient
from twilio.request_validator import RequestValidator

ACCOUNT_SID = "AC" + "3f1e" * 8
AUTH_TOKEN = "9c0d5e7a" * 4
WHATSAPP_FROM = "whatsapp:+14155238886"
TEMPLATE_SID = "HX" + "b7" * 16
API_VERSION = "2010-04-01"
BODY_LIMIT = 1600
MESSAGES_PATH = f"/{API_VERSION}/Accounts/{{account_sid}}/Messages.json"  # an aiohttp route


@dataclass(frozen=True)
class TwilioError:
    """An error answer: Twilio's error code and the HTTP status it comes with."""

    status: int
    code: int
    message: str

    def response(self) -> web.Response:
        return web.json_response(
            {
                "code": self.code,
                "message": self.message,
                "more_info": f"https://www.twilio.com/docs/errors/{self.code}",
                "status": self.status,
            },
            status=self.status,
        )


OUTSIDE_WINDOW = TwilioError(
    400,
    63016,
    "Failed to send freeform message because you are outside the allowed window. "
    "If you are using WhatsApp, please use a Message Template.",
)
TOO_MANY_REQUESTS = TwilioError(429, 20429, "Too Many Requests")
INTERNAL_ERROR = TwilioError(500, 20500, "Internal Server Error")


@dataclass
class FakeTwilio:
    account_sid: str = ACCOUNT_SID
    auth_token: str = AUTH_TOKEN
    sent: list[dict[str, str]] = field(default_factory=list)  # messages Twilio accepted
    resources: list[dict[str, Any]] = field(default_factory=list)  # what Twilio answered
    calls: list[dict[str, str]] = field(default_factory=list)  # every authenticated create
    failures: list[TwilioError] = field(default_factory=list)  # answers for the next calls
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post(MESSAGES_PATH, self.create)
        return app

    def fail_next(self, error: TwilioError, times: int = 1) -> None:
        """Answer the next `times` message creations with this error."""
        self.failures.extend([error] * times)

    async def create(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.json_response(
                {
                    "code": 20003,
                    "detail": "Your AccountSid or AuthToken was incorrect.",
                    "message": "Authentication Error - invalid username",
                    "more_info": "https://www.twilio.com/docs/errors/20003",
                    "status": 401,
                },
                status=401,
                headers={"WWW-Authenticate": 'Basic realm="Twilio API"'},
            )
        if request.match_info["account_sid"] != self.account_sid:
            return TwilioError(
                404, 20404, f"The requested resource {request.path} was not found"
            ).response()
        form = {
            key: value for key, value in (await request.post()).items() if isinstance(value, str)
        }
        self.calls.append(form)
        self._arrived.set()
        error = self.failures.pop(0) if self.failures else _invalid(form)
        if error is not None:
            return error.response()
        resource = self._resource(form)
        self.sent.append(form)
        self.resources.append(resource)
        return web.json_response(resource, status=201)

    async def wait_for_sent(self, count: int, seconds: float = 8.0) -> list[dict[str, str]]:
        """Wait until `count` messages were accepted (and a moment more, to catch extras)."""
        await self._wait_until(lambda: len(self.sent) >= count, seconds)
        return self.sent

    async def wait_for_calls(self, count: int, seconds: float = 8.0) -> list[dict[str, str]]:
        """Like wait_for_sent, counting refused calls too."""
        await self._wait_until(lambda: len(self.calls) >= count, seconds)
        return self.calls

    async def _wait_until(self, done: Callable[[], bool], seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not done() and time.monotonic() < deadline:
            self._arrived.clear()
            try:
                await asyncio.wait_for(self._arrived.wait(), deadline - time.monotonic())
            except TimeoutError:
                break
        await asyncio.sleep(0.3)

    def _authorised(self, request: web.Request) -> bool:
        try:
            auth = BasicAuth.decode(request.headers.get("Authorization", ""))
        except ValueError:
            return False
        return (auth.login, auth.password) == (self.account_sid, self.auth_token)

    def _resource(self, form: dict[str, str]) -> dict[str, Any]:
        sid = "SM" + secrets.token_hex(16)
        now = formatdate(usegmt=False)  # RFC 2822, as Twilio writes dates
        base = f"/{API_VERSION}/Accounts/{self.account_sid}/Messages/{sid}"
        body = form.get("Body", "")
        return {
            "account_sid": self.account_sid,
            "api_version": API_VERSION,
            "body": body,
            "date_created": now,
            "date_sent": None,
            "date_updated": now,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": form["From"],
            "messaging_service_sid": None,
            "num_media": "0",
            "num_segments": str(max(1, -(-len(body) // 153))),
            "price": None,
            "price_unit": "USD",
            "sid": sid,
            "status": "queued",
            "subresource_uris": {"media": f"{base}/Media.json"},
            "to": form["To"],
            "uri": f"{base}.json",
        }


def _invalid(form: dict[str, str]) -> TwilioError | None:
    """Twilio's own checks of a message creation that the gateway could get wrong."""
    to, sender = form.get("To", ""), form.get("From", "")
    if not to:
        return TwilioError(400, 21604, "A 'To' phone number is required.")
    if not sender:
        return TwilioError(400, 21603, "A 'From' phone number is required.")
    if to.startswith("whatsapp:") != sender.startswith("whatsapp:"):
        return TwilioError(
            400, 21910, "Invalid From and To pair. From and To should be of the same channel"
        )
    if not (form.get("Body") or form.get("ContentSid") or form.get("MediaUrl")):
        return TwilioError(400, 21619, "A text message body or media urls must be specified.")
    if len(form.get("Body", "")) > BODY_LIMIT:
        return TwilioError(
            400, 21617, "The concatenated message body exceeds the 1600 character limit."
        )
    if "ContentVariables" in form:
        try:
            variables = json.loads(form["ContentVariables"])
        except ValueError:
            variables = None
        if not isinstance(variables, dict):
            return TwilioError(400, 21656, "The ContentVariables Parameter is invalid.")
    callback = form.get("StatusCallback", "")
    if callback and not callback.startswith(("http://", "https://")):
        return TwilioError(400, 21609, "The StatusCallback URL is not a valid URL.")
    return None


def sign(url: str, form: dict[str, str], auth_token: str = AUTH_TOKEN) -> dict[str, str]:
    """The headers Twilio sends with a webhook to `url` (the public URL it was given)."""
    signature = RequestValidator(auth_token).compute_signature(url, form)
    return {
        "X-Twilio-Signature": signature,
        "I-Twilio-Idempotency-Token": secrets.token_hex(16),
        "User-Agent": "TwilioProxy/1.1",
    }


def message_sid(prefix: str = "SM") -> str:
    """A fresh message SID: "SM" for text, "MM" for a message with media."""
    return prefix + secrets.token_hex(16)


def whatsapp_message(
    sender: str,
    body: str,
    *,
    sid: str | None = None,
    profile_name: str = "Budi",
    to: str = WHATSAPP_FROM,
    **extra: str,
) -> dict[str, str]:
    """The form Twilio posts for an incoming WhatsApp message from `sender` ("+62...")."""
    sid = sid or message_sid("MM" if extra.get("NumMedia", "0") != "0" else "SM")
    return {
        "SmsMessageSid": sid,
        "NumMedia": "0",
        "ProfileName": profile_name,
        "MessageType": "text",
        "SmsSid": sid,
        "WaId": sender.removeprefix("+"),
        "SmsStatus": "received",
        "Body": body,
        "To": to,
        "NumSegments": "1",
        "ReferralNumMedia": "0",
        "MessageSid": sid,
        "AccountSid": ACCOUNT_SID,
        "From": f"whatsapp:{sender}",
        "ApiVersion": API_VERSION,
        **extra,
    }


def whatsapp_photo(sender: str, *, caption: str = "") -> dict[str, str]:
    sid = message_sid("MM")
    media = f"https://api.twilio.com/{API_VERSION}/Accounts/{ACCOUNT_SID}/Messages/{sid}/Media/"
    return whatsapp_message(
        sender,
        caption,
        sid=sid,
        MessageType="image",
        NumMedia="1",
        MediaContentType0="image/jpeg",
        MediaUrl0=media + "ME" + secrets.token_hex(16),
    )


def whatsapp_location(sender: str, latitude: str, longitude: str) -> dict[str, str]:
    return whatsapp_message(
        sender, "", MessageType="location", Latitude=latitude, Longitude=longitude
    )


def status_callback(
    sid: str, status: str, recipient: str, error_code: str | None = None
) -> dict[str, str]:
    """The form of a message status callback ("sent", "delivered", "read", "failed"...)."""
    form = {
        "ChannelPrefix": "whatsapp",
        "ApiVersion": API_VERSION,
        "MessageStatus": status,
        "SmsSid": sid,
        "SmsStatus": status,
        "ChannelInstallSid": "XE" + "0a" * 16,
        "To": f"whatsapp:{recipient}",
        "From": WHATSAPP_FROM,
        "MessageSid": sid,
        "AccountSid": ACCOUNT_SID,
        "ChannelToAddress": recipient,
    }
    if status == "read":
        form["EventType"] = "READ"
    if status == "delivered":
        form["EventType"] = "DELIVERED"
    if error_code is not None:
        form["ErrorCode"] = error_code
    return form


async def post_form(
    client: TestClient[web.Request, web.Application],
    form: dict[str, str],
    public_url: str,
    path: str = "/whatsapp/webhook",
) -> int:
    """Deliver a webhook to the gateway as Twilio does, signed over the public URL."""
    response = await client.post(path, data=form, headers=sign(public_url + path, form))
    return response.status
