"""The directory of services other offices handle, read at answer time."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from permits.english import UNTRANSLATED, Translating
from permits.errors import UnknownPublicService
from permits.models import PublicService
from permits.texts import N_, _, language_in_use

_WORD = re.compile(r"\w+")


async def find_public_service(session: AsyncSession, text: str) -> PublicService:
    """The active service whose slug, name or alias is `text` (any case)."""
    wanted = " ".join(text.lower().replace("_", " ").split())
    services = (
        await session.scalars(select(PublicService).where(PublicService.active.is_(True)))
    ).all()
    for service in services:
        names = {service.slug.replace("_", " "), service.name.lower(), *service.aliases}
        if wanted in {" ".join(n.lower().split()) for n in names}:
            return service
    raise UnknownPublicService(text)


async def service_named_in(session: AsyncSession, text: str) -> PublicService | None:
    """The active service one of whose names stands in the text as whole words (the
    longest name wins: "akta kelahiran" over "akta"); None when none does."""
    said = f" {' '.join(_WORD.findall(text.lower()))} "
    services = (
        await session.scalars(
            select(PublicService).where(PublicService.active.is_(True)).order_by(PublicService.slug)
        )
    ).all()
    found: list[tuple[int, PublicService]] = []
    for service in services:
        for name in {service.name, *service.aliases}:
            words = " ".join(_WORD.findall(name.lower()))
            if words and f" {words} " in said:
                found.append((len(words), service))
    return max(found, key=lambda pair: pair[0])[1] if found else None


def directions(service: PublicService) -> str:
    """Whose service it is and how to reach them, for the applicant, in the language in
    use where the office wrote the texts in it."""
    reading = Translating.in_language(language_in_use(), service.english)
    translate = reading.text
    lines = [
        _(
            "{service} adalah layanan {office}, bukan DPMPTSP.",
            service=translate("name", service.name),
            office=translate("office", service.office),
        )
    ]
    if service.how:
        lines.append(translate("how", service.how))
    for label, value in (
        (N_("Alamat: {value}"), service.address),
        (N_("Jam layanan: {value}"), translate("hours", service.hours)),
        (N_("Telepon: {value}"), service.phone),
        (N_("Situs: {value}"), service.website),
    ):
        if value:
            lines.append(_(label, value=value))
    if not reading.complete:
        lines.append(_(UNTRANSLATED))
    return "\n".join(lines)
