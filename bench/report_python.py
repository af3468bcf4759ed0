"""The baseline of the reports benchmark: the same counts as permits.reports, done in
Python over the period's rows loaded from the database.

Written apart from the SQL on purpose, so each checks the other: days by the zone's
rules (zoneinfo), channels by `channel_of`, the permit from the NLU's JSON (not from
the permit_type column), the outcome rule spelled out again below.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Executable, select
from sqlalchemy.ext.asyncio import AsyncSession

from permits.clock import local_day
from permits.inbox import LOW_CONFIDENCE, NOT_UNDERSTOOD
from permits.models import Complaint, Handoff, Message
from permits.reports import (
    CHANNELS,
    HANDOFF_INTENT,
    OTHER_CHANNEL,
    WAIT_LIMITS,
    Counts,
    HandoffDay,
    Outcome,
    Period,
    TopicCount,
    permit_names,
)
from permits.states import MessageDirection, MessageState, Sender
from permits.transcripts import channel_of, permit_of

BATCH = 20_000  # rows fetched at a time: a year's rows with their JSON would not fit


@dataclass
class Timing:
    load: float = 0.0  # fetching and decoding rows
    count: float = 0.0  # the Python counting itself

    @property
    def total(self) -> float:
        return self.load + self.count


def outcome_of(state: str, intent: str | None, confidence: float | None) -> Outcome:
    """Outcome by its rule (permits.reports.outcome_conditions), in Python."""
    if state == MessageState.HELD:
        return Outcome.AGENT
    if state != MessageState.ANSWERED:
        return Outcome.UNANSWERED
    if intent == HANDOFF_INTENT:
        return Outcome.AGENT
    if intent in NOT_UNDERSTOOD or (confidence is not None and confidence < LOW_CONFIDENCE):
        return Outcome.NOT_UNDERSTOOD
    return Outcome.BOT


def wait_class(seconds: float) -> int:
    return next((i for i, limit in enumerate(WAIT_LIMITS) if seconds < limit), len(WAIT_LIMITS))


async def _rows(session: AsyncSession, query: Executable, timing: Timing) -> list[Any]:
    """All rows of `query`, fetched in batches; the time goes to `timing.load`."""
    started = time.perf_counter()
    result = await session.stream(query.execution_options(yield_per=BATCH))
    rows = [row async for row in result]
    timing.load += time.perf_counter() - started
    return rows


async def _count_questions(
    session: AsyncSession, period: Period, counts: Counts, timing: Timing
) -> None:
    query = select(
        Message.at, Message.conversation_id, Message.state, Message.intent, Message.confidence,
        Message.nlu,
    ).where(
        Message.direction == MessageDirection.IN,
        Message.sender == Sender.USER,
        Message.at >= period.start,
        Message.at < period.end,
    )  # fmt: skip
    started = time.perf_counter()
    result = await session.stream(query.execution_options(yield_per=BATCH))
    questions: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    topics: dict[tuple[str | None, str | None, str], int] = defaultdict(int)
    counting = 0.0
    async for partition in result.partitions():
        tick = time.perf_counter()
        for at, conversation_id, state, intent, confidence, nlu in partition:
            channel = channel_of(conversation_id)
            known = channel if channel in CHANNELS else OTHER_CHANNEL
            questions[local_day(at, period.zone)][known] += 1
            topics[intent, permit_of(nlu), outcome_of(state, intent, confidence).value] += 1
        counting += time.perf_counter() - tick
    timing.count += counting
    timing.load += time.perf_counter() - started - counting
    counts.questions = {day: dict(channels) for day, channels in questions.items()}
    counts.topics = [TopicCount(*key, count) for key, count in topics.items()]


async def _count_handoffs(
    session: AsyncSession, period: Period, counts: Counts, timing: Timing
) -> None:
    in_period = (Handoff.created_at >= period.start, Handoff.created_at < period.end)
    rows = await _rows(
        session, select(Handoff.created_at, Handoff.claimed_at).where(*in_period), timing
    )
    surveyed = await _rows(
        session,
        select(Handoff.survey_asked_at, Handoff.survey_score).where(
            Handoff.survey_score.is_not(None),
            Handoff.survey_asked_at >= period.start,
            Handoff.survey_asked_at < period.end,
        ),
        timing,
    )
    started = time.perf_counter()
    days: dict[date, HandoffDay] = defaultdict(HandoffDay)
    classes: dict[int, int] = defaultdict(int)
    for created, claimed in rows:
        day = days[local_day(created, period.zone)]
        day.handoffs += 1
        if claimed is not None:
            seconds = round((claimed - created).total_seconds(), 3)
            day.claimed += 1
            day.wait_seconds += seconds
            classes[wait_class(seconds)] += 1
    surveys: dict[date, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for asked, score in surveyed:
        surveys[local_day(asked, period.zone)][score] += 1
    counts.handoffs, counts.waits = dict(days), dict(classes)
    counts.surveys = {day: dict(scores) for day, scores in surveys.items()}
    timing.count += time.perf_counter() - started


async def _count_complaints(
    session: AsyncSession, period: Period, counts: Counts, timing: Timing
) -> None:
    query = select(Complaint.created_at, Complaint.category).where(
        Complaint.created_at >= period.start, Complaint.created_at < period.end
    )
    rows = await _rows(session, query, timing)
    started = time.perf_counter()
    complaints: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for created, category in rows:
        complaints[local_day(created, period.zone)][category] += 1
    counts.complaints = {day: dict(categories) for day, categories in complaints.items()}
    timing.count += time.perf_counter() - started


async def count_in_python(session: AsyncSession, period: Period) -> tuple[Counts, Timing]:
    timing = Timing()
    counts = Counts(period=period, permit_names=await permit_names(session))
    await _count_questions(session, period, counts, timing)
    await _count_handoffs(session, period, counts, timing)
    await _count_complaints(session, period, counts, timing)
    return counts, timing


def differences(sql: Counts, python: Counts) -> list[str]:
    """Where the two disagree (empty: they agree); waits to the millisecond."""
    found = []
    for name in ("questions", "waits", "surveys", "complaints"):
        if getattr(sql, name) != getattr(python, name):
            found.append(name)
    if sorted(map(_topic_key, sql.topics)) != sorted(map(_topic_key, python.topics)):
        found.append("topics")
    days = sql.handoffs.keys() | python.handoffs.keys()
    for day in sorted(days):
        a, b = sql.handoffs.get(day, HandoffDay()), python.handoffs.get(day, HandoffDay())
        if (a.handoffs, a.claimed) != (b.handoffs, b.claimed) or abs(
            a.wait_seconds - b.wait_seconds
        ) > 0.001 * max(1, a.claimed):
            found.append(f"handoffs on {day}")
    return found


def _topic_key(topic: TopicCount) -> tuple[str, str, str, int]:
    return (topic.intent or "", topic.permit or "", topic.outcome, topic.count)
