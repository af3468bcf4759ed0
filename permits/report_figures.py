"""The report's figures, added up from what SQL counted (permits.reports.Counts).

Nothing here reads a message: the inputs are grouped rows, a few thousand for a
year.

Satisfaction follows the public-service satisfaction survey (Survei Kepuasan
Masyarakat, PermenPAN-RB 14/2017): answers on a 1-4 scale, their mean times 25 is
the SKM value (25-100), read as a grade from A (sangat baik) to D (tidak baik).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from permits.reports import CHANNELS, OTHER_CHANNEL, WAIT_LIMITS, Counts, Outcome

# The lowest SKM value (25-100) of each grade, best first.
SKM_GRADES = ((88.31, "A"), (76.61, "B"), (65.00, "C"), (25.00, "D"))
SKM_FACTOR = 25
PROMPT_WAIT = 300  # seconds: a claim within 5 minutes counts as prompt (WAIT_LIMITS[1])
DAILY_SPAN_DAYS = 31  # up to a month, trends are shown per day
WEEKLY_SPAN_DAYS = 183  # up to half a year per week, beyond that per month


@dataclass(frozen=True)
class PermitFigure:
    slug: str
    name: str
    total: int
    by_intent: dict[str, int]


@dataclass(frozen=True)
class WaitFigures:
    handoffs: int
    claimed: int
    mean_minutes: float | None
    prompt_share: float | None  # claimed within PROMPT_WAIT, of the claimed
    classes: list[int]  # claimed handoffs per class of WAIT_LIMITS (one more: longer)

    @property
    def unclaimed(self) -> int:
        return self.handoffs - self.claimed


@dataclass(frozen=True)
class Span:
    """A stretch of days a trend point stands for: one day, a week or a month."""

    first: date
    last: date


@dataclass(frozen=True)
class SatisfactionPoint:
    span: Span
    answers: int
    mean: float | None  # 1-4


@dataclass(frozen=True)
class Satisfaction:
    answers: int
    mean: float | None  # 1-4
    scores: dict[int, int]  # answers per score 1-4
    trend: list[SatisfactionPoint]

    @property
    def value(self) -> float | None:
        """The SKM value, 25-100."""
        return None if self.mean is None else self.mean * SKM_FACTOR

    @property
    def grade(self) -> str | None:
        value = self.value
        if value is None:
            return None
        return next(grade for lowest, grade in SKM_GRADES if value >= lowest or grade == "D")


@dataclass(frozen=True)
class DayFigures:
    """One row of the daily table (the CSV export)."""

    day: date
    questions: dict[str, int]  # per channel
    handoffs: int
    claimed: int
    mean_wait_minutes: float | None
    survey_answers: int
    survey_mean: float | None
    complaints: dict[str, int]  # per category

    @property
    def question_total(self) -> int:
        return sum(self.questions.values())


def _mean(total: float, count: int) -> float | None:
    return total / count if count else None


def _added(parts: Iterable[dict[str, int]]) -> Counter[str]:
    total: Counter[str] = Counter()
    for part in parts:
        total.update(part)
    return total


# --- questions ------------------------------------------------------------------------------


def channels_seen(counts: Counts) -> list[str]:
    """CHANNELS, then OTHER_CHANNEL if any question came from another channel."""
    others = [OTHER_CHANNEL] if _added(counts.questions.values())[OTHER_CHANNEL] else []
    return [*CHANNELS, *others]


def channel_totals(counts: Counts) -> dict[str, int]:
    totals = _added(counts.questions.values())
    return {channel: totals.get(channel, 0) for channel in channels_seen(counts)}


def question_total(counts: Counts) -> int:
    return sum(sum(day.values()) for day in counts.questions.values())


def helpful_share(counts: Counts) -> float | None:
    """Of the answers applicants judged ("Ya"/"Tidak", "membantu"), the helpful ones."""
    return _mean(counts.verdicts.get(True, 0), sum(counts.verdicts.values()))


def outcome_totals(counts: Counts) -> dict[Outcome, int]:
    totals = dict.fromkeys(Outcome, 0)
    for topic in counts.topics:
        totals[Outcome(topic.outcome)] += topic.count
    return totals


def top_intents(counts: Counts, limit: int = 10) -> list[tuple[str, int]]:
    """The most frequent intents, most first (ties by name); unread ones are left out."""
    totals: Counter[str] = Counter()
    for topic in counts.topics:
        if topic.intent is not None:
            totals[topic.intent] += topic.count
    return sorted(totals.items(), key=lambda item: (-item[1], item[0]))[:limit]


def top_permits(counts: Counts, limit: int = 10) -> list[PermitFigure]:
    """The permits questions named most, with what was asked of each (by intent)."""
    by_permit: dict[str, Counter[str]] = defaultdict(Counter)
    for topic in counts.topics:
        if topic.permit is not None:
            by_permit[topic.permit][topic.intent or ""] += topic.count
    figures = [
        PermitFigure(
            slug=slug,
            name=counts.permit_names.get(slug, slug),
            total=sum(intents.values()),
            by_intent=dict(intents),
        )
        for slug, intents in by_permit.items()
    ]
    return sorted(figures, key=lambda figure: (-figure.total, figure.name))[:limit]


# --- the call centre ------------------------------------------------------------------------


def wait_figures(counts: Counts) -> WaitFigures:
    handoffs = sum(day.handoffs for day in counts.handoffs.values())
    claimed = sum(day.claimed for day in counts.handoffs.values())
    seconds = sum(day.wait_seconds for day in counts.handoffs.values())
    classes = [counts.waits.get(index, 0) for index in range(len(WAIT_LIMITS) + 1)]
    prompt = sum(classes[: WAIT_LIMITS.index(PROMPT_WAIT) + 1])
    mean = _mean(seconds, claimed)
    return WaitFigures(
        handoffs=handoffs,
        claimed=claimed,
        mean_minutes=None if mean is None else mean / 60,
        prompt_share=_mean(prompt, claimed),
        classes=classes,
    )


def trend_spans(first: date, last: date) -> list[Span]:
    """Days for up to a month, weeks (from Monday) up to half a year, else months;
    the first and last spans are cut to the period."""
    length = (last - first).days + 1
    spans: list[Span] = []
    start = first
    while start <= last:
        if length <= DAILY_SPAN_DAYS:
            end = start
        elif length <= WEEKLY_SPAN_DAYS:
            end = start + timedelta(days=6 - start.weekday())
        else:
            following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
            end = following - timedelta(days=1)
        spans.append(Span(start, min(end, last)))
        start = min(end, last) + timedelta(days=1)
    return spans


def satisfaction(counts: Counts) -> Satisfaction:
    scores: Counter[int] = Counter()
    for of_day in counts.surveys.values():
        scores.update(of_day)
    trend = []
    for span in trend_spans(counts.period.first, counts.period.last):
        in_span: Counter[int] = Counter()
        for day, of_day in counts.surveys.items():
            if span.first <= day <= span.last:
                in_span.update(of_day)
        total = sum(in_span.values())
        weighted = sum(score * number for score, number in in_span.items())
        trend.append(SatisfactionPoint(span, total, _mean(weighted, total)))
    answers = sum(scores.values())
    return Satisfaction(
        answers=answers,
        mean=_mean(sum(score * number for score, number in scores.items()), answers),
        scores={score: scores.get(score, 0) for score in (1, 2, 3, 4)},
        trend=trend,
    )


# --- complaints and the daily table -----------------------------------------------------------


def complaint_totals(counts: Counts) -> dict[str, int]:
    return dict(_added(counts.complaints.values()))


def daily(counts: Counts) -> list[DayFigures]:
    """Every day of the period, days without traffic too (a chart's zero, a CSV row)."""
    rows = []
    for day in counts.period.days:
        handoffs = counts.handoffs.get(day)
        surveys = counts.surveys.get(day, {})
        answers = sum(surveys.values())
        wait = _mean(handoffs.wait_seconds, handoffs.claimed) if handoffs else None
        rows.append(
            DayFigures(
                day=day,
                questions=counts.questions.get(day, {}),
                handoffs=handoffs.handoffs if handoffs else 0,
                claimed=handoffs.claimed if handoffs else 0,
                mean_wait_minutes=None if wait is None else wait / 60,
                survey_answers=answers,
                survey_mean=_mean(sum(s * n for s, n in surveys.items()), answers),
                complaints=counts.complaints.get(day, {}),
            )
        )
    return rows
