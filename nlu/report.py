"""Measures the NLU and writes docs/nlu.md.

    .venv/bin/python -m nlu.report

1. Held-out split: the training examples are split per intent (seeded, 80/20);
   a model is trained on the 80 % only and scored on the 20 %.
2. Colloquial file: the model in service (models/, trained on all data) is
   scored on nlu/eval/colloquial.yml, hand-written messages it never saw.
Scores: intent accuracy and macro-F1, per-intent F1, the most confused pairs,
FAQ topic accuracy, permit_type value accuracy and application_number accuracy.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from random import Random
from typing import Any

import yaml

from nlu.train import engine_env, rasa, run_in_engine, train

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "nlu" / "data"
SPLIT_SEED = 7
HELD_OUT = 0.2
_ANNOTATION = re.compile(r"\[([^\]]+)\](\{[^}]+\}|\(([^)]+)\))")


@dataclass
class Case:
    text: str
    intent: str  # "faq/lokasi" for FAQ topics
    permit_type: str | None = None
    application_number: str | None = None
    raw: str = ""  # the annotated line, for writing training files


@dataclass
class Scores:
    name: str
    n: int
    accuracy: float
    macro_f1: float
    per_intent: dict[str, tuple[float, int]] = field(default_factory=dict)
    confusions: list[tuple[str, str, int]] = field(default_factory=list)
    faq_accuracy: float | None = None
    permit_accuracy: float | None = None
    permit_n: int = 0
    number_accuracy: float | None = None
    number_n: int = 0


def _plain_and_entities(line: str, synonyms: dict[str, str]) -> tuple[str, dict[str, str]]:
    entities: dict[str, str] = {}

    def replace(match: re.Match[str]) -> str:
        text = match.group(1)
        if match.group(2).startswith("{"):
            spec = json.loads(match.group(2))
            entities[spec["entity"]] = spec.get("value", text)
        else:
            entities[match.group(3)] = synonyms.get(text.lower(), text)
        return text

    return _ANNOTATION.sub(replace, line), entities


def training_cases() -> list[Case]:
    synonyms = {}
    for block in yaml.safe_load((DATA / "synonyms.yml").read_text())["nlu"]:
        for line in block["examples"].splitlines():
            if line.startswith("- "):
                synonyms[line[2:].strip().lower()] = block["synonym"]
    cases = []
    for path in sorted((DATA / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text())["nlu"]:
            for line in block["examples"].splitlines():
                if not line.startswith("- "):
                    continue
                text, entities = _plain_and_entities(line[2:], synonyms)
                number = entities.get("application_number")
                cases.append(
                    Case(
                        text=text,
                        intent=block["intent"],
                        permit_type=entities.get("permit_type"),
                        application_number=number.upper().replace(" ", "-").replace(".", "-")
                        if number
                        else None,
                        raw=line[2:],
                    )
                )
    return cases


def split(cases: list[Case]) -> tuple[list[Case], list[Case]]:
    rng = Random(SPLIT_SEED)
    by_intent: dict[str, list[Case]] = {}
    for case in cases:
        by_intent.setdefault(case.intent, []).append(case)
    train_part, test_part = [], []
    for intent in sorted(by_intent):
        group = by_intent[intent][:]
        rng.shuffle(group)
        cut = max(1, round(len(group) * HELD_OUT))
        test_part += group[:cut]
        train_part += group[cut:]
    return train_part, test_part


def write_training(cases: list[Case], folder: Path) -> None:
    blocks: dict[str, list[str]] = {}
    for case in cases:
        blocks.setdefault(case.intent, []).append(case.raw)
    body = "".join(
        f"  - intent: {intent}\n    examples: |\n" + "".join(f"      - {r}\n" for r in raws)
        for intent, raws in blocks.items()
    )
    (folder / "nlu.yml").write_text(f'version: "3.1"\nnlu:\n{body}', encoding="utf-8")
    (folder / "synonyms.yml").write_text((DATA / "synonyms.yml").read_text(), encoding="utf-8")


def parse(model: Path, texts: list[str]) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "parsed.json"
        script = ROOT / "nlu" / "eval_engine.py"
        run_in_engine(script, str(model), str(out), stdin=json.dumps(texts))
        parsed: list[dict[str, Any]] = json.loads(out.read_text(encoding="utf-8"))
    return parsed


def predicted_intent(parsed: dict[str, Any]) -> str:
    name = str(parsed["intent"].get("name"))
    if name == "faq":
        key = parsed["response_selector"].get("faq", {}).get("response", {})
        return str(key.get("intent_response_key") or "faq")
    return name


def _entity(parsed: dict[str, Any], name: str) -> str | None:
    return next((str(e["value"]) for e in parsed["entities"] if e["entity"] == name), None)


def score(name: str, cases: list[Case], parsed: list[dict[str, Any]]) -> Scores:
    gold = [c.intent.split("/")[0] for c in cases]
    pred = [predicted_intent(p).split("/")[0] for p in parsed]
    labels = sorted(set(gold))
    per_intent = {}
    for label in labels:
        tp = sum(g == p == label for g, p in zip(gold, pred, strict=True))
        fp = sum(p == label and g != label for g, p in zip(gold, pred, strict=True))
        fn = sum(g == label and p != label for g, p in zip(gold, pred, strict=True))
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        per_intent[label] = (f1, gold.count(label))
    confusions = Counter((g, p) for g, p in zip(gold, pred, strict=True) if g != p)
    faq = [(c, p) for c, p in zip(cases, parsed, strict=True) if c.intent.startswith("faq/")]
    permits = [(c, p) for c, p in zip(cases, parsed, strict=True) if c.permit_type]
    numbers = [(c, p) for c, p in zip(cases, parsed, strict=True) if c.application_number]
    return Scores(
        name=name,
        n=len(cases),
        accuracy=sum(g == p for g, p in zip(gold, pred, strict=True)) / len(cases),
        macro_f1=sum(f for f, _ in per_intent.values()) / len(per_intent),
        per_intent=per_intent,
        confusions=[(g, p, n) for (g, p), n in confusions.most_common(8)],
        faq_accuracy=sum(predicted_intent(p) == c.intent for c, p in faq) / len(faq)
        if faq
        else None,
        permit_accuracy=sum(_entity(p, "permit_type") == c.permit_type for c, p in permits)
        / len(permits)
        if permits
        else None,
        permit_n=len(permits),
        number_accuracy=sum(
            _entity(p, "application_number") == c.application_number for c, p in numbers
        )
        / len(numbers)
        if numbers
        else None,
        number_n=len(numbers),
    )


def colloquial_cases() -> list[Case]:
    rows = yaml.safe_load((ROOT / "nlu" / "eval" / "colloquial.yml").read_text())["messages"]
    return [
        Case(
            text=r["text"],
            intent=r["intent"],
            permit_type=r.get("permit_type"),
            application_number=r.get("application_number"),
        )
        for r in rows
    ]


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f} %"


def render(results: list[Scores], train_seconds: float) -> str:
    out = [
        "# NLU report",
        "",
        "Made by `make nlu-report` (`.venv/bin/python -m nlu.report`); numbers from the last "
        "run on the project machine (2 cores).",
        "",
        "| set | messages | intent accuracy | intent macro-F1 | FAQ topic accuracy | "
        "permit_type value accuracy | application_number accuracy |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in results:
        out.append(
            f"| {s.name} | {s.n} | {_pct(s.accuracy)} | {100 * s.macro_f1:.1f} | "
            f"{_pct(s.faq_accuracy)} | {_pct(s.permit_accuracy)} (n={s.permit_n}) | "
            f"{_pct(s.number_accuracy)} (n={s.number_n}) |"
        )
    for s in results:
        out += ["", f"## {s.name}: per intent", "", "| intent | F1 | n |", "|---|---|---|"]
        out += [f"| {i} | {100 * f:.1f} | {n} |" for i, (f, n) in sorted(s.per_intent.items())]
        out += ["", "Most confused (gold → predicted, count):", ""]
        out += [f"- {g} → {p}: {n}" for g, p, n in s.confusions] or ["- none"]
    out += [
        "",
        "## How it was measured",
        "",
        f"- Held-out split: training examples split per intent with seed {SPLIT_SEED}, "
        f"{int(HELD_OUT * 100)} % held out; an NLU model trained on the rest "
        f"({train_seconds:.0f} s) scores them.",
        "- Colloquial: `nlu/eval/colloquial.yml`, hand-written informal messages that are "
        "not in the training data, scored with the model in service (`models/`).",
        "- `nlu_fallback` (FallbackClassifier) counts as a wrong intent.",
        "- Pipeline and seeds: `config.yml` (DIET and ResponseSelector `random_seed: 42`); "
        "training data generated by `nlu/augment.py` (seed 20261125).",
        "",
    ]
    return "\n".join(out)


def main() -> int:
    cases = training_cases()
    train_part, test_part = split(cases)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "data").mkdir()
        write_training(train_part, folder / "data")
        started = time.monotonic()
        subprocess.run(
            rasa(
                "train",
                "nlu",
                "--config",
                "config.yml",
                "--nlu",
                str(folder / "data"),
                "--domain",
                "domain.yml",
                "--out",
                str(folder),
                "--fixed-model-name",
                "split",
                "--quiet",
            ),
            cwd=ROOT,
            env=engine_env(),
            check=True,
            capture_output=True,
        )
        seconds = time.monotonic() - started
        held_out = score(
            "held-out split", test_part, parse(folder / "split.tar.gz", [c.text for c in test_part])
        )
    model = train()
    colloquial = colloquial_cases()
    slang = score("colloquial file", colloquial, parse(model, [c.text for c in colloquial]))
    report = render([held_out, slang], seconds)
    (ROOT / "docs" / "nlu.md").write_text(report, encoding="utf-8")
    sys.stdout.write(report + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
