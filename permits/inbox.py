"""The administrators' inbox of messages the bot did not understand.

The gateway files a message here when the NLU fell back, judged it out of scope,
or was unsure (confidence under LOW_CONFIDENCE). The inbox shows them grouped so
that similar messages sit together: a message joins the first group whose first
message it resembles (rapidfuzz token-set similarity on normalised text), else
starts a group. Assigning a group to an intent or FAQ topic turns its distinct
texts into training examples for the next training; dismissing closes it, one group
or several at once.

Nothing is assigned by default: the form offers the intent the NLU read most often in
the group (`detected_target`) when examples may be given for it, else nothing, and an
empty choice is refused. Every count the page shows adds up: each distinct text with
how many messages said it, each group with the sum of its texts, and the header with
the sum of its groups (`InboxView`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from rapidfuzz import fuzz
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from permits.audit import Actor, record
from permits.models import FaqTopic, TrainingExample, UnrecognisedMessage, utcnow
from permits.states import InboxState

LOW_CONFIDENCE = 0.6
NOT_UNDERSTOOD = ("nlu_fallback", "out_of_scope")
SIMILAR = 70  # token-set similarity (0-100) for two messages to share a group
INBOX_SIZE = 2000  # newest open messages grouped at once
# The intents of the contract that examples may be given for (faq/<topic> besides).
ASSIGNABLE_INTENTS = {
    "greet": "Salam",
    "goodbye": "Pamit",
    "thanks": "Terima kasih",
    "affirm": "Ya / setuju",
    "deny": "Tidak / menolak",
    "bot_challenge": "Menanyakan apakah bot",
    "ask_requirements": "Tanya persyaratan izin",
    "ask_fee": "Tanya biaya izin",
    "ask_duration": "Tanya lama proses izin",
    "ask_procedure": "Tanya prosedur izin",
    "check_status": "Cek status permohonan",
    "list_my_applications": "Daftar permohonan saya",
    "subscribe_updates": "Minta dikabari perubahan status",
    "human_handoff": "Minta bicara dengan petugas",
    "complaint": "Pengaduan",
    "inform": "Memberi informasi (nama izin, nomor)",
    "out_of_scope": "Di luar layanan",
    "ask_other_service": "Layanan instansi lain (KK, SKCK, paspor, ...)",
}
_NUMBERS = re.compile(r"\d+")
_NOT_WORD = re.compile(r"[^\w\s#]")


class UnknownIntent(ValueError):
    pass


@dataclass
class InboxGroup:
    key: int  # the id of its first (oldest) message
    sample: str
    messages: list[UnrecognisedMessage] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.messages)

    @property
    def texts(self) -> list[str]:
        """Its distinct messages, as written."""
        return [text for text, _ in self.counted_texts]

    @property
    def counted_texts(self) -> list[tuple[str, int]]:
        """Its distinct messages, as first written, with how many messages said each."""
        seen: dict[str, str] = {}
        counts: Counter[str] = Counter()
        for message in self.messages:
            key = normalise(message.text)
            seen.setdefault(key, message.text.strip())
            counts[key] += 1
        return [(text, counts[key]) for key, text in seen.items()]

    @property
    def message_ids(self) -> list[int]:
        return [message.id for message in self.messages]


@dataclass(frozen=True)
class InboxView:
    """The inbox as the page lists it."""

    groups: list[InboxGroup]
    open_messages: int  # all still open; more than listed when over INBOX_SIZE

    @property
    def listed_messages(self) -> int:
        return sum(group.count for group in self.groups)


def is_unrecognised(intent: str | None, confidence: float | None) -> bool:
    return intent is None or intent in NOT_UNDERSTOOD or (confidence or 0) < LOW_CONFIDENCE


def normalise(text: str) -> str:
    """Lower case, no punctuation, every number alike: what similarity compares."""
    text = _NUMBERS.sub("#", text.lower())
    return " ".join(_NOT_WORD.sub(" ", text).split())


def file_unrecognised(
    session: AsyncSession,
    conversation_id: str,
    text: str,
    intent: str | None,
    confidence: float | None,
) -> None:
    """Called in the transaction that settles the message."""
    session.add(
        UnrecognisedMessage(
            conversation_id=conversation_id, text=text, intent=intent, confidence=confidence
        )
    )


async def inbox_groups(session: AsyncSession) -> list[InboxGroup]:
    """Open messages grouped by similarity, the largest groups first."""
    newest = (
        await session.scalars(
            select(UnrecognisedMessage)
            .where(UnrecognisedMessage.state == InboxState.NEW)
            .order_by(UnrecognisedMessage.id.desc())
            .limit(INBOX_SIZE)
        )
    ).all()
    groups: list[tuple[str, InboxGroup]] = []
    # Oldest first, so a group keeps its key (its first message) as new ones arrive.
    for message in reversed(newest):
        text = normalise(message.text)
        group = next((g for key, g in groups if fuzz.token_set_ratio(text, key) >= SIMILAR), None)
        if group is None:
            group = InboxGroup(key=message.id, sample=message.text.strip())
            groups.append((text, group))
        group.messages.append(message)
    return sorted((g for _, g in groups), key=lambda g: (-g.count, -g.key))


async def inbox_view(session: AsyncSession) -> InboxView:
    groups = await inbox_groups(session)
    open_messages = await session.scalar(
        select(func.count()).where(UnrecognisedMessage.state == InboxState.NEW)
    )
    return InboxView(groups, open_messages or 0)


def detected_target(group: InboxGroup, targets: Mapping[str, str]) -> str | None:
    """The intent the NLU read most often in the group (the earliest on a tie), when
    examples may be given for it: what the form offers. Fallback readings have none."""
    counts = Counter(m.intent for m in group.messages if m.intent and m.intent in targets)
    return counts.most_common(1)[0][0] if counts else None


async def assignable_targets(session: AsyncSession) -> dict[str, str]:
    """Intent name → Indonesian label, with every active FAQ topic as faq/<slug>."""
    topics = await session.execute(
        select(FaqTopic.slug, FaqTopic.title).where(FaqTopic.active.is_(True))
    )
    faq = {f"faq/{slug}": f"FAQ: {title}" for slug, title in topics}
    return {**ASSIGNABLE_INTENTS, **faq}


async def assign_group(session: AsyncSession, group: InboxGroup, intent: str, actor: Actor) -> int:
    """The group's distinct texts become training examples of `intent`; returns how many
    are new."""
    if intent not in await assignable_targets(session):
        raise UnknownIntent(intent)
    added = 0
    for text in group.texts:
        if await _example_exists(session, intent, text):
            continue
        session.add(TrainingExample(intent=intent, text=text, source="inbox"))
        added += 1
    await _resolve(session, group, InboxState.ASSIGNED, intent)
    record(
        session,
        actor,
        "inbox.assign",
        f"inbox:{group.key}",
        None,
        {"intent": intent, "texts": group.texts, "messages": group.count},
    )
    try:
        await session.commit()
    except IntegrityError:  # someone assigned the same text at the same moment
        await session.rollback()
        raise
    return added


async def dismiss_group(session: AsyncSession, group: InboxGroup, actor: Actor) -> None:
    await dismiss_groups(session, [group], actor)


async def dismiss_groups(session: AsyncSession, groups: list[InboxGroup], actor: Actor) -> int:
    """Closes the groups together, one audit entry each; returns how many messages."""
    for group in groups:
        await _resolve(session, group, InboxState.DISMISSED, None)
        record(
            session,
            actor,
            "inbox.dismiss",
            f"inbox:{group.key}",
            None,
            {"texts": group.texts, "messages": group.count},
        )
    await session.commit()
    return sum(group.count for group in groups)


async def group_of(session: AsyncSession, message_ids: list[int]) -> InboxGroup | None:
    """The messages an administrator saw as one group, those still open; None if none is."""
    messages = (
        await session.scalars(
            select(UnrecognisedMessage)
            .where(
                UnrecognisedMessage.id.in_(message_ids), UnrecognisedMessage.state == InboxState.NEW
            )
            .order_by(UnrecognisedMessage.id)
        )
    ).all()
    if not messages:
        return None
    return InboxGroup(key=messages[0].id, sample=messages[0].text.strip(), messages=list(messages))


async def training_examples(session: AsyncSession) -> dict[str, list[str]]:
    """Intent → the administrators' examples, for building the training data."""
    rows = await session.execute(
        select(TrainingExample.intent, TrainingExample.text).order_by(TrainingExample.id)
    )
    examples: dict[str, list[str]] = {}
    for intent, text in rows:
        examples.setdefault(intent, []).append(text)
    return examples


async def _example_exists(session: AsyncSession, intent: str, text: str) -> bool:
    found = await session.scalar(
        select(TrainingExample.id).where(
            TrainingExample.intent == intent, TrainingExample.text == text
        )
    )
    return found is not None


async def _resolve(
    session: AsyncSession, group: InboxGroup, state: InboxState, intent: str | None
) -> None:
    await session.execute(
        update(UnrecognisedMessage)
        .where(
            UnrecognisedMessage.id.in_([m.id for m in group.messages]),
            UnrecognisedMessage.state == InboxState.NEW,
        )
        .values(state=state, assigned_intent=intent, resolved_at=utcnow())
        .execution_options(synchronize_session=False)
    )
