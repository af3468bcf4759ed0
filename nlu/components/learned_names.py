"""LearnedNames: the base of extractors that know names from the training data.

The permit gazetteer and the entity value mapper learn which spans the training
data annotates with which value; Rasa trains them with the model and keeps what they
learnt in the model's storage, here as one JSON file.
"""

from __future__ import annotations

import json
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.training_data.training_data import TrainingData


class LearnedNames(GraphComponent, EntityExtractorMixin):
    NAMES_FILE = "names.json"

    def __init__(self, model_storage: ModelStorage, resource: Resource, names: Any = None) -> None:
        self._model_storage = model_storage
        self._resource = resource
        self.names = names or {}

    def learn(self, training_data: TrainingData) -> Any:
        """The names (JSON-serialisable) this component keeps from the training data."""
        raise NotImplementedError

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LearnedNames:
        return cls(model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        names = self.learn(training_data)
        with self._model_storage.write_to(self._resource) as directory:
            (directory / self.NAMES_FILE).write_text(json.dumps(names, ensure_ascii=False))
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LearnedNames:
        try:
            with model_storage.read_from(resource) as directory:
                names = json.loads((directory / cls.NAMES_FILE).read_text())
        except (ValueError, FileNotFoundError):
            names = {}
        return cls(model_storage, resource, names)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
