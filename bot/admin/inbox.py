"""The inbox of messages the bot did not understand, grouped; a group becomes training
examples of an intent or FAQ topic, or is dismissed."""

from __future__ import annotations

import logging

import aiohttp_jinja2
from aiohttp import web

from bot.console.security import actor_of, admin_only
from bot.keys import SESSIONS
from permits.inbox import (
    UnknownIntent,
    assign_group,
    assignable_targets,
    dismiss_group,
    group_of,
    inbox_groups,
)

log = logging.getLogger(__name__)
NOTICES = {
    "contoh-ditambahkan": (
        "info",
        "Pesan dijadikan contoh pelatihan. Contoh baru berlaku setelah pelatihan ulang "
        "(menu Latih & Terapkan).",
    ),
    "diabaikan": ("info", "Kelompok pesan diabaikan."),
    "kelompok-berubah": ("error", "Kelompok itu sudah ditangani. Daftar sudah diperbarui."),
    "intent-tidak-dikenal": ("error", "Pilih maksud (intent) atau topik FAQ dari daftar."),
}


@admin_only
async def inbox_page(request: web.Request) -> web.StreamResponse:
    async with request.app[SESSIONS]() as session:
        groups = await inbox_groups(session)
        targets = await assignable_targets(session)
    context = {"nav": "inbox", "groups": groups, "targets": targets}
    return aiohttp_jinja2.render_template("inbox.html", request, context)


@admin_only
async def resolve(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    ids = [int(str(value)) for value in form.getall("message_id", []) if str(value).isdigit()]
    async with request.app[SESSIONS]() as session:
        group = await group_of(session, ids)
        if group is None:
            raise web.HTTPSeeOther("/console/admin/inbox?pesan=kelompok-berubah")
        if form.get("action") == "dismiss":
            await dismiss_group(session, group, actor_of(request))
            raise web.HTTPSeeOther("/console/admin/inbox?pesan=diabaikan")
        intent = str(form.get("intent", ""))
        try:
            added = await assign_group(session, group, intent, actor_of(request))
        except UnknownIntent:
            raise web.HTTPSeeOther("/console/admin/inbox?pesan=intent-tidak-dikenal") from None
    log.info("inbox group assigned", extra={"intent": intent, "examples": added})
    raise web.HTTPSeeOther("/console/admin/inbox?pesan=contoh-ditambahkan")


def setup(app: web.Application) -> None:
    app.router.add_get("/console/admin/inbox", inbox_page)
    app.router.add_post("/console/admin/inbox", resolve)
