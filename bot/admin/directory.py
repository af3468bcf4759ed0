"""The directory of other offices' services for administrators: list, add, edit,
retire and reactivate.

After saving, the page says that the facts (office, address, hours, phone, website,
how to apply) are live on the next answer, and that new names or aliases are learnt
by the bot at the next training.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, fields
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from multidict import MultiDictProxy

from bot.admin.audit import LIVE, RETRAIN
from bot.admin.forms import form_text, posted_switch, save_and_redirect, with_notice
from bot.console.security import admin_only
from bot.keys import SESSIONS
from permits.errors import UnknownPublicService
from permits.faq_admin import Change
from permits.public_service_admin import (
    ServiceDraft,
    ServiceView,
    create_service,
    get_service,
    list_services,
    set_service_active,
    update_service,
)

log = logging.getLogger(__name__)
DIRECTORY_PATH = "/console/admin/layanan-lain"

NOTICES: dict[str, tuple[str, str]] = {
    "layanan-dibuat": ("info", f"Layanan ditambahkan. {RETRAIN}"),
    "layanan-tersimpan": ("info", f"Layanan tersimpan. {LIVE}"),
    "layanan-tersimpan-latih": (
        "info",
        "Layanan tersimpan. Alamat, jam layanan dan keterangan lainnya langsung dipakai untuk "
        f"jawaban; nama dan nama lain layanan dikenali bot lewat pelatihan. {RETRAIN}",
    ),
    "layanan-dinonaktifkan": (
        "info",
        f"Layanan dinonaktifkan; bot tidak lagi mengarahkan warga ke layanan ini. {LIVE}",
    ),
    "layanan-diaktifkan": (
        "info",
        f"Layanan diaktifkan kembali; bot kembali mengarahkan warga ke layanan ini. {RETRAIN}",
    ),
    "layanan-tidak-ditemukan": ("error", "Layanan itu tidak ditemukan."),
}
_DRAFT_FIELDS = tuple(field.name for field in fields(ServiceDraft))
_EMPTY_FORM = {"slug": "", **dict.fromkeys(_DRAFT_FIELDS, "")}


def _draft(form: MultiDictProxy[Any]) -> ServiceDraft:
    return ServiceDraft(**{name: form_text(form, name) for name in _DRAFT_FIELDS})


def _service_path(slug: str) -> str:
    return f"{DIRECTORY_PATH}/{slug}"


async def _list_page(
    request: web.Request,
    *,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> web.Response:
    async with request.app[SESSIONS]() as session:
        services = await list_services(session)
    context = {
        "nav": "directory",
        "services": services,
        "form": form or _EMPTY_FORM,
        "errors": errors or {},
    }
    return aiohttp_jinja2.render_template("directory_list.html", request, context)


async def _edit_page(
    request: web.Request,
    service: ServiceView,
    *,
    draft: ServiceDraft | None = None,
    errors: dict[str, str] | None = None,
) -> web.Response:
    context = {
        "nav": "directory",
        "service": service,
        "form": asdict(draft or service.draft()),
        "errors": errors or {},
    }
    return aiohttp_jinja2.render_template("directory_edit.html", request, context)


async def _service_or_redirect(request: web.Request, slug: str) -> ServiceView:
    try:
        async with request.app[SESSIONS]() as session:
            return await get_service(session, slug)
    except UnknownPublicService:
        raise web.HTTPSeeOther(with_notice(DIRECTORY_PATH, "layanan-tidak-ditemukan")) from None


@admin_only
async def directory_list(request: web.Request) -> web.StreamResponse:
    return await _list_page(request)


@admin_only
async def directory_create(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    slug, draft = form_text(form, "slug").strip(), _draft(form)

    def created(_: Change) -> str:
        log.info("public service created", extra={"event": "service_created", "service": slug})
        return "layanan-dibuat"

    return await save_and_redirect(
        request,
        lambda session, actor: create_service(session, actor, slug, draft),
        errors_page=lambda errors: _list_page(
            request, form={"slug": slug, **asdict(draft)}, errors=errors
        ),
        back=_service_path(slug),
        saved=created,
    )


@admin_only
async def directory_edit(request: web.Request) -> web.StreamResponse:
    service = await _service_or_redirect(request, request.match_info["slug"])
    return await _edit_page(request, service)


@admin_only
async def directory_save(request: web.Request) -> web.StreamResponse:
    slug = request.match_info["slug"]
    service = await _service_or_redirect(request, slug)
    draft = _draft(await request.post())

    def updated(change: Change) -> str:
        log.info("public service updated", extra={"event": "service_updated", "service": slug})
        return "layanan-tersimpan-latih" if change.needs_retraining else "layanan-tersimpan"

    return await save_and_redirect(
        request,
        lambda session, actor: update_service(session, actor, slug, draft),
        errors_page=lambda errors: _edit_page(request, service, draft=draft, errors=errors),
        back=_service_path(slug),
        saved=updated,
    )


@admin_only
async def directory_status(request: web.Request) -> web.StreamResponse:
    """Retire or reactivate; reactivating is refused when its aliases now clash."""
    slug = request.match_info["slug"]
    service = await _service_or_redirect(request, slug)
    active = await posted_switch(request, on="reactivate", off="retire")

    def switched(_: Change) -> str:
        log.info(
            "public service reactivated" if active else "public service retired",
            extra={"event": "service_active_changed", "service": slug, "active": active},
        )
        return "layanan-diaktifkan" if active else "layanan-dinonaktifkan"

    return await save_and_redirect(
        request,
        lambda session, actor: set_service_active(session, actor, slug, active),
        errors_page=lambda errors: _edit_page(request, service, errors=errors),
        back=_service_path(slug),
        saved=switched,
    )


def setup(app: web.Application) -> None:
    service = DIRECTORY_PATH + r"/{slug:[a-z0-9_]+}"
    app.router.add_get(DIRECTORY_PATH, directory_list)
    app.router.add_post(DIRECTORY_PATH, directory_create)
    app.router.add_get(service, directory_edit)
    app.router.add_post(service, directory_save)
    app.router.add_post(service + "/status", directory_status)
