"""engine/speedups.py changes how fast Rasa works, never the result.

Rasa's own validation of action-server replies and our faster one must accept the
same replies and refuse the others with the same message; event type names must
resolve to the same classes; sparse features must join into the same matrix, and
the count-vector featurizers must give the same features.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from nlu.train import run_in_engine

CHECKS = Path(__file__).with_name("engine_checks.py")  # runs in Rasa's environment


@functools.cache
def _run_checks() -> dict[str, list[list[Any]]]:
    out = run_in_engine(CHECKS)
    checks: dict[str, list[list[Any]]] = json.loads(out.strip().splitlines()[-1])
    return checks


def test_replies_get_the_verdict_rasa_gives() -> None:
    checks = _run_checks()
    verdicts = checks["validation"]
    assert [stock for stock, _ in verdicts].count("valid") == 3  # the cases cover both ways
    for stock, ours in verdicts:
        assert ours == stock
    for stock_class, our_class in checks["classes"]:
        assert our_class == stock_class


def test_sparse_features_join_into_the_matrix_rasa_builds() -> None:
    joined = _run_checks()["sparse"]
    assert len(joined) == 5
    for stock, ours in joined:
        assert ours == stock
    mixed = joined[1][0]  # float32 beside float64
    assert mixed["dtype"] == "float64" and mixed["shape"] == [6, 940]
    assert joined[0][0]["entries"][0]  # the matrices are not empty
    assert joined[4][0].startswith("error: Cannot combine sparse features")


def test_count_vector_features_are_the_ones_rasa_computes() -> None:
    counts = _run_checks()["counts"]
    assert len(counts) == 4  # word, char_wb (summed by ours), char, word bigrams
    for stock, ours in counts:
        assert ours == stock
    sequences, sentences = counts[1][0]  # char_wb, Rasa's own
    assert sequences[0][2][0] == 5  # one row per token
    assert sentences[0][2][0] == 1 and sum(sentences[0][5]) > 0  # one row, counted
    assert sequences[-1] is None and sentences[-1] is None  # no tokens, no features


def test_action_calls_keep_one_session_with_rasas_settings() -> None:
    stock, ours = _run_checks()["session"]
    # headers, Basic auth and timeout as Rasa sets them ...
    assert ours[:3] == stock[:3]
    assert stock[0]["X-Check"] == "1" and stock[1].startswith("Basic ")
    # ... but one session for every call, kept open (Rasa opens one per call).
    assert stock[3:] == [False, False]
    assert ours[3:] == [True, True]
