"""Labelled messages and how a model's parses of them are scored.

Intent accuracy counts every FAQ topic as the intent "faq" (the contract's intent);
FAQ topic accuracy is reported beside it. `nlu_fallback` is a wrong intent.
Entity accuracy: of the messages labelled with an entity, the share whose first
predicted value of that entity is the labelled one.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from nlu.train import run_in_engine

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "nlu" / "data"
EVAL = ROOT / "nlu" / "eval"
EVAL_SCRIPT = ROOT / "nlu" / "eval_engine.py"
BLIND_FILES = ("blind_a.yml", "blind_b.yml")
DEV_FILE = "dev.yml"  # written blind like the blind set, but read while tuning
COLLOQUIAL_FILE = "colloquial.yml"  # the team's own check set, also the deploy gate's
ENTITIES = ("permit_type", "application_number", "permit_action", "public_service")
_ANNOTATION = re.compile(r"\[([^\]]+)\](\{[^}]+\}|\(([^)]+)\))")


@dataclass
class Case:
    text: str
    intent: str  # "faq/lokasi" for FAQ topics
    entities: dict[str, str] = field(default_factory=dict)
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
    entities: dict[str, tuple[float, int]] = field(default_factory=dict)  # name → (acc, n)


def _synonyms() -> dict[str, str]:
    synonyms = {}
    for block in yaml.safe_load((DATA / "synonyms.yml").read_text())["nlu"]:
        for line in block["examples"].splitlines():
            if line.startswith("- "):
                synonyms[line[2:].strip().lower()] = block["synonym"]
    return synonyms


def plain_and_entities(line: str, synonyms: dict[str, str]) -> tuple[str, dict[str, str]]:
    """'biaya [imb](permit_type)' → ('biaya imb', {'permit_type': 'pbg'})."""
    entities: dict[str, str] = {}

    def replace(match: re.Match[str]) -> str:
        text = match.group(1)
        if match.group(2).startswith("{"):
            spec = json.loads(match.group(2))
            entities.setdefault(spec["entity"], spec.get("value", text))
        else:
            entities.setdefault(match.group(3), synonyms.get(text.lower(), text))
        return text

    return _ANNOTATION.sub(replace, line), entities


def _canonical_number(text: str) -> str:
    return re.sub(r"[\s.]+", "-", text.strip().upper()).replace("PTSP2", "PTSP-2")


def training_cases(data: Path = DATA) -> list[Case]:
    """Every example of the training files (nlu/data/nlu/**), with its entities."""
    synonyms = _synonyms()
    cases = []
    for path in sorted((data / "nlu").rglob("*.yml")):
        for block in yaml.safe_load(path.read_text())["nlu"]:
            for line in block["examples"].splitlines():
                if not line.startswith("- "):
                    continue
                text, entities = plain_and_entities(line[2:], synonyms)
                if "application_number" in entities:
                    entities["application_number"] = _canonical_number(
                        entities["application_number"]
                    )
                cases.append(Case(text, block["intent"], entities, raw=line[2:]))
    return cases


def labelled_cases(*names: str) -> list[Case]:
    """Messages of evaluation files in nlu/eval (`messages:` with labels per message)."""
    cases = []
    for name in names:
        for row in yaml.safe_load((EVAL / name).read_text())["messages"]:
            entities = {e: str(row[e]) for e in ENTITIES if row.get(e)}
            cases.append(Case(str(row["text"]), str(row["intent"]), entities))
    return cases


def colloquial_cases() -> list[Case]:
    return labelled_cases(COLLOQUIAL_FILE)


def parse(model: Path, texts: list[str], skipped: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """The model's parse of each text (Rasa's JSON), run in the engine environment;
    `skipped` names post-processing components to leave out (nlu/eval_engine.py)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "parsed.json"
        run_in_engine(EVAL_SCRIPT, str(model), str(out), ",".join(skipped), stdin=json.dumps(texts))
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


def _f1(gold: list[str], pred: list[str], label: str) -> float:
    pairs = list(zip(gold, pred, strict=True))
    tp = sum(g == p == label for g, p in pairs)
    fp = sum(p == label and g != label for g, p in pairs)
    fn = sum(g == label and p != label for g, p in pairs)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def score(name: str, cases: list[Case], parsed: list[dict[str, Any]]) -> Scores:
    gold = [c.intent.split("/")[0] for c in cases]
    pred = [predicted_intent(p).split("/")[0] for p in parsed]
    per_intent = {label: (_f1(gold, pred, label), gold.count(label)) for label in sorted(set(gold))}
    confusions = Counter((g, p) for g, p in zip(gold, pred, strict=True) if g != p)
    faq = [(c, p) for c, p in zip(cases, parsed, strict=True) if c.intent.startswith("faq/")]
    entities = {}
    for entity in ENTITIES:
        labelled = [(c, p) for c, p in zip(cases, parsed, strict=True) if entity in c.entities]
        if labelled:
            right = sum(_entity(p, entity) == c.entities[entity] for c, p in labelled)
            entities[entity] = (right / len(labelled), len(labelled))
    return Scores(
        name=name,
        n=len(cases),
        accuracy=sum(g == p for g, p in zip(gold, pred, strict=True)) / len(cases),
        macro_f1=sum(f for f, _ in per_intent.values()) / len(per_intent),
        per_intent=per_intent,
        confusions=[(g, p, n) for (g, p), n in confusions.most_common(15)],
        faq_accuracy=sum(predicted_intent(p) == c.intent for c, p in faq) / len(faq)
        if faq
        else None,
        entities=entities,
    )


def merged(name: str, parts: list[tuple[list[Case], list[dict[str, Any]]]]) -> Scores:
    """One score over several folds' predictions."""
    cases = [c for part, _ in parts for c in part]
    parsed = [p for _, part in parts for p in part]
    return score(name, cases, parsed)
