"""Suggested replies from an NLU reading, filled from the demo database."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from permits.answers import ASK_PERMIT, fee_answer, requirements_answer, status_answer
from permits.catalogue import get_permit
from permits.clock import office_zone
from permits.faq import faq_answer
from permits.status import status_for_staff
from permits.suggestions import Reading, suggest
from permits.transcripts import record_inbound, settle_inbound

LATE = "PTSP-2025-7KQ4MZ"
ZONE = office_zone("Asia/Jakarta")


def nlu(*ranking: tuple[str, float], **entities: str) -> dict[str, Any]:
    return {
        "ranking": [{"name": name, "confidence": score} for name, score in ranking],
        "entities": [{"entity": k, "value": v} for k, v in entities.items()],
    }


async def test_a_permit_question_gets_its_answer_first_and_the_permits_other_topics(
    session: AsyncSession,
) -> None:
    reading = Reading.of(nlu(("ask_fee", 0.9), ("ask_duration", 0.05), permit_type="pbg"))
    suggestions = await suggest(session, reading, zone=ZONE)
    pbg = await get_permit(session, "pbg")
    assert [s.text for s in suggestions][:1] == [fee_answer(pbg)]
    assert requirements_answer(pbg) in [s.text for s in suggestions]
    assert len(suggestions) == 3


async def test_a_number_in_the_message_brings_its_live_status(session: AsyncSession) -> None:
    reading = Reading.of(nlu(("ask_requirements", 0.6)), f"berkas {LATE.lower()} gmn")
    texts = [s.text for s in await suggest(session, reading, zone=ZONE)]
    assert status_answer(await status_for_staff(session, LATE), ZONE) in texts


async def test_an_unknown_number_or_a_missing_one_is_asked_for(session: AsyncSession) -> None:
    unknown = await suggest(
        session, Reading.of(nlu(("check_status", 0.9)), "PTSP-2025-ZZZZZZ"), zone=ZONE
    )
    # The bot's own wording (actions/status.py), which the suggestion once paraphrased.
    assert unknown[0].text.startswith("Nomor permohonan PTSP-2025-ZZZZZZ tidak ditemukan.")
    missing = await suggest(
        session, Reading.of(nlu(("check_status", 0.9)), "cek status dong"), zone=ZONE
    )
    assert missing[0].text == (
        "Silakan kirim nomor permohonan Anda. "
        "Formatnya PTSP-TAHUN-6 huruf/angka, misalnya PTSP-2025-AB3XYZ."
    )


async def test_the_permit_talked_about_before_fills_a_bare_question(
    session: AsyncSession,
) -> None:
    earlier = await record_inbound(session, "web:ctx", "syarat imb apa", None)
    assert earlier is not None
    await settle_inbound(
        session, earlier, "answered", [], nlu=nlu(("ask_requirements", 0.9), permit_type="pbg")
    )
    reading = Reading.of(nlu(("ask_fee", 0.8)), "kalau biayanya?")
    [first, *_] = await suggest(session, reading, "web:ctx", zone=ZONE)
    assert first.text == fee_answer(await get_permit(session, "pbg"))
    alone = await suggest(session, Reading.of(nlu(("ask_fee", 0.8)), "kalau biayanya?"), zone=ZONE)
    assert alone[0].text == ASK_PERMIT


async def test_faq_topics_answer_from_the_database(session: AsyncSession) -> None:
    reading = Reading.of({**nlu(("faq", 0.95)), "faq_topic": "jam_layanan"}, "buka jam brp")
    [first, *_] = await suggest(session, reading, zone=ZONE)
    assert first.text == await faq_answer(session, "jam_layanan")


async def test_intents_the_nlu_ruled_out_suggest_nothing(session: AsyncSession) -> None:
    reading = Reading.of(nlu(("greet", 0.97), ("thanks", 0.01)))
    assert [s.intent for s in await suggest(session, reading, zone=ZONE)] == ["greet"]


async def test_another_offices_service_is_answered_with_where_to_go(
    session: AsyncSession,
) -> None:
    reading = Reading.of(nlu(("ask_other_service", 0.9), public_service="skck"), "bikin skck")
    [first, *_] = await suggest(session, reading, zone=ZONE)
    assert first.intent == "ask_other_service" and "Polres" in first.title
    assert "bukan DPMPTSP" in first.text and "Alamat:" in first.text
