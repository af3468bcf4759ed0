"""Runs in Rasa's environment (rasa 3.6): our NLU components on hand-made messages.

    PYTHONPATH=. .venv-engine/bin/python tests/nlu/components_checks.py

Prints one JSON object: the lemmas the tokenizer gives, the tokens the stem
featurizer counts, the intent NumberMeansStatus leaves on messages whose
classifier intent and application numbers are given, and what the linear intent
classifier, trained on a handful of examples and loaded back from its model
storage, reads in messages it was not trained on.
"""

import json
import tempfile
from pathlib import Path

from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.components.entity_values import EntityValueMapper
from nlu.components.intent_rules import FollowUpMeansInform, NumberMeansStatus
from nlu.components.linear_intents import LinearIntentClassifier
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
    ("PTSP-2025-H3D9XA", "inform", 0.54),  # right, but unsure
    ("kapan masa berlakunya habis? PTSP-2025-H3D9XA", "inform", 0.86),
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
    for text, intent, *given in RULED:
        confidence = given[0] if given else 0.95
        entities = [
            {"entity": "application_number", "start": s, "end": e, "value": v}
            for s, e, v in find_numbers(text)
        ]
        message = Message(
            {
                TEXT: text,
                INTENT: {"name": intent, "confidence": confidence},
                INTENT_RANKING_KEY: [
                    {"name": intent, "confidence": confidence},
                    {"name": "greet", "confidence": 1 - confidence},
                ],
                ENTITIES: entities,
            }
        )
        rule.process([message])
        ranking = message.get(INTENT_RANKING_KEY)
        runner_up = ranking[1]["confidence"] if len(ranking) > 1 else 0.0
        intent_read = message.get(INTENT)
        out.append(
            [text, intent_read["name"], ranking[0]["name"], runner_up, intent_read["confidence"]]
        )
    return out


# (text, the permit's name in it, the classifier's intent)
FOLLOW_UPS = [
    ("kalau PBG?", "PBG", "subscribe_updates", "permit_type"),
    ("yg reklame gmn kak", "reklame", "ask_procedure", "permit_type"),
    ("kalau PBG sudah terbit kabari ya", "PBG", "subscribe_updates", "permit_type"),
    ("PBG gimana?", "PBG", "ask_procedure", "permit_type"),
    ("yang perpanjangan?", "perpanjangan", "ask_procedure", "permit_action"),
]


def followed_up() -> list[list[object]]:
    rule = FollowUpMeansInform()
    out: list[list[object]] = []
    for text, name, intent, entity in FOLLOW_UPS:
        start = text.index(name)
        message = Message(
            {
                TEXT: text,
                INTENT: {"name": intent, "confidence": 0.75},
                INTENT_RANKING_KEY: [{"name": intent, "confidence": 0.75}],
                ENTITIES: [
                    {
                        "entity": entity,
                        "start": start,
                        "end": start + len(name),
                        "value": name.lower(),
                    }
                ],
            }
        )
        rule.process([message])
        out.append([text, message.get(INTENT)["name"], message.get(INTENT)["confidence"]])
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


EXAMPLES = {
    "ask_duration": ["berapa lama mengurus izin", "izin selesai berapa hari", "kapan izin jadi"],
    "ask_fee": ["berapa biaya izin", "izin bayar berapa", "apakah izin gratis"],
    "greet": ["halo", "selamat pagi", "assalamualaikum"],
}
UNSEEN = ["brp lama ngurus ijin", "biayanya brp ya", "halooo"]


def classified() -> dict[str, list[list[object]]]:
    """Each unseen message's top intent and confidence, as trained and as loaded."""
    tokenizer = IndonesianTokenizer(WhitespaceTokenizer.get_default_config())
    examples = [
        Message({TEXT: text, INTENT: intent})
        for intent, texts in EXAMPLES.items()
        for text in texts
    ]
    tokenizer.process_training_data(TrainingData(examples))
    with tempfile.TemporaryDirectory() as folder:
        storage = LocalModelStorage(Path(folder))
        resource = Resource("linear_intents")
        context = ExecutionContext(GraphSchema({}), node_name="linear_intents")
        trained = LinearIntentClassifier.create({}, storage, resource, context)
        trained.train(TrainingData(examples))
        loaded = LinearIntentClassifier.load({}, storage, resource, context)
        out: dict[str, list[list[object]]] = {}
        for name, classifier in (("trained", trained), ("loaded", loaded)):
            messages = [Message({TEXT: text}) for text in UNSEEN]
            tokenizer.process(messages)
            classifier.process(messages)
            out[name] = [
                [
                    m.get(TEXT),
                    m.get(INTENT)["name"],
                    m.get(INTENT)["confidence"],
                    [r["confidence"] for r in m.get(INTENT_RANKING_KEY)],
                ]
                for m in messages
            ]
    return out


print(
    json.dumps(
        {
            "tokenized": tokenized(),
            "ruled": ruled(),
            "followed_up": followed_up(),
            "mapped": mapped(),
            "classified": classified(),
        }
    )
)
