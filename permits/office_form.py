"""The office settings page's form: the opening hours day by day and the address, as
the administrator typed them ("08.00", as Indonesians write times; "24.00" is the end
of the day), checked with every problem reported at once. permits.office_profile keeps
what it returns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

from sqlalchemy.ext.asyncio import AsyncSession

from permits.audit import Actor
from permits.clock import office_zone
from permits.faq_admin import Change, InvalidEdit
from permits.office_hours import HARI, OfficeHours
from permits.office_profile import OfficeProfile, save_office_settings

MAX_ADDRESS = 300
_CLOCK = re.compile(r"^\s*(\d{1,2})[.:](\d{2})\s*$")


@dataclass(frozen=True)
class DayDraft:
    open: bool
    opening: str = ""
    closing: str = ""


@dataclass(frozen=True)
class OfficeDraft:
    days: list[DayDraft]  # seven, Monday first
    address: str

    @classmethod
    def of(cls, profile: OfficeProfile) -> OfficeDraft:
        """The form as it opens: the office's current facts."""
        days = []
        for day in range(7):
            shift = profile.hours.shifts.get(day)
            if shift is None:
                days.append(DayDraft(open=False))
            else:
                days.append(DayDraft(True, clock_text(shift[0]), clock_text(shift[1])))
        return cls(days=days, address=profile.address)


@dataclass(frozen=True)
class CleanOffice:
    hours: OfficeHours
    address: str


def clock_text(moment: time) -> str:
    return "24.00" if moment == time.max else f"{moment:%H.%M}"


def parse_clock(text: str, *, closing: bool = False) -> time | None:
    """'08.00' or '8:00' → 08:00; '24.00' (closing only) → the end of the day."""
    match = _CLOCK.match(text)
    if match is None:
        return None
    hour, minute = int(match[1]), int(match[2])
    if closing and (hour, minute) == (24, 0):
        return time.max
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _shift_error(day: DayDraft) -> str:
    opening, closing = parse_clock(day.opening), parse_clock(day.closing, closing=True)
    if opening is None or closing is None:
        return "Tulis jam buka dan jam tutup seperti 08.00 dan 15.00 (24.00 untuk tengah malam)."
    if closing <= opening:
        return "Jam tutup harus setelah jam buka."
    return ""


def clean_office(draft: OfficeDraft, zone: str) -> CleanOffice:
    """The draft as OfficeHours and a tidy address, or InvalidEdit: field → message."""
    errors: dict[str, str] = {}
    shifts: dict[int, tuple[time, time]] = {}
    for number, day in enumerate(draft.days):
        if not day.open:
            continue
        error = _shift_error(day)
        if error:
            errors[f"day{number}"] = f"{HARI[number]}: {error}"
            continue
        opening = parse_clock(day.opening)
        closing = parse_clock(day.closing, closing=True)
        if opening is not None and closing is not None:
            shifts[number] = (opening, closing)
    if not errors and not shifts:
        errors["hours"] = "Pilih minimal satu hari buka."
    address = " ".join(draft.address.split())
    if len(address) > MAX_ADDRESS:
        errors["address"] = f"Alamat paling panjang {MAX_ADDRESS} karakter."
    if errors:
        raise InvalidEdit(errors)
    return CleanOffice(OfficeHours(shifts, office_zone(zone)), address)


async def save_office(session: AsyncSession, actor: Actor, draft: OfficeDraft, zone: str) -> Change:
    """The administrator's form checked and kept; live at once, no training needed."""
    clean = clean_office(draft, zone)
    changed = await save_office_settings(session, actor, clean.hours, clean.address)
    return Change(changed=changed, needs_retraining=False)
