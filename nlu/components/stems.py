"""StemFeaturizer: word counts of Indonesian stems, beside the word and character counts.

Indonesian builds words with prefixes and suffixes ("persyaratannya", "diperpanjang",
"pengajuan"); the stem ("syarat", "panjang", "aju") lets one training example
cover every affixed form. A CountVectorsFeaturizer whose tokens are the stems of
the tokenizer's lemmas (Sastrawi's rules, see nlu/stemming.py).
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.shared.nlu.constants import ACTION_NAME, INTENT, INTENT_RESPONSE_KEY
from rasa.shared.nlu.training_data.message import Message

from nlu.stemming import stem_phrase

_LABELS = (INTENT, ACTION_NAME, INTENT_RESPONSE_KEY)  # names, not language


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class StemFeaturizer(CountVectorsFeaturizer):
    def _get_message_tokens_by_attribute(self, message: Message, attribute: str) -> list[str]:
        tokens = super()._get_message_tokens_by_attribute(message, attribute)
        if attribute in _LABELS:
            return tokens
        return [stem_phrase(token) for token in tokens]
