from __future__ import annotations

from datetime import UTC, datetime

from permits.workdays import add_working_days, working_days_between


def test_working_days_skip_weekends() -> None:
    friday = datetime(2026, 11, 20, 9, tzinfo=UTC)
    assert add_working_days(friday, 1).weekday() == 0  # Monday
    assert working_days_between(friday, add_working_days(friday, 10)) == 10
