"""The office settings page: the opening hours and the address, kept once
(permits.office_profile). The FAQ answers, canned replies and the demo homepage show
them through placeholders, and the hours decide when agents take conversations."""

from __future__ import annotations

import logging
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from multidict import MultiDictProxy

from bot.admin.audit import LIVE
from bot.admin.forms import form_text, save_and_redirect
from bot.console.security import admin_only
from bot.keys import SESSIONS, SETTINGS
from permits.faq_admin import Change
from permits.office_form import DayDraft, OfficeDraft, save_office
from permits.office_hours import HARI
from permits.office_profile import PLACEHOLDERS, describe_hours, office_profile

log = logging.getLogger(__name__)
OFFICE_PATH = "/console/admin/kantor"
NOTICES = {"kantor-tersimpan": ("info", f"Pengaturan kantor tersimpan. {LIVE}")}


def _draft(form: MultiDictProxy[Any]) -> OfficeDraft:
    days = [
        DayDraft(
            open=form_text(form, f"day{day}_open") == "1",
            opening=form_text(form, f"day{day}_opening"),
            closing=form_text(form, f"day{day}_closing"),
        )
        for day in range(7)
    ]
    return OfficeDraft(days=days, address=form_text(form, "address"))


async def _page(
    request: web.Request, *, draft: OfficeDraft | None = None, errors: dict[str, str] | None = None
) -> web.Response:
    async with request.app[SESSIONS]() as session:
        profile = await office_profile(session)
    context = {
        "nav": "office",
        "form": draft or OfficeDraft.of(profile),
        "day_names": HARI,
        "hours_text": describe_hours(profile.hours),
        "profile": profile,
        "placeholders": PLACEHOLDERS,
        "errors": errors or {},
    }
    return aiohttp_jinja2.render_template("office.html", request, context)


@admin_only
async def office_page(request: web.Request) -> web.StreamResponse:
    return await _page(request)


@admin_only
async def office_save(request: web.Request) -> web.StreamResponse:
    draft = _draft(await request.post())
    zone = request.app[SETTINGS].office_timezone

    def saved(_: Change) -> str:
        log.info("office settings saved", extra={"event": "office_updated"})
        return "kantor-tersimpan"

    return await save_and_redirect(
        request,
        lambda session, actor: save_office(session, actor, draft, zone),
        errors_page=lambda errors: _page(request, draft=draft, errors=errors),
        back=OFFICE_PATH,
        saved=saved,
    )


def setup(app: web.Application) -> None:
    app.router.add_get(OFFICE_PATH, office_page)
    app.router.add_post(OFFICE_PATH, office_save)
