"""The report's counts (permits.reports) on a small hand-made set, on SQLite and
PostgreSQL: days at the office's midnight, channels, outcomes, intents and permits,
waiting times, satisfaction and complaint categories."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from permits import report_figures as figures
from permits.clock import office_zone
from permits.db import create_engine, downgrade, migrate
from permits.models import Complaint, Conversation, Handoff, Message
from permits.reports import HandoffDay, Outcome, Period, count_period, questions_by_day
from permits.transcripts import Outgoing, permit_of, record_inbound, settle_inbound

WIB = office_zone("Asia/Jakarta")
WITA = office_zone("Asia/Makassar")
MARCH = Period(date(2026, 3, 1), date(2026, 3, 3), WIB)
CONVERSATIONS = ("whatsapp:+62811", "telegram:42", "web:abc", "api:x")


def at(day: int, hour: int, minute: int = 0, second: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, second, tzinfo=UTC)


def question(conversation: str, moment: datetime, intent: str | None, **fields: Any) -> Message:
    values: dict[str, Any] = {"state": "answered", "confidence": 0.9 if intent else None}
    values.update(fields)
    return Message(
        conversation_id=conversation,
        direction="in",
        sender="user",
        text="?",
        at=moment,
        intent=intent,
        **values,
    )


def reply(conversation: str, moment: datetime, sender: str = "bot") -> Message:
    return Message(
        conversation_id=conversation,
        direction="out",
        sender=sender,
        text="jawaban",
        at=moment,
        state="sent",
        intent="ask_fee",  # never counted: not a question
    )


async def seed(session: AsyncSession) -> None:
    """1 March (WIB): six questions; 2 March: three; one on either side outside."""
    whatsapp, telegram, web, api = CONVERSATIONS
    session.add_all(Conversation(id=c, channel=c.partition(":")[0]) for c in CONVERSATIONS)
    await session.flush()
    session.add_all(
        [
            # 23:59 WIB on 28 February and 00:00 WIB on 4 March: outside the period.
            question(whatsapp, at(28, 16, 59, month=2), "greet"),
            question(whatsapp, at(3, 17), "greet"),
            # 1 March at the office.
            question(whatsapp, at(1, 1), "ask_requirements", permit_type="pbg"),
            reply(whatsapp, at(1, 1, 0, 1)),
            question(whatsapp, at(1, 2), "ask_fee", permit_type="pbg", confidence=0.95),
            question(telegram, at(1, 3), "nlu_fallback", confidence=0.3),
            question(web, at(1, 4), "human_handoff"),
            question(web, at(1, 4, 10), "check_status", state="held"),
            reply(web, at(1, 4, 11), sender="agent"),
            question(api, at(1, 16, 59, 59), "faq", confidence=0.5),  # 23:59:59 WIB
            # 2 March at the office, from its first second.
            question(telegram, at(1, 17), "ask_requirements", permit_type="nib", confidence=0.8),
            question(whatsapp, at(2, 5), None, state="limited"),
            question(whatsapp, at(2, 5, 1), None),  # a survey score the gateway answered
            Handoff(
                conversation_id=web,
                reason="request",
                state="closed",
                created_at=at(1, 4, 0, 1),
                claimed_at=at(1, 4, 0, 31),
                closed_at=at(1, 4, 20),
                survey_asked_at=at(1, 4, 20),
                survey_score=4,
            ),
            Handoff(
                conversation_id=whatsapp,
                reason="request",
                state="closed",
                created_at=at(2, 3),
                claimed_at=at(2, 3, 10),
                closed_at=at(2, 3, 30),
                survey_asked_at=at(2, 3, 30),
                survey_score=2,
            ),
            Handoff(
                conversation_id=telegram, reason="fallback", state="callback", created_at=at(2, 6)
            ),
            Handoff(
                conversation_id=api, reason="request", state="closed", created_at=at(20, 6, month=2)
            ),
            Complaint(
                ticket="ADU-1",
                conversation_id=None,
                text="pungli",
                category="integritas",
                anonymous=True,
                created_at=at(1, 5),
            ),
            Complaint(
                ticket="ADU-2",
                conversation_id=web,
                text="lama",
                category="pelayanan",
                created_at=at(2, 5),
            ),
            Complaint(
                ticket="ADU-3",
                conversation_id=web,
                text="kasar",
                category="pelayanan",
                created_at=at(2, 6),
            ),
            Complaint(
                ticket="ADU-4",
                conversation_id=web,
                text="lama",
                category="keterlambatan",
                created_at=at(5, 6),
            ),
        ]
    )
    await session.commit()


async def test_questions_are_counted_per_office_day_and_channel(session: AsyncSession) -> None:
    await seed(session)
    counts = await count_period(session, MARCH)
    assert counts.questions == {
        date(2026, 3, 1): {"whatsapp": 2, "telegram": 1, "web": 2, "api": 1},
        date(2026, 3, 2): {"telegram": 1, "whatsapp": 2},
    }
    assert figures.question_total(counts) == 9
    assert figures.channel_totals(counts) == {"whatsapp": 4, "telegram": 2, "web": 2, "api": 1}
    # In WITA (UTC+8) the api question of 23:59:59 WIB is already 2 March.
    wita = await questions_by_day(session, Period(date(2026, 3, 1), date(2026, 3, 3), WITA))
    assert wita[date(2026, 3, 2)] == {"telegram": 1, "whatsapp": 2, "api": 1}


async def test_each_question_has_one_outcome(session: AsyncSession) -> None:
    await seed(session)
    counts = await count_period(session, MARCH)
    assert figures.outcome_totals(counts) == {
        Outcome.BOT: 4,  # two PBG questions, the NIB one, the survey score
        Outcome.AGENT: 2,  # the request for a person and the held message
        Outcome.NOT_UNDERSTOOD: 2,  # the fallback and the unsure FAQ reading
        Outcome.UNANSWERED: 1,  # over the flood limit
    }


async def test_intents_and_permits_are_ranked(session: AsyncSession) -> None:
    await seed(session)
    counts = await count_period(session, MARCH)
    assert figures.top_intents(counts) == [
        ("ask_requirements", 2),
        ("ask_fee", 1),
        ("check_status", 1),
        ("faq", 1),
        ("human_handoff", 1),
        ("nlu_fallback", 1),
    ]
    assert figures.top_intents(counts, limit=1) == [("ask_requirements", 2)]
    pbg, nib = figures.top_permits(counts)
    assert (pbg.slug, pbg.total, pbg.by_intent) == ("pbg", 2, {"ask_requirements": 1, "ask_fee": 1})
    assert "PBG" in pbg.name and (nib.slug, nib.total) == ("nib", 1)


async def test_waiting_times_satisfaction_and_complaints(session: AsyncSession) -> None:
    await seed(session)
    counts = await count_period(session, MARCH)
    assert counts.handoffs.keys() == {date(2026, 3, 1), date(2026, 3, 2)}
    first, second = counts.handoffs[date(2026, 3, 1)], counts.handoffs[date(2026, 3, 2)]
    assert (first.handoffs, first.claimed, round(first.wait_seconds, 3)) == (1, 1, 30.0)
    assert (second.handoffs, second.claimed, round(second.wait_seconds, 3)) == (2, 1, 600.0)
    assert counts.waits == {0: 1, 2: 1}  # under a minute; 5 to 15 minutes
    waits = figures.wait_figures(counts)
    assert (waits.handoffs, waits.claimed, waits.unclaimed) == (3, 2, 1)
    assert waits.mean_minutes is not None and round(waits.mean_minutes, 2) == 5.25
    assert waits.prompt_share == 0.5 and waits.classes == [1, 0, 1, 0, 0]

    assert counts.surveys == {date(2026, 3, 1): {4: 1}, date(2026, 3, 2): {2: 1}}
    skm = figures.satisfaction(counts)
    assert (skm.answers, skm.mean, skm.value, skm.grade) == (2, 3.0, 75.0, "C")
    assert skm.scores == {1: 0, 2: 1, 3: 0, 4: 1}
    assert [(p.span.first.day, p.answers, p.mean) for p in skm.trend] == [
        (1, 1, 4.0),
        (2, 1, 2.0),
        (3, 0, None),
    ]

    assert counts.complaints == {
        date(2026, 3, 1): {"integritas": 1},
        date(2026, 3, 2): {"pelayanan": 2},
    }
    assert figures.complaint_totals(counts) == {"integritas": 1, "pelayanan": 2}


async def test_the_daily_table_has_every_day(session: AsyncSession) -> None:
    await seed(session)
    rows = figures.daily(await count_period(session, MARCH))
    assert [row.day.day for row in rows] == [1, 2, 3]
    assert [row.question_total for row in rows] == [6, 3, 0]
    assert [(row.handoffs, row.claimed) for row in rows] == [(1, 1), (2, 1), (0, 0)]
    assert rows[1].mean_wait_minutes == 10.0 and rows[2].mean_wait_minutes is None
    assert [row.survey_mean for row in rows] == [4.0, 2.0, None]


async def test_an_empty_period_counts_nothing(session: AsyncSession) -> None:
    counts = await count_period(session, MARCH)
    assert (counts.questions, counts.topics, counts.handoffs, counts.surveys) == ({}, [], {}, {})
    assert figures.wait_figures(counts).mean_minutes is None
    assert figures.satisfaction(counts).grade is None
    assert HandoffDay() == HandoffDay(0, 0, 0.0)


async def test_an_answer_keeps_the_permit_the_nlu_read(session: AsyncSession) -> None:
    inbound = await record_inbound(session, "web:p", "syarat imb", "w-1")
    assert inbound is not None
    nlu = {
        "entities": [
            {"entity": "permit_action", "value": "baru"},
            {"entity": "permit_type", "value": "pbg"},
        ]
    }
    await settle_inbound(
        session,
        inbound,
        "answered",
        [Outgoing("...")],
        intent="ask_requirements",
        confidence=0.9,
        nlu=nlu,
    )
    stored = await session.get(Message, inbound.id)
    assert stored is not None and stored.permit_type == "pbg"
    assert permit_of(None) is None and permit_of({"entities": []}) is None


async def test_the_migration_reads_the_permit_of_older_messages(
    sessions: async_sessionmaker[AsyncSession], database_url: str
) -> None:
    """0014 fills permit_type from the NLU's reading kept in `nlu`."""
    await downgrade(database_url, "0013")
    engine = create_engine(database_url)
    async with engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO conversations (id, channel, created_at, last_message_at) "
                "VALUES ('web:o', 'web', :t, :t)"
            ),
            {"t": at(1, 1)},
        )
        insert = text(
            "INSERT INTO messages (conversation_id, direction, sender, kind, text, at, state, "
            "attempts, nlu) VALUES ('web:o', :direction, :sender, 'chat', 'x', :t, 'answered', "
            "0, :nlu)"
        )
        for direction, sender, nlu in (
            ("in", "user", '{"entities": [{"entity": "permit_type", "value": "reklame"}]}'),
            ("in", "user", '{"entities": [], "faq_topic": "lokasi"}'),
            ("in", "user", "null"),
            ("out", "bot", '{"entities": [{"entity": "permit_type", "value": "slf"}]}'),
        ):
            await connection.execute(
                insert, {"direction": direction, "sender": sender, "t": at(1, 1), "nlu": nlu}
            )
    await engine.dispose()
    await migrate(database_url)
    async with sessions() as session:
        kept = await session.execute(text("SELECT permit_type FROM messages ORDER BY id"))
        assert [row[0] for row in kept] == ["reklame", None, None, None]


async def test_questions_of_another_channel_are_counted_apart(session: AsyncSession) -> None:
    session.add(Conversation(id="sms:0812", channel="sms"))
    await session.flush()
    session.add(question("sms:0812", at(2, 3), "greet"))
    await session.commit()
    counts = await count_period(session, MARCH)
    assert counts.questions == {date(2026, 3, 2): {"lainnya": 1}}
    assert figures.channels_seen(counts) == ["whatsapp", "telegram", "web", "api", "lainnya"]
