"""The office's own facts, each kept in one place (table office_settings): its opening
hours, its address and its call-centre number.

- Opening hours: when the counters are open and call-centre agents are on duty. An
  administrator sets them on the office settings page (permits.office_form); until
  then they are the environment's TANYA_OFFICE_HOURS, written here as the initial
  value when a process first starts. The handoff reads them through
  `current_office_hours`, every text through `office_profile`.
- Address: set by an administrator (the demo loads the demo office's).
- Call-centre number and time zone: the deployment's (TANYA_CALL_CENTRE,
  TANYA_OFFICE_TIMEZONE), which many of the bot's texts use directly. The gateway and
  the action server write theirs here when they start, so that texts filled where no
  process settings are at hand (the console's suggestions) read the same values.

Texts written by administrators (FAQ answers, canned replies) and the demo homepage name
these facts by placeholders (PLACEHOLDERS), filled when shown. Filling never raises:
an unknown placeholder, or a fact not set yet, stays in the text as written, so the
administrator who reads it sees what to fix and the applicant never gets an error.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from permits.audit import Actor, record
from permits.clock import DEFAULT_ZONE, zone_label
from permits.models import OfficeSetting, utcnow
from permits.office_hours import OfficeHours
from permits.texts import N_, SOURCE_LANGUAGE, Texts, catalogue

log = logging.getLogger(__name__)

HOURS, ADDRESS, CALL_CENTRE, ZONE = "office_hours", "office_address", "call_centre", "timezone"
# What the processes' settings default to, for a database no process has started on.
DEFAULT_HOURS = "Mon-Thu 08:00-15:00; Fri 08:00-11:00"
DEFAULT_CALL_CENTRE = "1500164"

# The placeholders administrators may write, with what each holds (their pages list them).
PLACEHOLDERS: dict[str, str] = {
    "jam_layanan": "jam layanan kantor (halaman Pengaturan Kantor)",
    "alamat_kantor": "alamat kantor (halaman Pengaturan Kantor)",
    "call_center": "nomor call center",
}
_PLACEHOLDER = re.compile(r"\{([A-Za-z_]+)\}")

DAY_NAMES = [
    N_("Senin"),
    N_("Selasa"),
    N_("Rabu"),
    N_("Kamis"),
    N_("Jumat"),
    N_("Sabtu"),
    N_("Minggu"),
]
DAYS_AT = N_("{days} pukul {opening}–{closing} {zone}")
EVERY_DAY_AT = N_("setiap hari pukul {opening}–{closing} {zone}")
ALWAYS = N_("setiap hari, 24 jam")
CLOCK = N_("{hour}.{minute}")  # how a time of day is written: 08.00
TWO = N_("{first} dan {last}")
SEVERAL = N_("{items}, dan {last}")


@dataclass(frozen=True)
class OfficeEnvironment:
    """What a process's settings say about the office."""

    hours: str  # TANYA_OFFICE_HOURS, the initial value of the opening hours
    zone: str  # TANYA_OFFICE_TIMEZONE
    call_centre: str  # TANYA_CALL_CENTRE


@dataclass(frozen=True)
class OfficeProfile:
    hours: OfficeHours
    address: str  # empty until an administrator sets it
    call_centre: str

    def placeholders(self, language: str = SOURCE_LANGUAGE) -> dict[str, str]:
        """Placeholder → its value in `language`; a fact not set yet has none."""
        values = {
            "jam_layanan": describe_hours(self.hours, language),
            "call_center": self.call_centre,
        }
        if self.address:
            values["alamat_kantor"] = self.address
        return values

    def fill(self, text: str, language: str = SOURCE_LANGUAGE) -> str:
        return fill_placeholders(text, self.placeholders(language)) if "{" in text else text


def fill_placeholders(text: str, values: Mapping[str, str]) -> str:
    """`text` with each {name} of `values` replaced; anything else, braces included,
    left exactly as written (no str.format: a stray brace must not raise)."""
    return _PLACEHOLDER.sub(lambda match: values.get(match[1], match[0]), text)


def unknown_placeholders(text: str) -> list[str]:
    """The {names} in `text` that are not placeholders, for the administrator."""
    found = dict.fromkeys(match[1] for match in _PLACEHOLDER.finditer(text))
    return [name for name in found if name not in PLACEHOLDERS]


def has_placeholders(text: str) -> bool:
    return any(match[1] in PLACEHOLDERS for match in _PLACEHOLDER.finditer(text))


# --- the opening hours in words -------------------------------------------------------


def describe_hours(hours: OfficeHours, language: str = SOURCE_LANGUAGE) -> str:
    """'Senin–Kamis pukul 08.00–15.00 WIB dan Jumat pukul 08.00–11.00 WIB'."""
    texts = catalogue(language)
    zone = zone_label(hours.zone)
    shifts = set(hours.shifts.values())
    if len(hours.shifts) == 7 and len(shifts) == 1:
        opening, closing = shifts.pop()
        if opening == time.min and closing == time.max:
            return texts.gettext(ALWAYS)
        return texts.gettext(
            EVERY_DAY_AT, opening=_clock(opening, texts), closing=_clock(closing, texts), zone=zone
        )
    parts = [
        texts.gettext(
            DAYS_AT,
            days=_days(first, last, texts),
            opening=_clock(opening, texts),
            closing=_clock(closing, texts),
            zone=zone,
        )
        for first, last, (opening, closing) in day_runs(hours)
    ]
    return _listed(parts, texts)


def day_runs(hours: OfficeHours) -> list[tuple[int, int, tuple[time, time]]]:
    """(first day, last day, shift) of each run of consecutive days with the same hours,
    Monday (0) first."""
    runs: list[tuple[int, int, tuple[time, time]]] = []
    for day in sorted(hours.shifts):
        shift = hours.shifts[day]
        if runs and runs[-1][1] == day - 1 and runs[-1][2] == shift:
            runs[-1] = (runs[-1][0], day, shift)
        else:
            runs.append((day, day, shift))
    return runs


def _days(first: int, last: int, texts: Texts) -> str:
    name, last_name = texts.gettext(DAY_NAMES[first]), texts.gettext(DAY_NAMES[last])
    return name if first == last else f"{name}–{last_name}"


def _clock(moment: time, texts: Texts) -> str:
    hour, minute = (24, 0) if moment == time.max else (moment.hour, moment.minute)
    hh, mm = str(hour).zfill(2), str(minute).zfill(2)
    return texts.gettext(CLOCK, hour=hh, minute=mm)


def _listed(parts: list[str], texts: Texts) -> str:
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        return texts.gettext(TWO, first=parts[0], last=parts[1])
    return texts.gettext(SEVERAL, items=", ".join(parts[:-1]), last=parts[-1])


# --- reading and writing ----------------------------------------------------------------


async def stored_settings(session: AsyncSession) -> dict[str, str]:
    rows = await session.execute(select(OfficeSetting.key, OfficeSetting.value))
    return {key: value for key, value in rows.all()}


async def office_profile(session: AsyncSession) -> OfficeProfile:
    """The office's facts as every text shows them."""
    stored = await stored_settings(session)
    zone = stored.get(ZONE, DEFAULT_ZONE)
    return OfficeProfile(
        hours=_hours(stored.get(HOURS), zone, OfficeHours.parse(DEFAULT_HOURS, zone)),
        address=stored.get(ADDRESS, ""),
        call_centre=stored.get(CALL_CENTRE, DEFAULT_CALL_CENTRE),
    )


async def current_office_hours(session: AsyncSession, fallback: OfficeHours) -> OfficeHours:
    """When agents are on duty: the hours the office keeps, in the process's own zone;
    `fallback` (the process's TANYA_OFFICE_HOURS) while none are kept."""
    spec = await session.scalar(select(OfficeSetting.value).where(OfficeSetting.key == HOURS))
    return _hours(spec, fallback.zone.key, fallback)


async def publish_environment(session: AsyncSession, environment: OfficeEnvironment) -> None:
    """At a process's start: the environment's opening hours as the initial value when
    none are kept, and the deployment's call-centre number and time zone as they are."""
    stored = await stored_settings(session)
    wanted = {CALL_CENTRE: environment.call_centre, ZONE: environment.zone}
    if HOURS not in stored:
        wanted[HOURS] = environment.hours
    changed = {key: value for key, value in wanted.items() if stored.get(key) != value}
    if not changed:
        return
    await _write(session, changed)
    try:
        await session.commit()
    except IntegrityError:  # another process wrote them at the same moment: theirs stand
        await session.rollback()


async def set_initial_address(session: AsyncSession, address: str) -> None:
    """The address when none is kept yet (the demo's); committed by the caller."""
    if await session.get(OfficeSetting, ADDRESS) is None:
        session.add(OfficeSetting(key=ADDRESS, value=address, updated_at=utcnow()))


async def save_office_settings(
    session: AsyncSession, actor: Actor, hours: OfficeHours, address: str
) -> bool:
    """An administrator's hours and address; False when nothing changed. The change and
    its audit entry (the hours in words) are committed together."""
    stored = await stored_settings(session)
    wanted = {HOURS: spec_of(hours), ADDRESS: address}
    changed = {key: value for key, value in wanted.items() if stored.get(key) != value}
    if not changed:
        return False
    zone = hours.zone.key
    before = _audited({key: stored[key] for key in changed if key in stored}, zone)
    await _write(session, changed)
    record(session, actor, "office.update", "office:settings", before, _audited(changed, zone))
    await session.commit()
    log.info("office settings changed", extra={"settings": sorted(changed)})
    return True


def _audited(values: dict[str, str], zone: str) -> dict[str, str]:
    """The settings as the audit page shows them: the hours in words."""
    shown = {"address": values[ADDRESS]} if ADDRESS in values else {}
    if HOURS in values:
        try:
            shown["hours"] = describe_hours(OfficeHours.parse(values[HOURS], zone))
        except ValueError:  # a hand edit of the table: shown as it was kept
            shown["hours"] = values[HOURS]
    return shown


def spec_of(hours: OfficeHours) -> str:
    """The hours in the setting's notation ("Mon-Thu 08:00-15:00; Fri 08:00-11:00"),
    which OfficeHours.parse reads back."""
    names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    parts = []
    for first, last, (opening, closing) in day_runs(hours):
        days = names[first] if first == last else f"{names[first]}-{names[last]}"
        end = "24:00" if closing == time.max else f"{closing:%H:%M}"
        parts.append(f"{days} {opening:%H:%M}-{end}")
    return "; ".join(parts)


async def _write(session: AsyncSession, values: dict[str, str]) -> None:
    now = utcnow()
    for key, value in values.items():
        setting = await session.get(OfficeSetting, key) or OfficeSetting(key=key)
        setting.value, setting.updated_at = value, now
        session.add(setting)


def _hours(spec: str | None, zone: str, fallback: OfficeHours) -> OfficeHours:
    if spec is None:
        return fallback
    try:
        return OfficeHours.parse(spec, zone)
    except ValueError:  # only a hand edit of the table gets here: the page checks its input
        log.warning("office hours in the database not understood", extra={"spec": spec})
        return fallback
