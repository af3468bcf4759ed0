"""Five pieces of work Rasa 3.6 does on every turn (or every message) that can be
done once, or with less, for the same result; found by profiling under load. What
each one saved is in docs/benchmarks.md ("Engine patches"):

- the action server's reply is checked with `jsonschema.validate`, which first checks
  Rasa's own (large) events schema against the JSON Schema metaschema, on every
  reply. The schema is now checked once and its validator kept; every reply is still
  validated, each event against the schema of its own kind first, with the same
  error Rasa raises when it is invalid;
- every event read from the tracker store finds its class by walking all subclasses
  of Event. The classes are now looked up in a table, rebuilt when a name is missing
  (a class imported later);
- DIET and the ResponseSelector join each message's sparse features (word and
  character n-grams) with scipy's `hstack`, whose general block assembly is costly.
  Two COO matrices side by side are joined by concatenating their entries instead:
  the same matrix;
- the count-vector featurizers (words, character n-grams) transform each message
  twice: its tokens one by one (the sequence features) and its tokens joined by
  spaces (the sentence feature). For words and for character n-grams within word
  boundaries (`char_wb`), the joined text gives exactly the sum of the tokens'
  counts, so the sentence feature is now that sum;
- every call to the action server opens a new HTTP session and connection
  (`EndpointConfig.request` closes its session each time). Each endpoint now keeps one
  session, so calls reuse kept-alive connections.

Installed, with the other patches, by engine/patches.py (its PATCHES lists these five
targets: `_validate_action_result`, `_resolve_by_type`, `_combine_sparse_features`,
`_create_features`, `_kept_session`). tests/engine/test_speedups.py checks that each
gives Rasa's result.
"""

from __future__ import annotations

import asyncio
import functools
from types import TracebackType
from typing import Any

import aiohttp
import numpy as np
import scipy.sparse
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.events import Event
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.utils.common import all_subclasses
from rasa.utils.endpoints import EndpointConfig

_EVENT_CLASSES: dict[str, type[Event]] = {}


@functools.lru_cache(maxsize=1)
def _action_reply_validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


@functools.lru_cache(maxsize=1)
def _event_validators() -> dict[str, Any] | None:
    """One validator per event name, or None if the names do not tell the kinds apart.

    Rasa's event schema is a `oneOf` of kinds told apart by `event`'s constant, so
    an event is valid exactly when it is valid for the kind its name names; checking
    that one kind spares trying the other 22 and building their errors.
    """
    events = RemoteAction.action_response_format_spec()["properties"]["events"]["items"]
    shared = {key: value for key, value in events.items() if key != "oneOf"}
    validators: dict[str, Any] = {}
    for kind in events["oneOf"]:
        name = kind["properties"]["event"]["const"]
        if name in validators:
            return None
        schema = {"allOf": [shared, kind]}
        validators[name] = validator_for(schema)(schema)
    return validators


def _valid_by_kind(result: Any) -> bool:
    """True when the reply is certainly valid; False means "ask the full schema"."""
    validators = _event_validators()
    if validators is None or not isinstance(result, dict):
        return False
    events, responses = result.get("events", []), result.get("responses", [])
    if not isinstance(events, list) or not isinstance(responses, list):
        return False
    if not all(isinstance(response, dict) for response in responses):
        return False
    for event in events:
        validator = validators.get(event.get("event")) if isinstance(event, dict) else None
        if validator is None or not validator.is_valid(event):
            return False
    return True


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    if _valid_by_kind(result):
        return True
    error = best_match(_action_reply_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, "
        "make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit {DOCS_BASE_URL}/custom-actions"
    )
    raise error


def _resolve_by_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    """Event.resolve_by_type with a table instead of a walk over every subclass."""
    if type_name not in _EVENT_CLASSES:
        _EVENT_CLASSES.clear()
        for cls in all_subclasses(Event):
            _EVENT_CLASSES.setdefault(cls.type_name, cls)
    found = _EVENT_CLASSES.get(type_name)
    if found is not None:
        return found
    if type_name == "topic":
        return None  # as Rasa: old TopicSet events are ignored
    if default is not None:
        return default
    raise ValueError(f"Unknown event name '{type_name}'.")


def _combine_sparse_features(self: Features, additional_features: Features) -> None:
    """Features._combine_sparse_features with a direct join of the two matrices."""
    if self.features.shape[0] != additional_features.features.shape[0]:
        raise ValueError(
            f"Cannot combine sparse features as sequence dimensions do not "
            f"match: {self.features.shape[0]} != "
            f"{additional_features.features.shape[0]}."
        )
    self.features = side_by_side(self.features, additional_features.features)
    self._cached_fingerprint = None


def side_by_side(left: Any, right: Any) -> scipy.sparse.coo_matrix:
    """scipy.sparse.hstack([left, right]) for two sparse matrices: the same COO matrix
    (entries, their order, dtype), without the general block assembly."""
    left, right = left.tocoo(), right.tocoo()
    data = np.concatenate((left.data, right.data)).astype(
        np.result_type(left.dtype, right.dtype), copy=False
    )
    rows = np.concatenate((left.row, right.row))
    columns = np.concatenate((left.col, right.col + left.shape[1]))
    shape = (left.shape[0], left.shape[1] + right.shape[1])
    return scipy.sparse.coo_matrix((data, (rows, columns)), shape=shape)


_STOCK_CREATE_FEATURES = CountVectorsFeaturizer._create_features


def _sentence_is_sum_of_tokens(vectorizer: Any) -> bool:
    """Whether the counts of the tokens joined by spaces are the sum of each token's.

    True when no n-gram spans two tokens: word unigrams (the token pattern never
    crosses a space), and character n-grams taken within each word (`char_wb`).
    """
    if vectorizer.binary:
        return False
    if vectorizer.analyzer == "char_wb":
        return True
    return vectorizer.analyzer == "word" and vectorizer.ngram_range[1] == 1


def _create_features(
    self: CountVectorsFeaturizer, attribute: str, all_tokens: list[list[str]]
) -> tuple[list[Any], list[Any]]:
    """CountVectorsFeaturizer._create_features, the sentence feature summed from the
    sequence features where that is the same (see _sentence_is_sum_of_tokens)."""
    vectorizer = self.vectorizers.get(attribute)
    if (
        not vectorizer
        or attribute not in DENSE_FEATURIZABLE_ATTRIBUTES
        or not _sentence_is_sum_of_tokens(vectorizer)
    ):
        return _STOCK_CREATE_FEATURES(self, attribute, all_tokens)  # type: ignore[no-any-return]
    sequence_features: list[Any] = []
    sentence_features: list[Any] = []
    for tokens in all_tokens:
        if not tokens:
            sequence_features.append(None)
            sentence_features.append(None)
            continue
        sequence = vectorizer.transform(tokens)
        sequence.sort_indices()
        sequence_features.append(sequence.tocoo())
        sentence_features.append(_column_totals(sequence))
    return sequence_features, sentence_features


def _column_totals(matrix: scipy.sparse.csr_matrix) -> scipy.sparse.coo_matrix:
    """One row: each column's total over the rows, the columns in order (as sorted
    CSR made COO). Sparse all the way: a dense row would be the whole vocabulary."""
    columns, position = np.unique(matrix.indices, return_inverse=True)
    totals = np.bincount(position, weights=matrix.data, minlength=len(columns))
    rows = np.zeros(len(columns), dtype=matrix.indices.dtype)
    return scipy.sparse.coo_matrix(
        (totals.astype(matrix.dtype), (rows, columns)), shape=(1, matrix.shape[1])
    )


class _KeptSession:
    """What EndpointConfig.session gives Rasa's `async with`: the endpoint's kept
    session, left open on the way out."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self._session

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        return None


def _kept_session(self: EndpointConfig) -> _KeptSession:
    """Rasa's EndpointConfig.session (its headers, auth and timeout), made once per
    endpoint and event loop."""
    loop = asyncio.get_running_loop()
    kept = self.__dict__.get("_kept_session")
    if kept is None or kept[0] is not loop or kept[1].closed:
        kept = (loop, _rasa_session(self))
        self.__dict__["_kept_session"] = kept
    return _KeptSession(kept[1])


_rasa_session = EndpointConfig.session
