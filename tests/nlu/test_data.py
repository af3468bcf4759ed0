"""The training data keeps the intent contract of docs/architecture.md ("Intents, entities,
slots")."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import yaml

from nlu.gazetteer import Gazetteer, reconcile
from nlu.scoring import BLIND_FILES
from nlu.templates import PERMIT_MENTIONS

ROOT = Path(__file__).resolve().parents[2]
CONTRACT_INTENTS = {
    "greet",
    "goodbye",
    "thanks",
    "affirm",
    "deny",
    "bot_challenge",
    "ask_requirements",
    "ask_fee",
    "ask_duration",
    "ask_procedure",
    "check_status",
    "list_my_applications",
    "subscribe_updates",
    "human_handoff",
    "complaint",
    "inform",
    "out_of_scope",
    "ask_other_service",
    "faq",
}
FAQ_TOPICS = {"jam_layanan", "lokasi", "kontak", "akun", "jenis_layanan", "antrian", "lkpm"}
PERMIT_ACTIONS = {"baru", "perpanjangan", "perubahan", "penggantian"}
PUBLIC_SERVICES = {
    "kk",
    "ktp_el",
    "akta_kelahiran",
    "akta_kematian",
    "pindah_domisili",
    "pajak_kendaraan",
    "sim",
    "pajak_daerah",
    "skck",
    "paspor",
    "sertifikat_tanah",
    "cpns",
    "listrik",
    "air_pdam",
    "bpjs",
    "perceraian",
    "nikah",
}
PERMIT_SLUGS = {
    "pbg",
    "slf",
    "nib",
    "reklame",
    "sip_dokter",
    "sip_bidan",
    "sip_perawat",
    "sipa",
    "izin_apotek",
    "izin_klinik",
    "tdup",
    "izin_penelitian",
    "pkkpr",
    "izin_trayek",
    "persetujuan_lingkungan",
    "izin_operasional_sekolah",
}
_ANNOTATION = re.compile(r"\[([^\]]+)\](\{[^}]+\}|\([^)]+\))")


def _load(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _examples() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in (ROOT / "nlu" / "data" / "nlu").rglob("*.yml"):
        for block in _load(path)["nlu"]:
            lines = [line[2:] for line in block["examples"].splitlines() if line.startswith("- ")]
            found.setdefault(block["intent"], []).extend(lines)
    return found


def _plain(example: str) -> str:
    return _ANNOTATION.sub(r"\1", example).strip().lower()


def test_every_contract_intent_has_varied_examples() -> None:
    examples = _examples()
    intents = {name.split("/")[0] for name in examples}
    assert intents == CONTRACT_INTENTS
    for intent, texts in examples.items():
        assert len(texts) >= (10 if intent.startswith("faq/") else 12), intent
    assert {name.split("/")[1] for name in examples if name.startswith("faq/")} == FAQ_TOPICS


def test_domain_declares_the_contract() -> None:
    domain = _load(ROOT / "domain.yml")
    assert set(domain["intents"]) == CONTRACT_INTENTS
    assert set(domain["entities"]) == {
        "permit_type",
        "application_number",
        "permit_action",
        "public_service",
    }
    assert set(domain["slots"]["permit_action"]["values"]) == PERMIT_ACTIONS
    assert {f"utter_faq/{t}" for t in FAQ_TOPICS} <= set(domain["responses"])


def test_every_reply_comes_from_the_message_catalogue() -> None:
    """domain.yml holds no reply text: only the retrieval topics' never-shown placeholders."""
    domain = _load(ROOT / "domain.yml")
    assert all(name.startswith("utter_faq/") for name in domain["responses"])
    rules = _load(ROOT / "nlu" / "data" / "rules.yml")["rules"]
    said = {step["action"] for rule in rules for step in rule["steps"] if "action" in step}
    assert said <= set(domain["actions"])


def test_every_permit_has_synonyms_and_they_name_real_permits() -> None:
    synonyms = {b["synonym"] for b in _load(ROOT / "nlu" / "data" / "synonyms.yml")["nlu"]}
    assert synonyms == PERMIT_SLUGS == set(PERMIT_MENTIONS)


def test_entity_values_are_canonical() -> None:
    wanted = {
        "permit_type": PERMIT_SLUGS,
        "permit_action": PERMIT_ACTIONS,
        "public_service": PUBLIC_SERVICES,
    }
    found: dict[str, set[str]] = {name: set() for name in wanted}
    for texts in _examples().values():
        for text in texts:
            for spec in re.findall(r"\]\{([^}]+)\}", text):
                entity = json.loads("{" + spec + "}")
                if entity["entity"] in found:
                    found[entity["entity"]].add(entity["value"])
    for name, values in found.items():
        assert values <= wanted[name], (name, values - wanted[name])
    assert found["permit_action"] == PERMIT_ACTIONS
    assert found["public_service"] == PUBLIC_SERVICES


def _sentences(messages: list[dict[str, Any]]) -> list[str]:
    """Messages of three words or more: shorter ones ("halo", "syarat imb") are
    vocabulary that any writer produces, not sentences copied from the set."""
    texts = [" ".join(str(m["text"]).lower().split()) for m in messages]
    return [t for t in texts if len(t.split()) >= 3]


def test_evaluation_messages_are_not_training_examples() -> None:
    training = {" ".join(_plain(e).split()) for texts in _examples().values() for e in texts}
    colloquial = _load(ROOT / "nlu" / "eval" / "colloquial.yml")["messages"]
    blind = [m for name in BLIND_FILES for m in _load(ROOT / "nlu" / "eval" / name)["messages"]]
    dev = _load(ROOT / "nlu" / "eval" / "dev.yml")["messages"]
    assert len(colloquial) >= 120 and len(blind) >= 600 and len(dev) >= 500
    assert [t for t in _sentences(colloquial + blind + dev) if t in training] == []


def test_blind_set_is_frozen() -> None:
    """The blind set was written before the training data and must never be edited
    (re-labelling it to match the model would measure nothing)."""
    folder = ROOT / "nlu" / "eval"
    for line in (folder / "blind.sha256").read_text().splitlines():
        digest, name = line.split()
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
    blind = [m for name in BLIND_FILES for m in _load(folder / name)["messages"]]
    labels = {str(m["intent"]).split("/")[0] for m in blind}
    assert labels == CONTRACT_INTENTS


def test_gazetteer_catches_aliases_and_typos() -> None:
    gazetteer = Gazetteer({"imb": "pbg", "izin mendirikan bangunan": "pbg", "siup": "nib"})
    [match] = gazetteer.find("syarat izin mendirikn bangunan apa")
    assert (match.value, match.text) == ("pbg", "izin mendirikn bangunan")
    assert [m.value for m in gazetteer.find("IMB sama SIUP")] == ["pbg", "nib"]
    assert gazetteer.find("syarat apa aja") == []


PRACTICE_NAMES = {
    "surat izin praktik dokter": "sip_dokter",
    "surat izin praktik apoteker": "sipa",
    "sipa": "sipa",
    "sip perawat": "sip_perawat",
    "bidan": "sip_bidan",
    "sertifikat laik fungsi": "slf",
    "ukl upl": "ukl_upl",
    "persetujuan kesesuaian kegiatan pemanfaatan ruang": "pkkpr",
    "izin usaha": "nib",
}


def test_gazetteer_forgives_typos_word_by_word_but_not_real_words() -> None:
    gazetteer = Gazetteer(PRACTICE_NAMES, known_words=["siapa", "bidang"])
    [match] = gazetteer.find("syarat surat izin praktik dokterr")
    assert match.value == "sip_dokter"
    assert gazetteer.find("siapa yang bisa bantu") == []
    assert gazetteer.find("di bidang apa") == []
    assert [m.value for m in gazetteer.find("berapa lama sertifikatlaikfungsi")] == ["slf"]
    assert [m.value for m in gazetteer.find("UKLUPL syaratnya")] == ["ukl_upl"]
    assert [m.value for m in gazetteer.find("ijin usahanya sudah jadi?")] == ["nib"]


def test_gazetteer_resolves_spans_that_name_no_permit_exactly() -> None:
    gazetteer = Gazetteer(PRACTICE_NAMES)

    def resolved(text: str, span: str) -> list[object]:
        start = text.index(span)
        entity = {"entity": "permit_type", "start": start, "end": start + len(span), "value": span}
        return [e["value"] for e in reconcile(text, [entity], gazetteer)]

    assert resolved("syarat SIP buat perawat apa", "SIP") == ["sip_perawat"]
    text = "Surat Izin Praktik untuk dokter umum berapa lama"
    assert resolved(text, "Surat Izin Praktik") == ["sip_dokter"]
    assert resolved("urus kesesuaian pemanfaatan ruang", "kesesuaian pemanfaatan ruang") == [
        "pkkpr"
    ]
    assert resolved("SIP untuk dokter atau perawat?", "SIP") == ["SIP"]


def test_stray_words_give_way_to_real_permit_names() -> None:
    gazetteer = Gazetteer({"imb": "pbg", "izin bangunan": "pbg", "baliho": "reklame"})
    text = "mau renovasi rumah perlu izin bangunan gak"
    stray = {"entity": "permit_type", "start": 13, "end": 18, "value": "rumah"}
    kept = reconcile(text, [stray], gazetteer)
    assert [e["value"] for e in kept] == ["pbg"]
    unknown = {"entity": "permit_type", "start": 7, "end": 19, "value": "izin tambang"}
    assert reconcile("syarat izin tambang", [unknown], gazetteer) == [unknown]
