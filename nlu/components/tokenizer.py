"""IndonesianTokenizer: Rasa's whitespace tokenizer, with each token's standard form
as its lemma ("brp" → "berapa", "piye" → "bagaimana", "fee" → "biaya").

Word features read the lemma, so slang, regional and English spellings share one
feature; character n-grams (configured with `use_lemma: false`) and entity spans
still see the text as typed.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

from nlu.lexicon import normalize


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class IndonesianTokenizer(WhitespaceTokenizer):
    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        tokens = super().tokenize(message, attribute)
        for token in tokens:
            token.lemma = normalize(token.text)
        return tokens
