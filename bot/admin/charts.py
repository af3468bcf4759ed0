"""Charts drawn on the server as inline SVG: lines over days, horizontal bars, and one
bar split into shares. No script and no chart library: the page works offline, prints,
and the numbers stay in the HTML for screen readers and tests.

These classes hold only geometry (SVG user units) and text; the templates' macros
(`_charts.html`) draw them. Colours are CSS, so the console's variables apply.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from babel.dates import format_date

from bot.console.formats import number

# Line charts: the plot sits inside these margins.
LINE_WIDTH = 760
LINE_HEIGHT = 240
LEFT = 52  # the y axis' labels
RIGHT = 12
TOP = 10
BOTTOM = 26  # the x axis' labels
MAX_X_LABELS = 8
# Bar charts: the label column, then the bar, then its value.
BAR_WIDTH = 640
BAR_LABEL_WIDTH = 200
BAR_SPACE = 360
ROW_HEIGHT = 26
BAR_HEIGHT = 16
MAX_LABEL_CHARS = 28
# The share bar.
SHARE_WIDTH = 640
SHARE_HEIGHT = 28
# Series colours, in order: the console's accent, then colours that stay apart in print.
PALETTE = ("var(--accent)", "#1f8a4c", "#c77700", "#7a3ea8", "#b3261e", "#4a5968")


def decimal(value: float, places: int = 1) -> str:
    """A number as Indonesians write it: a comma before the decimals (bot.console.formats)."""
    return number(value, places)


def thousands(value: int) -> str:
    """12.345: Indonesian thousands separator (bot.console.formats)."""
    return number(value)


def short_day(day: date) -> str:
    """'5 Mar': a day on an axis."""
    return format_date(day, "d MMM", locale="id")


def _shortened(label: str) -> str:
    return label if len(label) <= MAX_LABEL_CHARS else label[: MAX_LABEL_CHARS - 1] + "…"


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^n at or above `value` (an axis' top)."""
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 2.5, 5, 10) if step * power >= value)


# --- lines over days -----------------------------------------------------------------------


@dataclass(frozen=True)
class Tick:
    position: float  # x for the x axis, y for the y axis
    text: str


@dataclass(frozen=True)
class Series:
    name: str
    colour: str
    points: str  # the polyline's "x,y x,y ..."
    total: str  # shown in the legend


@dataclass(frozen=True)
class LineChart:
    name: str
    caption: str
    series: tuple[Series, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    width: int = LINE_WIDTH
    height: int = LINE_HEIGHT
    left: int = LEFT
    right_edge: int = LINE_WIDTH - RIGHT
    bottom_edge: int = LINE_HEIGHT - BOTTOM


def _x_positions(count: int) -> list[float]:
    span = LINE_WIDTH - LEFT - RIGHT
    if count == 1:
        return [LEFT + span / 2]
    return [round(LEFT + span * index / (count - 1), 1) for index in range(count)]


def _y(value: float, top_value: float) -> float:
    span = LINE_HEIGHT - TOP - BOTTOM
    return round(TOP + span * (1 - value / top_value), 1)


def _x_ticks(days: Sequence[date], xs: Sequence[float]) -> tuple[Tick, ...]:
    """The first of each month over long periods; evenly spaced days over short ones."""
    if len(days) > 62:
        chosen = [index for index, day in enumerate(days) if day.day == 1] or [0]
    else:
        step = max(1, math.ceil(len(days) / MAX_X_LABELS))
        chosen = list(range(0, len(days), step))
    if len(chosen) > MAX_X_LABELS:  # a long period: every second or third month
        chosen = chosen[:: math.ceil(len(chosen) / MAX_X_LABELS)]
    return tuple(Tick(xs[index], short_day(days[index])) for index in chosen)


def line_chart(
    name: str,
    caption: str,
    days: Sequence[date],
    series: Sequence[tuple[str, Sequence[float | None], str]],
    *,
    places: int = 0,
) -> LineChart:
    """One line per series (name, a value per day, its total as text) over the days; a
    day without a value (None) has no point, the line joins its neighbours."""
    xs = _x_positions(len(days))
    largest = max((v for _, values, _ in series for v in values if v is not None), default=0)
    top_value = nice_ceiling(largest)
    drawn = tuple(
        Series(
            name=label,
            colour=PALETTE[index % len(PALETTE)],
            points=" ".join(
                f"{x},{_y(v, top_value)}" for x, v in zip(xs, values, strict=True) if v is not None
            ),
            total=total,
        )
        for index, (label, values, total) in enumerate(series)
    )
    y_ticks = tuple(
        Tick(_y(top_value * step / 4, top_value), decimal(top_value * step / 4, places))
        for step in range(5)
    )
    return LineChart(name, caption, drawn, _x_ticks(days, xs), y_ticks)


# --- horizontal bars -------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str  # shortened to fit the label column
    title: str  # the full label, shown on hover
    text: str  # the value as printed next to the bar
    y: int
    width: float


@dataclass(frozen=True)
class BarChart:
    name: str
    caption: str
    colour: str
    bars: tuple[Bar, ...]
    width: int = BAR_WIDTH
    label_width: int = BAR_LABEL_WIDTH

    @property
    def height(self) -> int:
        return ROW_HEIGHT * len(self.bars)


def bar_chart(
    name: str,
    caption: str,
    items: Sequence[tuple[str, float, str]],
    colour: str = PALETTE[0],
    *,
    titles: Sequence[str] | None = None,
) -> BarChart:
    """Bars scaled to the largest value; items are (label, value, value as text).
    `titles`, one per item, are the full names shown on hover where a label is an
    abbreviation (an agency's short name); otherwise the label is its own title."""
    largest = max((value for _, value, _ in items), default=0)
    names = titles if titles is not None else [label for label, _, _ in items]
    bars = tuple(
        Bar(
            label=_shortened(label),
            title=title,
            text=text,
            y=index * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) // 2,
            # A value above zero keeps a sliver of a bar, so it is not read as none.
            width=round(max(2.0, BAR_SPACE * value / largest), 1) if value and largest else 0.0,
        )
        for index, ((label, value, text), title) in enumerate(zip(items, names, strict=True))
    )
    return BarChart(name, caption, colour, bars)


# --- one bar split into shares ------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    key: str
    label: str
    colour: str
    x: float
    width: float
    count: int
    percent: str  # "61,2 %"


@dataclass(frozen=True)
class ShareChart:
    name: str
    caption: str
    segments: tuple[Segment, ...]
    width: int = SHARE_WIDTH
    height: int = SHARE_HEIGHT


def share_chart(name: str, caption: str, parts: Sequence[tuple[str, str, str, int]]) -> ShareChart:
    """A bar of the whole, one segment per part (key, label, colour, count)."""
    total = sum(count for _, _, _, count in parts)
    segments, x = [], 0.0
    for key, label, colour, count in parts:
        width = round(SHARE_WIDTH * count / total, 1) if total else 0.0
        share = 100 * count / total if total else 0.0
        segments.append(Segment(key, label, colour, x, width, count, f"{decimal(share)} %"))
        x = round(x + width, 1)
    return ShareChart(name, caption, tuple(segments))
