"""Generates the NLU training data from hand-written templates (deterministic).

People ask about 16 permits in a few dozen ways, in slang and with typos. The
templates below are written the way applicants type on WhatsApp; this script
crosses them with every permit's official, old and colloquial names and adds
seeded slang and typo variants, so the model learns the pattern rather than a
list of sentences.

    .venv/bin/python -m nlu.augment      # rewrites nlu/data/nlu/*.yml, synonyms.yml

Edit the templates here, not the generated files.
"""

from __future__ import annotations

import re
from pathlib import Path
from random import Random

import yaml

from nlu.templates import (
    FAQ,
    PERMIT_ALIASES,
    PERMIT_MENTIONS,
    PERMIT_TEMPLATES,
    PLAIN_INTENTS,
    STATUS_NUMBERS,
    STATUS_TEMPLATES,
)

DATA = Path(__file__).parent / "data"
EVAL = Path(__file__).parent / "eval"
SEED = 20261125
PER_TEMPLATE = 3  # permit mentions drawn for each template
PER_INFORM_TEMPLATE = 10  # a bare permit name is the commonest answer to "izin apa?"

SLANG = {
    "berapa": ["brp", "berapaan", "brapa"],
    "bagaimana": ["gmn", "gimana", "bgmn"],
    "gimana": ["gmn", "gmana"],
    "yang": ["yg"],
    "tidak": ["gak", "ga", "nggak", "tdk"],
    "saya": ["sy", "aku", "gw"],
    "sudah": ["udh", "udah", "sdh"],
    "belum": ["blm", "blom"],
    "apa": ["ap", "apaan"],
    "dengan": ["dgn", "sama"],
    "untuk": ["utk", "buat"],
    "kalau": ["kalo", "klo", "kl"],
    "bisa": ["bs"],
    "tolong": ["tlg"],
    "terima kasih": ["makasih", "trims", "tq"],
    "persyaratan": ["syarat", "prsyaratan"],
    "sekarang": ["skrg", "skrng"],
    "dimana": ["dmn", "di mana"],
    "mau": ["pengen", "mo"],
}


_MARKUP = re.compile(r"\[([^\]]+)\](?:\{[^}]+\}|\([^)]+\))")


def _slang(text: str, rng: Random) -> str:
    for word, variants in SLANG.items():
        pattern = rf"\b{re.escape(word)}\b"
        if re.search(pattern, text) and rng.random() < 0.6:
            text = re.sub(pattern, rng.choice(variants), text, count=1)
    return text


def _typo(text: str, rng: Random) -> str:
    """Drop, double or swap one letter of one word outside entity annotations."""
    words = text.split(" ")
    plain = [i for i, w in enumerate(words) if w.isalpha() and len(w) > 4]
    if not plain:
        return text
    i = rng.choice(plain)
    w = words[i]
    k = rng.randrange(1, len(w) - 1)
    words[i] = rng.choice(
        [w[:k] + w[k + 1 :], w[:k] + w[k] + w[k:], w[: k - 1] + w[k] + w[k - 1] + w[k + 1 :]]
    )
    return " ".join(words)


def _variants(text: str, rng: Random) -> list[str]:
    out = [text]
    roll = rng.random()
    if roll < 0.35:
        out.append(_slang(text, rng))
    elif roll < 0.55:
        out.append(_typo(text, rng))
    elif roll < 0.65:
        out.append(text.upper() if "[" not in text else text.capitalize())
    return out


def _annotate(template: str, slug: str, mention: str) -> str:
    return template.replace("{p}", f'[{mention}]{{"entity": "permit_type", "value": "{slug}"}}')


def _permit_examples(rng: Random) -> dict[str, list[str]]:
    mentions = [(slug, m) for slug, names in PERMIT_MENTIONS.items() for m in names]
    examples: dict[str, list[str]] = {}
    for intent, templates in PERMIT_TEMPLATES.items():
        seen: set[str] = set()
        for template in templates:
            count = PER_INFORM_TEMPLATE if intent == "inform" else PER_TEMPLATE
            picks = rng.sample(mentions, count) if "{p}" in template else [("", "")]
            for slug, mention in picks:
                for text in _variants(_annotate(template, slug, mention), rng):
                    if text not in seen:
                        seen.add(text)
        examples[intent] = sorted(seen)
    return examples


def _status_examples(rng: Random) -> dict[str, list[str]]:
    examples: dict[str, list[str]] = {}
    for intent, templates in STATUS_TEMPLATES.items():
        seen: set[str] = set()
        for template in templates:
            text = template
            if "{n}" in template:
                text = template.replace(
                    "{n}", f"[{rng.choice(STATUS_NUMBERS)}](application_number)"
                )
            for variant in _variants(text, rng):
                seen.add(variant)
        examples[intent] = sorted(seen)
    return examples


def _plain_examples(rng: Random) -> dict[str, list[str]]:
    examples = {}
    for intent, texts in PLAIN_INTENTS.items():
        seen: set[str] = set()
        for text in texts:
            seen.update(_variants(text, rng))
        examples[intent] = sorted(seen)
    return examples


def _evaluation_sentences() -> set[str]:
    """Messages of the evaluation sets with three words or more, lower case: a generated
    example that happens to equal one is dropped, so the sets stay unseen. Shorter ones
    ("halo", "syarat imb") are vocabulary every writer uses, not sentences."""
    found = set()
    for path in sorted(EVAL.glob("*.yml")):
        for message in yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]:
            text = " ".join(str(message["text"]).lower().split())
            if len(text.split()) >= 3:
                found.add(text)
    return found


def _plain(example: str) -> str:
    return " ".join(_MARKUP.sub(r"\1", example).lower().split())


def _decontaminated(blocks: dict[str, list[str]], unseen: set[str]) -> dict[str, list[str]]:
    return {
        intent: [e for e in examples if _plain(e) not in unseen]
        for intent, examples in blocks.items()
    }


def _block(intent: str, examples: list[str]) -> str:
    lines = "\n".join(f"      - {e}" for e in examples)
    return f"  - intent: {intent}\n    examples: |\n{lines}\n"


def _write(name: str, blocks: dict[str, list[str]], header: str) -> None:
    blocks = _decontaminated(blocks, _evaluation_sentences())
    body = "".join(_block(intent, examples) for intent, examples in blocks.items())
    (DATA / "nlu" / name).write_text(
        f"# Generated by nlu/augment.py from nlu/templates.py: {header}. Do not edit.\n"
        f'version: "3.1"\nnlu:\n{body}',
        encoding="utf-8",
    )


def _write_synonyms() -> None:
    body = ""
    for slug, names in PERMIT_MENTIONS.items():
        variants = sorted({n.lower() for n in [*names, *PERMIT_ALIASES[slug]]} - {slug})
        lines = "\n".join(f"      - {v}" for v in variants)
        body += f"  - synonym: {slug}\n    examples: |\n{lines}\n"
    (DATA / "synonyms.yml").write_text(
        "# Generated by nlu/augment.py: every permit name → its canonical slug. Do not edit.\n"
        f'version: "3.1"\nnlu:\n{body}',
        encoding="utf-8",
    )


def main() -> None:
    rng = Random(SEED)
    (DATA / "nlu").mkdir(parents=True, exist_ok=True)
    _write("permits.yml", _permit_examples(rng), "questions about a permit")
    _write("status.yml", _status_examples(rng), "application status and personal requests")
    _write("conversation.yml", _plain_examples(rng), "small talk, handoff, complaints, scope")
    _write("faq.yml", {f"faq/{topic}": sorted(set(texts)) for topic, texts in FAQ.items()}, "FAQ")
    _write_synonyms()


if __name__ == "__main__":
    main()
