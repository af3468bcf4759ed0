"""The permit catalogue for administrators: permit types (requirements, procedure, fee,
SLA, legal basis, agency, names) and agencies.

Facts are read by the bot at answer time, so most edits are live on the next
message; a permit's names and its being active feed the NLU and need training.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, fields

import aiohttp_jinja2
from aiohttp import web

from bot.admin.audit import LIVE, RETRAIN
from bot.admin.forms import form_text, posted_switch, save_and_redirect, with_notice
from bot.console.security import admin_only
from bot.keys import SESSIONS
from permits.agency_admin import AgencyDraft, create_agency, list_agencies, update_agency
from permits.catalogue_admin import (
    get_permit_for_edit,
    list_permits,
    set_permit_active,
    update_permit,
)
from permits.errors import UnknownAgency, UnknownPermit
from permits.faq_admin import Change
from permits.fees import PBG_FUNCTION_INDEX
from permits.lifecycle import VARIANT_ACTIONS
from permits.lifecycle_form import (
    ACTION_TITLES,
    MAX_VALIDITY_YEARS,
    MODES,
    VARIANT_FEE_KINDS,
    VARIANT_FIELDS,
    VariantDraft,
    field_name,
)
from permits.permit_form import FEE_KINDS, MAX_SLA_DAYS, MIN_SLA_DAYS, PermitDraft, PermitView

log = logging.getLogger(__name__)
PERMITS_PATH = "/console/admin/permits"
AGENCIES_PATH = "/console/admin/agencies"
SLUG_ROUTE = r"/{slug:[a-z0-9_]+}"  # what the importer allows in a permit slug
AGENCY_ROUTE = r"/{slug:[^/]+}"  # imported agency codes are free text

NOTICES: dict[str, tuple[str, str]] = {
    "izin-tersimpan": ("info", f"Jenis izin tersimpan. {LIVE}"),
    "izin-tersimpan-latih": (
        "info",
        "Jenis izin tersimpan. Biaya, persyaratan dan fakta lainnya langsung dipakai untuk "
        f"jawaban; nama dan nama lain izin dikenali bot lewat pelatihan. {RETRAIN}",
    ),
    "izin-dinonaktifkan": (
        "info",
        f"Jenis izin dinonaktifkan; bot tidak lagi menjawab tentang izin ini. {RETRAIN}",
    ),
    "izin-diaktifkan": (
        "info",
        f"Jenis izin diaktifkan; bot kembali menjawab tentang izin ini. {RETRAIN}",
    ),
    "izin-tidak-ditemukan": ("error", "Jenis izin itu tidak ditemukan."),
    "instansi-dibuat": ("info", f"Instansi ditambahkan. {LIVE}"),
    "instansi-tersimpan": ("info", f"Instansi tersimpan. {LIVE}"),
    "instansi-tidak-ditemukan": ("error", "Instansi itu tidak ditemukan."),
}
_DRAFT_FIELDS = tuple(field.name for field in fields(PermitDraft) if field.name != "variants")
_AGENCY_FIELDS = ("slug", "name", "short_name", "en_name")


# --- permit types ----------------------------------------------------------------


@admin_only
async def permits_page(request: web.Request) -> web.StreamResponse:
    async with request.app[SESSIONS]() as session:
        permits = await list_permits(session)
    context = {"nav": "permits", "permits": permits}
    return aiohttp_jinja2.render_template("permits.html", request, context)


async def _permit_or_redirect(request: web.Request, slug: str) -> PermitView:
    try:
        async with request.app[SESSIONS]() as session:
            return await get_permit_for_edit(session, slug)
    except UnknownPermit:
        raise web.HTTPSeeOther(with_notice(PERMITS_PATH, "izin-tidak-ditemukan")) from None


async def _permit_page(
    request: web.Request,
    permit: PermitView,
    *,
    draft: PermitDraft | None = None,
    errors: dict[str, str] | None = None,
) -> web.Response:
    async with request.app[SESSIONS]() as session:
        agencies = await list_agencies(session)
    context = {
        "nav": "permits",
        "permit": permit,
        "form": asdict(draft or PermitDraft.of(permit)),
        "errors": errors or {},
        "agencies": agencies,
        "fee_kinds": FEE_KINDS,
        "actions": ACTION_TITLES,
        "modes": MODES,
        "variant_fee_kinds": VARIANT_FEE_KINDS,
        "max_validity": MAX_VALIDITY_YEARS,
        "function_index": PBG_FUNCTION_INDEX,
        "min_sla": MIN_SLA_DAYS,
        "max_sla": MAX_SLA_DAYS,
    }
    return aiohttp_jinja2.render_template("permit_edit.html", request, context)


@admin_only
async def permit_edit(request: web.Request) -> web.StreamResponse:
    permit = await _permit_or_redirect(request, request.match_info["slug"])
    return await _permit_page(request, permit)


@admin_only
async def permit_save(request: web.Request) -> web.StreamResponse:
    slug = request.match_info["slug"]
    permit = await _permit_or_redirect(request, slug)
    form = await request.post()
    draft = PermitDraft(
        **{name: form_text(form, name) for name in _DRAFT_FIELDS},
        variants={
            action.value: VariantDraft(
                **{name: form_text(form, field_name(action, name)) for name in VARIANT_FIELDS}
            )
            for action in VARIANT_ACTIONS
        },
    )

    def updated(change: Change) -> str:
        log.info("permit type updated", extra={"event": "permit_updated", "permit": slug})
        return "izin-tersimpan-latih" if change.needs_retraining else "izin-tersimpan"

    return await save_and_redirect(
        request,
        lambda session, actor: update_permit(session, actor, slug, draft),
        errors_page=lambda errors: _permit_page(request, permit, draft=draft, errors=errors),
        back=f"{PERMITS_PATH}/{slug}",
        saved=updated,
    )


@admin_only
async def permit_status(request: web.Request) -> web.StreamResponse:
    slug = request.match_info["slug"]
    permit = await _permit_or_redirect(request, slug)
    active = await posted_switch(request, on="activate", off="deactivate")

    def switched(_: Change) -> str:
        log.info(
            "permit type activated" if active else "permit type deactivated",
            extra={"event": "permit_active_changed", "permit": slug, "active": active},
        )
        return "izin-diaktifkan" if active else "izin-dinonaktifkan"

    return await save_and_redirect(
        request,
        lambda session, actor: set_permit_active(session, actor, slug, active),
        errors_page=lambda errors: _permit_page(request, permit, errors=errors),
        back=f"{PERMITS_PATH}/{slug}",
        saved=switched,
    )


# --- agencies ----------------------------------------------------------------------


async def _agencies_page(
    request: web.Request,
    *,
    new: dict[str, str] | None = None,
    edited: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> web.Response:
    """`new` is the add form as typed; `edited` one agency's row as typed (with its slug)."""
    async with request.app[SESSIONS]() as session:
        agencies = await list_agencies(session)
    context = {
        "nav": "agencies",
        "agencies": agencies,
        "new": new or dict.fromkeys(_AGENCY_FIELDS, ""),
        "edited": edited or {},
        "errors": errors or {},
    }
    return aiohttp_jinja2.render_template("agencies.html", request, context)


@admin_only
async def agencies_page(request: web.Request) -> web.StreamResponse:
    return await _agencies_page(request)


@admin_only
async def agency_create(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    typed = {name: form_text(form, name) for name in _AGENCY_FIELDS}
    draft = AgencyDraft(typed["name"], typed["short_name"], typed["en_name"])

    def created(_: Change) -> str:
        log.info("agency created", extra={"event": "agency_created", "agency": typed["slug"]})
        return "instansi-dibuat"

    return await save_and_redirect(
        request,
        lambda session, actor: create_agency(session, actor, typed["slug"], draft),
        errors_page=lambda errors: _agencies_page(request, new=typed, errors=errors),
        back=AGENCIES_PATH,
        saved=created,
    )


@admin_only
async def agency_save(request: web.Request) -> web.StreamResponse:
    slug = request.match_info["slug"]
    form = await request.post()
    typed = {"slug": slug, **{name: form_text(form, name) for name in _AGENCY_FIELDS[1:]}}
    draft = AgencyDraft(typed["name"], typed["short_name"], typed["en_name"])

    def updated(_: Change) -> str:
        log.info("agency updated", extra={"event": "agency_updated", "agency": slug})
        return "instansi-tersimpan"

    try:
        return await save_and_redirect(
            request,
            lambda session, actor: update_agency(session, actor, slug, draft),
            errors_page=lambda errors: _agencies_page(request, edited=typed, errors=errors),
            back=AGENCIES_PATH,
            saved=updated,
        )
    except UnknownAgency:
        raise web.HTTPSeeOther(with_notice(AGENCIES_PATH, "instansi-tidak-ditemukan")) from None


def setup(app: web.Application) -> None:
    app.router.add_get(PERMITS_PATH, permits_page)
    app.router.add_get(PERMITS_PATH + SLUG_ROUTE, permit_edit)
    app.router.add_post(PERMITS_PATH + SLUG_ROUTE, permit_save)
    app.router.add_post(PERMITS_PATH + SLUG_ROUTE + "/status", permit_status)
    app.router.add_get(AGENCIES_PATH, agencies_page)
    app.router.add_post(AGENCIES_PATH, agency_create)
    app.router.add_post(AGENCIES_PATH + AGENCY_ROUTE, agency_save)
