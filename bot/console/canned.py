"""Canned replies: administrators write them here; agents search and paste them in the
conversation view, their placeholders ({jam_layanan}, ...) filled with the office's
current facts (permits.office_profile)."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web

from bot.console.security import actor_of, admin_only
from bot.keys import SESSIONS
from permits.canned import delete_canned, ready_replies, save_canned
from permits.office_profile import PLACEHOLDERS

NOTICES = {
    "balasan-tersimpan": ("info", "Balasan siap pakai tersimpan."),
    "balasan-dihapus": ("info", "Balasan siap pakai dihapus."),
    "balasan-tidak-lengkap": ("error", "Judul dan isi balasan wajib diisi."),
}


@admin_only
async def canned_page(request: web.Request) -> web.StreamResponse:
    async with request.app[SESSIONS]() as session:
        replies = await ready_replies(session)
    context: dict[str, Any] = {"nav": "canned", "replies": replies, "placeholders": PLACEHOLDERS}
    return aiohttp_jinja2.render_template("canned.html", request, context)


@admin_only
async def save(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    title, text = str(form.get("title", "")).strip(), str(form.get("text", "")).strip()
    if not title or not text:
        raise web.HTTPSeeOther("/console/canned?pesan=balasan-tidak-lengkap")
    canned_id = int(str(form["id"])) if str(form.get("id", "")).isdigit() else None
    async with request.app[SESSIONS]() as session:
        await save_canned(session, title[:120], text[:4000], canned_id, actor_of(request))
    raise web.HTTPSeeOther("/console/canned?pesan=balasan-tersimpan")


@admin_only
async def delete(request: web.Request) -> web.StreamResponse:
    async with request.app[SESSIONS]() as session:
        await delete_canned(session, int(request.match_info["canned_id"]), actor_of(request))
    raise web.HTTPSeeOther("/console/canned?pesan=balasan-dihapus")


def setup(app: web.Application) -> None:
    app.router.add_get("/console/canned", canned_page)
    app.router.add_post("/console/canned", save)
    app.router.add_post(r"/console/canned/{canned_id:\d+}/delete", delete)
