"""The office's clock: one zone from the settings, its Indonesian abbreviation."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from permits.answers import long_date
from permits.clock import day_start, local_day, local_time, office_zone, zone_label
from permits.office_hours import OfficeHours
from permits.texts import speaking

LATE_EVENING = datetime(2026, 3, 5, 16, 30, tzinfo=UTC)  # 23.30 WIB, already the 6th in WITA


@pytest.mark.parametrize(
    ("zone", "shown", "day"),
    [
        ("Asia/Jakarta", "05-03-2026 23.30 WIB", date(2026, 3, 5)),
        ("Asia/Makassar", "06-03-2026 00.30 WITA", date(2026, 3, 6)),
        ("Asia/Jayapura", "06-03-2026 01.30 WIT", date(2026, 3, 6)),
        ("Asia/Pontianak", "05-03-2026 23.30 Asia/Pontianak", date(2026, 3, 5)),
    ],
)
def test_a_moment_reads_in_the_office_zone(zone: str, shown: str, day: date) -> None:
    assert local_time(LATE_EVENING, office_zone(zone)) == shown
    assert local_day(LATE_EVENING, office_zone(zone)) == day


def test_a_day_starts_at_midnight_at_the_office() -> None:
    start = day_start(date(2026, 3, 6), office_zone("Asia/Makassar"))
    assert start == datetime(2026, 3, 5, 16, 0, tzinfo=UTC)


def test_office_hours_name_the_zone_as_the_pages_do() -> None:
    hours = OfficeHours.parse("Mon-Fri 08:00-15:00", "Asia/Makassar")
    assert zone_label(hours.zone) == "WITA"
    assert hours.describe_opening(LATE_EVENING).endswith("pukul 08.00 WITA")


def test_a_date_in_an_answer_is_the_office_day() -> None:
    assert long_date(LATE_EVENING, office_zone("Asia/Jakarta")) == "5 Maret 2026"
    assert long_date(LATE_EVENING, office_zone("Asia/Makassar")) == "6 Maret 2026"


def test_a_date_in_an_english_answer_names_the_month_in_english() -> None:
    with speaking("en"):
        assert long_date(LATE_EVENING, office_zone("Asia/Jakarta")) == "5 March 2026"
    assert long_date(datetime(2026, 8, 17, 3, 0, tzinfo=UTC), office_zone()) == "17 Agustus 2026"
