"""PermitGazetteer: a permit_type extractor that knows every name and alias.

DIET learns permit mentions from examples but also tags stray words ("rumah")
and misses rare aliases and typos. Running after the synonym mapper, this
component knows every name and alias from the training data: it keeps the learned
entities that name a real permit (fixing typos to the slug), adds the names DIET
missed, and keeps an unknown span only when no real permit was found, so the
answer can say that permit is not in the catalogue.
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
from nlu.gazetteer import Gazetteer, reconcile

ENTITY = "permit_type"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True)
class PermitGazetteer(LearnedNames):
    NAMES_FILE = "permit_names.json"

    def __init__(self, model_storage: ModelStorage, resource: Resource, names: Any = None) -> None:
        super().__init__(model_storage, resource, names)
        self._gazetteer = Gazetteer(self.names)

    def learn(self, training_data: TrainingData) -> dict[str, str]:
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
