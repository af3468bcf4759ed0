"""CPU per message of the NLU alone, one message at a time against micro-batches.

Runs in Rasa's environment (it loads the trained model in-process):

    PYTHONPATH=. .venv-engine/bin/python bench/nlu_batching.py [--texts 400] [--sizes 1,4,8,16,32]

Parses the training texts (sorted, the first --texts of them) through the NLU graph
the way engine/batching.py does in service: batch size 1 is Rasa's own per-message
path (the baseline); larger sizes run DIET and the ResponseSelector once per batch.
Prints CPU and wall time per message and how many parses differ from the baseline
(intent, entities, FAQ topic; and the largest confidence difference).
"""

from __future__ import annotations

import argparse
import glob
import logging
import os
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

ROOT = Path(__file__).resolve().parents[1]


def _texts(limit: int) -> list[str]:
    from rasa.shared.nlu.training_data.loading import load_data

    files = sorted(glob.glob(str(ROOT / "nlu" / "data" / "nlu" / "*.yml")))
    texts = {m.get("text") for f in files for m in load_data(f).training_examples}
    return sorted(t for t in texts if t)[:limit]


def _key(parsed: dict[str, Any]) -> tuple[Any, ...]:
    faq = parsed.get("response_selector", {}).get("faq", {}).get("response", {})
    entities = [(e["entity"], e["start"], e["end"], e.get("value")) for e in parsed["entities"]]
    return parsed["intent"]["name"], tuple(entities), faq.get("intent_response_key")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--texts", type=int, default=400)
    parser.add_argument("--sizes", default="1,4,8,16,32")
    args = parser.parse_args()
    logging.disable(logging.WARNING)

    from rasa.core.agent import Agent
    from rasa.core.channels.channel import UserMessage

    from engine import batching, patches

    patches.install()  # before the model loads, as in service
    model = sorted(glob.glob(str(ROOT / "models" / "*.tar.gz")))[-1]
    processor = Agent.load(model).processor
    texts = _texts(args.texts)

    def parse_in_batches(size: int) -> list[dict[str, Any]]:
        parsed: list[dict[str, Any]] = []
        for start in range(0, len(texts), size):
            group = [UserMessage(t) for t in texts[start : start + size]]
            parsed += batching.parse_together(processor, group, True)
        return parsed

    parse_in_batches(1)  # warm-up: traces TensorFlow's functions
    print(f"{len(texts)} texts, model {Path(model).name}")
    print("| batch size | CPU ms/msg | wall ms/msg | parses differing | max confidence diff |")
    print("|---|---|---|---|---|")
    baseline: list[dict[str, Any]] = []
    for size in [int(s) for s in args.sizes.split(",")]:
        cpu, wall = time.process_time(), time.perf_counter()
        parsed = parse_in_batches(size)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        baseline = baseline or parsed
        differing = sum(_key(a) != _key(b) for a, b in zip(baseline, parsed, strict=True))
        diff = max(
            abs(a["intent"]["confidence"] - b["intent"]["confidence"])
            for a, b in zip(baseline, parsed, strict=True)
        )
        per = 1000 / len(texts)
        print(f"| {size} | {cpu * per:.2f} | {wall * per:.2f} | {differing} | {diff:.1e} |")


if __name__ == "__main__":
    main()
