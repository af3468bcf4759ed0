"""Renewal, change and replacement questions, and when an issued permit lapses."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import ActionExecutor

from tests.actions.conftest import action_call, run


def entity(name: str, value: str, text: str, word: str) -> dict[str, Any]:
    start = text.lower().index(word.lower())
    return {"entity": name, "value": value, "start": start, "end": start + len(word)}


async def test_renewal_requirements_are_the_renewals_not_the_new_applications(
    executor: ActionExecutor,
) -> None:
    text = "syarat perpanjangan sip dokter apa aja"
    entities = [
        entity("permit_action", "perpanjangan", text, "perpanjangan"),
        entity("permit_type", "sip_dokter", text, "sip dokter"),
    ]
    answer, _, slots = await run(
        executor,
        action_call("action_answer_requirements", text, "ask_requirements", entities=entities),
    )
    assert answer.startswith("Persyaratan perpanjangan Surat Izin Praktik Dokter (SIP Dokter):")
    assert "SIP lama (asli)" in answer
    assert "Rekomendasi IDI cabang setempat" not in answer  # the new application's item
    assert slots["permit_action"] == "perpanjangan"


async def test_a_permit_that_is_not_renewed_says_what_is_renewed_instead(
    executor: ActionExecutor,
) -> None:
    text = "imb perlu diperpanjang gak"
    entities = [
        entity("permit_action", "perpanjangan", text, "diperpanjang"),
        entity("permit_type", "pbg", text, "imb"),
    ]
    answer, _, _ = await run(
        executor,
        action_call("action_answer_requirements", text, "ask_requirements", entities=entities),
    )
    assert answer.startswith("Tidak ada perpanjangan untuk Persetujuan Bangunan Gedung (PBG).")
    assert "SLF" in answer and "Fotokopi KTP" not in answer


async def test_the_action_asked_before_is_kept_for_the_next_aspect(
    executor: ActionExecutor,
) -> None:
    slots = {"permit_type": "sip_dokter", "permit_action": "penggantian"}
    answer, _, after = await run(
        executor,
        action_call("action_answer_duration", "brp lama prosesnya", "ask_duration", slots=slots),
    )
    assert "penggantian Surat Izin Praktik Dokter" in answer and "3 hari kerja" in answer
    assert after["permit_action"] == "penggantian"


async def test_a_new_permit_named_plainly_is_a_new_application(executor: ActionExecutor) -> None:
    text = "syarat nib apa"
    call = action_call(
        "action_answer_requirements",
        text,
        "ask_requirements",
        entities=[entity("permit_type", "nib", text, "nib")],
        slots={"permit_type": "sip_dokter", "permit_action": "perpanjangan"},
    )
    answer, _, after = await run(executor, call)
    assert answer.startswith("Persyaratan Nomor Induk Berusaha")
    assert "perpanjangan" not in answer.split("\n")[0] and after["permit_action"] is None


@pytest.mark.parametrize("intent", ["inform", "ask_procedure"])
async def test_yang_perpanjangan_switches_the_action_and_keeps_permit_and_aspect(
    executor: ActionExecutor, intent: str
) -> None:
    text = "yang perpanjangan?"
    action = "action_resume_pending" if intent == "inform" else "action_answer_procedure"
    call = action_call(
        action,
        text,
        intent,
        entities=[entity("permit_action", "perpanjangan", text, "perpanjangan")],
        slots={"permit_type": "sip_bidan", "last_question": "requirements"},
    )
    answer, _, _ = await run(executor, call)
    assert answer.startswith("Persyaratan perpanjangan Surat Izin Praktik Bidan (SIPB):")


async def test_a_yes_no_question_about_a_renewal_reads_the_renewal_list(
    executor: ActionExecutor,
) -> None:
    text = "perpanjangan sip dokter masih perlu rekomendasi idi gak?"
    entities = [
        entity("permit_action", "perpanjangan", text, "perpanjangan"),
        entity("permit_type", "sip_dokter", text, "sip dokter"),
    ]
    answer, _, _ = await run(
        executor,
        action_call("action_answer_requirements", text, "ask_requirements", entities=entities),
    )
    assert answer.startswith(
        "Ya, surat rekomendasi termasuk persyaratan perpanjangan Surat Izin Praktik Dokter"
        ' (SIP Dokter): "Rekomendasi IDI cabang yang baru".'
    )


async def test_status_of_an_issued_permit_says_until_when_it_holds(
    executor: ActionExecutor,
) -> None:
    text = "kapan nib saya habis? PTSP-2025-H3D9XA"
    number = entity("application_number", "PTSP-2025-H3D9XA", text, "PTSP-2025-H3D9XA")
    answer, _, _ = await run(
        executor, action_call("action_check_status", text, "check_status", entities=[number])
    )
    assert "Selesai, izin terbit" in answer
    assert "• Berlaku: selama menjalankan usaha; tidak perlu diperpanjang" in answer
