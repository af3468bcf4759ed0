"""Complaint tickets from the bot's complaint flow: read, answer, move along; the user
is told on their own channel. Integrity reports head the list; an agent corrects a
ticket's category (kept in the audit log). An anonymous ticket has no conversation:
its answer is kept for when the reporter asks with the ticket number."""

from __future__ import annotations

import logging
from collections.abc import Collection
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from bot.console import complaint_export
from bot.console.conversation import may_message_freely
from bot.console.live import HUB
from bot.console.queue import CHANNEL_LABELS, conversation_url
from bot.console.security import actor_of, current_staff
from bot.keys import DELIVERY, SESSIONS, SETTINGS
from permits.clock import today
from permits.complaint_categories import CATEGORY_LABELS
from permits.complaints import (
    COMPLAINT_STATES,
    answer_complaint,
    correct_category,
    list_complaints,
)
from permits.models import Complaint, Message
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
    "pengaduan-anonim-tersimpan": (
        "info",
        "Tanggapan tersimpan. Pelapor anonim tidak dapat dihubungi; tanggapan ini "
        "disampaikan bila ia menanyakan nomor tiketnya.",
    ),
    "tanggapan-kosong": ("error", "Tulis tanggapan terlebih dahulu."),
    "kategori-diperbaiki": ("info", "Kategori pengaduan diperbaiki."),
}


def _chosen(value: str | None, allowed: Collection[str]) -> str | None:
    """A filter from the query; one that is not offered is no filter."""
    return value if value in allowed else None


@aiohttp_jinja2.template("complaints.html")
async def complaints_page(request: web.Request) -> dict[str, Any]:
    state = _chosen(request.query.get("status"), COMPLAINT_STATES)
    category = _chosen(request.query.get("kategori"), CATEGORY_LABELS)
    async with request.app[SESSIONS]() as session:
        complaints = await list_complaints(session, state, category)
    this_day = today(request.app[SETTINGS].office_zone)
    return {
        "nav": "complaints",
        "complaints": complaints,
        "states": COMPLAINT_STATES,
        "chosen": state,
        "categories": CATEGORY_LABELS,
        "chosen_category": category,
        "channel_labels": CHANNEL_LABELS,
        "channel_of": channel_of,
        "conversation_url": conversation_url,
        # The export's period proposed: this month so far, as a monthly report needs.
        "export_since": this_day.replace(day=1).isoformat(),
        "export_until": this_day.isoformat(),
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
        conversation_id = complaint.conversation_id
        rows = []
        if conversation_id is not None and await may_message_freely(
            request, session, conversation_id
        ):
            rows.append(_queue_answer(request, session, complaint, conversation_id, state))
        await session.commit()
    if conversation_id is not None and rows:
        request.app[DELIVERY].wake()
        request.app[HUB].transcript(conversation_id, rows)
    log.info("complaint answered", extra={"ticket": complaint.ticket, "state": state})
    raise web.HTTPSeeOther("/console/complaints?pesan=" + _answered_notice(complaint, bool(rows)))


def _queue_answer(
    request: web.Request,
    session: AsyncSession,
    complaint: Complaint,
    conversation_id: str,
    state: ComplaintState,
) -> Message:
    """The reporter's message with the answer and the new state, in the outbox."""
    message = _(
        "Tanggapan atas pengaduan {ticket}:\n{text}\n\nStatus pengaduan: {state}.",
        ticket=complaint.ticket,
        text=complaint.answer,
        state=_(COMPLAINT_STATES[state]),
    )
    return queue_outbound(
        session,
        conversation_id,
        Outgoing(message),
        sender=Sender.AGENT,
        agent_id=current_staff(request).id,
    )


def _answered_notice(complaint: Complaint, told: bool) -> str:
    if complaint.anonymous:
        return "pengaduan-anonim-tersimpan"
    return "pengaduan-dijawab" if told else "pengaduan-tersimpan"


async def recategorise(request: web.Request) -> web.Response:
    """An agent's correction of what the classifier read."""
    form = await request.post()
    category = str(form.get("category", ""))
    if category not in CATEGORY_LABELS:
        raise web.HTTPBadRequest(text="Kategori pengaduan tidak dikenal.")
    async with request.app[SESSIONS]() as session:
        complaint = await correct_category(
            session, int(request.match_info["complaint_id"]), category, actor_of(request)
        )
        await session.commit()
    log.info("complaint recategorised", extra={"ticket": complaint.ticket, "category": category})
    raise web.HTTPSeeOther("/console/complaints?pesan=kategori-diperbaiki")


def setup(app: web.Application) -> None:
    app.router.add_get("/console/complaints", complaints_page)
    app.router.add_post(r"/console/complaints/{complaint_id:\d+}", answer)
    app.router.add_post(r"/console/complaints/{complaint_id:\d+}/kategori", recategorise)
    complaint_export.setup(app)
