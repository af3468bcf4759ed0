"""Duty outside office hours ("Piket") and call-backs done ("Sudah ditelepon").

An agent on duty keeps the live queue open at any hour (permits.handoff.live_queue_open);
the switch is in the top bar of every console page and goes off when the agent signs
out or the session ends (permits.staff). A call-back request is closed by the agent
who phoned the applicant, from the queue or from the conversation page.
"""

from __future__ import annotations

import logging

from aiohttp import web
from yarl import URL

from bot.console.live import HUB
from bot.console.queue import conversation_url
from bot.console.security import CONSOLE, current_staff, safe_next
from bot.keys import SESSIONS
from permits.handoff import close_callback
from permits.staff import set_on_duty

log = logging.getLogger(__name__)

DUTY_PATH = "/console/duty"
ON_DUTY, OFF_DUTY = "piket-mulai", "piket-selesai"
CALLED, ALREADY_CALLED = "sudah-ditelepon", "telepon-sudah-ditandai"
NOTICES: dict[str, tuple[str, str]] = {
    ON_DUTY: (
        "info",
        "Anda sedang piket: di luar jam layanan, pemohon yang meminta petugas masuk ke "
        "antrian langsung.",
    ),
    OFF_DUTY: ("info", "Piket selesai."),
    CALLED: ("info", "Permintaan telepon balik ditandai sudah ditelepon."),
    ALREADY_CALLED: ("error", "Permintaan telepon balik itu sudah ditandai sebelumnya."),
}


def back_to(request: web.Request, notice: str) -> str:
    """The console page the form was sent from (the Referer, if it is one), with a notice."""
    referer = URL(request.headers.get("Referer", ""))
    page = safe_next(referer.path_qs if referer.path else None)
    return str(URL(page).update_query(pesan=notice))


async def switch_duty(request: web.Request) -> web.Response:
    staff = current_staff(request)
    on_duty = (await request.post()).get("on_duty") == "1"
    async with request.app[SESSIONS]() as session:
        await set_on_duty(session, staff.id, on_duty)
    log.info(
        "duty switched",
        extra={"event": "duty_switched", "staff_id": staff.id, "on_duty": on_duty},
    )
    raise web.HTTPSeeOther(back_to(request, ON_DUTY if on_duty else OFF_DUTY))


async def callback_done(request: web.Request) -> web.Response:
    staff = current_staff(request)
    handoff_id = int(request.match_info["handoff_id"])
    conversation_id = str((await request.post()).get("conversation_id", ""))
    async with request.app[SESSIONS]() as session:
        closed = await close_callback(session, handoff_id, staff.id)
    log.info(
        "call-back done",
        extra={"event": "callback_done", "handoff_id": handoff_id, "staff_id": staff.id},
    )
    if closed:
        await request.app[HUB].publish({"type": "queue"})
    page = conversation_url(conversation_id) if conversation_id else CONSOLE
    notice = CALLED if closed else ALREADY_CALLED
    raise web.HTTPSeeOther(str(URL(page).update_query(pesan=notice)))


def setup(app: web.Application) -> None:
    app.router.add_post(DUTY_PATH, switch_duty)
    app.router.add_post(r"/console/callbacks/{handoff_id:\d+}/done", callback_done)
