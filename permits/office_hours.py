"""When call-centre agents are on duty, from a setting such as the demo office's

    "Mon-Thu 08:00-15:00; Fri 08:00-11:00"

(days Mon..Sun, single days or ranges, times in the office's time zone; "24:00"
is the end of the day, so "Mon-Sun 00:00-24:00" is always open).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from permits.clock import DEFAULT_ZONE, office_zone, zone_label
from permits.texts import SOURCE_LANGUAGE, language_in_use

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
HARI = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
# CLDR date patterns (Babel) per language: the day and month names come from its data.
OPENING_PATTERNS = {"id": "EEEE, d MMMM 'pukul' HH.mm", "en": "EEEE d MMMM 'at' HH:mm"}
_PART = re.compile(
    r"^\s*(?P<first>[a-z]{3})(?:\s*-\s*(?P<last>[a-z]{3}))?\s+"
    r"(?P<start>\d{1,2}:\d{2})\s*-\s*(?P<end>\d{1,2}:\d{2})\s*$"
)


@dataclass(frozen=True)
class OfficeHours:
    shifts: dict[int, tuple[time, time]]  # weekday (Monday = 0) → opening, closing
    zone: ZoneInfo

    @classmethod
    def parse(cls, spec: str, zone: str = DEFAULT_ZONE) -> OfficeHours:
        shifts: dict[int, tuple[time, time]] = {}
        for part in filter(str.strip, spec.lower().split(";")):
            match = _PART.match(part)
            if match is None:
                raise ValueError(f"office hours not understood: {part.strip()!r}")
            first = DAYS.index(match["first"])
            last = DAYS.index(match["last"] or match["first"])
            opening, closing = _clock(match["start"]), _clock(match["end"])
            if closing <= opening:
                raise ValueError(f"closing before opening in {part.strip()!r}")
            for day in range(first, last + 1):
                shifts[day] = (opening, closing)
        if not shifts:
            raise ValueError("office hours are empty")
        return cls(shifts, office_zone(zone))

    def is_open(self, moment: datetime) -> bool:
        local = moment.astimezone(self.zone)
        shift = self.shifts.get(local.weekday())
        return shift is not None and shift[0] <= local.time() < shift[1]

    def next_opening(self, moment: datetime) -> datetime:
        """The next moment agents are on duty (`moment` itself when open)."""
        if self.is_open(moment):
            return moment
        local = moment.astimezone(self.zone)
        for ahead in range(8):
            day = (local + timedelta(days=ahead)).date()
            shift = self.shifts.get(day.weekday())
            if shift is None:
                continue
            opening = datetime.combine(day, shift[0], tzinfo=self.zone)
            if opening > local:
                return opening
        raise AssertionError("a week always has an opening")  # parse() refuses empty hours

    def describe_opening(self, moment: datetime) -> str:
        """'Senin, 30 November pukul 08.00 WIB' ('Monday 30 November at 08:00 WIB' in an
        English conversation): when agents are back, in the language being spoken."""
        opening = self.next_opening(moment).astimezone(self.zone)
        language = language_in_use()
        pattern = OPENING_PATTERNS.get(language, OPENING_PATTERNS[SOURCE_LANGUAGE])
        when = format_datetime(opening, pattern, locale=language)
        return f"{when} {zone_label(self.zone)}"


def _clock(text: str) -> time:
    return time.max if text == "24:00" else time.fromisoformat(text.zfill(5))
