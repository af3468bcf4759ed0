"""The inbox of messages the bot did not understand (both databases)."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from permits import inbox
from permits.audit import Actor, recent_entries
from permits.inbox import (
    UnknownIntent,
    assign_group,
    assignable_targets,
    detected_target,
    dismiss_group,
    dismiss_groups,
    file_unrecognised,
    inbox_groups,
    inbox_view,
    is_unrecognised,
    training_examples,
)
from permits.models import UnrecognisedMessage

ADMIN = Actor(None, "Admin Uji")
MESSAGES = [
    ("web:1", "mau beli pulsa dong", "out_of_scope", 0.81),
    ("web:2", "Mau beli pulsa dong!!", "out_of_scope", 0.77),
    ("web:3", "beli pulsa 50rb", "out_of_scope", 0.69),
    ("web:4", "izin keramaian buat nikahan gmn", "nlu_fallback", 0.30),
    ("web:5", "izin keramaian acara nikahan syaratnya", "ask_requirements", 0.41),
    ("web:6", "asdfgh", "nlu_fallback", 0.12),
]


async def fill(session: AsyncSession) -> None:
    for conversation, text, intent, confidence in MESSAGES:
        file_unrecognised(session, conversation, text, intent, confidence)
    await session.commit()


def test_what_counts_as_not_understood() -> None:
    assert is_unrecognised("nlu_fallback", 0.9)
    assert is_unrecognised("out_of_scope", 0.95)
    assert is_unrecognised("ask_fee", 0.45)
    assert not is_unrecognised("ask_fee", 0.93)


async def test_similar_messages_sit_together_largest_group_first(session: AsyncSession) -> None:
    await fill(session)
    groups = await inbox_groups(session)
    assert [g.count for g in groups] == [3, 2, 1]
    pulsa, keramaian, noise = groups
    assert all("pulsa" in text.lower() for text in pulsa.texts)
    assert len(pulsa.texts) == 2  # "mau beli pulsa dong" twice, in two spellings
    assert all("keramaian" in text for text in keramaian.texts)
    assert noise.texts == ["asdfgh"]


async def test_assigning_a_group_makes_training_examples_once(session: AsyncSession) -> None:
    await fill(session)
    keramaian = (await inbox_groups(session))[1]
    assert await assign_group(session, keramaian, "ask_requirements", ADMIN) == 2
    examples = await training_examples(session)
    assert sorted(examples["ask_requirements"]) == sorted(keramaian.texts)
    assert [g.count for g in await inbox_groups(session)] == [3, 1]
    # The same texts arriving again and assigned again add nothing twice.
    file_unrecognised(session, "web:7", "izin keramaian buat nikahan gmn", "nlu_fallback", 0.2)
    await session.commit()
    again = next(g for g in await inbox_groups(session) if g.count == 1 and "keramaian" in g.sample)
    assert await assign_group(session, again, "ask_requirements", ADMIN) == 0
    [entry, *_] = await recent_entries(session)
    assert (entry.action, entry.staff_name) == ("inbox.assign", "Admin Uji")


async def test_faq_topics_are_targets_and_unknown_intents_are_refused(
    session: AsyncSession,
) -> None:
    await fill(session)
    pulsa = (await inbox_groups(session))[0]
    with pytest.raises(UnknownIntent):
        await assign_group(session, pulsa, "beli_pulsa", ADMIN)
    await assign_group(session, pulsa, "faq/jenis_layanan", ADMIN)
    assert "faq/jenis_layanan" in await training_examples(session)


async def test_dismissing_a_group_closes_it(session: AsyncSession) -> None:
    await fill(session)
    noise = (await inbox_groups(session))[-1]
    await dismiss_group(session, noise, ADMIN)
    states = dict(
        (await session.execute(select(UnrecognisedMessage.text, UnrecognisedMessage.state))).all()
    )
    assert states["asdfgh"] == "dismissed"
    assert await training_examples(session) == {}


async def test_the_form_offers_the_intent_the_nlu_read_most_often_and_nothing_else(
    session: AsyncSession,
) -> None:
    await fill(session)
    file_unrecognised(session, "web:8", "syarat izin keramaian nikahan", "ask_requirements", 0.5)
    await session.commit()
    targets = await assignable_targets(session)
    groups = {group.sample: group for group in await inbox_groups(session)}
    pulsa, keramaian = groups["mau beli pulsa dong"], groups["izin keramaian buat nikahan gmn"]
    noise = groups["asdfgh"]
    assert detected_target(pulsa, targets) == "out_of_scope"
    # nlu_fallback once, ask_requirements twice: the intent, never "Salam" by default
    assert detected_target(keramaian, targets) == "ask_requirements"
    assert detected_target(noise, targets) is None  # a fallback reading offers nothing


async def test_every_count_adds_up_to_the_messages_listed(
    session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    await fill(session)
    view = await inbox_view(session)
    pulsa = view.groups[0]
    assert pulsa.counted_texts == [("mau beli pulsa dong", 2), ("beli pulsa 50rb", 1)]
    for group in view.groups:
        assert sum(count for _, count in group.counted_texts) == group.count
    assert view.listed_messages == view.open_messages == len(MESSAGES)
    # Over the page's limit the newest are listed, and the header says how many wait.
    monkeypatch.setattr(inbox, "INBOX_SIZE", 4)
    view = await inbox_view(session)
    assert (view.listed_messages, view.open_messages) == (4, 6)


async def test_several_groups_are_dismissed_at_once(session: AsyncSession) -> None:
    await fill(session)
    pulsa, _, noise = await inbox_groups(session)
    assert await dismiss_groups(session, [pulsa, noise], ADMIN) == 4
    [left] = await inbox_groups(session)
    assert "keramaian" in left.sample
    dismissed = [e for e in await recent_entries(session) if e.action == "inbox.dismiss"]
    assert len(dismissed) == 2
