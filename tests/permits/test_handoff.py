"""The call centre's queue on SQLite and PostgreSQL: positions, claims, closing, surveys,
duty outside office hours and call-backs."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from permits.clock import office_zone
from permits.handoff import (
    agent_days,
    awaiting_callback_number,
    awaiting_survey,
    callbacks_of,
    can_call_back,
    claim,
    close,
    close_callback,
    daily_totals,
    holder_of,
    known_phone,
    live_queue_open,
    mark_survey_asked,
    queue_items,
    record_callback_number,
    record_survey,
    request_callback,
    request_handoff,
)
from permits.models import Handoff, StaffSession, StaffUser, utcnow
from permits.office_hours import OfficeHours
from permits.staff import (
    SignedIn,
    agents_on_duty,
    create_user,
    log_in,
    log_out,
    on_duty_since,
    set_on_duty,
)
from permits.transcripts import link_phone

Sessions = async_sessionmaker[AsyncSession]


async def make_agents(sessions: Sessions, *names: str) -> list[int]:
    async with sessions() as session:
        agents = [
            StaffUser(username=name, full_name=name.title(), role="agent", password_hash="x")
            for name in names
        ]
        session.add_all(agents)
        await session.commit()
        return [agent.id for agent in agents]


async def test_positions_count_only_those_still_waiting(sessions: Sessions) -> None:
    [siti] = await make_agents(sessions, "siti")
    async with sessions() as session:
        first = await request_handoff(session, "web:a", "request")
        second = await request_handoff(session, "whatsapp:+62811", "fallback")
        assert (first.position, second.position) == (1, 2)
        assert (await request_handoff(session, "web:a", "request")).position == 1  # once
        assert await claim(session, first.handoff_id, siti)
        assert (await request_handoff(session, "whatsapp:+62811", "fallback")).position == 1
        held = await request_handoff(session, "web:a", "request")
        assert held.position == 0  # already with an agent
        items = await queue_items(session)
    assert [(i.conversation_id, i.state, i.agent_name) for i in items] == [
        ("web:a", "active", "Siti"),
        ("whatsapp:+62811", "queued", None),
    ]


async def test_the_expected_wait_follows_recent_handling_times(sessions: Sessions) -> None:
    [siti] = await make_agents(sessions, "siti")
    async with sessions() as session:
        fresh = await request_handoff(session, "web:a", "request")
        assert fresh.expected_wait == timedelta(minutes=5)  # no history yet: the default
        assert await claim(session, fresh.handoff_id, siti)
        await session.execute(update(Handoff).values(claimed_at=utcnow() - timedelta(minutes=12)))
        await session.commit()
        await close(session, fresh.handoff_id, siti, "answered")
        later = await request_handoff(session, "web:b", "request")
    assert timedelta(minutes=11) < later.expected_wait < timedelta(minutes=13)


async def test_an_agent_holds_until_closing_and_only_the_holder_can_close(
    sessions: Sessions,
) -> None:
    siti, budi = await make_agents(sessions, "siti", "budi")
    async with sessions() as session:
        queued = await request_handoff(session, "telegram:42", "request")
        assert await session.scalar(holder_of("telegram:42")) is None
        assert await claim(session, queued.handoff_id, siti)
        assert not await claim(session, queued.handoff_id, budi)  # already taken
        assert await session.scalar(holder_of("telegram:42")) == siti
        assert await close(session, queued.handoff_id, budi, "answered") is None
        closed = await close(session, queued.handoff_id, siti, "referred", "ke DPUPR")
        assert closed is not None and (closed.outcome, closed.note) == ("referred", "ke DPUPR")
        assert await session.scalar(holder_of("telegram:42")) is None
        with pytest.raises(ValueError):
            await close(session, queued.handoff_id, siti, "entah")
        # A new request after closing is a new stay in the queue.
        again = await request_handoff(session, "telegram:42", "request")
        assert again.handoff_id != queued.handoff_id and again.position == 1


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_two_agents_claiming_at_once_exactly_one_wins(sessions: Sessions) -> None:
    agents = await make_agents(sessions, *(f"agen{i}" for i in range(8)))
    async with sessions() as session:
        queued = await request_handoff(session, "web:rebutan", "request")

    async def try_claim(agent_id: int) -> bool:
        async with sessions() as session:
            return await claim(session, queued.handoff_id, agent_id)

    for _ in range(5):  # several rounds, so a lucky ordering cannot hide a race
        async with sessions() as session:
            await session.execute(
                update(Handoff).values(state="queued", agent_id=None, claimed_at=None)
            )
            await session.commit()
        results = await asyncio.gather(*(try_claim(agent) for agent in agents))
        assert results.count(True) == 1
        async with sessions() as session:
            handoff = await session.get_one(Handoff, queued.handoff_id)
        assert handoff.agent_id == agents[results.index(True)]


async def test_a_conversation_asking_twice_at_once_is_queued_once(sessions: Sessions) -> None:
    async def ask() -> int:
        async with sessions() as session:
            return (await request_handoff(session, "web:dobel", "request")).handoff_id

    ids = await asyncio.gather(*(ask() for _ in range(6)))
    assert len(set(ids)) == 1
    async with sessions() as session:
        assert len((await session.scalars(select(Handoff))).all()) == 1


async def test_the_survey_is_answered_once_within_a_day(sessions: Sessions) -> None:
    [siti] = await make_agents(sessions, "siti")
    async with sessions() as session:
        queued = await request_handoff(session, "web:s", "request")
        await claim(session, queued.handoff_id, siti)
        closed = await close(session, queued.handoff_id, siti, "answered")
        assert closed is not None
        assert await awaiting_survey(session, "web:s") is None  # not asked yet
        await mark_survey_asked(session, closed)
        survey = await awaiting_survey(session, "web:s")
        assert survey is not None
        with pytest.raises(ValueError):
            await record_survey(session, survey, 5)
        await record_survey(session, survey, 4)
        assert await awaiting_survey(session, "web:s") is None


async def test_a_call_back_request_waits_for_its_number(sessions: Sessions) -> None:
    async with sessions() as session:
        await request_callback(session, "telegram:7", "request")
        waiting = await awaiting_callback_number(session, "telegram:7")
        assert waiting is not None
        await record_callback_number(session, waiting, "+6281234567890")
        assert await awaiting_callback_number(session, "telegram:7") is None
        [item] = await queue_items(session)
    assert (item.state, item.callback_phone) == ("callback", "+6281234567890")


async def test_statistics_per_agent_and_day(sessions: Sessions) -> None:
    siti, budi = await make_agents(sessions, "siti", "budi")
    async with sessions() as session:
        for conversation, agent, outcome, score in [
            ("web:1", siti, "answered", 4),
            ("web:2", siti, "referred", 3),
            ("web:3", budi, "answered", None),
        ]:
            queued = await request_handoff(session, conversation, "request")
            await claim(session, queued.handoff_id, agent)
            closed = await close(session, queued.handoff_id, agent, outcome)
            assert closed is not None
            if score:
                await mark_survey_asked(session, closed)
                await record_survey(session, closed, score)
        since, until = utcnow() - timedelta(days=1), utcnow() + timedelta(1)
        rows = await agent_days(session, since, until, office_zone())
    by_agent = {row.agent: row for row in rows}
    assert by_agent["Siti"].handled == 2 and by_agent["Budi"].handled == 1
    assert by_agent["Siti"].mean_score == 3.5 and by_agent["Budi"].mean_score is None
    assert by_agent["Siti"].outcomes == {"answered": 1, "referred": 1}
    [total] = daily_totals(rows)
    assert total.handled == 3 and total.mean_score == 3.5


def test_office_hours_and_when_agents_are_back() -> None:
    hours = OfficeHours.parse("Mon-Thu 08:00-15:00; Fri 08:00-11:00")
    friday_noon = datetime(2026, 11, 27, 5, 0, tzinfo=UTC)  # 12.00 WIB
    monday_morning = datetime(2026, 11, 30, 1, 30, tzinfo=UTC)  # 08.30 WIB
    assert not hours.is_open(friday_noon)
    assert hours.is_open(monday_morning)
    assert hours.describe_opening(friday_noon) == "Senin, 30 November pukul 08.00 WIB"
    assert OfficeHours.parse("Mon-Sun 00:00-24:00").is_open(friday_noon)
    with pytest.raises(ValueError):
        OfficeHours.parse("Senin 08:00-15:00")


# --- duty outside office hours ("Piket") and call-backs -----------------------------

FRIDAY_NIGHT = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)  # 21.00 WIB: the office is closed
MONDAY_MORNING = datetime(2026, 11, 30, 1, 30, tzinfo=UTC)  # 08.30 WIB: open
HOURS = OfficeHours.parse("Mon-Thu 08:00-15:00; Fri 08:00-11:00")
PASSWORD = "sandi-piket-malam-1"


async def signed_in_agent(sessions: Sessions, username: str) -> SignedIn:
    async with sessions() as session:
        await create_user(session, username, username.title(), "agent", PASSWORD)
        signed = await log_in(session, username, PASSWORD)
    assert isinstance(signed, SignedIn)
    return signed


async def queue_is_live(sessions: Sessions, moment: datetime) -> bool:
    async with sessions() as session:
        return await live_queue_open(session, HOURS, moment)


async def test_an_agent_on_duty_opens_the_live_queue_outside_office_hours(
    sessions: Sessions,
) -> None:
    assert await queue_is_live(sessions, MONDAY_MORNING)  # within hours, as always
    assert not await queue_is_live(sessions, FRIDAY_NIGHT)
    rina = await signed_in_agent(sessions, "rina")
    assert not await queue_is_live(sessions, FRIDAY_NIGHT)  # signed in is not on duty
    async with sessions() as session:
        since = await set_on_duty(session, rina.user.id, True)
    assert since is not None
    assert await queue_is_live(sessions, FRIDAY_NIGHT)
    async with sessions() as session:
        assert await agents_on_duty(session) == {rina.user.id: since}
        await set_on_duty(session, rina.user.id, False)
        assert await agents_on_duty(session) == {}
    assert not await queue_is_live(sessions, FRIDAY_NIGHT)


async def test_duty_is_the_agents_in_every_browser_and_ends_when_they_sign_out(
    sessions: Sessions,
) -> None:
    office = await signed_in_agent(sessions, "budi")
    async with sessions() as session:
        since = await set_on_duty(session, office.user.id, True)
        again = await set_on_duty(session, office.user.id, True)
        assert again == since  # switching on twice keeps the first moment
        home = await log_in(session, "budi", PASSWORD)  # a second browser
        assert isinstance(home, SignedIn)
        duties = (await session.scalars(select(StaffSession.on_duty_since))).all()
        assert duties == [since, since]
        await log_out(session, home.token)  # signing out anywhere ends the duty
        assert await on_duty_since(session, office.user.id) is None
    assert not await queue_is_live(sessions, FRIDAY_NIGHT)


async def test_duty_ends_with_the_session_or_the_account(sessions: Sessions) -> None:
    dewi = await signed_in_agent(sessions, "dewi")
    async with sessions() as session:
        await set_on_duty(session, dewi.user.id, True)
        await session.execute(update(StaffUser).values(active=False))
        await session.commit()
    assert not await queue_is_live(sessions, FRIDAY_NIGHT)  # a deactivated account
    async with sessions() as session:
        await session.execute(update(StaffUser).values(active=True))
        await session.commit()
    assert await queue_is_live(sessions, FRIDAY_NIGHT)
    async with sessions() as session:
        await session.execute(update(StaffSession).values(expires_at=utcnow() - timedelta(1)))
        await session.commit()
        assert await on_duty_since(session, dewi.user.id) is None
        fresh = await log_in(session, "dewi", PASSWORD)  # the next shift starts off duty
        assert isinstance(fresh, SignedIn)
    assert not await queue_is_live(sessions, FRIDAY_NIGHT)


def test_only_channels_that_reach_a_phone_offer_a_call_back() -> None:
    assert can_call_back("whatsapp:+6281234567890")
    assert can_call_back("telegram:42")
    assert not can_call_back("telegram:-100200300")  # a group is nobody's phone
    assert not can_call_back("web:abc")
    assert not can_call_back("api:portal-7")


async def test_a_whatsapp_call_back_goes_to_its_own_number_unless_another_is_sent(
    sessions: Sessions,
) -> None:
    conversation = "whatsapp:+6281211112222"
    async with sessions() as session:
        phone = await known_phone(session, conversation)
        assert phone == "+6281211112222"
        first = await request_callback(session, conversation, "request", phone)
        again = await request_callback(session, conversation, "fallback", phone)
        assert again.id == first.id  # asking twice is one request
        [item] = await queue_items(session)
        assert (item.state, item.callback_phone) == ("callback", "+6281211112222")
        waiting = await awaiting_callback_number(session, conversation)
        assert waiting is not None  # the user may still name another number
        await record_callback_number(session, waiting, "+6285733334444")
        assert await awaiting_callback_number(session, conversation) is None
        [item] = await queue_items(session)
    assert item.callback_phone == "+6285733334444"


async def test_a_telegram_call_back_shows_the_number_the_user_shared(sessions: Sessions) -> None:
    async with sessions() as session:
        assert await known_phone(session, "telegram:77") is None
        await request_callback(session, "telegram:77", "request")
        await link_phone(session, "telegram:77", "+6281355556666")  # the contact keyboard
        [item] = await queue_items(session)
    assert item.callback_phone == "+6281355556666"


async def test_a_call_back_is_marked_done_once_and_stays_on_the_conversation(
    sessions: Sessions,
) -> None:
    [siti] = await make_agents(sessions, "siti")
    async with sessions() as session:
        handoff = await request_callback(session, "whatsapp:+6281277778888", "fallback", None)
        await record_callback_number(session, handoff, "+6281277778888")
        [waiting] = await callbacks_of(session, "whatsapp:+6281277778888")
        assert (waiting.phone, waiting.reason_label, waiting.done_at) == (
            "+6281277778888",
            "Bot dua kali tidak paham",
            None,
        )
        assert await close_callback(session, handoff.id, siti)
        assert not await close_callback(session, handoff.id, siti)  # already done
        assert await queue_items(session) == []
        [done] = await callbacks_of(session, "whatsapp:+6281277778888")
    assert done.done_at is not None and done.done_by == "Siti"
