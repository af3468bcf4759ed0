"""Parses texts with a trained model in the engine environment (rasa 3.6), for
test_serving_engine.py.

    .venv-engine/bin/python tests/e2e/engine_parse.py MODEL.tar.gz OUT.json [--serving] < texts.json

Without --serving, by Rasa's own code, one message at a time. With --serving, as
the Rasa server runs: our patches installed before the model loads (as
engine/channel.py does, by engine/patches.py), and the texts sent CONCURRENT at a
time, so that the NLU parses them in batches.
OUT.json gets the whole parse of every text, the process's RSS once the model has
loaded, and the sizes of the NLU batches.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from typing import Any


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        line = next(row for row in status if row.startswith("VmRSS:"))
    return int(line.split()[1]) / 1000


CONCURRENT = 16


async def _parse_all(model: str, texts: list[str], concurrent: int) -> dict[str, Any]:
    from rasa.core.agent import Agent

    agent = Agent.load(model)
    rss_mb = _rss_mb()
    parses: list[dict[str, Any]] = []
    for start in range(0, len(texts), concurrent):
        group = texts[start : start + concurrent]
        parses += await asyncio.gather(*(agent.parse_message(text) for text in group))
    return {"rss_mb_after_load": rss_mb, "parses": parses, "batches": _batches(agent)}


def _batches(agent: Any) -> dict[int, int]:
    if "engine.patches" not in sys.modules:
        return {}
    from engine import batching

    return batching.batch_sizes(agent.processor)


def main() -> None:
    logging.disable(logging.WARNING)
    model, out = sys.argv[1], sys.argv[2]
    serving = "--serving" in sys.argv[3:]
    if serving:
        from engine import patches

        patches.install()
    texts = json.load(sys.stdin)
    result = asyncio.run(_parse_all(model, texts, CONCURRENT if serving else 1))
    with open(out, "w", encoding="utf-8") as file:
        json.dump(result, file, ensure_ascii=False, default=str)


if __name__ == "__main__":
    main()
