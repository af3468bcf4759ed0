"""The gateway's HTTP API for other systems, authorised by the API bearer token.

POST /api/messages                          one message in, the bot's answer out,
                                            in order per conversation
POST /api/applications/{number}/status      the office's back-office system reports
                                            a status change; subscribers are told
"""

from __future__ import annotations

import hmac
import logging
from typing import Any

from aiohttp import web
from pydantic import BaseModel, Field, ValidationError

from bot.keys import DELIVERY, SESSIONS, SETTINGS, TURNS
from bot.logging import conversation_id as current_conversation
from permits.errors import ApplicationNotFound
from permits.progress import StatusChange, UnknownAgency, UnknownStatus, change_status
from permits.status import STATUS_LABELS

log = logging.getLogger(__name__)

UNAVAILABLE = (
    "Maaf, layanan sedang gangguan. Pesan Anda kami simpan, silakan coba lagi sebentar lagi "
    "atau hubungi call center {call_centre}."
)


class IncomingMessage(BaseModel):
    conversation_id: str = Field(min_length=3, max_length=120, pattern=r"^[a-z]+:\S+$")
    text: str


class StatusUpdate(BaseModel):
    status: str
    stage: str | None = Field(default=None, max_length=120)
    agency: str | None = Field(default=None, max_length=60)
    note: str = Field(default="", max_length=500)


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


def _authorised(request: web.Request) -> bool:
    header = request.headers.get("Authorization", "")
    given = header.removeprefix("Bearer ") if header.startswith("Bearer ") else ""
    return hmac.compare_digest(given.encode(), request.app[SETTINGS].api_token.encode())


async def _parse(request: web.Request) -> IncomingMessage | web.Response:
    try:
        raw: Any = await request.json()
        message = IncomingMessage.model_validate(raw)
    except ValidationError:  # also a ValueError, so it is caught first
        return _error(400, 'Kolom conversation_id (mis. "web:abc123") dan text wajib diisi.')
    except (ValueError, UnicodeDecodeError):
        return _error(400, "Permintaan harus berupa JSON yang sah.")
    limit = request.app[SETTINGS].max_message_chars
    if not message.text.strip():
        return _error(400, "Pesan kosong. Silakan tulis pertanyaan Anda.")
    if len(message.text) > limit:
        return _error(400, f"Pesan terlalu panjang (maksimal {limit} karakter).")
    return message


async def post_message(request: web.Request) -> web.Response:
    if not _authorised(request):
        return _error(401, "Token API tidak sah.")
    parsed = await _parse(request)
    if isinstance(parsed, web.Response):
        return parsed
    conversation = parsed.conversation_id
    current_conversation.set(conversation)
    answer = await request.app[TURNS].answer_now(conversation, parsed.text)
    if answer is None:
        call_centre = request.app[SETTINGS].call_centre
        return web.json_response(
            {
                "conversation_id": conversation,
                "messages": [{"text": UNAVAILABLE.format(call_centre=call_centre)}],
            },
            status=503,
        )
    messages = [{"text": r.text, "buttons": r.buttons} for r in answer.replies]
    return web.json_response(
        {"conversation_id": conversation, "messages": messages, "intent": answer.intent}
    )


async def post_status(request: web.Request) -> web.Response:
    if not _authorised(request):
        return _error(401, "Token API tidak sah.")
    number = request.match_info["number"]
    try:
        update = StatusUpdate.model_validate(await request.json())
    except ValidationError:
        return _error(400, "Kolom status wajib diisi; stage, agency dan note boleh diisi.")
    except (ValueError, UnicodeDecodeError):
        return _error(400, "Permintaan harus berupa JSON yang sah.")
    change = StatusChange(number, update.status, update.stage, update.agency, update.note)
    async with request.app[SESSIONS]() as session:
        try:
            application = await change_status(session, change)
        except ApplicationNotFound:
            return _error(404, f"Permohonan {number} tidak ditemukan.")
        except UnknownStatus:
            allowed = ", ".join(STATUS_LABELS)
            return _error(400, f"Status {update.status!r} tidak dikenal. Pilihan: {allowed}.")
        except UnknownAgency:
            return _error(400, f"Instansi {update.agency!r} tidak dikenal.")
        result = {
            "number": application.number,
            "status": application.status,
            "stage": application.current_stage,
        }
    request.app[DELIVERY].wake()
    log.info("status changed through the API", extra=result)
    return web.json_response(result)
