from __future__ import annotations

from datetime import UTC, datetime, timedelta

from permits.workdays import add_working_days, working_days_between


def test_working_days_skip_weekends() -> None:
    friday = datetime(2026, 11, 20, 9, tzinfo=UTC)
    assert add_working_days(friday, 1).weekday() == 0  # Monday
    assert working_days_between(friday, add_working_days(friday, 10)) == 10


def test_going_back_from_a_weekend_counts_the_same_working_days() -> None:
    saturday = datetime(2026, 12, 5, 9, 0)
    sunday = saturday + timedelta(days=1)
    for start in (saturday, sunday):
        for days in (1, 5, 12, 30):
            assert working_days_between(add_working_days(start, -days), start) == days
