"""The assist box for phone and video calls: the agent types what the caller asks (or an
application number) and gets the same suggestions and lookups, with no chat at all."""

from __future__ import annotations

import logging
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from bot.conversation.rasa import RasaUnavailable
from bot.keys import RASA, SESSIONS, SETTINGS
from permits.errors import ApplicationNotFound, InvalidNumber
from permits.intent_labels import full_intent, intent_label
from permits.numbers import canonical_number
from permits.status import status_for_staff
from permits.suggestions import Reading, suggest

log = logging.getLogger(__name__)
MAX_QUESTION = 500


@aiohttp_jinja2.template("assist.html")
async def assist_page(request: web.Request) -> dict[str, Any]:
    question = request.query.get("q", "").strip()[:MAX_QUESTION]
    context: dict[str, Any] = {"nav": "assist", "question": question}
    if not question:
        return context
    nlu_down = False
    try:
        reading = Reading.of((await request.app[RASA].parse(question)).nlu, question)
    except RasaUnavailable:
        log.warning("assist box without NLU: rasa unavailable")
        nlu_down = True
        reading = Reading.of(None, question)
    number = reading.number or canonical_number(question)
    async with request.app[SESSIONS]() as session:
        zone = request.app[SETTINGS].office_zone
        suggestions = await suggest(session, reading, zone=zone) if reading.ranking else []
        status, status_error = None, None
        if number:
            try:
                status = await status_for_staff(session, number)
            except (InvalidNumber, ApplicationNotFound):
                status_error = f"Permohonan {number} tidak ditemukan."
    return {
        **context,
        "reading": reading,
        "read_as": read_as(reading),
        "nlu_down": nlu_down,
        "suggestions": suggestions,
        "status": status,
        "status_error": status_error,
    }


def read_as(reading: Reading) -> str | None:
    """What the NLU took the question for, as agents say it ("FAQ: jam layanan")."""
    if not reading.ranking:
        return None
    intent = full_intent(reading.ranking[0][0], {"faq_topic": reading.faq_topic})
    return intent_label(intent) if intent else None


def setup(app: web.Application) -> None:
    app.router.add_get("/console/assist", assist_page)
