"""CPU per call of Rasa's own code against engine/speedups.py, on our training texts.

Runs in Rasa's environment:

    PYTHONPATH=. .venv-engine/bin/python bench/engine_speedups.py [--texts 400] [--rounds 3]

Times, interleaved round by round so that a machine whose speed drifts hurts both
alike: joining a message's sparse features (scipy's hstack against side_by_side),
and the count-vector features of a message (Rasa's _create_features against ours),
for word unigrams and char_wb 2-5 n-grams fitted on the training texts. Prints
microseconds per call for each round and checks that both give the same matrices.
"""

from __future__ import annotations

import argparse
import glob
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _texts(limit: int) -> list[str]:
    from rasa.shared.nlu.training_data.loading import load_data

    files = sorted(glob.glob(str(ROOT / "nlu" / "data" / "nlu" / "*.yml")))
    texts = {m.get("text") for f in files for m in load_data(f).training_examples}
    return sorted(t for t in texts if t)[:limit]


def _microseconds(call: Callable[[Any], Any], arguments: list[Any]) -> float:
    started = time.process_time()
    for argument in arguments:
        call(argument)
    return (time.process_time() - started) * 1e6 / len(arguments)


def _same(left: Any, right: Any) -> bool:
    left, right = left.tocoo(), right.tocoo()
    return bool(
        left.shape == right.shape
        and left.dtype == right.dtype
        and (left.row == right.row).all()
        and (left.col == right.col).all()
        and (left.data == right.data).all()
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--texts", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    import scipy.sparse
    from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
        CountVectorsFeaturizer,
    )
    from sklearn.feature_extraction.text import CountVectorizer

    from engine import speedups

    texts = _texts(args.texts)
    tokens = [text.split() for text in texts]
    cases: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any], list[Any]]] = {}

    for analyzer, ngrams in (("word", (1, 1)), ("char_wb", (2, 5))):
        pattern = r"(?u)\b\w+\b" if analyzer == "word" else None
        vectorizer = CountVectorizer(token_pattern=pattern, ngram_range=ngrams, analyzer=analyzer)
        vectorizer.fit(texts)
        featurizer = CountVectorsFeaturizer.__new__(CountVectorsFeaturizer)
        featurizer.vectorizers = {"text": vectorizer}

        def rasa(t: list[str], f: Any = featurizer) -> Any:
            return CountVectorsFeaturizer._create_features(f, "text", [t])

        def ours(t: list[str], f: Any = featurizer) -> Any:
            return speedups._create_features(f, "text", [t])

        for t in tokens:
            (r_seq, r_sent), (o_seq, o_sent) = rasa(t), ours(t)
            assert _same(r_seq[0], o_seq[0]) and _same(r_sent[0], o_sent[0]), t
        cases[f"count-vector features, {analyzer}"] = (rasa, ours, tokens)

    word, char = (cases[f"count-vector features, {a}"][0] for a in ("word", "char_wb"))
    pairs = [(word(t)[0][0], char(t)[0][0]) for t in tokens]
    for left, right in pairs:
        assert _same(scipy.sparse.hstack([left, right]), speedups.side_by_side(left, right))
    cases["joining sparse features"] = (
        lambda pair: scipy.sparse.hstack(list(pair)),
        lambda pair: speedups.side_by_side(*pair),
        pairs,
    )

    print(f"{len(texts)} texts; identical results from both; µs per call, round by round")
    print("| what | Rasa | ours |")
    print("|---|---|---|")
    for name, (rasa_call, our_call, arguments) in cases.items():
        timings: dict[str, list[float]] = {"rasa": [], "ours": []}
        for _ in range(args.rounds):
            timings["rasa"].append(_microseconds(rasa_call, arguments))
            timings["ours"].append(_microseconds(our_call, arguments))
        cells = [" / ".join(f"{t:.0f}" for t in timings[k]) for k in ("rasa", "ours")]
        print(f"| {name} | {cells[0]} | {cells[1]} |")


if __name__ == "__main__":
    main()
