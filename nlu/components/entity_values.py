"""EntityValueMapper: permit_action and public_service values the actions can use.

DIET tags the right words but takes the span as the value when it has not seen
them annotated ("expired", "ubah kbli", "PBB tanah"): the slot then holds a value
no action knows. Running after the synonym mapper, this component knows every
annotated span of the training data and its value; a predicted value that is not
a known value is looked up as a name (small typos allowed) or by a known name
inside it, and dropped when neither finds one. When DIET found no action in a
permit question ("berkas utk perubahan alamat di nib"), or no service in a
question about another office, a known name in the text is added.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.components.learned_names import LearnedNames
from nlu.gazetteer import Gazetteer

# entity → the intents on which a name DIET missed is added.
FILLED_ON = {
    "permit_action": {"ask_requirements", "ask_fee", "ask_duration", "ask_procedure"},
    "public_service": {"ask_other_service"},
}
# Too common in other senses to be added when DIET did not tag it ("baru tahu").
NOT_FILLED = {"permit_action": {"baru"}}


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True)
class EntityValueMapper(LearnedNames):
    def __init__(self, model_storage: ModelStorage, resource: Resource, names: Any = None) -> None:
        super().__init__(model_storage, resource, names)
        self._gazetteers = {entity: Gazetteer(known) for entity, known in self.names.items()}

    def learn(self, training_data: TrainingData) -> dict[str, dict[str, str]]:
        names: dict[str, dict[str, str]] = {entity: {} for entity in FILLED_ON}
        for example in training_data.entity_examples:
            text = example.get(TEXT)
            for entity in example.get(ENTITIES, []):
                if entity["entity"] in names:
                    value = str(entity["value"])
                    names[entity["entity"]][text[entity["start"] : entity["end"]]] = value
                    names[entity["entity"]][value.replace("_", " ")] = value
        return names

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            entities = message.get(ENTITIES, [])[:]
            for name, gazetteer in self._gazetteers.items():
                entities = self._mapped(message, entities, name, gazetteer)
            message.set(ENTITIES, entities, add_to_output=True)
        return messages

    def _mapped(
        self,
        message: Message,
        entities: list[dict[str, Any]],
        name: str,
        gazetteer: Gazetteer,
    ) -> list[dict[str, Any]]:
        kept = []
        for entity in entities:
            if entity["entity"] != name or entity["value"] in gazetteer.slugs:
                kept.append(entity)
                continue
            value = known_value(str(entity["value"]), gazetteer)
            if value is not None:
                kept.append({**entity, "value": value})
        intent = (message.get(INTENT) or {}).get("name")
        if intent in FILLED_ON[name] and not any(e["entity"] == name for e in kept):
            kept += self._missed(message.get(TEXT) or "", name, gazetteer)
        return kept

    def _missed(self, text: str, name: str, gazetteer: Gazetteer) -> list[dict[str, Any]]:
        for match in gazetteer.find(text):
            if match.value not in NOT_FILLED.get(name, set()):
                found = {
                    "entity": name,
                    "start": match.start,
                    "end": match.end,
                    "value": match.value,
                    "confidence": 1.0,
                }
                return list(self.add_extractor_name([found]))
        return []


def known_value(span: str, gazetteer: Gazetteer) -> str | None:
    """The value a span names: the span as a name, else the first name inside it."""
    value = gazetteer.lookup(span)
    if value is not None:
        return value
    inside = gazetteer.find(span)
    return inside[0].value if inside else None
