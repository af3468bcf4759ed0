"""FAQ topics for administrators: list, add, edit, retire and reactivate.

After saving, the page says whether the bot follows at once (a new answer or
title, in Indonesian or English) or after the next training (new examples, a new or
retired topic). An active topic the model in service was not trained on is marked
"belum aktif — latih ulang": the bot cannot recognise its questions yet.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from multidict import MultiDictProxy
from sqlalchemy.ext.asyncio import AsyncSession

from bot.admin.audit import LIVE, RETRAIN
from bot.admin.forms import form_text, posted_switch, save_and_redirect, with_notice
from bot.console.security import admin_only
from bot.keys import SESSIONS
from nlu.train import ROOT
from permits.errors import UnknownTopic
from permits.faq_admin import (
    Change,
    TopicDraft,
    TopicView,
    create_topic,
    get_topic,
    list_topics,
    set_topic_active,
    update_topic,
)
from permits.model_versions import faq_topics_in_service

log = logging.getLogger(__name__)
FAQ_PATH = "/console/admin/faq"

NOTICES: dict[str, tuple[str, str]] = {
    "faq-dibuat": ("info", f"Topik FAQ ditambahkan. {RETRAIN}"),
    "faq-tersimpan": ("info", f"Topik FAQ tersimpan. {LIVE}"),
    "faq-tersimpan-latih": ("info", f"Topik FAQ tersimpan. {RETRAIN}"),
    "faq-dinonaktifkan": (
        "info",
        f"Topik FAQ dinonaktifkan; bot tidak lagi menjawabnya. {RETRAIN}",
    ),
    "faq-diaktifkan": ("info", f"Topik FAQ diaktifkan kembali. {RETRAIN}"),
    "faq-tidak-ditemukan": ("error", "Topik FAQ itu tidak ditemukan."),
}
_DRAFT_FIELDS = tuple(field.name for field in fields(TopicDraft))
_FAQ_INTENT = re.compile(r"^\s*-\s*intent:\s*faq/([a-z0-9_]+)\s*$", re.MULTILINE)
_EMPTY_FORM = {"slug": "", **dict.fromkeys(_DRAFT_FIELDS, "")}


def _draft(form: MultiDictProxy[Any]) -> TopicDraft:
    return TopicDraft(**{name: form_text(form, name) for name in _DRAFT_FIELDS})


def _typed(draft: TopicDraft) -> dict[str, str]:
    """The input as typed, to show again beside the error."""
    return asdict(draft)


def _topic_path(slug: str) -> str:
    return f"{FAQ_PATH}/{slug}"


@functools.cache
def faq_topics_in_files(data: Path = ROOT / "nlu" / "data") -> frozenset[str]:
    """The topics of the model `make train` builds: the faq/<topic> intents of the
    files (read once; they change only with a new release of the code)."""
    return frozenset(
        slug
        for path in sorted(data.rglob("*.yml"))
        for slug in _FAQ_INTENT.findall(path.read_text(encoding="utf-8"))
    )


async def known_topics(session: AsyncSession) -> frozenset[str]:
    """The FAQ topics the model in service was trained on."""
    trained = await faq_topics_in_service(session)
    return faq_topics_in_files() if trained is None else frozenset(trained)


async def _list_page(
    request: web.Request,
    *,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> web.Response:
    async with request.app[SESSIONS]() as session:
        topics = await list_topics(session)
        known = await known_topics(session)
    context = {
        "nav": "faq",
        "topics": topics,
        "known": known,
        "form": form or _EMPTY_FORM,
        "errors": errors or {},
    }
    return aiohttp_jinja2.render_template("faq_list.html", request, context)


async def _edit_page(
    request: web.Request,
    topic: TopicView,
    *,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> web.Response:
    shown = form or _typed(topic.draft())
    async with request.app[SESSIONS]() as session:
        known = await known_topics(session)
    context = {
        "nav": "faq",
        "topic": topic,
        "known": known,
        "form": shown,
        "errors": errors or {},
    }
    return aiohttp_jinja2.render_template("faq_edit.html", request, context)


async def _topic_or_redirect(request: web.Request, slug: str) -> TopicView:
    try:
        async with request.app[SESSIONS]() as session:
            return await get_topic(session, slug)
    except UnknownTopic:
        raise web.HTTPSeeOther(with_notice(FAQ_PATH, "faq-tidak-ditemukan")) from None


@admin_only
async def faq_list(request: web.Request) -> web.StreamResponse:
    return await _list_page(request)


@admin_only
async def faq_create(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    slug, draft = form_text(form, "slug").strip(), _draft(form)

    def created(_: Change) -> str:
        log.info("faq topic created", extra={"event": "faq_created", "topic": slug})
        return "faq-dibuat"

    return await save_and_redirect(
        request,
        lambda session, actor: create_topic(session, actor, slug, draft),
        errors_page=lambda errors: _list_page(
            request, form={"slug": slug, **_typed(draft)}, errors=errors
        ),
        back=_topic_path(slug),
        saved=created,
    )


@admin_only
async def faq_edit(request: web.Request) -> web.StreamResponse:
    topic = await _topic_or_redirect(request, request.match_info["slug"])
    return await _edit_page(request, topic)


@admin_only
async def faq_save(request: web.Request) -> web.StreamResponse:
    slug = request.match_info["slug"]
    topic = await _topic_or_redirect(request, slug)
    draft = _draft(await request.post())

    def updated(change: Change) -> str:
        log.info("faq topic updated", extra={"event": "faq_updated", "topic": slug})
        return "faq-tersimpan-latih" if change.needs_retraining else "faq-tersimpan"

    return await save_and_redirect(
        request,
        lambda session, actor: update_topic(session, actor, slug, draft),
        errors_page=lambda errors: _edit_page(request, topic, form=_typed(draft), errors=errors),
        back=_topic_path(slug),
        saved=updated,
    )


@admin_only
async def faq_status(request: web.Request) -> web.StreamResponse:
    """Retire or reactivate; reactivating is refused when its examples now clash."""
    slug = request.match_info["slug"]
    topic = await _topic_or_redirect(request, slug)
    active = await posted_switch(request, on="reactivate", off="retire")

    def switched(_: Change) -> str:
        log.info(
            "faq topic reactivated" if active else "faq topic retired",
            extra={"event": "faq_active_changed", "topic": slug, "active": active},
        )
        return "faq-diaktifkan" if active else "faq-dinonaktifkan"

    return await save_and_redirect(
        request,
        lambda session, actor: set_topic_active(session, actor, slug, active),
        errors_page=lambda errors: _edit_page(request, topic, errors=errors),
        back=_topic_path(slug),
        saved=switched,
    )


def setup(app: web.Application) -> None:
    topic = FAQ_PATH + r"/{slug:[a-z0-9_]+}"
    app.router.add_get(FAQ_PATH, faq_list)
    app.router.add_post(FAQ_PATH, faq_create)
    app.router.add_get(topic, faq_edit)
    app.router.add_post(topic, faq_save)
    app.router.add_post(topic + "/status", faq_status)
