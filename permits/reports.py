"""The head of office's report (Laporan): how many questions came in on which channel,
what they were about, what became of them, how long people waited for an agent, how
satisfied they were and what they complained about, over a period of days.

Everything is counted in SQL, per office day (or per intent and permit), so a year of
a large office's traffic is counted in a fraction of the time it takes only to load
its rows into Python (docs/benchmarks.md, "Reports"). Python only adds up the counted
rows, a few thousand at most (permits/report_figures.py).

Days. A day is 24 hours from midnight at the office, the zone's offset taken on the
period's first day: exact for Indonesia's zones (WIB, WITA and WIT keep no summer
time), an hour off near a summer-time change elsewhere, and the same on SQLite (which
has no time zones) and PostgreSQL.

Questions. A question is a user's message (direction in, sender user). Two partial
indexes hold exactly those rows, with every column counted here, so a year of them
is read from an index alone: ix_messages_questions in time order and
ix_messages_question_topics in intent and permit order. PostgreSQL groups rows by
hashing them and reads the first for everything. SQLite groups only by sorting, which
for a year's rows is the slowest part of a report, so it counts without sorting:
each day's counts, per channel, from one range of the first index, and
intents and permits grouped in the order the second one runs. The queries read the
rows through `_question_rows`, which names the same condition as the indexes
(permits.models.conversations.QUESTION_ROWS) and, on SQLite, the index itself.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Integer,
    Subquery,
    and_,
    case,
    column,
    extract,
    func,
    literal_column,
    null,
    or_,
    select,
    text,
    values,
)
from sqlalchemy.ext.asyncio import AsyncSession

from permits.clock import day_start
from permits.feedback import verdicts_between
from permits.inbox import LOW_CONFIDENCE, NOT_UNDERSTOOD
from permits.models import Complaint, Handoff, Message, PermitType, UTCDateTime
from permits.models.conversations import QUESTION_ROWS
from permits.states import MessageState

# The intent of a request for a person (the intent contract of DESIGN.md).
HANDOFF_INTENT = "human_handoff"
# The channels a conversation id starts with ("whatsapp:+62..."), counted one by one;
# questions of any other channel are counted as OTHER_CHANNEL.
CHANNELS = ("whatsapp", "telegram", "web", "api")
OTHER_CHANNEL = "lainnya"
BY_TIME = "ix_messages_questions"
BY_TOPIC = "ix_messages_question_topics"
# Upper bounds, in seconds, of the classes of waiting time to a claim; one more class
# holds the longer waits.
WAIT_LIMITS = (60, 300, 900, 3600)


class Outcome(StrEnum):
    """What became of a question, each question in exactly one class."""

    BOT = "bot"  # answered by the bot, or by the gateway itself (a survey score, a number)
    AGENT = "petugas"  # an agent held the conversation, or the user asked for a person
    NOT_UNDERSTOOD = "tidak_dipahami"  # fallback, out of scope, or an unsure reading
    UNANSWERED = "belum_dijawab"  # over the flood limit, Rasa down, or still waiting


@dataclass(frozen=True)
class Period:
    """The days first..last (both included) at the office."""

    first: date
    last: date
    zone: ZoneInfo

    @property
    def start(self) -> datetime:
        return day_start(self.first, self.zone)

    @property
    def end(self) -> datetime:
        return day_start(self.last + timedelta(days=1), self.zone)

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    @property
    def offset_seconds(self) -> int:
        offset = self.start.utcoffset()
        return int(offset.total_seconds()) if offset is not None else 0

    def day_bounds(self) -> list[tuple[int, datetime, datetime]]:
        """(day number, first moment, first moment of the next) for each day."""
        return [
            (n, self.start + timedelta(days=n), self.start + timedelta(days=n + 1))
            for n in range(len(self.days))
        ]


@dataclass(frozen=True)
class TopicCount:
    """Questions of one intent naming one permit (or none) that ended one way."""

    intent: str | None
    permit: str | None
    outcome: str
    count: int


@dataclass
class HandoffDay:
    """Conversations handed to the call centre on one day, and how long they waited."""

    handoffs: int = 0
    claimed: int = 0
    wait_seconds: float = 0.0  # over the claimed ones


@dataclass
class Counts:
    """What SQL counted for a period; the page's figures are sums of these."""

    period: Period
    questions: dict[date, dict[str, int]] = field(default_factory=dict)  # day, channel
    topics: list[TopicCount] = field(default_factory=list)
    handoffs: dict[date, HandoffDay] = field(default_factory=dict)
    waits: dict[int, int] = field(default_factory=dict)  # class (index of WAIT_LIMITS)
    surveys: dict[date, dict[int, int]] = field(default_factory=dict)  # day, score 1-4
    complaints: dict[date, dict[str, int]] = field(default_factory=dict)  # day, category
    permit_names: dict[str, str] = field(default_factory=dict)
    # Answers applicants judged, by whether they helped (permits/feedback.py).
    verdicts: dict[bool, int] = field(default_factory=dict)


# --- expressions of one dialect -----------------------------------------------------------


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


def _day(column: Any, period: Period, dialect: str) -> ColumnElement[Any]:
    """The office day a moment falls on: a date text on SQLite, the day's first moment
    on PostgreSQL (read back by `_as_day`)."""
    if dialect == "postgresql":
        return func.date_bin(literal_column("INTERVAL '1 day'"), column, period.start)
    return func.date(column, f"{period.offset_seconds:+d} seconds")


def _as_day(value: Any, period: Period) -> date:
    if isinstance(value, datetime):
        return value.astimezone(period.zone).date()
    return date.fromisoformat(str(value))


def _seconds_between(earlier: Any, later: Any, dialect: str) -> ColumnElement[float]:
    """Seconds to the millisecond: SQLite's julianday is a double that is off by some
    microseconds (600 s read as 600.0000045), so both databases round."""
    if dialect == "postgresql":
        return func.round(extract("epoch", later - earlier), 3)
    return func.round((func.julianday(later) - func.julianday(earlier)) * 86400.0, 3)


def _wait_class(seconds: ColumnElement[float]) -> ColumnElement[int]:
    """The index of the first WAIT_LIMITS bound a wait stays under (len: longer)."""
    whens = [(seconds < limit, index) for index, limit in enumerate(WAIT_LIMITS)]
    return case((seconds.is_(None), null()), *whens, else_=len(WAIT_LIMITS))


def _question_rows(dialect: str, index: str) -> Subquery:
    """The questions, with the columns the report counts, read from `index`.

    SQLite is told the index (INDEXED BY): it keeps no statistics until someone runs
    ANALYZE, and without them its planner prefers ix_messages_delivery (direction =
    'in') and reads every inbound message's row, for the counts per day once for each
    day and channel.
    """
    hint = f" INDEXED BY {index}" if dialect == "sqlite" else ""
    statement = text(
        "SELECT at, conversation_id, state, intent, confidence, permit_type "
        f"FROM messages{hint} WHERE {QUESTION_ROWS.text}"
    )
    return statement.columns(
        Message.at,
        Message.conversation_id,
        Message.state,
        Message.intent,
        Message.confidence,
        Message.permit_type,
    ).subquery("questions")


async def questions_by_day(session: AsyncSession, period: Period) -> dict[date, dict[str, int]]:
    """Questions per day and channel (CHANNELS, the rest as OTHER_CHANNEL).

    Each database counts them its fastest way (docs/benchmarks.md, "Reports"):
    PostgreSQL groups the rows by hashing them; SQLite would have to sort them, so
    there each day's counts come from one range of the index in time order (which on
    PostgreSQL is slower than hashing).
    """
    dialect = _dialect(session)
    if dialect == "postgresql":
        return await _questions_grouped(session, period, dialect)
    return await _questions_ranged(session, period, dialect)


def _known_channel(channel: str) -> str:
    return channel if channel in CHANNELS else OTHER_CHANNEL


async def _questions_grouped(
    session: AsyncSession, period: Period, dialect: str
) -> dict[date, dict[str, int]]:
    questions = _question_rows(dialect, BY_TIME)
    rows = (
        select(
            _day(questions.c.at, period, dialect).label("day"),
            func.split_part(questions.c.conversation_id, ":", 1).label("channel"),
        )
        .where(questions.c.at >= period.start, questions.c.at < period.end)
        .subquery()
    )
    query = select(rows.c.day, rows.c.channel, func.count()).group_by(rows.c.day, rows.c.channel)
    counts: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for day, channel, count in await session.execute(query):
        counts[_as_day(day, period)][_known_channel(channel)] += count
    return {day: dict(channels) for day, channels in counts.items()}


def _of_channel(questions: Subquery, channel: str) -> ColumnElement[bool]:
    prefix = f"{channel}:"
    return func.substr(questions.c.conversation_id, 1, len(prefix)) == prefix


async def _questions_ranged(
    session: AsyncSession, period: Period, dialect: str
) -> dict[date, dict[str, int]]:
    questions = _question_rows(dialect, BY_TIME)
    days = (
        values(
            column("n", Integer),
            column("starts", UTCDateTime()),
            column("ends", UTCDateTime()),
            name="days",
        )
        .data(period.day_bounds())
        .cte("days")
    )

    # One scalar subquery per day, which can return one value only: the day's counts
    # (all its questions, then each channel's) come as a JSON array, read in one range.
    counts_of_day = (
        select(
            func.json_array(
                func.count(),
                *(func.count().filter(_of_channel(questions, channel)) for channel in CHANNELS),
            )
        )
        .select_from(questions)
        .where(questions.c.at >= days.c.starts, questions.c.at < days.c.ends)
        .scalar_subquery()
    )
    calendar = period.days
    counts: dict[date, dict[str, int]] = {}
    for n, counted in await session.execute(select(days.c.n, counts_of_day)):
        total, *by_channel = json.loads(counted)
        if not total:
            continue
        day = dict(zip(CHANNELS, by_channel, strict=True))
        day[OTHER_CHANNEL] = total - sum(by_channel)
        counts[calendar[n]] = {channel: count for channel, count in day.items() if count}
    return counts


def outcome_conditions(questions: Subquery) -> dict[Outcome, ColumnElement[bool]]:
    """The rule of Outcome over a question's row, as conditions for all classes but
    BOT, which holds the rest (bench/report_python.py spells the same rule in Python,
    and the benchmark checks one against the other). Where a condition meets NULL (no
    intent, no confidence) it does not hold, so such a question is the bot's answer:
    the gateway's own answers (a survey score, a call-back number) have no intent."""
    answered = questions.c.state == MessageState.ANSWERED
    handoff = questions.c.intent == HANDOFF_INTENT
    return {
        Outcome.AGENT: or_(questions.c.state == MessageState.HELD, and_(answered, handoff)),
        Outcome.UNANSWERED: questions.c.state.not_in((MessageState.HELD, MessageState.ANSWERED)),
        Outcome.NOT_UNDERSTOOD: and_(
            answered,
            func.coalesce(questions.c.intent, "") != HANDOFF_INTENT,
            or_(
                questions.c.intent.in_(NOT_UNDERSTOOD),
                questions.c.confidence < LOW_CONFIDENCE,
            ),
        ),
    }


async def topics(session: AsyncSession, period: Period) -> list[TopicCount]:
    """Questions per intent, permit and outcome: grouped by intent and permit (on
    SQLite in the order ix_messages_question_topics runs), each outcome counted
    alongside."""
    questions = _question_rows(_dialect(session), BY_TOPIC)
    conditions = outcome_conditions(questions)
    query = (
        select(
            questions.c.intent,
            questions.c.permit_type,
            func.count(),
            *(func.count().filter(condition) for condition in conditions.values()),
        )
        .where(questions.c.at >= period.start, questions.c.at < period.end)
        .group_by(questions.c.intent, questions.c.permit_type)
    )
    counted = []
    for intent, permit, total, *others in await session.execute(query):
        by_outcome = dict(zip(conditions, others, strict=True))
        by_outcome[Outcome.BOT] = total - sum(others)
        counted += [
            TopicCount(intent, permit, outcome.value, count)
            for outcome, count in by_outcome.items()
            if count
        ]
    return counted


async def handoffs_by_day(
    session: AsyncSession, period: Period
) -> tuple[dict[date, HandoffDay], dict[int, int]]:
    """Handoffs created in the period per day, and the claimed ones per class of wait."""
    dialect = _dialect(session)
    wait = _seconds_between(Handoff.created_at, Handoff.claimed_at, dialect)
    rows = (
        select(
            _day(Handoff.created_at, period, dialect).label("day"),
            wait.label("wait"),
            _wait_class(wait).label("class"),
        )
        .where(Handoff.created_at >= period.start, Handoff.created_at < period.end)
        .subquery()
    )
    query = select(
        rows.c.day, rows.c["class"], func.count(), func.count(rows.c.wait), func.sum(rows.c.wait)
    ).group_by(rows.c.day, rows.c["class"])
    days: dict[date, HandoffDay] = defaultdict(HandoffDay)
    classes: dict[int, int] = defaultdict(int)
    for day, wait_class, handoffs, claimed, seconds in await session.execute(query):
        entry = days[_as_day(day, period)]
        entry.handoffs += handoffs
        entry.claimed += claimed
        entry.wait_seconds += float(seconds or 0)
        if wait_class is not None and claimed:
            classes[int(wait_class)] += claimed
    return dict(days), dict(classes)


async def surveys_by_day(session: AsyncSession, period: Period) -> dict[date, dict[int, int]]:
    """Satisfaction answers (SKM scale 1-4) per day the survey was sent, per score."""
    dialect = _dialect(session)
    rows = (
        select(
            _day(Handoff.survey_asked_at, period, dialect).label("day"),
            Handoff.survey_score.label("score"),
        )
        .where(
            Handoff.survey_score.is_not(None),
            Handoff.survey_asked_at >= period.start,
            Handoff.survey_asked_at < period.end,
        )
        .subquery()
    )
    query = select(rows.c.day, rows.c.score, func.count()).group_by(rows.c.day, rows.c.score)
    counts: dict[date, dict[int, int]] = defaultdict(dict)
    for day, score, count in await session.execute(query):
        counts[_as_day(day, period)][int(score)] = count
    return dict(counts)


async def complaints_by_day(session: AsyncSession, period: Period) -> dict[date, dict[str, int]]:
    dialect = _dialect(session)
    rows = (
        select(
            _day(Complaint.created_at, period, dialect).label("day"),
            Complaint.category.label("category"),
        )
        .where(Complaint.created_at >= period.start, Complaint.created_at < period.end)
        .subquery()
    )
    query = select(rows.c.day, rows.c.category, func.count()).group_by(rows.c.day, rows.c.category)
    counts: dict[date, dict[str, int]] = defaultdict(dict)
    for day, category, count in await session.execute(query):
        counts[_as_day(day, period)][category] = count
    return dict(counts)


async def permit_names(session: AsyncSession) -> dict[str, str]:
    """Every permit type's name by slug, inactive ones too: old questions name them."""
    rows = await session.execute(select(PermitType.slug, PermitType.name))
    return {slug: name for slug, name in rows}


async def count_period(session: AsyncSession, period: Period) -> Counts:
    """Everything the report shows for a period, counted by the database."""
    handoffs, waits = await handoffs_by_day(session, period)
    return Counts(
        period=period,
        questions=await questions_by_day(session, period),
        topics=await topics(session, period),
        handoffs=handoffs,
        waits=waits,
        surveys=await surveys_by_day(session, period),
        complaints=await complaints_by_day(session, period),
        permit_names=await permit_names(session),
        verdicts=await verdicts_between(session, period.start, period.end),
    )
