"""Working days (Monday to Friday): SLAs of permits are set in working days."""

from __future__ import annotations

from datetime import date, datetime, timedelta


def _as_date(moment: datetime | date) -> date:
    return moment.date() if isinstance(moment, datetime) else moment


def working_days_between(start: datetime | date, end: datetime | date) -> int:
    """Whole working days after `start` up to and including `end` (0 when end <= start)."""
    first, last = _as_date(start), _as_date(end)
    if last <= first:
        return 0
    total = (last - first).days
    weeks, rest = divmod(total, 7)
    days = weeks * 5
    for offset in range(1, rest + 1):
        if (first + timedelta(days=weeks * 7 + offset)).weekday() < 5:
            days += 1
    return days


def add_working_days(start: datetime, days: int) -> datetime:
    """The moment `days` working days after `start` (negative goes back).

    Going back from a weekend starts from the Friday before, so that
    `working_days_between(add_working_days(s, -n), s) == n` on any day of the week
    (the demo's applications are "n working days old" on a Saturday too)."""
    step = 1 if days >= 0 else -1
    moment, left = start, abs(days)
    while step < 0 and left and moment.weekday() >= 5:
        moment -= timedelta(days=1)
    while left:
        moment += timedelta(days=step)
        if moment.weekday() < 5:
            left -= 1
    return moment
