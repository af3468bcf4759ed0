"""Our NLU components, run in Rasa's environment on hand-made messages.

The tokenizer gives slang, regional and English words their standard form; the
stem featurizer counts stems; the linear intent classifier carries what a few
examples teach to spellings it never saw, and keeps it when loaded back from the
model; NumberMeansStatus reads a message with an
application number as a question about that application, and a message that is
nothing but the number as the number given as an answer (inform).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from nlu.train import run_in_engine

CHECKS = Path(__file__).with_name("components_checks.py")  # runs in Rasa's environment


@functools.cache
def _run_checks() -> dict[str, Any]:
    checks: dict[str, Any] = json.loads(run_in_engine(CHECKS).strip().splitlines()[-1])
    return checks


def test_the_tokenizer_gives_slang_its_standard_form_and_the_featurizer_its_stem() -> None:
    (lemmas, stems), (lemmas2, stems2), (lemmas3, _) = _run_checks()["tokenized"]
    assert lemmas == ["berapa", "hari", "urus", "izin", "praktik"]
    assert lemmas2 == ["syarat", "perpanjangan", "sip", "bagaimana"]
    assert stems2 == ["syarat", "panjang", "sip", "bagaimana"]
    assert lemmas3[0] == "bagaimana"  # Javanese "piye"
    assert stems == lemmas  # already stems


def test_a_number_makes_a_message_about_that_application() -> None:
    read = {text: (intent, top) for text, intent, top, _, _ in _run_checks()["ruled"]}
    assert read["PTSP-2026-7KQ4MZ kapan jadinya?"] == ("check_status", "check_status")
    assert read["petugas PTSP-2025-H3D9XA minta uang"] == ("complaint", "complaint")
    assert read["kabari saya kalau PTSP-2025-H3D9XA selesai"][0] == "subscribe_updates"
    assert read["berapa lama proses izin reklame"][0] == "ask_duration"  # no number
    # A question with a number the classifier took for an answer asks about that application.
    assert read["kapan masa berlakunya habis? PTSP-2025-H3D9XA"][0] == "check_status"


def test_nothing_but_the_number_is_the_number_given_as_an_answer() -> None:
    read = {text: (intent, top) for text, intent, top, _, _ in _run_checks()["ruled"]}
    assert read["ini kak ptsp 2025 7kq4mz"] == ("inform", "inform")
    assert read["nomornya PTSP-2025-H3D9XA ya min"] == ("inform", "inform")


def test_a_bare_number_is_a_sure_answer_even_when_the_classifier_was_not() -> None:
    # Below the inbox's and the actions' thresholds an answer would be logged as not
    # understood; the number itself leaves no doubt.
    confidence = {text: c for text, _, _, _, c in _run_checks()["ruled"]}
    assert confidence["PTSP-2025-H3D9XA"] >= 0.9


def test_an_intent_read_from_the_number_is_not_close_to_the_one_it_replaced() -> None:
    # The classifier's 0.95 for check_status must not stay beside inform's: the
    # fallback would find the two too close and ask back instead of answering.
    for text, _, _, runner_up, _ in _run_checks()["ruled"]:
        if text == "ini kak ptsp 2025 7kq4mz":
            assert runner_up < 0.1


def test_a_permit_after_kalau_is_the_permit_given_for_the_question_before() -> None:
    read = {text: (intent, confidence) for text, intent, confidence in _run_checks()["followed_up"]}
    assert read["kalau PBG?"] == ("inform", 0.9)
    assert read["yg reklame gmn kak"] == ("inform", 0.9)
    assert read["kalau PBG sudah terbit kabari ya"] == ("subscribe_updates", 0.75)
    assert read["PBG gimana?"] == ("ask_procedure", 0.75)
    # Naming only the action continues the question too: the renewal's facts are asked.
    assert read["yang perpanjangan?"] == ("inform", 0.9)


def test_action_and_service_values_are_ones_the_actions_know() -> None:
    mapped = {text: entities for text, entities in _run_checks()["mapped"]}
    # A span DIET took as the value becomes the value it names, typo or not.
    assert mapped["sip dokter sy expird bulan depan"] == [["permit_action", "perpanjangan"]]
    assert mapped["brp biaya pengganti sip yg rusak"] == [["permit_action", "penggantian"]]
    assert mapped["mau ubah kbli di nib caranya"] == [["permit_action", "perubahan"]]
    assert mapped["PBB tanah sy blm keluar"] == [["public_service", "pajak_daerah"]]
    # One that names nothing is dropped rather than left in the slot.
    assert mapped["izin trayek gimana"] == []
    # Names DIET missed are added on the intents they belong to, "baru" excepted.
    assert mapped["berkas utk ubah alamat nib apa"] == [["permit_action", "perubahan"]]
    assert mapped["baru tau syarat nib ada npwp"] == []
    assert mapped["rekam ktp el dimana"] == [["public_service", "ktp_el"]]
    assert mapped["perlu ktp gak buat nib"] == []  # a requirement, not the KTP service


def test_the_intent_classifier_reads_spellings_it_was_not_trained_on() -> None:
    classified = _run_checks()["classified"]
    read = {text: intent for text, intent, _, _ in classified["trained"]}
    assert read == {
        "brp lama ngurus ijin": "ask_duration",
        "biayanya brp ya": "ask_fee",
        "halooo": "greet",
    }
    for _, _, top, ranking in classified["trained"]:
        assert ranking == sorted(ranking, reverse=True) and top == ranking[0]
        assert abs(sum(ranking) - 1.0) < 1e-6  # probabilities, so thresholds mean something


def test_the_intent_classifier_reads_the_same_after_it_is_saved_and_loaded() -> None:
    classified = _run_checks()["classified"]
    assert classified["loaded"] == classified["trained"]
