"""Numbers as Indonesian staff read them: 1.234 (dot thousands), 3,5 (comma decimals).

The console's and the admin pages' templates use these as filters (`number`,
`percent`, registered in bot/console/__init__.py), Python code building chart texts
calls them directly, so a figure reads the same in a table, a chart and a summary.
Babel's Indonesian locale supplies the separators.
"""

from __future__ import annotations

from babel.numbers import format_decimal, format_percent

LOCALE = "id_ID"
MISSING = "–"  # no value (no answers yet), as the pages print it


def _pattern(places: int, suffix: str = "") -> str:
    return "#,##0" + ("." + "0" * places if places > 0 else "") + suffix


def number(value: float | None, places: int = 0) -> str:
    """12.345 · 3,5 · 0,25: a count or a measure with `places` decimals; '–' for None."""
    if value is None:
        return MISSING
    return format_decimal(value, format=_pattern(places), locale=LOCALE)


def percent(share: float | None, places: int = 0) -> str:
    """0.873 → '87%': a share (0 to 1) as a percentage; '–' for None."""
    if share is None:
        return MISSING
    return format_percent(share, format=_pattern(places, "%"), locale=LOCALE)
