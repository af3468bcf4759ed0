"""Rules over the classifier's intent, for messages whose words it reads wrongly.

NumberMeansStatus: a message holding an application number is about that application.

"PTSP-2026-7KQ4MZ kapan jadinya?" reads like a duration question to a classifier
that learnt "kapan jadi" from permit questions; the applicant wants that
application's progress. Unless the message asks for something the number belongs
to (notifications, a complaint, a person, the list, a bare answer), the intent
becomes check_status. A message that is nothing but the number ("ini kak ptsp 2025
7kq4mz") is the contract's `inform`: the number given as an answer, whatever the
classifier made of it. Runs after the application-number extractor and before the
FallbackClassifier.

FollowUpMeansInform: "kalau PBG?" after an answer about NIB names another permit for
the same question; classifiers read "kalau ..." as anything ("kalau sudah jadi
kabari" taught them subscribe_updates). A follow-up opener, a permit and nothing but
connecting words (permits/follow_ups.py) is the contract's `inform`, which the
actions answer with the question asked before.
"""

from __future__ import annotations

import re
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from permits.follow_ups import opens_a_follow_up

STATUS = "check_status"
INFORM = "inform"
# "kalau PBG?" names another permit, "yang perpanjangan?" another action: either
# continues the question asked before.
FOLLOW_UP_ENTITIES = ("permit_type", "permit_action")
# Words around a number given as an answer ("ini nomornya kak: …"); anything else asks.
_FILLER_WORDS = """ini itu no nomor nomer nomornya nomernya noreg permohonan pengajuan punya
saya sy aku ku gue yg yang ya iya nih ni kak ka min mimin pak bu mas mbak gan sis bang om dok
berikut ok oke okay dong deh nya e iki niki ieu punika nomere nomore"""
FILLER = frozenset(_FILLER_WORDS.split())
_WORDS = re.compile(r"[^\W\d_]+")
# Intents that may carry a number and still mean what they say.
KEPT = {
    "check_status",
    "subscribe_updates",
    "list_my_applications",
    "complaint",
    "human_handoff",
    "inform",
    "thanks",
    "goodbye",
}
# A number read this way is a clear signal: not low enough for the fallback to ask back.
CONFIDENCE_FLOOR = 0.9


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class NumberMeansStatus(GraphComponent):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> NumberMeansStatus:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            numbers = [e for e in message.get(ENTITIES, []) if e["entity"] == "application_number"]
            if not numbers:
                continue
            text, intent = message.get(TEXT) or "", (message.get(INTENT) or {}).get("name")
            if _only_the_number(text, numbers):
                _read_as(message, INFORM)
            elif intent not in KEPT or (intent == INFORM and _asks_about_it(text, message)):
                _read_as(message, STATUS)
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class FollowUpMeansInform(GraphComponent):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> FollowUpMeansInform:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            spans = [
                (int(e["start"]), int(e["end"]))
                for e in message.get(ENTITIES, [])
                if e["entity"] in FOLLOW_UP_ENTITIES and "start" in e and "end" in e
            ]
            if opens_a_follow_up(message.get(TEXT) or "", spans):
                _read_as(message, INFORM)
        return messages


def _only_the_number(text: str, numbers: list[dict[str, Any]]) -> bool:
    for number in sorted(numbers, key=lambda e: -int(e["start"])):
        text = text[: number["start"]] + " " + text[number["end"] :]
    return all(word in FILLER for word in _WORDS.findall(text.lower()))


def _asks_about_it(text: str, message: Message) -> bool:
    """ "kapan SIP saya habis? PTSP-…" asks about the application, though the classifier
    may call a message with a number and a permit `inform`; "PBG, PTSP-…" informs."""
    named = [
        e
        for e in message.get(ENTITIES, [])
        if e["entity"] in ("application_number", *FOLLOW_UP_ENTITIES) and "start" in e
    ]
    return not _only_the_number(text, named)


def _read_as(message: Message, name: str) -> None:
    """`name` on top with at least CONFIDENCE_FLOOR; the other intents keep their order
    and share what is left, so the fallback does not find two intents close together."""
    intent = message.get(INTENT) or {}
    if intent.get("name") == name and float(intent.get("confidence") or 0) >= CONFIDENCE_FLOOR:
        return
    confidence = max(float(intent.get("confidence") or 0.0), CONFIDENCE_FLOOR)
    others = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != name]
    total = sum(float(r.get("confidence") or 0.0) for r in others) or 1.0
    share = (1.0 - confidence) / total
    ranking = [
        {"name": name, "confidence": confidence},
        *({**r, "confidence": float(r.get("confidence") or 0.0) * share} for r in others),
    ]
    message.set(INTENT, {"name": name, "confidence": confidence}, add_to_output=True)
    message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
