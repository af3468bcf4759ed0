"""Asking for a person: the queue during office hours or while an agent is on duty; after
hours a call-back where the channel reaches a phone, an honest answer elsewhere; complaints."""

from __future__ import annotations

from rasa_sdk.executor import ActionExecutor
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from permits.models import Complaint, Handoff
from permits.staff import SignedIn, create_user, log_in, set_on_duty
from tests.actions.conftest import action_call, run

WHATSAPP = "whatsapp:+6281299990001"


async def handoffs(sessions: async_sessionmaker[AsyncSession]) -> list[Handoff]:
    async with sessions() as session:
        return list((await session.scalars(select(Handoff).order_by(Handoff.id))).all())


async def test_asking_for_a_person_gives_a_place_in_the_queue_once(
    executor: ActionExecutor, demo: async_sessionmaker[AsyncSession]
) -> None:
    first = action_call("action_human_handoff", "mau ngomong sm orang", "human_handoff")
    other = action_call(
        "action_human_handoff", "min tolong", "human_handoff", sender="whatsapp:+6281200000009"
    )
    text, _, _ = await run(executor, first)
    assert "Posisi antrian Anda: 1" in text and "perkiraan waktu tunggu sekitar" in text
    text, _, _ = await run(executor, other)
    assert "Posisi antrian Anda: 2" in text
    text, _, _ = await run(executor, first)  # asking again keeps the place
    assert "Posisi antrian Anda: 1" in text
    queued = await handoffs(demo)
    assert [(h.conversation_id, h.reason, h.state) for h in queued] == [
        ("web:test", "request", "queued"),
        ("whatsapp:+6281200000009", "request", "queued"),
    ]


async def on_duty(sessions: async_sessionmaker[AsyncSession], username: str) -> int:
    """An agent signed in with "Piket" switched on; their account id."""
    password = "sandi-piket-malam-1"
    async with sessions() as session:
        await create_user(session, username, username.title(), "agent", password)
        signed = await log_in(session, username, password)
        assert isinstance(signed, SignedIn)
        await set_on_duty(session, signed.user.id, True)
    return signed.user.id


async def test_after_hours_a_telegram_user_hears_when_agents_return_and_may_leave_a_number(
    after_hours_executor: ActionExecutor, demo: async_sessionmaker[AsyncSession]
) -> None:
    text, _, _ = await run(
        after_hours_executor,
        action_call("action_human_handoff", "mau cs", "human_handoff", sender="telegram:42"),
    )
    assert "di luar jam layanan" in text and "pukul 08.00 WIB" in text
    assert "kirimkan nomor telepon Anda" in text
    [handoff] = await handoffs(demo)
    assert (handoff.state, handoff.callback_phone) == ("callback", None)


async def test_after_hours_whatsapp_is_called_back_on_its_own_number_without_being_asked(
    after_hours_executor: ActionExecutor, demo: async_sessionmaker[AsyncSession]
) -> None:
    call = action_call("action_human_handoff", "mau cs", "human_handoff", sender=WHATSAPP)
    text, _, _ = await run(after_hours_executor, call)
    assert "pukul 08.00 WIB" in text and "menelepon Anda di nomor +6281299990001" in text
    assert "kirimkan nomor telepon Anda" not in text
    [handoff] = await handoffs(demo)
    assert (handoff.state, handoff.callback_phone) == ("callback", "+6281299990001")


async def test_after_hours_web_and_api_users_are_told_honestly_and_promised_no_call(
    after_hours_executor: ActionExecutor, demo: async_sessionmaker[AsyncSession]
) -> None:
    for sender in ("web:test", "api:portal-7"):
        call = action_call("action_human_handoff", "mau cs", "human_handoff", sender=sender)
        text, _, _ = await run(after_hours_executor, call)
        assert "belum bisa kami teruskan ke petugas" in text and "pukul 08.00 WIB" in text
        assert "call center 1500164" in text
        assert "telepon balik" not in text and "nomor telepon Anda" not in text
    assert await handoffs(demo) == []


async def test_after_hours_an_agent_on_duty_takes_the_queue_until_they_stop(
    after_hours_executor: ActionExecutor, demo: async_sessionmaker[AsyncSession]
) -> None:
    agent = await on_duty(demo, "rina")
    web = action_call("action_human_handoff", "mau cs", "human_handoff")
    text, _, _ = await run(after_hours_executor, web)
    assert "petugas piket" in text and "Posisi antrian Anda: 1" in text
    assert "call center" not in text  # its phones are closed at this hour
    complaint = action_call(
        "action_file_complaint", "petugas loket kasar", "complaint", sender="telegram:55"
    )
    text, _, _ = await run(after_hours_executor, complaint)
    assert "Posisi antrian Anda: 2" in text  # the agent on duty reads a complaint now too
    async with demo() as session:
        await set_on_duty(session, agent, False)
    whatsapp = action_call("action_human_handoff", "mau cs", "human_handoff", sender=WHATSAPP)
    text, _, _ = await run(after_hours_executor, whatsapp)
    assert "menelepon Anda di nomor" in text
    assert [(h.conversation_id, h.state) for h in await handoffs(demo)] == [
        ("web:test", "queued"),
        ("telegram:55", "queued"),
        (WHATSAPP, "callback"),
    ]


async def test_a_complaint_gets_a_ticket_and_joins_the_queue(
    executor: ActionExecutor, demo: async_sessionmaker[AsyncSession]
) -> None:
    text, _, _ = await run(
        executor,
        action_call("action_file_complaint", "petugas loket tidak ramah", "complaint"),
    )
    async with demo() as session:
        complaint = await session.scalar(select(Complaint))
    assert complaint is not None and complaint.ticket in text
    assert "Posisi antrian Anda: 1" in text
    [handoff] = await handoffs(demo)
    assert (handoff.reason, handoff.state) == ("complaint", "queued")


async def complaints(sessions: async_sessionmaker[AsyncSession]) -> list[Complaint]:
    async with sessions() as session:
        return list((await session.scalars(select(Complaint))).all())


async def test_an_unsure_complaint_is_confirmed_before_a_ticket_is_filed(
    executor: ActionExecutor, demo: async_sessionmaker[AsyncSession]
) -> None:
    said = "berkas saya ditolak terus padahal sudah lengkap"
    text, buttons, slots = await run(
        executor, action_call("action_file_complaint", said, "complaint", confidence=0.55)
    )
    assert "Apakah Anda ingin menyampaikan pengaduan?" in text and said in text
    assert [b["payload"] for b in buttons] == ["/affirm", "/deny"]
    assert await complaints(demo) == [] and await handoffs(demo) == []

    confirmed = action_call(
        "action_resume_pending", "/affirm", "affirm", confidence=1.0, slots=slots
    )
    text, _, slots = await run(executor, confirmed)
    [complaint] = await complaints(demo)
    assert complaint.ticket in text and complaint.text == said
    assert slots["pending_question"] is None and slots["complaint_text"] is None


async def test_a_complaint_the_applicant_did_not_mean_is_not_filed(
    executor: ActionExecutor, demo: async_sessionmaker[AsyncSession]
) -> None:
    _, _, slots = await run(
        executor,
        action_call("action_file_complaint", "cara lapor lkpm", "complaint", confidence=0.5),
    )
    text, _, _ = await run(
        executor, action_call("action_resume_pending", "/deny", "deny", slots=slots)
    )
    assert "tidak kami catat sebagai pengaduan" in text
    assert await complaints(demo) == []
