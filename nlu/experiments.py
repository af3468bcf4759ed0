"""The models the NLU report trains besides the one in service: cross-validation folds
(training data dealt per intent) and ablation variants (the pipeline without one
custom component), each scored with nlu.scoring. Run through `python -m nlu.report`.
"""

from __future__ import annotations

import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from random import Random
from typing import Any

import yaml

from nlu.scoring import DATA, ROOT, Case, Scores, merged, parse, score
from nlu.train import engine_env, rasa

FOLDS = 5
FOLD_SEED = 7


@dataclass(frozen=True)
class Variant:
    """The pipeline with one part changed, for the ablation table.

    Components that are trained with the model (tokenizer, featurizers, classifiers)
    are replaced by another name, changed by settings merged into their step, or removed
    (None), in a new config, and a model is trained; components that only
    post-process a parse are skipped when the model in service parses (`skipped`),
    which is that model without them.
    """

    name: str
    replace: dict[str, str | dict[str, Any] | None] = field(default_factory=dict)
    skipped: tuple[str, ...] = ()  # class names (nlu/eval_engine.py)


TOKENIZER = "nlu.components.tokenizer.IndonesianTokenizer"
STEMS = "nlu.components.stems.StemFeaturizer"
LINEAR_INTENTS = "nlu.components.linear_intents.LinearIntentClassifier"
LINEAR_FAQ = "nlu.components.linear_intents.LinearFaqSelector"
VARIANTS = [
    Variant(
        "DIET for intents and Rasa's ResponseSelector for FAQ topics (the pipeline of c2cf32a)",
        replace={
            LINEAR_INTENTS: None,
            "DIETClassifier": {"intent_classification": True},
            LINEAR_FAQ: {
                "name": "ResponseSelector",
                "retrieval_intent": "faq",
                "dense_dimension": {"text": 128, "label": 128},
                "epochs": 60,
                "random_seed": 42,
                "constrain_similarities": True,
            },
            "FallbackClassifier": {"threshold": 0.45, "ambiguity_threshold": 0.05},
        },
    ),
    Variant(
        "without the lexicon tokenizer (Rasa's WhitespaceTokenizer)",
        replace={TOKENIZER: "WhitespaceTokenizer"},
    ),
    Variant("without the stem featurizer", replace={STEMS: None}),
    Variant("without the number rule (NumberMeansStatus)", skipped=("NumberMeansStatus",)),
    Variant("without the permit gazetteer", skipped=("PermitGazetteer",)),
    Variant("without the entity value mapper", skipped=("EntityValueMapper",)),
    Variant("without the follow-up rule (FollowUpMeansInform)", skipped=("FollowUpMeansInform",)),
    Variant(
        "none of the six (tokenizer, stems, number rule, follow-up rule, gazetteer, value mapper)",
        replace={TOKENIZER: "WhitespaceTokenizer", STEMS: None},
        skipped=(
            "NumberMeansStatus",
            "FollowUpMeansInform",
            "PermitGazetteer",
            "EntityValueMapper",
        ),
    ),
]


def variant_config(variant: Variant, folder: Path) -> Path:
    config = yaml.safe_load((ROOT / "config.yml").read_text())
    pipeline = []
    for step in config["pipeline"]:
        name = step["name"]
        if name not in variant.replace:
            pipeline.append(step)
        elif isinstance(replacement := variant.replace[name], dict):
            pipeline.append({**step, **replacement})
        elif replacement is not None:
            pipeline.append({**step, "name": replacement})
    config["pipeline"] = pipeline
    path = folder / "config.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def folds(cases: list[Case]) -> list[list[Case]]:
    """Per intent, shuffled with a fixed seed and dealt round-robin into FOLDS parts."""
    rng = Random(FOLD_SEED)
    by_intent: dict[str, list[Case]] = {}
    for case in cases:
        by_intent.setdefault(case.intent, []).append(case)
    parts: list[list[Case]] = [[] for _ in range(FOLDS)]
    for intent in sorted(by_intent):
        group = by_intent[intent][:]
        rng.shuffle(group)
        for i, case in enumerate(group):
            parts[i % FOLDS].append(case)
    return parts


def write_training(cases: list[Case], folder: Path) -> None:
    blocks: dict[str, list[str]] = {}
    for case in cases:
        blocks.setdefault(case.intent, []).append(case.raw)
    body = "".join(
        f"  - intent: {intent}\n    examples: |\n" + "".join(f"      - {r}\n" for r in raws)
        for intent, raws in blocks.items()
    )
    (folder / "nlu").mkdir(parents=True)
    (folder / "nlu" / "nlu.yml").write_text(f'version: "3.1"\nnlu:\n{body}', encoding="utf-8")
    (folder / "synonyms.yml").write_text((DATA / "synonyms.yml").read_text(), encoding="utf-8")


def train_nlu(data: Path, out: Path, config: Path = ROOT / "config.yml") -> tuple[Path, float]:
    """An NLU-only model of `data`; its path and the training time in seconds."""
    started = time.monotonic()
    subprocess.run(
        rasa(
            "train",
            "nlu",
            "--config",
            str(config),
            "--nlu",
            str(data),
            "--domain",
            "domain.yml",
            "--out",
            str(out),
            "--fixed-model-name",
            "nlu",
            "--quiet",
        ),
        cwd=ROOT,
        env={**engine_env(), "RASA_MAX_CACHE_SIZE": "0"},  # a real training, truly timed
        check=True,
        capture_output=True,
    )
    return out / "nlu.tar.gz", time.monotonic() - started


def cross_validate(cases: list[Case]) -> tuple[Scores, float]:
    parts = folds(cases)
    results = []
    seconds = 0.0
    for i, test in enumerate(parts):
        rest = [c for j, part in enumerate(parts) if j != i for c in part]
        with tempfile.TemporaryDirectory() as tmp:
            write_training(rest, Path(tmp) / "data")
            model, took = train_nlu(Path(tmp) / "data", Path(tmp))
            seconds += took
            results.append((test, parse(model, [c.text for c in test])))
    return merged(f"{FOLDS}-fold cross-validation", results), seconds / FOLDS


def ablation(blind: list[Case], model: Path) -> Iterator[tuple[str, Scores, float | None]]:
    """Each variant scored on the blind set, with its training time when it was trained;
    the cheap ones (a step skipped) first."""
    texts = [c.text for c in blind]
    for variant in sorted(VARIANTS, key=lambda v: bool(v.replace)):
        if not variant.replace:
            parsed = parse(model, texts, variant.skipped)
            yield variant.name, score(variant.name, blind, parsed), None
            continue
        with tempfile.TemporaryDirectory() as tmp:
            config = variant_config(variant, Path(tmp))
            trained, took = train_nlu(DATA, Path(tmp), config)
            parsed = parse(trained, texts, variant.skipped)
            yield variant.name, score(variant.name, blind, parsed), took
