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

The models of 3 and 4 are trained by nlu/experiments.py; the page is written by
nlu/report_page.py.
"""

from __future__ import annotations

import argparse
import subprocess
import sys

from nlu.experiments import ablation, cross_validate
from nlu.report_page import render
from nlu.scoring import (
    BLIND_FILES,
    COLLOQUIAL_FILE,
    DEV_FILE,
    ROOT,
    Scores,
    labelled_cases,
    parse,
    score,
    training_cases,
)
from nlu.train import train


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
    fold_seconds: float | None = None
    write_report(results, ablated, fold_seconds)
    # Cross-validation before the ablation: it is the shorter stage, and a run stopped
    # during the ablation still leaves every score of the model in service on the page.
    if not args.no_cv:
        cv, fold_seconds = cross_validate(training_cases())
        results.append(cv)
        write_report(results, ablated, fold_seconds)
    if not args.no_ablation:
        for row in ablation(blind_cases, model):
            ablated.append(row)
            write_report(results, ablated, fold_seconds)
    sys.stdout.write((ROOT / "docs" / "nlu.md").read_text(encoding="utf-8"))
    return 0


def write_report(
    results: list[Scores],
    ablated: list[tuple[str, Scores, float | None]],
    fold_seconds: float | None,
) -> None:
    page = render(results, ablated, fold_seconds, current_commit())
    (ROOT / "docs" / "nlu.md").write_text(page, encoding="utf-8")


def current_commit() -> str:
    """The short hash of HEAD, "" outside a git checkout."""
    done = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    return done.stdout.strip() if done.returncode == 0 else ""


if __name__ == "__main__":
    sys.exit(main())
