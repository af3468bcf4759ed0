"""LinearIntentClassifier and LinearFaqSelector: the intent, and the FAQ topic of a
question about the office, from logistic regressions over TF-IDF features.

With a few thousand hand-written examples, a linear model over word, stem and
character n-gram weights generalised better to messages written by strangers than
DIET did on the development set (nlu/eval/dev.yml, written blind), with the same
training data and tokenizer (the figures: docs/nlu.md, "The pipeline"). DIET stays
in the pipeline for the entities only (`intent_classification: false`). The FAQ
topic is read the same way in place of Rasa's ResponseSelector, more accurately on
the development set, into the ResponseSelector's output shape, which is all
action_answer_faq and the gateway read.

Features, each TF-IDF with sublinear term frequency:
- the tokenizer's lemmas ("brp" → "berapa"), single words and pairs;
- their Sastrawi stems ("persyaratannya" → "syarat");
- character n-grams of the text as typed, which carry typos and unknown slang.
The probabilities are close to calibrated (on the development set, of the messages
read with confidence ≥ 0.9, all were right; of those under 0.45, about half), so the
confidence thresholds of the fallback and the actions keep their meaning.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import joblib
import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import RESPONSE_SELECTOR_PROPERTY_NAME, TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_RANKING_KEY,
    INTENT_RESPONSE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from nlu.stemming import stem_phrase

_FILE = "linear_intents.joblib"
FAQ = "faq"  # the retrieval intent whose topics LinearFaqSelector tells apart


@dataclass
class _Views:
    """The three texts a message is featurised from."""

    lemmas: str
    stems: str
    typed: str

    @classmethod
    def of(cls, message: Message) -> _Views:
        tokens = message.get(TOKENS_NAMES[TEXT]) or []
        lemmas = [token.lemma or token.text.lower() for token in tokens]
        return cls(
            lemmas=" ".join(lemmas),
            stems=" ".join(stem_phrase(lemma) for lemma in lemmas),
            typed=str(message.get(TEXT) or "").lower(),
        )


@dataclass
class _Model:
    words: TfidfVectorizer
    stems: TfidfVectorizer
    chars: TfidfVectorizer
    classifier: LogisticRegression

    def features(self, views: list[_Views], fit: bool = False) -> csr_matrix:
        parts = []
        for vectorizer, texts in (
            (self.words, [v.lemmas for v in views]),
            (self.stems, [v.stems for v in views]),
            (self.chars, [v.typed for v in views]),
        ):
            parts.append(vectorizer.fit_transform(texts) if fit else vectorizer.transform(texts))
        return hstack(parts).tocsr()


class _LinearLabels(GraphComponent):
    """Trains one logistic regression on the examples `_labelled` gives; `process`
    hands each message's ranking, best first, to `_annotate`."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [Tokenizer]

    @staticmethod
    def required_packages() -> list[str]:
        return ["sklearn"]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "C": 30.0,  # weak regularisation: the examples are few and each counts
            "word_ngrams": 2,
            "char_ngrams": [2, 5],
            "min_char_count": 2,  # an n-gram seen in one example only is noise
            "ranking_length": 10,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: _Model | None = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._storage = model_storage
        self._resource = resource
        self._model = model

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> _LinearLabels:
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> _LinearLabels:
        try:
            with model_storage.read_from(resource) as folder:
                model = joblib.load(folder / _FILE)
        except (ValueError, FileNotFoundError):  # trained without two labels to tell apart
            model = None
        return cls(config, model_storage, resource, model)

    def _labelled(self, training_data: TrainingData) -> list[tuple[Message, str]]:
        raise NotImplementedError

    def _annotate(self, message: Message, ranking: list[dict[str, Any]]) -> None:
        raise NotImplementedError

    def _new_model(self) -> _Model:
        low, high = self._config["char_ngrams"]
        return _Model(
            words=TfidfVectorizer(
                token_pattern=r"\S+",
                ngram_range=(1, self._config["word_ngrams"]),
                sublinear_tf=True,
            ),
            stems=TfidfVectorizer(token_pattern=r"\S+", sublinear_tf=True),
            chars=TfidfVectorizer(
                analyzer="char_wb",
                ngram_range=(low, high),
                min_df=self._config["min_char_count"],
                sublinear_tf=True,
            ),
            classifier=LogisticRegression(
                C=self._config["C"], max_iter=5000, class_weight="balanced"
            ),
        )

    def train(self, training_data: TrainingData) -> Resource:
        labelled = self._labelled(training_data)
        if len({label for _, label in labelled}) < 2:
            return self._resource
        model = self._new_model()
        features = model.features([_Views.of(m) for m, _ in labelled], fit=True)
        model.classifier.fit(features, [label for _, label in labelled])
        self._model = model
        with self._storage.write_to(self._resource) as folder:
            joblib.dump(model, folder / _FILE)
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        if self._model is None or not messages:
            return messages
        features = self._model.features([_Views.of(m) for m in messages])
        probabilities = self._model.classifier.predict_proba(features)
        names = self._model.classifier.classes_
        for message, row in zip(messages, probabilities, strict=True):
            order = np.argsort(-row)[: self._config["ranking_length"]]
            self._annotate(
                message, [{"name": str(names[i]), "confidence": float(row[i])} for i in order]
            )
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentClassifier(_LinearLabels, IntentClassifier):
    def _labelled(self, training_data: TrainingData) -> list[tuple[Message, str]]:
        return [
            (e, str(e.get(INTENT)))
            for e in training_data.intent_examples
            if e.get(INTENT) and e.get(TEXT)
        ]

    def _annotate(self, message: Message, ranking: list[dict[str, Any]]) -> None:
        message.set(INTENT, ranking[0], add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearFaqSelector(_LinearLabels):
    """The FAQ topic ("faq/jam_layanan") of every message, in the ResponseSelector's
    output shape; the topic counts only when the intent is faq, as before."""

    def _labelled(self, training_data: TrainingData) -> list[tuple[Message, str]]:
        return [
            (e, str(e.get(INTENT_RESPONSE_KEY)))
            for e in training_data.intent_examples
            if e.get(INTENT) == FAQ and e.get(INTENT_RESPONSE_KEY) and e.get(TEXT)
        ]

    def _annotate(self, message: Message, ranking: list[dict[str, Any]]) -> None:
        best = ranking[0]
        response = {
            "intent_response_key": best["name"],
            "confidence": best["confidence"],
            "utter_action": f"utter_{best['name']}",
            "responses": [],
        }
        selected = {
            "response": response,
            "ranking": [
                {"intent_response_key": r["name"], "confidence": r["confidence"]} for r in ranking
            ],
        }
        message.set(
            RESPONSE_SELECTOR_PROPERTY_NAME,
            {"all_retrieval_intents": [FAQ], FAQ: selected},
            add_to_output=True,
        )
