"""ApplicationNumberExtractor: finds PTSP-YYYY-XXXXXX in any case or spacing.

The value is canonical (upper case, dashes), so actions and slots never see
"ptsp 2025 7kq4mz".
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from permits.numbers import find_numbers

ENTITY = "application_number"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class ApplicationNumberExtractor(GraphComponent, EntityExtractorMixin):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ApplicationNumberExtractor:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            # DIET may tag a part of the number; this extractor's full match wins.
            entities = [e for e in message.get(ENTITIES, [])[:] if e["entity"] != ENTITY]
            found = []
            for start, end, value in find_numbers(message.get(TEXT) or ""):
                entity = {
                    "entity": ENTITY,
                    "start": start,
                    "end": end,
                    "value": value,
                    "confidence": 1.0,
                }
                found.append(entity)
            entities.extend(self.add_extractor_name(found))
            message.set(ENTITIES, entities, add_to_output=True)
        return messages
