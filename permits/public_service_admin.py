"""The directory of other offices' services as administrators keep it: list, create,
edit, retire and reactivate.

Every change is written together with its audit entry (permits.audit) in one
transaction. The bot reads the directory at answer time (permits.public_services),
so a new address, hours, phone, website or how-to is live on the next message, and
a retired service is no longer pointed to at once. A service's name and aliases are
what the NLU learns it by (nlu.build gives them as synonyms), so new names reach the
bot's understanding only after the next training. The name, office, hours and how-to
may also be written in English (permits.english_form), live at once too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from permits.audit import Actor, record
from permits.catalogue import permit_names
from permits.english_form import SERVICE_ENGLISH, EnglishForm, stored, text_of
from permits.errors import UnknownPublicService
from permits.faq_admin import UNCHANGED, Change, InvalidEdit, commit_new
from permits.models import PermitType, PublicService

# The slug is the public_service entity's value in the training data, so it stays.
SLUG_PATTERN = re.compile(r"[a-z][a-z0-9_]{1,59}")
# Column lengths, and for the free texts what keeps an answer readable in a chat.
MAX_LENGTHS = {
    "name": 200,
    "office": 200,
    "address": 500,
    "hours": 200,
    "phone": 60,
    "website": 200,
    "how": 2000,
}
MAX_ALIAS = 100
_LABELS = {
    "name": "Nama layanan",
    "office": "Instansi",
    "address": "Alamat",
    "hours": "Jam layanan",
    "phone": "Telepon",
    "website": "Alamat situs web",
    "how": "Cara mengurus",
}
_REQUIRED = ("name", "office")
_TEXTS = ("aliases", *MAX_LENGTHS)  # the draft's Indonesian fields
_WEBSITE = re.compile(r"https?://\S+")

SLUG_INVALID = (
    "Kode layanan harus 2–60 karakter: huruf kecil, angka atau garis bawah, diawali huruf."
)
SLUG_TAKEN = "Kode layanan itu sudah dipakai (mungkin oleh layanan yang dinonaktifkan)."
SLUG_IS_PERMIT = "Kode itu sudah dipakai oleh jenis izin; pilih kode lain."
WEBSITE_INVALID = "Alamat situs web harus diawali http:// atau https://, tanpa spasi."


@dataclass(frozen=True)
class ServiceDraft:
    """A service as the administrator typed it (aliases one per line or comma-separated);
    the English texts are optional (empty: not translated)."""

    name: str
    aliases: str
    office: str
    address: str = ""
    hours: str = ""
    phone: str = ""
    website: str = ""
    how: str = ""
    en_name: str = ""
    en_office: str = ""
    en_hours: str = ""
    en_how: str = ""


@dataclass(frozen=True)
class ServiceView:
    slug: str
    name: str
    aliases: list[str]
    office: str
    address: str
    hours: str
    phone: str
    website: str
    how: str
    active: bool
    english: dict[str, Any] = field(default_factory=dict)

    @property
    def aliases_text(self) -> str:
        return "\n".join(self.aliases)

    def draft(self) -> ServiceDraft:
        """The service as its edit form shows it."""
        values = {f.name: getattr(self, f.name) for f in fields(ServiceDraft) if f.name in _TEXTS}
        english = {f"en_{key}": text_of(self.english, key) for key in SERVICE_ENGLISH}
        return ServiceDraft(**{**values, "aliases": self.aliases_text, **english})


@dataclass(frozen=True)
class _CleanService:
    name: str
    aliases: list[str]
    office: str
    address: str
    hours: str
    phone: str
    website: str
    how: str
    english: dict[str, Any] = field(default_factory=dict)  # only the texts written


def split_aliases(text: str) -> list[str]:
    """Aliases typed one per line or separated by commas → lower case, trimmed, each once."""
    aliases: list[str] = []
    for part in re.split(r"[\n,]", text):
        alias = " ".join(part.split()).lower()
        if alias and alias not in aliases:
            aliases.append(alias)
    return aliases


def _spoken(name: str) -> str:
    """A name as the directory and the catalogue compare names: lower case, single spaces."""
    return " ".join(name.lower().replace("_", " ").split())


def _view(service: PublicService) -> ServiceView:
    return ServiceView(
        slug=service.slug,
        name=service.name,
        aliases=list(service.aliases),
        office=service.office,
        address=service.address,
        hours=service.hours,
        phone=service.phone,
        website=service.website,
        how=service.how,
        active=service.active,
        english=stored(service.english),
    )


def _values(service: PublicService) -> _CleanService:
    view = _view(service)
    return _CleanService(**{f.name: getattr(view, f.name) for f in fields(_CleanService)})


def _snapshot(service: PublicService) -> dict[str, Any]:
    return {
        "name": service.name,
        "aliases": list(service.aliases),
        "office": service.office,
        "address": service.address,
        "hours": service.hours,
        "phone": service.phone,
        "website": service.website,
        "how": service.how,
        "active": service.active,
        "english": stored(service.english),
    }


async def list_services(session: AsyncSession) -> list[ServiceView]:
    """Every service, active ones first, then by name."""
    query = select(PublicService).order_by(PublicService.active.desc(), PublicService.name)
    return [_view(service) for service in (await session.scalars(query)).all()]


async def get_service(session: AsyncSession, slug: str) -> ServiceView:
    """A service, active or retired, for the edit form."""
    return _view(await _service(session, slug))


async def _service(session: AsyncSession, slug: str) -> PublicService:
    service = await session.scalar(select(PublicService).where(PublicService.slug == slug))
    if service is None:
        raise UnknownPublicService(slug)
    return service


# --- validation ----------------------------------------------------------------


def _text_errors(clean: _CleanService) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name, limit in MAX_LENGTHS.items():
        value = getattr(clean, name)
        if name in _REQUIRED and not value:
            errors[name] = f"{_LABELS[name]} wajib diisi."
        elif len(value) > limit:
            errors[name] = f"{_LABELS[name]} paling panjang {limit} karakter."
    if clean.website and "website" not in errors and not _WEBSITE.fullmatch(clean.website):
        errors["website"] = WEBSITE_INVALID
    return errors


async def _names_elsewhere(session: AsyncSession, slug: str | None) -> dict[str, str]:
    """Every name the bot knows a permit or another active service by → whose it is."""
    taken: dict[str, str] = {}
    for permit in (await session.scalars(select(PermitType))).all():
        for name in permit_names(permit):
            taken.setdefault(_spoken(name), f"jenis izin “{permit.name}”")
    services = select(PublicService).where(PublicService.active.is_(True))
    if slug is not None:
        services = services.where(PublicService.slug != slug)
    for service in (await session.scalars(services)).all():
        for name in (service.slug, service.name, *service.aliases):
            taken.setdefault(_spoken(name), f"layanan “{service.name}”")
    return taken


def _aliases_error(aliases: list[str], taken: dict[str, str]) -> str:
    for alias in aliases:
        if len(alias) > MAX_ALIAS:
            return f"Setiap nama lain paling panjang {MAX_ALIAS} karakter."
        owner = taken.get(_spoken(alias))
        if owner is not None:
            # The bot could not tell which of the two the applicant means.
            return f"Nama lain “{alias}” sudah dipakai oleh {owner}."
    return ""


async def _clean(session: AsyncSession, draft: ServiceDraft, slug: str | None) -> _CleanService:
    """The draft trimmed and checked; every problem is reported at once."""
    name, office = " ".join(draft.name.split()), " ".join(draft.office.split())
    hours, how = " ".join(draft.hours.split()), draft.how.strip()
    english = EnglishForm()
    english.text("name", draft.en_name, name, limit=MAX_LENGTHS["name"])
    english.text("office", draft.en_office, office, limit=MAX_LENGTHS["office"])
    english.text("hours", draft.en_hours, hours, limit=MAX_LENGTHS["hours"])
    english.text("how", draft.en_how, how, limit=MAX_LENGTHS["how"], multiline=True)
    clean = _CleanService(
        name=name,
        aliases=split_aliases(draft.aliases),
        office=office,
        address=draft.address.strip(),
        hours=hours,
        phone=" ".join(draft.phone.split()),
        website=draft.website.strip(),
        how=how,
        english=english.english,
    )
    errors = _text_errors(clean)
    errors.update(english.errors_beside(errors))
    aliases_error = _aliases_error(clean.aliases, await _names_elsewhere(session, slug))
    if aliases_error:
        errors["aliases"] = aliases_error
    if errors:
        raise InvalidEdit(errors)
    return clean


async def _slug_error(session: AsyncSession, slug: str) -> str:
    if not SLUG_PATTERN.fullmatch(slug):
        return SLUG_INVALID
    if await session.scalar(select(PublicService.id).where(PublicService.slug == slug)) is not None:
        return SLUG_TAKEN
    if await session.scalar(select(PermitType.id).where(PermitType.slug == slug)) is not None:
        return SLUG_IS_PERMIT  # the NLU's synonyms would mix the two up
    return ""


# --- changes -------------------------------------------------------------------


async def create_service(
    session: AsyncSession, actor: Actor, slug: str, draft: ServiceDraft
) -> Change:
    """A new service; answers can use it at once, the NLU learns its names by training."""
    slug = slug.strip()
    errors: dict[str, str] = {}
    slug_error = await _slug_error(session, slug)
    if slug_error:
        errors["slug"] = slug_error
    try:
        clean = await _clean(session, draft, None)
    except InvalidEdit as invalid:
        errors.update(invalid.errors)
    if errors:
        raise InvalidEdit(errors)
    service = PublicService(slug=slug, active=True, **vars(clean))
    session.add(service)
    record(session, actor, "service.create", f"service:{slug}", None, _snapshot(service))
    await commit_new(session, SLUG_TAKEN)
    return Change(changed=True, needs_retraining=True)


async def update_service(
    session: AsyncSession, actor: Actor, slug: str, draft: ServiceDraft
) -> Change:
    """New facts (live at once) or new names (learnt at the next training)."""
    service = await _service(session, slug)
    clean = await _clean(session, draft, slug)
    current = _values(service)
    if clean == current:
        return UNCHANGED
    before = _snapshot(service)
    for name, value in vars(clean).items():
        setattr(service, name, value)
    record(session, actor, "service.update", f"service:{slug}", before, _snapshot(service))
    await session.commit()
    names_changed = (clean.name, clean.aliases) != (current.name, current.aliases)
    return Change(changed=True, needs_retraining=names_changed)


async def set_service_active(
    session: AsyncSession, actor: Actor, slug: str, active: bool
) -> Change:
    """Retire (the bot stops pointing to it at once) or reactivate a service; a
    reactivated service's names are learnt again at the next training."""
    service = await _service(session, slug)
    if service.active == active:
        return UNCHANGED
    if active:
        # Its aliases may have been given to another service while it was retired.
        await _clean(session, _view(service).draft(), slug)
    before = _snapshot(service)
    service.active = active
    action = "service.reactivate" if active else "service.retire"
    record(session, actor, action, f"service:{slug}", before, _snapshot(service))
    await session.commit()
    return Change(changed=True, needs_retraining=active)
