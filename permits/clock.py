"""The office's clock: its time zone, and how times and days read in it.

The database keeps UTC. What people read (a last login, an audit entry, a
transcript line, "today" on a statistics page) is in the office's own zone, which
the settings name (TANYA_OFFICE_TIMEZONE, Asia/Jakarta by default); Indonesia has
three, and staff know them by their abbreviations WIB, WITA and WIT.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

DEFAULT_ZONE = "Asia/Jakarta"
# Zones not listed are shown by their name ("Asia/Pontianak").
ZONE_LABELS = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


def office_zone(name: str = DEFAULT_ZONE) -> ZoneInfo:
    """The zone of a setting such as "Asia/Makassar"; ZoneInfoNotFoundError if unknown."""
    return ZoneInfo(name)


def zone_label(zone: ZoneInfo) -> str:
    """'WIB', 'WITA' or 'WIT', as Indonesians write a time's zone."""
    return ZONE_LABELS.get(zone.key, zone.key)


def local_time(moment: datetime, zone: ZoneInfo) -> str:
    """'05-03-2026 14.30 WIB': a moment as the office's staff read it."""
    return f"{moment.astimezone(zone):%d-%m-%Y %H.%M} {zone_label(zone)}"


def local_timestamp(moment: datetime, zone: ZoneInfo) -> str:
    """'2026-03-05 14:30': a moment in the office's zone that sorts as text (a CSV
    column whose header names the zone)."""
    return f"{moment.astimezone(zone):%Y-%m-%d %H:%M}"


def local_day(moment: datetime, zone: ZoneInfo) -> date:
    """The office's calendar day of a moment."""
    return moment.astimezone(zone).date()


def today(zone: ZoneInfo) -> date:
    return datetime.now(zone).date()


def day_start(day: date, zone: ZoneInfo) -> datetime:
    """Midnight at the office, where a day of statistics begins."""
    return datetime.combine(day, time.min, tzinfo=zone)
