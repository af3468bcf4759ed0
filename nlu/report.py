"""Measures the NLU and writes docs/nlu.md.

    .venv/bin/python -m nlu.report [--no-ablation]

1. Blind set: nlu/eval/blind_*.yml, written by people (helpers) who saw only the
   intent contract, frozen before the training data was tuned (nlu/eval/blind.sha256)
   and never copied into training: the number that says how the bot understands
   strangers. Scored with the model in service (models/, trained on all data).
2. Colloquial file: nlu/eval/colloquial.yml, the team's own check set.
3. 5-fold cross-validation of the training data (per intent, seeded folds).
4. Ablation: the pipeline without each custom component, scored on the blind set:
   what each component is worth (see `Variant`).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from random import Random
from typing import Any

import yaml

from nlu.scoring import (
    BLIND_FILES,
    COLLOQUIAL_FILE,
    DATA,
    DEV_FILE,
    ENTITIES,
    ROOT,
    Case,
    Scores,
    labelled_cases,
    merged,
    parse,
    score,
    training_cases,
)
from nlu.train import engine_env, rasa, train

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
    Variant(
        "none of the five (tokenizer, stems, number rule, gazetteer, value mapper)",
        replace={TOKENIZER: "WhitespaceTokenizer", STEMS: None},
        skipped=("NumberMeansStatus", "PermitGazetteer", "EntityValueMapper"),
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


PIPELINE = """## The pipeline (config.yml) and its decisions

- `nlu.components.tokenizer.IndonesianTokenizer`: Rasa's whitespace tokenizer; each
  token's lemma is its standard form from `nlu/lexicon.py` (SMS shorthand such as brp,
  gmn, udh, sy, blm, tdk, yg, kpn; Javanese, Sundanese and Betawi words; English words;
  letter runs "halooo"; "syarat2"). The word counts read the lemma; the character
  n-grams read the text as typed.
- `nlu.components.stems.StemFeaturizer`: word counts of the lemmas' Sastrawi stems
  (`nlu/stemming.py`), so "persyaratannya", "diperpanjang" and "pengajuan" share
  features with "syarat", "panjang" and "aju".
- DIETClassifier learns the entities only; EntitySynonymMapper canonicalises.
- `nlu.components.linear_intents.LinearIntentClassifier`: the intent, from a logistic
  regression over TF-IDF weights of lemmas (words and pairs), stems and character
  n-grams. On the development set it read 96.7 % of intents where DIET, trained on the
  same data, read 92.3 %; its probabilities are close to calibrated, so the thresholds
  below keep their meaning. The first row of the ablation table is the pipeline with
  DIET's intents and Rasa's ResponseSelector.
- `nlu.components.linear_intents.LinearFaqSelector`: the FAQ topic (faq/jam_layanan, …)
  the same way, in the ResponseSelector's output shape (dev set: every FAQ question's
  topic right, against 95.7 % with the ResponseSelector).
- `nlu.components.permit_gazetteer.PermitGazetteer`: every permit name and alias of the
  training data, typos allowed; fixes and adds permit_type.
- `nlu.components.entity_values.EntityValueMapper`: permit_action and public_service
  values that no action knows ("expired", "PBB tanah") become the value they name, or
  are dropped; a name DIET missed is added on the intents it belongs to.
- `nlu.components.application_number.ApplicationNumberExtractor`: PTSP-YYYY-XXXXXX in
  any case, spacing or dash (`permits/numbers.py`).
- `nlu.components.intent_rules.NumberMeansStatus`: a message with an application
  number is about that application (check_status) unless it asks for notifications, a
  complaint, a person or the list; a message that is nothing but the number is the
  number given as an answer (inform).
- FallbackClassifier: below 0.35, or with the two top intents within 0.02, the bot asks
  one clarifying question with the two likeliest topics as buttons
  (`actions/fallback.py`); a second miss in a row offers a person.
- A complaint read with confidence below 0.8 is confirmed before a ticket is filed
  ("Apakah Anda ingin menyampaikan pengaduan?", `actions/complaint.py`).
"""


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f} %"


def _summary(results: list[Scores]) -> list[str]:
    out = [
        "| set | messages | intent accuracy | intent macro-F1 | FAQ topic accuracy | "
        + " | ".join(ENTITIES)
        + " |",
        "|---|---|---|---|---|" + "---|" * len(ENTITIES),
    ]
    for s in results:
        cells = [
            f"{_pct(s.entities[e][0])} (n={s.entities[e][1]})" if e in s.entities else "–"
            for e in ENTITIES
        ]
        out.append(
            f"| {s.name} | {s.n} | {_pct(s.accuracy)} | {100 * s.macro_f1:.1f} | "
            f"{_pct(s.faq_accuracy)} | " + " | ".join(cells) + " |"
        )
    return out


def _per_intent(results: list[Scores]) -> list[str]:
    intents = sorted({i for s in results for i in s.per_intent})
    out = [
        "| intent | " + " | ".join(f"F1 {s.name} (n)" for s in results) + " |",
        "|---|" + "---|" * len(results),
    ]
    for intent in intents:
        cells = []
        for s in results:
            f1, n = s.per_intent.get(intent, (0.0, 0))
            cells.append(f"{100 * f1:.1f} ({n})" if n else "–")
        out.append(f"| {intent} | " + " | ".join(cells) + " |")
    return out


def _ablation_row(name: str, s: Scores, full: Scores, took: float | None) -> str:
    entities = " | ".join(
        _pct(s.entities.get(e, (None, 0))[0])
        for e in ("permit_type", "permit_action", "public_service")
    )
    delta = "–" if s is full else f"{100 * (s.accuracy - full.accuracy):+.1f}"
    seconds = "–" if took is None else f"{took:.0f}"
    return (
        f"| {name} | {_pct(s.accuracy)} | {delta} | {100 * s.macro_f1:.1f} | {entities} | "
        f"{seconds} |"
    )


def render(
    results: list[Scores],
    ablated: list[tuple[str, Scores, float | None]],
    fold_seconds: float | None,
) -> str:
    blind = results[0]
    out = [
        "# NLU report",
        "",
        "Made by `make nlu-report` (`.venv/bin/python -m nlu.report`) on the project machine "
        "(2 cores); besides the model in service (`make train`) it trains four ablation "
        "variants and five cross-validation folds, without Rasa's training cache, and takes "
        "about an hour and a half. It rewrites this page after each stage.",
        "",
        *_summary(results),
        "",
        "Training time without the cache (NLU only, two cores): "
        + (
            f"one cross-validation fold (four fifths of the data) {fold_seconds:.0f} s; "
            if fold_seconds is not None
            else ""
        )
        + "the ablation variants in their table.",
        "",
        "## Per intent",
        "",
        *_per_intent(results),
    ]
    for s in results:
        out += ["", f"## Confusions: {s.name} (gold → predicted, count)", ""]
        out += [f"- {g} → {p}: {n}" for g, p, n in s.confusions] or ["- none"]
    if ablated:
        out += [
            "",
            "## Ablation: what each custom component is worth on the blind set",
            "",
            "Each row is the pipeline of `config.yml` with one part removed or replaced by "
            "Rasa's own, scored on the blind set. The linear classifiers, the tokenizer and "
            "the stem featurizer shape what is learnt, so their rows are models trained "
            "without them on all the training data (train s); the number rule, the gazetteer "
            "and the value mapper only correct a parse, so their rows are the model in "
            "service with that step skipped.",
            "",
            "| pipeline | intent accuracy | Δ | macro-F1 | permit_type | permit_action | "
            "public_service | train s |",
            "|---|---|---|---|---|---|---|---|",
            _ablation_row("config.yml (all components)", blind, blind, None),
        ]
        out += [_ablation_row(name, s, blind, took) for name, s, took in ablated]
    out += [
        "",
        PIPELINE,
        "## How it was measured",
        "",
        "- Blind set: `nlu/eval/blind_a.yml` and `blind_b.yml`, written by two writers who "
        "were given only the intent contract and the kinds of message that fail, never the "
        "training data; frozen (`nlu/eval/blind.sha256`, checked by tests/nlu/test_data.py) "
        "before the training data was written; no sentence of it is in training (checked too). "
        "Scored with the model in service.",
        "- Development set: `nlu/eval/dev.yml`, written the same way by a third writer and "
        "read while the training data was tuned (its misses showed which kinds of message "
        "the data lacked; none of its sentences is in training). It measures the tuning, "
        "not the generalisation: the blind set does that.",
        "- Colloquial: `nlu/eval/colloquial.yml`, the team's own informal messages; also the "
        "admin deploy gate's check set.",
        f"- Cross-validation: the training examples dealt per intent into {FOLDS} folds "
        f"(seed {FOLD_SEED}); each fold scored by a model trained on the other four.",
        "- Intent accuracy counts FAQ topics as `faq`; `nlu_fallback` is a wrong intent. Entity "
        "columns: share of the messages labelled with the entity whose first predicted value "
        "is the label.",
        "",
    ]
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description="Measure the NLU; write docs/nlu.md.")
    parser.add_argument("--no-ablation", action="store_true", help="skip the ablation models")
    parser.add_argument("--no-cv", action="store_true", help="skip the cross-validation")
    args = parser.parse_args()
    model = train()
    blind_cases = labelled_cases(*BLIND_FILES)
    results = [
        score(name, cases, parse(model, [c.text for c in cases]))
        for name, cases in (
            ("blind set", blind_cases),
            ("dev set (read while tuning)", labelled_cases(DEV_FILE)),
            ("colloquial file", labelled_cases(COLLOQUIAL_FILE)),
        )
    ]
    ablated: list[tuple[str, Scores, float | None]] = []
    write_report(results, ablated, None)
    if not args.no_ablation:
        for row in ablation(blind_cases, model):
            ablated.append(row)
            write_report(results, ablated, None)
    if not args.no_cv:
        cv, fold_seconds = cross_validate(training_cases())
        write_report([*results, cv], ablated, fold_seconds)
    sys.stdout.write((ROOT / "docs" / "nlu.md").read_text(encoding="utf-8"))
    return 0


def write_report(
    results: list[Scores],
    ablated: list[tuple[str, Scores, float | None]],
    fold_seconds: float | None,
) -> None:
    (ROOT / "docs" / "nlu.md").write_text(render(results, ablated, fold_seconds), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
