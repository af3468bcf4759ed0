"""engine/speedups.py changes how fast Rasa checks things, never the verdict.

Rasa's own validation of action-server replies and our faster one must accept the
same replies and refuse the others with the same message; event type names must
resolve to the same classes.
"""

from __future__ import annotations

import json
from pathlib import Path

from nlu.train import run_in_engine

CHECKS = Path(__file__).with_name("engine_checks.py")  # runs in Rasa's environment


def _run_checks() -> dict[str, list[list[str]]]:
    out = run_in_engine(CHECKS)
    checks: dict[str, list[list[str]]] = json.loads(out.strip().splitlines()[-1])
    return checks


def test_replies_get_the_verdict_rasa_gives() -> None:
    checks = _run_checks()
    verdicts = checks["validation"]
    assert [stock for stock, _ in verdicts].count("valid") == 3  # the cases cover both ways
    for stock, ours in verdicts:
        assert ours == stock
    for stock_class, our_class in checks["classes"]:
        assert our_class == stock_class
