"""Reading the admin pages' form posts, and how saving one ends."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from multidict import MultiDictProxy
from sqlalchemy.ext.asyncio import AsyncSession

from bot.admin.audit import UNCHANGED
from bot.console.security import actor_of
from bot.keys import SESSIONS
from permits.audit import Actor
from permits.faq_admin import Change, InvalidEdit

# A permits function bound to the form's input: validates, writes, records the audit entry.
Edit = Callable[[AsyncSession, Actor], Awaitable[Change]]
# The page the form was on, shown again beside the errors (field name → message).
ErrorsPage = Callable[[dict[str, str]], Awaitable[web.Response]]


def form_text(form: MultiDictProxy[Any], name: str) -> str:
    """The text of one field; empty when missing or when a file was sent instead."""
    value = form.get(name, "")
    return value if isinstance(value, str) else ""


async def posted_switch(request: web.Request, *, on: str, off: str) -> bool:
    """The form's "action" button: True for `on`, False for `off`; anything else is 400."""
    action = form_text(await request.post(), "action")
    if action not in (on, off):
        raise web.HTTPBadRequest(text="Permintaan tidak dikenal.")
    return action == on


def with_notice(path: str, notice: str) -> str:
    """A page's address with the notice it shows on arrival (see the NOTICES tables)."""
    return f"{path}?pesan={notice}"


async def save_and_redirect(
    request: web.Request,
    edit: Edit,
    *,
    errors_page: ErrorsPage,
    back: str,
    saved: Callable[[Change], str],
) -> web.Response:
    """Run one edit as the signed-in staff member, in its own session.

    Invalid input shows the page again with the errors (400), keeping what was typed.
    Otherwise the browser goes back to `back` (post, redirect, get) with the "nothing
    changed" notice, or with the one `saved` names for the change (it also logs it).
    """
    try:
        async with request.app[SESSIONS]() as session:
            change = await edit(session, actor_of(request))
    except InvalidEdit as invalid:
        page = await errors_page(invalid.errors)
        page.set_status(400)
        return page
    raise web.HTTPSeeOther(with_notice(back, saved(change) if change.changed else UNCHANGED))
