"""Administrators' FAQ edits: validated, audited, live or awaiting training as they should."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from permits.audit import Actor, recent_entries
from permits.english import UNTRANSLATED
from permits.errors import UnknownTopic
from permits.faq import faq_answer
from permits.faq_admin import (
    InvalidEdit,
    TopicDraft,
    create_topic,
    get_topic,
    list_topics,
    set_topic_active,
    split_lines,
    update_topic,
)
from permits.models import AuditEntry, FaqTopic, TrainingExample
from permits.office_profile import office_profile

ADMIN = Actor(staff_id=None, name="Admin Uji")
NEW_ANSWER = "Loket buka Senin–Jumat pukul 07.30–16.00 WIB."


async def draft_of(session: AsyncSession, slug: str, **changes: str) -> TopicDraft:
    return replace((await get_topic(session, slug)).draft(), **changes)


async def audit_count(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(AuditEntry)) or 0


def test_lines_are_trimmed_and_repeats_dropped() -> None:
    text = "  jam buka  kantor \n\nJam Buka Kantor\r\nkapan buka\n"
    assert split_lines(text) == ["jam buka kantor", "kapan buka"]


async def test_an_edited_answer_is_what_the_bot_answers_next_without_training(
    session: AsyncSession,
) -> None:
    change = await update_topic(
        session, ADMIN, "jam_layanan", await draft_of(session, "jam_layanan", answer=NEW_ANSWER)
    )
    assert change.changed and not change.needs_retraining
    assert await faq_answer(session, "faq/jam_layanan") == NEW_ANSWER


async def test_a_new_title_is_live_too(session: AsyncSession) -> None:
    draft = await draft_of(session, "lokasi", title="Alamat kantor")
    change = await update_topic(session, ADMIN, "lokasi", draft)
    assert change.changed and not change.needs_retraining
    assert (await get_topic(session, "lokasi")).title == "Alamat kantor"


async def test_new_examples_need_training(session: AsyncSession) -> None:
    draft = await draft_of(
        session, "lokasi", examples="alamat kantor ptsp\nkantornya dimana\nmpp sukamaju di mana"
    )
    change = await update_topic(session, ADMIN, "lokasi", draft)
    assert change.needs_retraining
    assert (await get_topic(session, "lokasi")).examples[-1] == "mpp sukamaju di mana"


async def test_saving_the_same_values_changes_nothing_and_writes_no_audit(
    session: AsyncSession,
) -> None:
    change = await update_topic(session, ADMIN, "kontak", await draft_of(session, "kontak"))
    assert not change.changed and not change.needs_retraining
    assert await audit_count(session) == 0


async def test_a_created_topic_needs_training_and_is_answered(session: AsyncSession) -> None:
    draft = TopicDraft(
        title="Pengaduan layanan",
        examples="mau komplain pelayanan\ncara mengadu ke ptsp\nmau komplain pelayanan",
        answer="Sampaikan pengaduan lewat menu Pengaduan atau SP4N-LAPOR!.",
    )
    change = await create_topic(session, ADMIN, "pengaduan_layanan", draft)
    assert change.needs_retraining
    topic = await get_topic(session, "pengaduan_layanan")
    assert topic.examples == ["mau komplain pelayanan", "cara mengadu ke ptsp"]
    assert await faq_answer(session, "faq/pengaduan_layanan") == draft.answer
    [entry] = await recent_entries(session)
    assert (entry.action, entry.target, entry.staff_name) == (
        "faq.create",
        "faq:pengaduan_layanan",
        "Admin Uji",
    )
    assert entry.before is None and entry.after is not None
    assert entry.after["examples"] == topic.examples


async def test_retiring_stops_the_answer_and_needs_training(session: AsyncSession) -> None:
    change = await set_topic_active(session, ADMIN, "antrian", False)
    assert change.needs_retraining
    with pytest.raises(UnknownTopic):
        await faq_answer(session, "antrian")
    retired = [t for t in await list_topics(session) if not t.active]
    assert [t.slug for t in retired] == ["antrian"]
    back = await set_topic_active(session, ADMIN, "antrian", True)
    assert back.needs_retraining
    assert await faq_answer(session, "antrian")
    actions = [entry.action for entry in await recent_entries(session)]
    assert actions == ["faq.reactivate", "faq.retire"]
    again = await set_topic_active(session, ADMIN, "antrian", True)
    assert not again.changed and not again.needs_retraining


async def test_every_update_leaves_before_and_after(session: AsyncSession) -> None:
    old = await faq_answer(session, "kontak")
    await update_topic(session, ADMIN, "kontak", await draft_of(session, "kontak", answer="Baru."))
    [entry] = await recent_entries(session, action_prefix="faq.")
    assert entry.action == "faq.update" and entry.target == "faq:kontak"
    assert entry.before is not None and entry.after is not None
    assert (entry.before["answer"], entry.after["answer"]) == (old, "Baru.")
    assert entry.before["examples"] == entry.after["examples"]


@pytest.mark.parametrize(
    ("slug", "draft", "fields"),
    [
        ("Jam-Buka", TopicDraft("Judul", "satu\ndua", "Jawab."), {"slug"}),
        ("x", TopicDraft("Judul", "satu\ndua", "Jawab."), {"slug"}),
        ("jam_layanan", TopicDraft("Judul", "satu\ndua", "Jawab."), {"slug"}),
        ("topik_baru", TopicDraft("  ", "satu\ndua", "Jawab."), {"title"}),
        ("topik_baru", TopicDraft("Judul", "satu\nSATU\n", "Jawab."), {"examples"}),
        ("topik_baru", TopicDraft("Judul", "satu\ndua", " \n "), {"answer"}),
        ("topik_baru", TopicDraft("Judul", "jam buka kantor\ndua", "Jawab."), {"examples"}),
        ("1abc", TopicDraft("", "", ""), {"slug", "title", "examples", "answer"}),
        (
            "topik_baru",
            TopicDraft("Judul", "satu\ndua", "Jawab.", en_title="x" * 201),
            {"en_title"},
        ),
        ("topik_baru", TopicDraft("", "satu\ndua", "Jawab.", en_title="Title"), {"title"}),
    ],
)
async def test_invalid_topics_are_refused_with_a_message_per_field(
    session: AsyncSession, slug: str, draft: TopicDraft, fields: set[str]
) -> None:
    topics_before = await session.scalar(select(func.count()).select_from(FaqTopic))
    with pytest.raises(InvalidEdit) as refused:
        await create_topic(session, ADMIN, slug, draft)
    assert set(refused.value.errors) == fields
    assert all(refused.value.errors.values())
    assert await session.scalar(select(func.count()).select_from(FaqTopic)) == topics_before
    assert await audit_count(session) == 0


async def test_an_invalid_edit_changes_nothing(session: AsyncSession) -> None:
    old = await get_topic(session, "akun")
    draft = TopicDraft(title="Akun", examples="hanya satu contoh", answer="Jawaban baru.")
    with pytest.raises(InvalidEdit) as refused:
        await update_topic(session, ADMIN, "akun", draft)
    assert "examples" in refused.value.errors
    session.expire_all()
    assert await get_topic(session, "akun") == old
    assert await faq_answer(session, "akun") == old.answer
    assert await audit_count(session) == 0


async def test_an_unknown_topic_is_reported(session: AsyncSession) -> None:
    with pytest.raises(UnknownTopic):
        await update_topic(session, ADMIN, "tidak_ada", TopicDraft("a", "b\nc", "d"))


async def test_an_english_answer_is_what_the_bot_answers_in_english(session: AsyncSession) -> None:
    english = "The counters are open Monday to Friday.\nClosed on public holidays."
    draft = await draft_of(session, "jam_layanan", en_title="Opening hours", en_answer=english)
    change = await update_topic(session, ADMIN, "jam_layanan", draft)
    assert change.changed and not change.needs_retraining
    assert await faq_answer(session, "faq/jam_layanan", "en") == english
    indonesian = await faq_answer(session, "faq/jam_layanan")
    profile = await office_profile(session)  # the answer names the hours by {jam_layanan}
    assert indonesian == profile.fill((await get_topic(session, "jam_layanan")).answer)
    [entry] = await recent_entries(session)
    assert entry.after is not None and entry.after["english"] == {
        "title": "Opening hours",
        "answer": english,
    }


async def test_an_emptied_english_answer_falls_back_to_indonesian_with_a_notice(
    session: AsyncSession,
) -> None:
    await update_topic(session, ADMIN, "kontak", await draft_of(session, "kontak", en_answer=""))
    topic = await get_topic(session, "kontak")
    assert "answer" not in topic.english and topic.english["title"]
    answer = await faq_answer(session, "faq/kontak", "en")
    assert answer.startswith(topic.answer) and answer != topic.answer
    assert answer.endswith(UNTRANSLATED)  # tests speak the configured language: Indonesian


async def test_a_created_topic_may_have_its_answer_in_english(session: AsyncSession) -> None:
    draft = TopicDraft(
        title="Parkir",
        examples="parkir dimana\nada parkir motor ga",
        answer="Parkir tersedia di halaman belakang.",
        en_answer="Parking is at the back of the building.",
    )
    await create_topic(session, ADMIN, "parkir", draft)
    assert await faq_answer(session, "faq/parkir", "en") == draft.en_answer
    assert (await get_topic(session, "parkir")).english == {"answer": draft.en_answer}


async def test_examples_assigned_from_the_inbox_count_and_are_listed_with_the_topic(
    session: AsyncSession,
) -> None:
    own = (await get_topic(session, "lokasi")).examples
    session.add_all(
        [
            TrainingExample(intent="faq/lokasi", text="kantor mpp sebelah mana sih"),
            # The inbox text a topic already has as an example is trained on once.
            TrainingExample(intent="faq/lokasi", text=f"  {own[0].upper()} "),
            TrainingExample(intent="ask_fee", text="brp biaya bikin pbg"),
        ]
    )
    await session.commit()
    topic = await get_topic(session, "lokasi")
    assert topic.inbox_examples == ["kantor mpp sebelah mana sih"]
    assert topic.example_count == len(own) + 1
    listed = {t.slug: t for t in await list_topics(session)}
    assert listed["lokasi"].example_count == len(own) + 1
    assert listed["kontak"].inbox_examples == []
    assert listed["kontak"].example_count == len(listed["kontak"].examples)
