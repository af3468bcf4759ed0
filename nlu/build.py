"""Builds the training data of an administrator's model: the files in nlu/data plus
what administrators keep in the database.

- examples administrators added (from the inbox of messages not understood);
- FAQ topics: the examples of every active topic (a retired topic's examples are
  left out, files included), and a placeholder response for a topic the domain
  does not list yet (action_answer_faq reads the real answer from the database);
- permit names and aliases as permit_type synonyms, which the gazetteer also reads;
- the names and aliases of the other offices' active services as synonyms of their
  slug (the public_service value), where no permit name claims the same words.

`make train` trains from the files alone (the model the tests use); the admin's
"Latih" button trains from this build. `admin_data` reads the database;
`write_training_data` writes files (run it in a thread from async code).
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from permits.inbox import training_examples
from permits.models import FaqTopic, PermitType, PublicService

ROOT = Path(__file__).resolve().parents[1]
_MARKUP = re.compile(r"[\[\]{}]")  # entity markup characters, meaningless in raw messages


@dataclass(frozen=True)
class AdminData:
    """What administrators keep in the database that training needs."""

    examples: dict[str, list[str]]  # intent → texts (faq/<slug> for FAQ topics)
    faq_topics: dict[str, tuple[str, list[str]]]  # active slug → (title, examples)
    retired_topics: list[str]
    permit_names: dict[str, list[str]]  # active permit slug → its name and aliases
    # active public service slug → its name and aliases
    service_names: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Build:
    folder: Path
    domain: Path
    data: Path
    added_examples: int = 0
    faq_topics: list[str] = field(default_factory=list)
    retired_topics: list[str] = field(default_factory=list)
    synonyms: int = 0

    def describe(self) -> str:
        retired = f", {len(self.retired_topics)} dipensiunkan" if self.retired_topics else ""
        return (
            f"{self.added_examples} contoh dari admin, {len(self.faq_topics)} topik FAQ aktif"
            f"{retired}, {self.synonyms} nama/alias izin dan layanan lain"
        )


async def admin_data(session: AsyncSession) -> AdminData:
    topics = (await session.scalars(select(FaqTopic).order_by(FaqTopic.slug))).all()
    permits = (await session.scalars(select(PermitType).where(PermitType.active.is_(True)))).all()
    services = (
        await session.scalars(select(PublicService).where(PublicService.active.is_(True)))
    ).all()
    return AdminData(
        examples=await training_examples(session),
        faq_topics={t.slug: (t.title, list(t.examples)) for t in topics if t.active},
        retired_topics=sorted(t.slug for t in topics if not t.active),
        permit_names={p.slug: [p.name, *p.aliases] for p in permits},
        service_names={s.slug: [s.name, *s.aliases] for s in services},
    )


def write_training_data(admin: AdminData, folder: Path, root: Path = ROOT) -> Build:
    """Write domain.yml and data/ for `rasa train` into `folder` (replaced if present)."""
    if folder.exists():
        shutil.rmtree(folder)
    data = folder / "data"
    shutil.copytree(root / "nlu" / "data", data)
    build = Build(
        folder,
        folder / "domain.yml",
        data,
        faq_topics=sorted(admin.faq_topics),
        retired_topics=admin.retired_topics,
    )
    _drop_intents(data, {f"faq/{slug}" for slug in admin.retired_topics})
    known = _file_examples(data)
    extra: dict[str, list[str]] = {}
    for intent, texts in admin.examples.items():
        if intent.startswith("faq/") and intent.removeprefix("faq/") not in admin.faq_topics:
            continue
        extra.setdefault(intent, []).extend(texts)
    for slug, (_, examples) in admin.faq_topics.items():
        extra.setdefault(f"faq/{slug}", []).extend(examples)
    build.added_examples = _write_examples(data / "nlu" / "admin.yml", extra, known)
    build.synonyms = _write_synonyms(admin.permit_names, data / "synonyms.yml", admin.service_names)
    _write_domain(root / "domain.yml", build.domain, admin.faq_topics)
    return build


def _yaml(path: Path) -> dict[str, Any]:
    loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return loaded if isinstance(loaded, dict) else {}


def _nlu_files(data: Path) -> list[Path]:
    return sorted(p for p in data.rglob("*.yml") if "nlu" in _yaml(p))


def _drop_intents(data: Path, intents: set[str]) -> None:
    if not intents:
        return
    for path in _nlu_files(data):
        content = _yaml(path)
        kept = [item for item in content["nlu"] if item.get("intent") not in intents]
        if len(kept) != len(content["nlu"]):
            content["nlu"] = kept
            path.write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False))


def _file_examples(data: Path) -> set[str]:
    """Every example text in the files, without entity markup, lower case."""
    known: set[str] = set()
    for path in _nlu_files(data):
        for item in _yaml(path)["nlu"]:
            if "intent" in item:
                known.update(_plain(line) for line in _lines(item.get("examples", "")))
    return known


def _lines(block: str) -> list[str]:
    return [
        line.strip()[2:].strip() for line in block.splitlines() if line.strip().startswith("- ")
    ]


def _plain(example: str) -> str:
    """'biaya [imb](permit_type)' → 'biaya imb'."""
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", example)
    text = re.sub(r"\[([^\]]+)\]\{[^}]*\}", r"\1", text)
    return " ".join(text.lower().split())


def _write_examples(path: Path, examples: dict[str, list[str]], known: set[str]) -> int:
    """The database's examples not already in the files; how many were written."""
    items = []
    written = 0
    seen = set(known)
    for intent, texts in sorted(examples.items()):
        fresh = []
        for text in texts:
            clean = " ".join(_MARKUP.sub(" ", text).split())
            if clean and clean.lower() not in seen:
                seen.add(clean.lower())
                fresh.append(clean)
        if fresh:
            items.append({"intent": intent, "examples": "".join(f"- {t}\n" for t in fresh)})
            written += len(fresh)
    content = {"version": "3.1", "nlu": items}
    path.write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False))
    return written


def _write_synonyms(
    permit_names: dict[str, list[str]],
    path: Path,
    service_names: dict[str, list[str]] | None = None,
) -> int:
    """The files' synonyms plus every active permit's name and aliases (the database wins
    where the two disagree), then the services' names the permits leave free."""
    mapping: dict[str, str] = {}
    for item in _yaml(path).get("nlu", []):
        if "synonym" in item:
            for text in _lines(item.get("examples", "")):
                mapping[text.lower()] = str(item["synonym"])
    for slug, names in permit_names.items():
        for name in names:
            text = " ".join(name.lower().split())
            if text and text != slug:
                mapping[text] = slug
    for slug, names in (service_names or {}).items():
        for name in names:
            text = " ".join(name.lower().split())
            if text and text != slug:
                mapping.setdefault(text, slug)
    by_slug: dict[str, list[str]] = {}
    for text, slug in sorted(mapping.items()):
        by_slug.setdefault(slug, []).append(text)
    items = [
        {"synonym": slug, "examples": "".join(f"- {t}\n" for t in texts)}
        for slug, texts in sorted(by_slug.items())
    ]
    path.write_text(
        yaml.safe_dump({"version": "3.1", "nlu": items}, allow_unicode=True, sort_keys=False)
    )
    return len(mapping)


def _write_domain(source: Path, target: Path, active: dict[str, tuple[str, list[str]]]) -> None:
    domain = _yaml(source)
    responses = domain.setdefault("responses", {})
    for slug, (title, _) in active.items():
        # The text is never shown: action_answer_faq answers from the database.
        responses.setdefault(f"utter_faq/{slug}", [{"text": title}])
    target.write_text(yaml.safe_dump(domain, allow_unicode=True, sort_keys=False))
