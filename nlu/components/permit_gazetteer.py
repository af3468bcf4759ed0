"""PermitGazetteer: a permit_type extractor that knows every name and alias.

DIET learns permit mentions from examples but also tags stray words ("rumah")
and misses rare aliases and typos. Running after the synonym mapper, this
component knows every name and alias from the training data: it keeps the learned
entities that name a real permit (fixing typos to the slug), adds the names DIET
missed, and keeps an unknown span only when no real permit was found, so the
answer can say that permit is not in the catalogue.

It also keeps the words the training data writes outside permit mentions: those
are words people use on purpose, so "siapa" is never read as a typo of "sipa".
Models trained before that kept only the names (a plain name → slug object).
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.components.learned_names import LearnedNames
from nlu.gazetteer import TOKEN, Gazetteer, normalise, reconcile

ENTITY = "permit_type"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True)
class PermitGazetteer(LearnedNames):
    NAMES_FILE = "permit_names.json"

    def __init__(self, model_storage: ModelStorage, resource: Resource, names: Any = None) -> None:
        super().__init__(model_storage, resource, names)
        if "names" in self.names and isinstance(self.names["names"], dict):
            self._gazetteer = Gazetteer(self.names["names"], self.names["known_words"])
        else:
            self._gazetteer = Gazetteer(self.names)

    def learn(self, training_data: TrainingData) -> dict[str, Any]:
        return {
            "names": self._permit_names(training_data),
            "known_words": sorted(words_outside_permits(training_data)),
        }

    @staticmethod
    def _permit_names(training_data: TrainingData) -> dict[str, str]:
        slugs = set()
        for example in training_data.entity_examples:
            for entity in example.get(ENTITIES, []):
                if entity["entity"] == ENTITY:
                    slugs.add(str(entity["value"]))
        names = {slug.replace("_", " "): slug for slug in slugs}
        for variant, value in training_data.entity_synonyms.items():
            if value in slugs:
                names[variant] = value
        for example in training_data.entity_examples:
            for entity in example.get(ENTITIES, []):
                if entity["entity"] == ENTITY and entity["value"] in slugs:
                    names[example.get(TEXT)[entity["start"] : entity["end"]]] = entity["value"]
        return names

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            entities = message.get(ENTITIES, [])[:]
            learned = [e for e in entities if e["entity"] == ENTITY]
            others = [e for e in entities if e["entity"] != ENTITY]
            kept = reconcile(message.get(TEXT) or "", learned, self._gazetteer)
            added = [e for e in kept if e not in learned and "extractor" not in e]
            self.add_extractor_name(added)
            message.set(ENTITIES, others + kept, add_to_output=True)
        return messages


def words_outside_permits(training_data: TrainingData) -> set[str]:
    words: set[str] = set()
    for example in training_data.training_examples:
        text = example.get(TEXT) or ""
        for entity in example.get(ENTITIES) or []:
            if entity["entity"] == ENTITY:
                blank = " " * (entity["end"] - entity["start"])
                text = text[: entity["start"]] + blank + text[entity["end"] :]
        words.update(normalise(" ".join(TOKEN.findall(text))).split())
    return words
