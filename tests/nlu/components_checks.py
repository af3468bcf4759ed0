"""Runs in Rasa's environment (rasa 3.6): our NLU components on hand-made messages.

    PYTHONPATH=. .venv-engine/bin/python tests/nlu/components_checks.py

Prints one JSON object: the lemmas the tokenizer gives, the tokens the stem
featurizer counts, and the intent NumberMeansStatus leaves on messages whose
classifier intent and application numbers are given.
"""

import json

from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu.components.entity_values import EntityValueMapper
from nlu.components.intent_rules import NumberMeansStatus
from nlu.components.stems import StemFeaturizer
from nlu.components.tokenizer import IndonesianTokenizer
from permits.numbers import find_numbers

TOKENIZED = ["brp hari ngurus ijin praktek", "Syarat2 perpanjangan SIP gmn", "piye kabare"]
RULED = [
    ("PTSP-2026-7KQ4MZ kapan jadinya?", "ask_duration"),
    ("ini kak ptsp 2025 7kq4mz", "check_status"),
    ("nomornya PTSP-2025-H3D9XA ya min", "ask_fee"),
    ("kabari saya kalau PTSP-2025-H3D9XA selesai", "subscribe_updates"),
    ("petugas PTSP-2025-H3D9XA minta uang", "complaint"),
    ("berapa lama proses izin reklame", "ask_duration"),
]


def tokenized() -> list[list[list[str]]]:
    tokenizer = IndonesianTokenizer(WhitespaceTokenizer.get_default_config())
    context = ExecutionContext(GraphSchema({}), node_name="stems")
    featurizer = StemFeaturizer(
        {**StemFeaturizer.get_default_config(), "use_lemma": True}, None, None, context
    )
    out = []
    for text in TOKENIZED:
        message = Message({TEXT: text})
        tokenizer.process([message])
        lemmas = [t.lemma for t in message.get("text_tokens")]
        stems = featurizer._get_message_tokens_by_attribute(message, TEXT)
        out.append([lemmas, stems])
    return out


def ruled() -> list[list[str]]:
    rule = NumberMeansStatus()
    out = []
    for text, intent in RULED:
        entities = [
            {"entity": "application_number", "start": s, "end": e, "value": v}
            for s, e, v in find_numbers(text)
        ]
        message = Message(
            {
                TEXT: text,
                INTENT: {"name": intent, "confidence": 0.95},
                INTENT_RANKING_KEY: [
                    {"name": intent, "confidence": 0.95},
                    {"name": "greet", "confidence": 0.05},
                ],
                ENTITIES: entities,
            }
        )
        rule.process([message])
        ranking = message.get(INTENT_RANKING_KEY)
        runner_up = ranking[1]["confidence"] if len(ranking) > 1 else 0.0
        out.append([text, message.get(INTENT)["name"], ranking[0]["name"], runner_up])
    return out


NAMES = {
    "permit_action": {
        "perpanjang": "perpanjangan",
        "expired": "perpanjangan",
        "baru": "baru",
        "ubah": "perubahan",
        "penggantian": "penggantian",
    },
    "public_service": {"pbb": "pajak_daerah", "ktp": "ktp_el", "ktp el": "ktp_el"},
}
MAPPED = [
    # text, intent, DIET's entities as (entity, span)
    ("sip dokter sy expird bulan depan", "ask_requirements", [("permit_action", "expird")]),
    ("brp biaya pengganti sip yg rusak", "ask_fee", [("permit_action", "pengganti")]),
    ("mau ubah kbli di nib caranya", "ask_procedure", [("permit_action", "ubah kbli")]),
    ("PBB tanah sy blm keluar", "ask_other_service", [("public_service", "PBB tanah")]),
    ("berkas utk ubah alamat nib apa", "ask_requirements", []),
    ("baru tau syarat nib ada npwp", "ask_requirements", []),
    ("rekam ktp el dimana", "ask_other_service", []),
    ("perlu ktp gak buat nib", "ask_requirements", []),
    ("izin trayek gimana", "ask_procedure", [("permit_action", "gimana")]),
]


def mapped() -> list[list[object]]:
    mapper = EntityValueMapper(None, None, NAMES)
    out = []
    for text, intent, spans in MAPPED:
        entities = []
        for entity, span in spans:
            start = text.index(span)
            entities.append(
                {"entity": entity, "start": start, "end": start + len(span), "value": span}
            )
        message = Message({TEXT: text, INTENT: {"name": intent}, ENTITIES: entities})
        mapper.process([message])
        out.append([text, [[e["entity"], e["value"]] for e in message.get(ENTITIES)]])
    return out


print(json.dumps({"tokenized": tokenized(), "ruled": ruled(), "mapped": mapped()}))
