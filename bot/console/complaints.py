"""Complaint tickets from the bot's complaint flow: read, answer, move along; the user
is told on their own channel."""

from __future__ import annotations

import logging
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from bot.console.conversation import may_message_freely
from bot.console.live import HUB
from bot.console.queue import CHANNEL_LABELS, conversation_url
from bot.console.security import current_staff
from bot.keys import DELIVERY, SESSIONS
from permits.complaints import COMPLAINT_STATES, answer_complaint, list_complaints
from permits.states import ComplaintState, Sender
from permits.texts import _
from permits.transcripts import Outgoing, channel_of, queue_outbound

log = logging.getLogger(__name__)
MAX_ANSWER = 2000
NOTICES = {
    "pengaduan-dijawab": ("info", "Tanggapan tersimpan dan dikirim ke pelapor."),
    "pengaduan-tersimpan": (
        "info",
        "Tanggapan tersimpan, tetapi kanal pelapor tidak menerima pesan saat ini; hubungi "
        "pelapor lewat telepon.",
    ),
    "tanggapan-kosong": ("error", "Tulis tanggapan terlebih dahulu."),
}


@aiohttp_jinja2.template("complaints.html")
async def complaints_page(request: web.Request) -> dict[str, Any]:
    state = request.query.get("status") or None
    state = state if state in COMPLAINT_STATES else None
    async with request.app[SESSIONS]() as session:
        complaints = await list_complaints(session, state)
    return {
        "nav": "complaints",
        "complaints": complaints,
        "states": COMPLAINT_STATES,
        "chosen": state,
        "channel_labels": CHANNEL_LABELS,
        "channel_of": channel_of,
        "conversation_url": conversation_url,
    }


async def answer(request: web.Request) -> web.Response:
    form = await request.post()
    text = str(form.get("answer", "")).strip()[:MAX_ANSWER]
    chosen = str(form.get("state", ""))
    if not text:
        raise web.HTTPSeeOther("/console/complaints?pesan=tanggapan-kosong")
    if chosen not in COMPLAINT_STATES:
        raise web.HTTPBadRequest(text="Status pengaduan tidak dikenal.")
    state = ComplaintState(chosen)
    async with request.app[SESSIONS]() as session:
        complaint = await answer_complaint(
            session, int(request.match_info["complaint_id"]), text, state
        )
        told = await may_message_freely(request, session, complaint.conversation_id)
        rows = []
        if told:
            message = _(
                "Tanggapan atas pengaduan {ticket}:\n{text}\n\nStatus pengaduan: {state}.",
                ticket=complaint.ticket,
                text=text,
                state=_(COMPLAINT_STATES[state]),
            )
            rows.append(
                queue_outbound(
                    session,
                    complaint.conversation_id,
                    Outgoing(message),
                    sender=Sender.AGENT,
                    agent_id=current_staff(request).id,
                )
            )
        await session.commit()
    if rows:
        request.app[DELIVERY].wake()
        request.app[HUB].transcript(complaint.conversation_id, rows)
    log.info("complaint answered", extra={"ticket": complaint.ticket, "state": state})
    raise web.HTTPSeeOther(
        "/console/complaints?pesan=" + ("pengaduan-dijawab" if told else "pengaduan-tersimpan")
    )


def setup(app: web.Application) -> None:
    app.router.add_get("/console/complaints", complaints_page)
    app.router.add_post(r"/console/complaints/{complaint_id:\d+}", answer)
