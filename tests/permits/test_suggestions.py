"""Suggested replies from an NLU reading, filled from the demo database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.ext.asyncio import AsyncSession

from permits.answers import ASK_PERMIT, fee_answer, requirements_answer, status_answer
from permits.catalogue import get_permit
from permits.clock import office_zone
from permits.demo_catalogue import FAQ_TOPICS
from permits.faq import faq_answer
from permits.handoff import claim, close, request_handoff
from permits.intent_labels import INTENT_LABELS, full_intent, intent_label
from permits.staff import create_user
from permits.status import status_for_staff
from permits.suggestions import Reading, short_name, suggest, suggest_for_conversation
from permits.transcripts import record_inbound, settle_inbound

ROOT = Path(__file__).resolve().parents[2]
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
    assert first.intent == "ask_other_service" and "Polres" in first.fact
    assert "bukan DPMPTSP" in first.text and "Alamat:" in first.text


# --- three suggestions, each with the fact it carries -------------------------------


async def test_a_reading_with_alternatives_gets_three_suggestions_each_with_its_fact(
    session: AsyncSession,
) -> None:
    reading = Reading.of(
        {
            **nlu(
                ("check_status", 0.55),
                ("faq", 0.25),
                ("ask_requirements", 0.12),
                permit_type="pbg",
                application_number=LATE,
            ),
            "faq_topic": "jam_layanan",
        },
        f"status {LATE} gmn, syarat pbg, buka jam brp",
    )
    suggestions = await suggest(session, reading, zone=ZONE)
    assert [(s.fact, s.intent_label) for s in suggestions] == [
        (f"Status {LATE}", "Cek status"),
        ("FAQ: jam layanan", "FAQ: jam layanan"),
        ("Syarat PBG", "Tanya syarat"),
    ]
    assert suggestions[1].text == await faq_answer(session, "jam_layanan")


async def test_the_applicants_other_applications_fill_the_list(session: AsyncSession) -> None:
    """Budi's WhatsApp number is registered on two applications: asking about one, the
    agent is offered the other's status too, below what the message asked."""
    conversation = "whatsapp:+6281234567890"
    said = await record_inbound(session, conversation, f"status {LATE} gmn", None)
    assert said is not None
    reading = nlu(("check_status", 0.93), application_number=LATE)
    await settle_inbound(session, said, "answered", [], nlu=reading)
    found = await suggest_for_conversation(session, conversation, zone=ZONE)
    other = await status_for_staff(session, "PTSP-2026-R8T2WC")
    assert [s.fact for s in found.items] == [f"Status {LATE}", "Status PTSP-2026-R8T2WC"]
    assert found.items[1].text == status_answer(other, ZONE)
    assert (found.items[0].note, found.items[1].note) == ("", "permohonan atas nomor pemohon")
    # A channel not linked to any applicant gets nothing it did not name.
    unlinked = await record_inbound(session, "web:asing", f"status {LATE} gmn", None)
    assert unlinked is not None
    await settle_inbound(session, unlinked, "answered", [], nlu=reading)
    alone = await suggest_for_conversation(session, "web:asing", zone=ZONE)
    assert [s.fact for s in alone.items] == [f"Status {LATE}"]


async def test_a_closed_conversation_gets_no_suggestions_until_the_user_writes_again(
    session: AsyncSession,
) -> None:
    conversation = "web:ditutup"
    said = await record_inbound(session, conversation, "brp biaya pbg", None)
    assert said is not None
    await settle_inbound(session, said, "held", [], nlu=nlu(("ask_fee", 0.9), permit_type="pbg"))
    agent = await create_user(session, "rina", "Rina", "agent", "sandi-rina-rahasia")
    queued = await request_handoff(session, conversation, "request")
    assert await claim(session, queued.handoff_id, agent.id)
    assert (await suggest_for_conversation(session, conversation, zone=ZONE)).items
    assert await close(session, queued.handoff_id, agent.id, "answered") is not None
    closed = await suggest_for_conversation(session, conversation, zone=ZONE)
    assert closed.closed and closed.items == []
    again = await record_inbound(session, conversation, "kalau syaratnya?", None)
    assert again is not None
    await settle_inbound(session, again, "answered", [], nlu=nlu(("ask_requirements", 0.9)))
    reopened = await suggest_for_conversation(session, conversation, zone=ZONE)
    assert not reopened.closed and reopened.items[0].fact == "Syarat PBG"


def test_a_permit_is_called_by_its_short_name() -> None:
    assert short_name("Persetujuan Bangunan Gedung (PBG)") == "PBG"
    assert short_name("Surat Izin Praktik Dokter (SIP Dokter)") == "SIP Dokter"
    assert short_name("Izin Penyelenggaraan Reklame") == "Izin Penyelenggaraan Reklame"


# --- intent labels ---------------------------------------------------------------------


def test_every_intent_of_the_domain_reads_in_plain_indonesian() -> None:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    for intent in domain["intents"]:
        name = intent if isinstance(intent, str) else next(iter(intent))
        label = intent_label(name)
        assert name in INTENT_LABELS, f"{name} has no label"
        assert "_" not in label and label != name and label[0].isupper(), label
    assert intent_label("ask_requirements") == "Tanya syarat"
    assert intent_label("check_status") == "Cek status"
    assert intent_label("complaint") == "Pengaduan"


def test_every_faq_topic_reads_as_faq_and_its_words() -> None:
    for topic in FAQ_TOPICS:
        label = intent_label(f"faq/{topic['slug']}")
        assert label.startswith("FAQ: ") and "_" not in label, label
    assert intent_label("faq/jam_layanan") == "FAQ: jam layanan"
    assert intent_label("faq/lkpm") == "FAQ: LKPM"  # no vowels: an abbreviation
    assert full_intent("faq", {"faq_topic": "lokasi"}) == "faq/lokasi"
    assert full_intent("ask_fee", {"faq_topic": "lokasi"}) == "ask_fee"


def test_an_unknown_intent_still_reads_as_words() -> None:
    assert intent_label("ask_parking_fee") == "Ask parking fee"
    assert intent_label("faq/") == "FAQ (pertanyaan umum)"


async def test_a_list_of_applications_the_nlu_ruled_out_is_not_suggested(
    session: AsyncSession,
) -> None:
    """An unlinked channel asking for its applications is asked for a number, but only
    when the NLU thought it asked: not on every message whose ranking lists the intent."""
    asked = Reading.of(nlu(("list_my_applications", 0.9)), "permohonan saya apa aja")
    [first] = await suggest(session, asked, "web:asing", zone=ZONE)
    assert first.fact == "Data pribadi: minta nomor"
    other = Reading.of(nlu(("faq", 0.6), ("list_my_applications", 0.001)), "jam buka kantor")
    found = await suggest(session, other, "web:asing", zone=ZONE)
    assert "list_my_applications" not in [s.intent for s in found]
