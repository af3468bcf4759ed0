"""CPU per message of two NLU models side by side: a baseline and the model in service.

Runs in Rasa's environment (it loads both models in-process, with the engine's
patches installed as in service, engine/patches.py):

    PYTHONPATH=. .venv-engine/bin/python bench/nlu_cost.py BASELINE.tar.gz [CANDIDATE.tar.gz]
        [--texts 400] [--rounds 5]

The candidate defaults to models/tanya-izin.tar.gz. Both parse the same texts (the
colloquial check set and the training texts, sorted, the first --texts), one message
at a time as a lone message is parsed in service. The rounds alternate which model
goes first, so a noisy neighbour on the machine costs both alike; the script prints
each round and the median CPU ms per message of each model, and their ratio.
"""

from __future__ import annotations

import argparse
import glob
import logging
import os
import statistics
import time
from pathlib import Path
from typing import Any

import yaml

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

ROOT = Path(__file__).resolve().parents[1]


def _texts(limit: int) -> list[str]:
    from rasa.shared.nlu.training_data.loading import load_data

    colloquial = yaml.safe_load((ROOT / "nlu" / "eval" / "colloquial.yml").read_text())
    texts = {str(m["text"]) for m in colloquial["messages"]}
    files = sorted(glob.glob(str(ROOT / "nlu" / "data" / "nlu" / "**" / "*.yml"), recursive=True))
    texts |= {m.get("text") for f in files for m in load_data(f).training_examples}
    return sorted(t for t in texts if t)[:limit]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("baseline")
    parser.add_argument("candidate", nargs="?", default=str(ROOT / "models" / "tanya-izin.tar.gz"))
    parser.add_argument("--texts", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    logging.disable(logging.WARNING)

    from rasa.core.agent import Agent
    from rasa.core.channels.channel import UserMessage

    from engine import batching, patches

    patches.install()
    models = {"baseline": args.baseline, "candidate": args.candidate}
    processors = {name: Agent.load(path).processor for name, path in models.items()}
    texts = _texts(args.texts)

    def cpu_ms_per_message(processor: Any) -> float:
        started = time.process_time()
        for text in texts:
            batching.parse_together(processor, [UserMessage(text)], True)
        return (time.process_time() - started) * 1000 / len(texts)

    for processor in processors.values():
        cpu_ms_per_message(processor)  # warm-up: traces TensorFlow's functions
    print(f"{len(texts)} texts, one at a time; CPU ms per message")
    for name, path in models.items():
        print(f"  {name}: {path}")
    print("| round | baseline | candidate |")
    print("|---|---|---|")
    spent: dict[str, list[float]] = {name: [] for name in models}
    for round_ in range(args.rounds):
        order = list(models) if round_ % 2 == 0 else list(reversed(models))
        for name in order:
            spent[name].append(cpu_ms_per_message(processors[name]))
        print(f"| {round_ + 1} | {spent['baseline'][-1]:.2f} | {spent['candidate'][-1]:.2f} |")
    base, cand = (statistics.median(spent[name]) for name in models)
    print(f"median: baseline {base:.2f}, candidate {cand:.2f} ms; ratio {cand / base:.2f}")


if __name__ == "__main__":
    main()
