"""One conversation in the console: transcript, the applicant's applications,
suggested replies, and the agent's reply, hand-back and close.

Only the agent holding the conversation may write in it; the reply goes to the
user's own channel through the outbox like every other message.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp_jinja2
from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.console.live import HUB
from bot.console.presence import show_attendance
from bot.console.queue import CHANNEL_LABELS, conversation_url
from bot.console.security import current_staff
from bot.conversation.diversions import survey
from bot.conversation.presence import BACK_TO_BOT, FINISHED, conversation_language
from bot.keys import CHANNELS, DELIVERY, SESSIONS, SETTINGS
from permits.canned import ready_replies
from permits.errors import ApplicationNotFound, InvalidNumber, NotLinked
from permits.handoff import OUTCOMES, REASONS, callbacks_of, close, mark_survey_asked
from permits.history import console_line, history, last_inbound_at
from permits.language import LANGUAGE_NAMES, language_of
from permits.models import Handoff, Message, utcnow
from permits.states import HandoffState, MessageDirection, MessageKind, Sender
from permits.status import StatusView, applications_for_conversation, status_for_staff
from permits.suggestions import Reading, suggest_for_conversation
from permits.texts import _, speaking
from permits.transcripts import Outgoing, channel_of, queue_outbound

log = logging.getLogger(__name__)

MAX_REPLY = 4000
HANDED_BACK = BACK_TO_BOT  # the applicant's notices: bot/conversation/presence.py
CLOSED = FINISHED
AGENT_OUTCOMES = {k: v for k, v in OUTCOMES.items() if k not in ("handed_back", "callback_done")}
NOTICES = {
    "bukan-milik-anda": ("error", "Percakapan ini tidak sedang Anda tangani."),
    "balasan-kosong": ("error", "Balasan kosong tidak dikirim."),
    "terkirim": ("info", "Balasan dikirim."),
}


async def latest_handoff(session: AsyncSession, conversation_id: str) -> Handoff | None:
    return await session.scalar(
        select(Handoff)
        .where(Handoff.conversation_id == conversation_id)
        .order_by(Handoff.id.desc())
        .limit(1)
    )


async def applicant_applications(
    session: AsyncSession, conversation_id: str, lines: list[Message]
) -> tuple[list[StatusView], bool]:
    """The applicant's own applications (when the channel identity is linked) and any
    application the user mentioned; and whether the identity is linked."""
    views: dict[str, StatusView] = {}
    linked = True
    try:
        for view in await applications_for_conversation(session, conversation_id):
            views[view.number] = view
    except NotLinked:
        linked = False
    for line in lines:
        said = line.text if line.direction == MessageDirection.IN else ""
        number = Reading.of(line.nlu, said).number
        if number and number not in views:
            try:
                views[number] = await status_for_staff(session, number)
            except (InvalidNumber, ApplicationNotFound):
                continue
    return list(views.values()), linked


async def suggestions_for(
    session: AsyncSession, conversation_id: str, zone: ZoneInfo
) -> dict[str, Any]:
    """For the user's latest message (none once the conversation is closed), as the
    panel's template reads them."""
    found = await suggest_for_conversation(session, conversation_id, zone=zone)
    return {"suggestions": found.items, "suggestions_closed": found.closed}


async def conversation_context(request: web.Request) -> dict[str, Any]:
    conversation_id = request.match_info["conversation_id"]
    staff = current_staff(request)
    zone = request.app[SETTINGS].office_zone
    async with request.app[SESSIONS]() as session:
        lines = await history(session, conversation_id, limit=200)
        if not lines:
            raise web.HTTPNotFound(text="Percakapan tidak ditemukan.")
        handoff = await latest_handoff(session, conversation_id)
        applications, linked = await applicant_applications(session, conversation_id, lines)
        suggestions = await suggestions_for(session, conversation_id, zone)
        callbacks = await callbacks_of(session, conversation_id)  # _callback.html
        canned = await ready_replies(session)  # placeholders filled with the office's facts
    holding = handoff is not None and handoff.state == HandoffState.ACTIVE
    said = (line.text for line in reversed(lines) if line.sender == Sender.USER)
    return {
        "language": LANGUAGE_NAMES[language_of(said)],
        "nav": "queue",
        "conversation_id": conversation_id,
        "url": conversation_url(conversation_id),
        "channel": CHANNEL_LABELS.get(channel_of(conversation_id), channel_of(conversation_id)),
        "lines": [console_line(line, zone) for line in lines],
        "handoff": handoff,
        "callbacks": callbacks,
        "reason": REASONS.get(handoff.reason, handoff.reason) if handoff else None,
        "mine": holding and handoff is not None and handoff.agent_id == staff.id,
        "held_by_other": holding and handoff is not None and handoff.agent_id != staff.id,
        "applications": applications,
        "linked": linked,
        **suggestions,
        "canned": canned,
        "outcomes": AGENT_OUTCOMES,
    }


@aiohttp_jinja2.template("conversation.html")
async def conversation_page(request: web.Request) -> dict[str, Any]:
    return await conversation_context(request)


@aiohttp_jinja2.template("_panel.html")
async def panel_fragment(request: web.Request) -> dict[str, Any]:
    """Suggestions and applications alone: refreshed when the user writes."""
    conversation_id = request.match_info["conversation_id"]
    async with request.app[SESSIONS]() as session:
        lines = await history(session, conversation_id, limit=200)
        applications, linked = await applicant_applications(session, conversation_id, lines)
        suggestions = await suggestions_for(
            session, conversation_id, request.app[SETTINGS].office_zone
        )
    return {**suggestions, "applications": applications, "linked": linked}


async def _my_handoff(request: web.Request, session: AsyncSession) -> Handoff:
    """The conversation's handoff held by the current agent, or a redirect away."""
    conversation_id = request.match_info["conversation_id"]
    handoff = await latest_handoff(session, conversation_id)
    if (
        handoff is None
        or handoff.state != HandoffState.ACTIVE
        or handoff.agent_id != current_staff(request).id
    ):
        raise web.HTTPSeeOther(conversation_url(conversation_id) + "?pesan=bukan-milik-anda")
    return handoff


async def send_reply(request: web.Request) -> web.Response:
    conversation_id = request.match_info["conversation_id"]
    text = str((await request.post()).get("text", "")).strip()[:MAX_REPLY]
    staff = current_staff(request)
    async with request.app[SESSIONS]() as session:
        await _my_handoff(request, session)
        if not text:
            raise web.HTTPSeeOther(conversation_url(conversation_id) + "?pesan=balasan-kosong")
        row = queue_outbound(
            session, conversation_id, Outgoing(text), sender=Sender.AGENT, agent_id=staff.id
        )
        await session.commit()
    request.app[DELIVERY].wake()
    request.app[HUB].transcript(conversation_id, [row])
    log.info("agent replied", extra={"conversation_id": conversation_id, "agent": staff.username})
    if "application/json" in request.headers.get("Accept", ""):
        # console.js sends without leaving the page: the line to show, marked "mengirim…"
        # until the delivery worker's event says "terkirim".
        line = console_line(row, request.app[SETTINGS].office_zone)
        return web.json_response({"conversation_id": conversation_id, "line": line})
    raise web.HTTPSeeOther(conversation_url(conversation_id) + "#balas")


async def hand_back(request: web.Request) -> web.Response:
    await _finish(request, "handed_back", "", HANDED_BACK)
    raise web.HTTPSeeOther("/console?pesan=dikembalikan")


async def close_conversation(request: web.Request) -> web.Response:
    form = await request.post()
    outcome = str(form.get("outcome", ""))
    if outcome not in AGENT_OUTCOMES:
        raise web.HTTPBadRequest(text="Pilih hasil penanganan.")
    await _finish(request, outcome, str(form.get("note", ""))[:1000], CLOSED)
    raise web.HTTPSeeOther("/console?pesan=ditutup")


async def _finish(request: web.Request, outcome: str, note: str, farewell: str) -> None:
    """End the agent's hold; tell the user; ask the satisfaction question if allowed."""
    conversation_id = request.match_info["conversation_id"]
    staff = current_staff(request)
    async with request.app[SESSIONS]() as session:
        handoff = await _my_handoff(request, session)
        closed = await close(session, handoff.id, staff.id, outcome, note)
        if closed is None:
            raise web.HTTPSeeOther(conversation_url(conversation_id) + "?pesan=bukan-milik-anda")
        asks_survey = await may_message_freely(request, session, conversation_id)
        with speaking(await conversation_language(session, conversation_id)):
            rows = [
                queue_outbound(
                    session, conversation_id, Outgoing(_(farewell)), sender=Sender.SYSTEM
                )
            ]
            if asks_survey:
                rows.append(
                    queue_outbound(
                        session,
                        conversation_id,
                        survey(),
                        sender=Sender.SYSTEM,
                        kind=MessageKind.SURVEY,
                    )
                )
        if asks_survey:
            await mark_survey_asked(session, closed)
        await session.commit()
    request.app[DELIVERY].wake()
    request.app[HUB].transcript(conversation_id, rows)
    await show_attendance(request.app, conversation_id, None)  # back to the assistant
    await request.app[HUB].publish({"type": "queue"})
    log.info("agent finished", extra={"conversation_id": conversation_id, "outcome": outcome})


async def may_message_freely(
    request: web.Request, session: AsyncSession, conversation_id: str
) -> bool:
    """Whether the channel still takes a message the user did not ask for."""
    channel = channel_of(conversation_id)
    if channel not in request.app[CHANNELS]:
        return False  # the synchronous API cannot be written to later
    if channel == "whatsapp":
        last = await last_inbound_at(session, conversation_id)
        return last is not None and utcnow() - last < timedelta(hours=23, minutes=55)
    return True


def setup(app: web.Application) -> None:
    base = "/console/conversations/{conversation_id}"
    app.router.add_get(base, conversation_page)
    app.router.add_get(base + "/panel", panel_fragment)
    app.router.add_post(base + "/reply", send_reply)
    app.router.add_post(base + "/hand-back", hand_back)
    app.router.add_post(base + "/close", close_conversation)
