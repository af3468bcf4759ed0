"""The gateway's HTTP API for other systems, authorised by bearer tokens: the API
token (TANYA_API_TOKEN) for messages, the status token (TANYA_STATUS_TOKEN) for status
changes, so a chat partner holding the first cannot change statuses or send the
office's official notifications.

POST /api/messages                          one message in, the bot's answer out,
                                            in order per conversation; only the API's
                                            own conversations ("api:...")
POST /api/applications/{number}/status      the office's back-office system reports
                                            a status change; subscribers are told

Every refusal is JSON {"error": "<text of the message catalogue>"}: 400 for a body that is not JSON
in UTF-8, of the wrong shape, or with an empty, too long or unreadable text (none
of them is stored), 401 without the right token, 403 for a conversation of another
channel, 413 for a body over client_max_size.

A conversation id names its channel, and the channel's prefix is the identity the
privacy rules trust ("whatsapp:+62..." is that number, verified by Twilio's
signature). So the API speaks only as "api:...": with the API token nobody can
read a WhatsApp or Telegram user's applications, write into their transcript or
have an agent's reply sent to their phone.
"""

from __future__ import annotations

import hmac
import logging
from typing import Any, ClassVar

from aiohttp import web
from pydantic import BaseModel, Field, ValidationError

from bot.conversation.inbound import readable, refusal, request_json
from bot.conversation.outbound import Outbound
from bot.keys import DELIVERY, SESSIONS, SETTINGS, TURNS
from bot.logs import conversation_id as current_conversation
from permits.errors import ApplicationNotFound, UnknownAgency, UnknownStatus
from permits.progress import StatusChange, change_status
from permits.status import STATUS_LABELS
from permits.texts import N_, _

log = logging.getLogger(__name__)

# Catalogue msgids, translated when sent.
UNAVAILABLE = N_(
    "Maaf, layanan sedang gangguan. Pesan Anda kami simpan, silakan coba lagi sebentar lagi "
    "atau hubungi call center {call_centre}."
)


class ApiChannel:
    """Delivery for conversations of the API ("api:..."): nothing is pushed, callers
    fetch their answers.

    An answer normally goes back in the response. One given later (the recovery loop
    answers a message whose replica died, or that waited for Redis) stays in the
    transcript, and the caller's retry with the same id returns it; the delivery
    worker marks it sent instead of failing it for want of a channel.
    """

    name: ClassVar[str] = "api"
    prefix: ClassVar[str] = "api:"

    async def send(self, message: Outbound) -> str | None:
        return None


class IncomingMessage(BaseModel):
    conversation_id: str = Field(min_length=3, max_length=120, pattern=r"^[a-z]+:\S+$")
    text: str
    # The caller's id for this message: a retry with the same id (after a timeout,
    # perhaps to another replica) returns the answer already given, never a second one.
    id: str | None = Field(default=None, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")


class StatusUpdate(BaseModel):
    status: str = Field(max_length=60)
    stage: str | None = Field(default=None, max_length=120)
    agency: str | None = Field(default=None, max_length=60)
    note: str = Field(default="", max_length=500)


NOT_JSON = N_("Permintaan harus berupa JSON yang sah.")
BAD_MESSAGE = N_(
    'Kolom conversation_id (mis. "api:abc123") dan text wajib diisi; id boleh diisi '
    "(maks. 64 huruf, angka, titik, garis bawah atau tanda hubung)."
)
OTHER_CHANNEL = N_(
    'API hanya menerima percakapannya sendiri: conversation_id harus diawali "api:" '
    '(mis. "api:abc123"). Percakapan Telegram, WhatsApp dan web chat hanya lewat '
    "kanalnya masing-masing."
)
BAD_STATUS = N_(
    "Kolom status wajib diisi; stage (maks. 120 karakter), agency (maks. 60) dan note "
    "(maks. 500) boleh diisi."
)
UNREADABLE_FIELDS = N_("Isian berisi karakter yang tidak sah (NUL atau surrogate UTF-16).")


HTTP_ERRORS = {  # fields: kib (the body limit), status
    404: N_("Alamat API tidak ditemukan."),
    405: N_("Metode HTTP ini tidak didukung di alamat ini."),
    413: N_("Permintaan terlalu besar (maksimal {kib} KiB)."),
}
OTHER_HTTP_ERROR = N_("Permintaan tidak dapat diproses (HTTP {status}).")


def _error(status: int, message: str, /, **fields: object) -> web.Response:
    """A refusal: `message` is a catalogue msgid, translated and filled here."""
    return web.json_response({"error": _(message, **fields)}, status=status)


def http_error(request: web.Request, exc: web.HTTPException) -> web.Response:
    """aiohttp's own refusals under /api/ (413 for a body over client_max_size, 404,
    405) as the API's other errors are: JSON, in Indonesian."""
    text = HTTP_ERRORS.get(exc.status, OTHER_HTTP_ERROR)
    message = _(text, kib=request.client_max_size // 1024, status=exc.status)
    allow = exc.headers.get("Allow")
    return web.json_response(
        {"error": message}, status=exc.status, headers={"Allow": allow} if allow else None
    )


def _authorised(request: web.Request, token: str) -> bool:
    header = request.headers.get("Authorization", "")
    given = header.removeprefix("Bearer ") if header.startswith("Bearer ") else ""
    return hmac.compare_digest(given.encode(), token.encode())


async def _parse(request: web.Request) -> IncomingMessage | web.Response:
    try:
        raw: Any = await request_json(request)  # 413 (error_middleware) if too large
        message = IncomingMessage.model_validate(raw)
    except ValidationError:  # also a ValueError, so it is caught first
        return _error(400, BAD_MESSAGE)
    except ValueError:  # not JSON, or not UTF-8
        return _error(400, NOT_JSON)
    if not readable(message.conversation_id):
        return _error(400, BAD_MESSAGE)
    if not message.conversation_id.startswith(ApiChannel.prefix):
        return _error(403, OTHER_CHANNEL)  # checked before anything is stored
    refused = refusal(message.text, request.app[SETTINGS].max_message_chars)
    if refused is not None:  # nothing stored: the caller has the refusal
        return web.json_response({"error": refused}, status=400)  # translated already
    return message


async def post_message(request: web.Request) -> web.Response:
    if not _authorised(request, request.app[SETTINGS].api_token):
        return _error(401, N_("Token API tidak sah."))
    parsed = await _parse(request)
    if isinstance(parsed, web.Response):
        return parsed
    conversation = parsed.conversation_id
    current_conversation.set(conversation)
    answer = await request.app[TURNS].answer_now(conversation, parsed.text, parsed.id)
    if answer is None:
        call_centre = request.app[SETTINGS].call_centre
        return web.json_response(
            {
                "conversation_id": conversation,
                "messages": [{"text": _(UNAVAILABLE, call_centre=call_centre)}],
            },
            status=503,
        )
    messages = [{"text": r.text, "buttons": r.buttons} for r in answer.replies]
    return web.json_response(
        {"conversation_id": conversation, "messages": messages, "intent": answer.intent},
        status=429 if answer.limited else 200,
    )


async def post_status(request: web.Request) -> web.Response:
    if not _authorised(request, request.app[SETTINGS].status_token):
        return _error(401, N_("Token status tidak sah."))
    number = request.match_info["number"]
    try:
        update = StatusUpdate.model_validate(await request_json(request))
    except ValidationError as exc:  # a lone surrogate fails a constrained str already
        unreadable = any(error["type"] == "string_unicode" for error in exc.errors())
        return _error(400, UNREADABLE_FIELDS if unreadable else BAD_STATUS)
    except ValueError:
        return _error(400, NOT_JSON)
    fields = (number, update.status, update.stage or "", update.agency or "", update.note)
    if not all(readable(field) for field in fields):
        return _error(400, UNREADABLE_FIELDS)
    change = StatusChange(number, update.status, update.stage, update.agency, update.note)
    async with request.app[SESSIONS]() as session:
        try:
            application = await change_status(session, change)
        except ApplicationNotFound:
            return _error(404, N_("Permohonan {number} tidak ditemukan."), number=number)
        except UnknownStatus:
            allowed = ", ".join(STATUS_LABELS)
            message = N_("Status {status} tidak dikenal. Pilihan: {allowed}.")
            return _error(400, message, status=repr(update.status), allowed=allowed)
        except UnknownAgency:
            return _error(400, N_("Instansi {agency} tidak dikenal."), agency=repr(update.agency))
        result = {
            "number": application.number,
            "status": application.status,
            "stage": application.current_stage,
        }
    request.app[DELIVERY].wake()
    log.info("status changed through the API", extra=result)
    return web.json_response(result)
