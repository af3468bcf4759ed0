"""docs/nlu.md as text: the NLU report's scores and ablation as Markdown tables, with
the pipeline's decisions and how everything was measured.
"""

from __future__ import annotations

from nlu.experiments import FOLD_SEED, FOLDS, VARIANTS
from nlu.scoring import ENTITIES, Scores

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
- `nlu.components.intent_rules.FollowUpMeansInform`: a follow-up opener ("kalau",
  "yang", "how about"), a permit and nothing but connecting words ("kalau PBG?") is
  `inform`, which the actions answer with the question asked before
  (`permits/follow_ups.py`).
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
    commit: str = "",
) -> str:
    blind = results[0]
    stages = ["the scores of the model in service"]
    if fold_seconds is not None:
        stages.append("the cross-validation")
    if ablated:
        stages.append(f"{len(ablated)} of {len(VARIANTS)} ablation rows")
    out = [
        "# NLU report",
        "",
        "Made by `make nlu-report` (`.venv/bin/python -m nlu.report`) on the project machine "
        "(2 cores); besides the model in service (`make train`) it trains five "
        "cross-validation folds and the ablation variants, without Rasa's training cache, "
        "and takes about an hour and a half. It rewrites this page after each stage; this "
        f"version holds {', '.join(stages)}" + (f", run at {commit}." if commit else "."),
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
            "without them on all the training data (train s); the number and follow-up "
            "rules, the gazetteer and the value mapper only correct a parse, so their rows "
            "are the model in service with that step skipped.",
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
