"""The inbox of messages the bot did not understand, grouped; a group becomes training
examples of an intent or FAQ topic, or is dismissed, alone or with others chosen by
their check boxes. Nothing is assigned without the administrator's choice."""

from __future__ import annotations

import logging

import aiohttp_jinja2
from aiohttp import web

from bot.admin.forms import form_text, with_notice
from bot.console.security import actor_of, admin_only
from bot.keys import SESSIONS
from permits.inbox import (
    InboxGroup,
    UnknownIntent,
    assign_group,
    assignable_targets,
    detected_target,
    dismiss_groups,
    group_of,
    inbox_view,
)

log = logging.getLogger(__name__)
INBOX_PATH = "/console/admin/inbox"
NOTICES = {
    "contoh-ditambahkan": (
        "info",
        "Pesan dijadikan contoh pelatihan. Contoh baru berlaku setelah pelatihan ulang "
        "(menu Latih & Terapkan).",
    ),
    "diabaikan": ("info", "Kelompok pesan diabaikan."),
    "kelompok-berubah": ("error", "Kelompok itu sudah ditangani. Daftar sudah diperbarui."),
    "intent-tidak-dikenal": ("error", "Pilih maksud (intent) atau topik FAQ dari daftar."),
    "pilih-maksud": (
        "error",
        "Belum ada yang disimpan: pilih dulu maksud (intent) atau topik FAQ untuk "
        "kelompok itu, lalu klik Jadikan contoh.",
    ),
    "pilih-kelompok": (
        "error",
        "Belum ada yang diabaikan: centang dulu kelompok yang ingin diabaikan.",
    ),
}


def _ids(value: str) -> list[int]:
    """A form's message ids: one per field, or a group's ids joined by commas."""
    return [int(part) for part in value.split(",") if part.strip().isdigit()]


@admin_only
async def inbox_page(request: web.Request) -> web.StreamResponse:
    async with request.app[SESSIONS]() as session:
        view = await inbox_view(session)
        targets = await assignable_targets(session)
    chosen = {group.key: detected_target(group, targets) for group in view.groups}
    context = {"nav": "inbox", "view": view, "targets": targets, "chosen": chosen}
    return aiohttp_jinja2.render_template("inbox.html", request, context)


@admin_only
async def resolve(request: web.Request) -> web.StreamResponse:
    """One group's form: "Jadikan contoh" with the chosen intent, or "Abaikan"."""
    form = await request.post()
    ids = [i for value in form.getall("message_id", []) for i in _ids(str(value))]
    dismissing = form.get("action") == "dismiss"
    intent = form_text(form, "intent")
    if not dismissing and not intent:
        raise web.HTTPSeeOther(with_notice(INBOX_PATH, "pilih-maksud"))
    async with request.app[SESSIONS]() as session:
        group = await group_of(session, ids)
        if group is None:
            raise web.HTTPSeeOther(with_notice(INBOX_PATH, "kelompok-berubah"))
        if dismissing:
            await dismiss_groups(session, [group], actor_of(request))
            raise web.HTTPSeeOther(with_notice(INBOX_PATH, "diabaikan"))
        try:
            added = await assign_group(session, group, intent, actor_of(request))
        except UnknownIntent:
            raise web.HTTPSeeOther(with_notice(INBOX_PATH, "intent-tidak-dikenal")) from None
    log.info("inbox group assigned", extra={"intent": intent, "examples": added})
    raise web.HTTPSeeOther(with_notice(INBOX_PATH, "contoh-ditambahkan"))


@admin_only
async def dismiss_chosen(request: web.Request) -> web.StreamResponse:
    """The bulk form: every group whose box is ticked (each box holds its group's ids)."""
    form = await request.post()
    chosen = [_ids(str(value)) for value in form.getall("group", [])]
    if not any(chosen):
        raise web.HTTPSeeOther(with_notice(INBOX_PATH, "pilih-kelompok"))
    async with request.app[SESSIONS]() as session:
        groups: list[InboxGroup] = []
        for ids in chosen:
            group = await group_of(session, ids)
            if group is not None:
                groups.append(group)
        if not groups:
            raise web.HTTPSeeOther(with_notice(INBOX_PATH, "kelompok-berubah"))
        messages = await dismiss_groups(session, groups, actor_of(request))
    log.info("inbox groups dismissed", extra={"groups": len(groups), "messages": messages})
    raise web.HTTPSeeOther(with_notice(INBOX_PATH, "diabaikan"))


def setup(app: web.Application) -> None:
    app.router.add_get(INBOX_PATH, inbox_page)
    app.router.add_post(INBOX_PATH, resolve)
    app.router.add_post(INBOX_PATH + "/abaikan", dismiss_chosen)
