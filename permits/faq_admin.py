"""FAQ topics as administrators keep them: list, create, edit, retire and reactivate.

Every change is written together with its audit entry (permits.audit) in one
transaction. The bot reads answers at answer time (permits.faq), so a new answer
or title is live on the next message; the examples are what the NLU learns the
topic from, so creating a topic, changing its examples, retiring or reactivating
it only reaches the bot's understanding after the next training. A topic may also
have its title and answer in English (permits.english_form), live at once too.
Messages from the inbox assigned to a topic (permits.inbox) are trained on with its
examples, so the topic's view counts and lists them too.

`InvalidEdit`, `Change`, `split_lines` and `commit_new` are shared with the
catalogue's editors (permits.permit_form, permits.catalogue_admin, permits.agency_admin).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from permits.audit import Actor, record
from permits.english_form import EnglishForm, stored, text_of
from permits.errors import PermitsError, UnknownTopic
from permits.models import FaqTopic, TrainingExample, utcnow

# The slug becomes the retrieval intent faq/<slug>, so it is an identifier for good.
SLUG_PATTERN = re.compile(r"[a-z][a-z0-9_]{1,59}")
MIN_EXAMPLES = 2
MAX_TITLE = 200
MAX_EXAMPLE = 300
MAX_ANSWER = 4000  # the channels split long messages; this keeps an answer readable

SLUG_INVALID = "Kode topik harus 2–60 karakter: huruf kecil, angka atau garis bawah, diawali huruf."
SLUG_TAKEN = "Kode topik itu sudah dipakai (mungkin oleh topik yang dinonaktifkan)."


class InvalidEdit(PermitsError):
    """An administrator's input that cannot be saved: form field → Indonesian message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{name}: {text}" for name, text in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class Change:
    """What a saved edit means: whether anything changed and whether it needs training."""

    changed: bool
    needs_retraining: bool


UNCHANGED = Change(changed=False, needs_retraining=False)


async def commit_new(session: AsyncSession, slug_taken: str) -> None:
    """Commit a new row whose code was free when it was checked; if another administrator
    took the code a moment ago the unique index refuses the row, and the form says so."""
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        raise InvalidEdit({"slug": slug_taken}) from None


def split_lines(text: str) -> list[str]:
    """Text typed one item per line → the items, trimmed, blanks and repeats dropped.

    Repeats are compared ignoring case and spacing, and the first spelling is kept.
    """
    items: dict[str, str] = {}
    for line in text.splitlines():
        item = " ".join(line.split())
        if item:
            items.setdefault(item.casefold(), item)
    return list(items.values())


@dataclass(frozen=True)
class TopicDraft:
    """A topic as the administrator typed it (examples one per line); the English
    title and answer are optional (empty: not translated)."""

    title: str
    examples: str
    answer: str
    en_title: str = ""
    en_answer: str = ""


@dataclass(frozen=True)
class TopicView:
    slug: str
    title: str
    examples: list[str]
    answer: str
    active: bool
    updated_at: datetime
    english: dict[str, Any] = field(default_factory=dict)
    # Texts assigned to the topic from the inbox, besides its own examples.
    inbox_examples: list[str] = field(default_factory=list)

    @property
    def examples_text(self) -> str:
        return "\n".join(self.examples)

    @property
    def example_count(self) -> int:
        """Every example the next training learns the topic from."""
        return len(self.examples) + len(self.inbox_examples)

    def draft(self) -> TopicDraft:
        """The topic as its edit form shows it."""
        return TopicDraft(
            self.title,
            self.examples_text,
            self.answer,
            en_title=text_of(self.english, "title"),
            en_answer=text_of(self.english, "answer"),
        )


@dataclass(frozen=True)
class _CleanTopic:
    title: str
    examples: list[str]
    answer: str
    english: dict[str, Any] = field(default_factory=dict)  # only the texts written


def _view(topic: FaqTopic, inbox: list[str] | None = None) -> TopicView:
    own = {" ".join(example.split()).casefold() for example in topic.examples}
    return TopicView(
        slug=topic.slug,
        title=topic.title,
        examples=list(topic.examples),
        answer=topic.answer,
        active=topic.active,
        updated_at=topic.updated_at,
        english=stored(topic.english),
        # An inbox text the topic has as an example already is trained on once.
        inbox_examples=[t for t in inbox or [] if " ".join(t.split()).casefold() not in own],
    )


async def _inbox_examples(session: AsyncSession, slug: str | None = None) -> dict[str, list[str]]:
    """Topic slug → the texts assigned to it from the inbox, oldest first."""
    intent = TrainingExample.intent
    query = select(intent, TrainingExample.text).order_by(TrainingExample.id)
    query = query.where(intent == f"faq/{slug}" if slug else intent.startswith("faq/"))
    assigned: dict[str, list[str]] = {}
    for name, text in await session.execute(query):
        assigned.setdefault(name.removeprefix("faq/"), []).append(text)
    return assigned


def _snapshot(topic: FaqTopic) -> dict[str, Any]:
    return {
        "title": topic.title,
        "examples": list(topic.examples),
        "answer": topic.answer,
        "active": topic.active,
        "english": stored(topic.english),
    }


async def list_topics(session: AsyncSession) -> list[TopicView]:
    """Every topic, active ones first, then by title."""
    query = select(FaqTopic).order_by(FaqTopic.active.desc(), FaqTopic.title)
    inbox = await _inbox_examples(session)
    return [_view(topic, inbox.get(topic.slug)) for topic in (await session.scalars(query)).all()]


async def get_topic(session: AsyncSession, slug: str) -> TopicView:
    """A topic, active or retired, for the edit form."""
    topic = await _topic(session, slug)
    return _view(topic, (await _inbox_examples(session, slug)).get(slug))


async def _topic(session: AsyncSession, slug: str) -> FaqTopic:
    topic = await session.scalar(select(FaqTopic).where(FaqTopic.slug == slug))
    if topic is None:
        raise UnknownTopic(slug)
    return topic


# --- validation ----------------------------------------------------------------


def _title_error(title: str) -> str:
    if not title:
        return "Judul wajib diisi."
    if len(title) > MAX_TITLE:
        return f"Judul paling panjang {MAX_TITLE} karakter."
    return ""


def _answer_error(answer: str) -> str:
    if not answer:
        return "Jawaban wajib diisi."
    if len(answer) > MAX_ANSWER:
        return f"Jawaban paling panjang {MAX_ANSWER} karakter."
    return ""


def _examples_error(examples: list[str], used_elsewhere: dict[str, str]) -> str:
    if len(examples) < MIN_EXAMPLES:
        return f"Tulis minimal {MIN_EXAMPLES} contoh pertanyaan yang berbeda, satu per baris."
    for example in examples:
        if len(example) > MAX_EXAMPLE:
            return f"Setiap contoh paling panjang {MAX_EXAMPLE} karakter."
        other = used_elsewhere.get(example.casefold())
        if other is not None:
            # The same sentence under two topics teaches the model nothing but confusion.
            return f"Contoh “{example}” sudah dipakai di topik “{other}”."
    return ""


async def _examples_of_other_topics(session: AsyncSession, slug: str | None) -> dict[str, str]:
    """Every active topic's example (case-folded) → that topic's title, except `slug`'s."""
    rows = await session.execute(
        select(FaqTopic.slug, FaqTopic.title, FaqTopic.examples).where(FaqTopic.active.is_(True))
    )
    return {
        " ".join(example.split()).casefold(): title
        for topic_slug, title, examples in rows
        if topic_slug != slug
        for example in examples
    }


async def _clean(session: AsyncSession, draft: TopicDraft, slug: str | None) -> _CleanTopic:
    """The draft trimmed and checked; every problem is reported at once."""
    title, answer = " ".join(draft.title.split()), draft.answer.strip()
    english = EnglishForm()
    english.text("title", draft.en_title, title, limit=MAX_TITLE)
    english.text("answer", draft.en_answer, answer, limit=MAX_ANSWER, multiline=True)
    clean = _CleanTopic(title, split_lines(draft.examples), answer, english.english)
    used_elsewhere = await _examples_of_other_topics(session, slug)
    errors = {
        "title": _title_error(clean.title),
        "examples": _examples_error(clean.examples, used_elsewhere),
        "answer": _answer_error(clean.answer),
    }
    errors = {name: text for name, text in errors.items() if text}
    errors.update(english.errors_beside(errors))
    if errors:
        raise InvalidEdit(errors)
    return clean


async def _slug_error(session: AsyncSession, slug: str) -> str:
    if not SLUG_PATTERN.fullmatch(slug):
        return SLUG_INVALID
    taken = await session.scalar(select(FaqTopic.id).where(FaqTopic.slug == slug))
    return SLUG_TAKEN if taken is not None else ""


# --- changes -------------------------------------------------------------------


async def create_topic(session: AsyncSession, actor: Actor, slug: str, draft: TopicDraft) -> Change:
    """A new topic; the bot recognises it only after training on its examples."""
    slug = slug.strip()
    errors: dict[str, str] = {}
    slug_error = await _slug_error(session, slug)
    if slug_error:
        errors["slug"] = slug_error
    try:
        clean = await _clean(session, draft, None)
    except InvalidEdit as invalid:
        errors.update(invalid.errors)
    if errors:
        raise InvalidEdit(errors)
    topic = FaqTopic(
        slug=slug,
        title=clean.title,
        examples=clean.examples,
        answer=clean.answer,
        active=True,
        english=clean.english,
        updated_at=utcnow(),
    )
    session.add(topic)
    record(session, actor, "faq.create", f"faq:{slug}", None, _snapshot(topic))
    await commit_new(session, SLUG_TAKEN)
    return Change(changed=True, needs_retraining=True)


async def update_topic(session: AsyncSession, actor: Actor, slug: str, draft: TopicDraft) -> Change:
    """New title, examples, answer or English texts. Only new examples need training."""
    topic = await _topic(session, slug)
    clean = await _clean(session, draft, slug)
    before = _snapshot(topic)
    examples_changed = clean.examples != list(topic.examples)
    if clean == _CleanTopic(topic.title, list(topic.examples), topic.answer, before["english"]):
        return UNCHANGED
    topic.title, topic.examples, topic.answer = clean.title, clean.examples, clean.answer
    topic.english = clean.english
    topic.updated_at = utcnow()
    record(session, actor, "faq.update", f"faq:{slug}", before, _snapshot(topic))
    await session.commit()
    return Change(changed=True, needs_retraining=examples_changed)


async def set_topic_active(session: AsyncSession, actor: Actor, slug: str, active: bool) -> Change:
    """Retire (the bot stops answering it at once) or reactivate a topic; either way
    the NLU learns the change at the next training."""
    topic = await _topic(session, slug)
    if topic.active == active:
        return UNCHANGED
    if active:
        # Its examples may have been given to another topic while it was retired.
        await _clean(session, _view(topic).draft(), slug)
    before = _snapshot(topic)
    topic.active = active
    topic.updated_at = utcnow()
    action = "faq.reactivate" if active else "faq.retire"
    record(session, actor, action, f"faq:{slug}", before, _snapshot(topic))
    await session.commit()
    return Change(changed=True, needs_retraining=True)
