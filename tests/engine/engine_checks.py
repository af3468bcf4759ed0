"""Runs in Rasa's environment (rasa 3.6): engine/speedups.py against Rasa's own code.

    PYTHONPATH=. .venv-engine/bin/python tests/engine/engine_checks.py

Prints one JSON object: for each action-server reply, whether Rasa's stock
validation and ours agree (both accept, or both raise the same message); for
each event, whether both resolve its type name to the same class; for pairs of
sparse feature matrices, what joining them gives with Rasa's code and with ours;
for messages' tokens, the count-vector features of Rasa's code and of ours.
"""

import json
import sys

import numpy as np
import scipy.sparse
from jsonschema import ValidationError, validate
from rasa.core.actions.action import RemoteAction
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.shared.core.events import Event
from rasa.shared.nlu.training_data.features import Features
from sklearn.feature_extraction.text import CountVectorizer

REPLIES = [
    {"events": [], "responses": []},
    {},
    {
        "events": [
            {"event": "slot", "timestamp": None, "name": "permit", "value": "PBG"},
            {"event": "bot", "text": "Lama proses PBG 28 hari kerja", "data": {}, "metadata": {}},
            {"event": "followup", "name": "action_listen"},
            {"event": "active_loop", "name": None},
            {"event": "reset_slots"},
        ],
        "responses": [{"text": "Lama proses", "buttons": [{"title": "a", "payload": "/b"}]}],
    },
    {"events": [{"event": "slot", "timestamp": "yesterday"}]},
    {"events": [{"event": "no_such_event"}]},
    {"events": [{"timestamp": 1.0}]},
    {"events": [{"event": "bot", "metadata": 3}]},
    {"events": [{"event": "user", "text": "halo", "parse_data": "x"}]},
    {"events": "slot"},
    {"events": [["slot"]]},
    {"responses": [1]},
    {"responses": {"text": "x"}},
    {"events": None},
    [],
]
EVENT_NAMES = ["user", "bot", "slot", "action", "session_started", "followup", "no_such"]
# (rows, columns, format, dtype) of the two matrices joined; the last pair's rows differ.
SPARSE_PAIRS = [
    ((1, 40, "coo", "float64"), (1, 900, "coo", "float64")),
    ((6, 40, "coo", "float32"), (6, 900, "coo", "float64")),
    ((6, 40, "csr", "float64"), (6, 900, "coo", "int64")),
    ((3, 0, "coo", "float64"), (3, 900, "csc", "float64")),
    ((3, 40, "coo", "float64"), (4, 900, "coo", "float64")),
]


def _outcome(check, reply):
    try:
        check(reply)
    except ValidationError as error:
        return error.message.split(". Failed to validate")[0]
    return "valid"


def _event_classes():
    classes = {}
    for name in EVENT_NAMES:
        try:
            classes[name] = Event.resolve_by_type(name).__name__
        except ValueError:
            classes[name] = "error"
    return classes


FIT_TEXTS = [
    "syarat bikin imb apa aja",
    "berapa lama proses PBG?",
    "cek status PTSP-2025-7KQ4MZ",
    "jam buka kantor ptsp jam brp",
]
TOKEN_LISTS = [
    ["syarat", "bikin", "imb", "apa", "aja"],
    ["Berapa", "LAMA", "proses", "penerbitan", "SLF?"],
    ["cek", "PTSP-2025-7KQ4MZ", "ptsp.2025.7kq4mz", "ptsp", "ptsp"],
    ["xyzzy", "qwrtp"],  # out of vocabulary
    ["a"],
    [],
]
# (analyzer, ngram range): ours sums for the first two; the others take Rasa's path.
VECTORIZERS = [("word", (1, 1)), ("char_wb", (2, 5)), ("char", (2, 4)), ("word", (1, 2))]


def _count_features(create_features):
    """Sequence and sentence features of TOKEN_LISTS for each of VECTORIZERS."""
    results = []
    for analyzer, ngrams in VECTORIZERS:
        pattern = r"(?u)\b\w+\b" if analyzer == "word" else None
        vectorizer = CountVectorizer(token_pattern=pattern, ngram_range=ngrams, analyzer=analyzer)
        vectorizer.fit(FIT_TEXTS)
        featurizer = CountVectorsFeaturizer.__new__(CountVectorsFeaturizer)
        featurizer.vectorizers = {"text": vectorizer}
        sequences, sentences = create_features(featurizer, "text", TOKEN_LISTS)
        results.append([[_coo(m) for m in sequences], [_coo(m) for m in sentences]])
    return results


def _coo(matrix):
    if matrix is None:
        return None
    entries = [matrix.row.tolist(), matrix.col.tolist(), matrix.data.tolist()]
    return [matrix.format, str(matrix.dtype), list(matrix.shape), *entries]


def _sparse(rows, columns, fmt, dtype, seed):
    return scipy.sparse.random(
        rows, columns, density=0.05, format=fmt, dtype=dtype, random_state=seed
    )


def _joined(left, right):
    """What combining two sparse text features gives: the matrix, or the error."""
    features = Features(_sparse(*left, seed=1), "sequence", "text", "left")
    try:
        features.combine_with_features(Features(_sparse(*right, seed=2), "sequence", "text", "r"))
    except ValueError as error:
        return f"error: {error}"
    joined = features.features
    return {
        "format": joined.format,
        "dtype": str(joined.dtype),
        "shape": list(joined.shape),
        "entries": [joined.row.tolist(), joined.col.tolist(), joined.data.tolist()],
        "dense_sum": float(np.asarray(joined.todense()).sum()),
    }


ENDPOINT = {
    "url": "http://127.0.0.1:1/webhook",
    "headers": {"X-Check": "1"},
    "basic_auth": {"username": "u", "password": "p"},
}


def _session_settings(open_session):
    """What Rasa's requests to an endpoint carry, and whether the session is reused:
    [headers, auth header, timeout, the same session twice, still open after use]."""
    import asyncio

    from rasa.utils.endpoints import EndpointConfig

    endpoint = EndpointConfig.from_dict(ENDPOINT)

    async def read():
        first = open_session(endpoint)
        async with first as session:
            seen = [
                dict(session.headers),
                session._default_auth.encode(),
                session.timeout.total,
            ]
        second = open_session(endpoint)
        async with second as again:
            seen.append(again is session)
        seen.append(not session.closed)
        await session.close()
        return seen

    return asyncio.run(read())


def main():
    def stock(reply):
        validate(reply, RemoteAction.action_response_format_spec())

    stock_classes = _event_classes()
    stock_outcomes = [_outcome(stock, reply) for reply in REPLIES]
    stock_joined = [_joined(left, right) for left, right in SPARSE_PAIRS]
    stock_counts = _count_features(CountVectorsFeaturizer._create_features)
    from rasa.utils.endpoints import EndpointConfig

    stock_session = _session_settings(EndpointConfig.session)

    from engine import patches

    patches.install()
    action = RemoteAction("action_check", None)
    ours = [_outcome(action._validate_action_result, reply) for reply in REPLIES]
    our_classes = _event_classes()
    our_joined = [_joined(left, right) for left, right in SPARSE_PAIRS]
    our_counts = _count_features(CountVectorsFeaturizer._create_features)
    our_session = _session_settings(EndpointConfig.session)
    json.dump(
        {
            "validation": [[s, o] for s, o in zip(stock_outcomes, ours, strict=True)],
            "classes": [[stock_classes[n], our_classes[n]] for n in EVENT_NAMES],
            "sparse": [[s, o] for s, o in zip(stock_joined, our_joined, strict=True)],
            "counts": [[s, o] for s, o in zip(stock_counts, our_counts, strict=True)],
            "session": [stock_session, our_session],
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
