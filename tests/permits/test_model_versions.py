"""The register of trained models (both databases), the steps read from a training's
log, and how the page words the gate's verdicts and the swaps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from permits import model_versions
from permits.model_versions import (
    GATE_TOLERANCE,
    LOG_LIMIT,
    NotSwappable,
    Step,
    StepMark,
    StepState,
    Swap,
    TrainingBusy,
    abandon_unfinished,
    append_log,
    check_swappable,
    faq_topics_in_service,
    finish,
    gate_rule,
    get_version,
    in_service,
    mark_deployed,
    passes_gate,
    progress,
    recent_versions,
    record_scores,
    register_original,
    start_version,
    step_line,
    step_marks,
    swap_kind,
    verdict,
)
from permits.models import ModelVersion
from permits.states import ModelState

T0 = datetime(2026, 3, 5, 7, 0, 0, tzinfo=UTC)
RASA_OUTPUT = "\x1b[92m2026-03-05 14:01:02 INFO rasa.model_training - Training NLU\x1b[0m\n"


async def test_one_training_at_a_time(session: AsyncSession) -> None:
    first = await start_version(session, "Admin")
    with pytest.raises(TrainingBusy):
        await start_version(session, "Admin lain")
    await finish(session, first.id, "failed", summary="Gagal: uji")
    assert (await start_version(session, "Admin lain")).id != first.id


async def test_deploying_retires_the_model_before_and_keeps_it_for_rollback(
    session: AsyncSession,
) -> None:
    original = await register_original(session, "/models/tanya-izin.tar.gz")
    await record_scores(session, "/models/tanya-izin.tar.gz", {"macro_f1": 0.9})
    await mark_deployed(session, original.id)
    new = await start_version(session, "Admin")
    await append_log(session, new.id, "Epochs: 100%\n")
    await finish(session, new.id, "deployed", summary="Diterapkan", file="/models/v2.tar.gz")
    await mark_deployed(session, new.id)
    current = await in_service(session)
    assert current is not None and current.id == new.id
    before = await get_version(session, original.id)
    assert before is not None and before.state == "retired"
    await mark_deployed(session, original.id)  # the rollback
    assert [v.state for v in await recent_versions(session)] == ["retired", "deployed"]
    refreshed = await get_version(session, new.id)
    assert refreshed is not None and refreshed.log == "Epochs: 100%\n"
    first = await get_version(session, original.id)
    assert first is not None and first.scores == {"macro_f1": 0.9}


async def test_a_training_cut_off_by_a_restart_is_marked_failed(session: AsyncSession) -> None:
    await start_version(session, "Admin")
    assert await abandon_unfinished(session) == 1
    [version] = await recent_versions(session)
    assert version.state == "failed" and "dimulai ulang" in version.summary


def test_a_model_scoring_lower_than_the_one_in_service_does_not_pass() -> None:
    assert passes_gate({"macro_f1": 0.80}, None)
    assert passes_gate({"macro_f1": 0.93}, {"macro_f1": 0.93})
    assert passes_gate({"macro_f1": 0.92}, {"macro_f1": 0.93})  # within the check set's noise
    assert not passes_gate({"macro_f1": 0.90}, {"macro_f1": 0.93})


async def test_the_original_model_is_listed_in_service_until_a_trained_one_replaces_it(
    session: AsyncSession,
) -> None:
    original = await register_original(session, "/models/tanya-izin.tar.gz")
    current = await in_service(session)
    assert current is not None and current.id == original.id
    new = await start_version(session, "Admin")
    await finish(session, new.id, ModelState.DEPLOYED, summary="Diterapkan", file="/m/v2.tar.gz")
    await mark_deployed(session, new.id)
    states = {v.id: v.state for v in await recent_versions(session)}
    assert states == {original.id: "retired", new.id: "deployed"}


# --- steps ----------------------------------------------------------------------


def mark(
    step: Step, minutes: float, note: str = "", faq_topics: tuple[str, ...] | None = None
) -> str:
    return step_line(StepMark(step, T0 + timedelta(minutes=minutes), note, faq_topics))


def version_with(state: str, log: str, finished_minutes: float | None = None) -> ModelVersion:
    finished = T0 + timedelta(minutes=finished_minutes) if finished_minutes is not None else None
    return ModelVersion(id=7, state=state, started_by="Admin", log=log, finished_at=finished)


def test_steps_are_read_from_their_lines_among_rasas_output() -> None:
    log = (
        mark(Step.DATA, 0)
        + mark(Step.TRAIN, 0.5, note="3 contoh dari admin", faq_topics=("lokasi", "parkir"))
        + RASA_OUTPUT * 3
        + mark(Step.CHECK, 4)
        + "Epochs: 100%\r\n"
        + mark(Step.SWAP, 4.5)
    )
    steps = progress(version_with(ModelState.DEPLOYED, log, finished_minutes=5))
    assert [s.step for s in steps] == [Step.DATA, Step.TRAIN, Step.CHECK, Step.SWAP]
    assert all(s.state == StepState.DONE for s in steps)
    assert steps[1].started == T0 + timedelta(minutes=0.5)
    assert steps[1].ended == T0 + timedelta(minutes=4)  # where checking started
    assert steps[1].note == "3 contoh dari admin"
    assert steps[3].ended == T0 + timedelta(minutes=5)  # when the training finished
    assert step_marks(log)[1].faq_topics == ("lokasi", "parkir")


def test_a_running_training_shows_its_current_step_and_those_still_to_come() -> None:
    log = mark(Step.DATA, 0) + mark(Step.TRAIN, 0.5) + RASA_OUTPUT
    steps = progress(version_with(ModelState.TRAINING, log))
    assert [s.state for s in steps] == [
        StepState.DONE,
        StepState.RUNNING,
        StepState.WAITING,
        StepState.WAITING,
    ]
    assert steps[1].ended is None and steps[2].started is None


def test_a_refused_model_skips_the_swap_and_a_failed_step_is_marked() -> None:
    checked = mark(Step.DATA, 0) + mark(Step.TRAIN, 0.5) + mark(Step.CHECK, 4)
    refused = progress(version_with(ModelState.REFUSED, checked, finished_minutes=5))
    assert [s.state for s in refused][2:] == [StepState.DONE, StepState.SKIPPED]
    cut_off = mark(Step.DATA, 0) + mark(Step.TRAIN, 0.5) + RASA_OUTPUT
    failed = progress(version_with(ModelState.FAILED, cut_off, finished_minutes=1))
    assert [s.state for s in failed] == [
        StepState.DONE,
        StepState.FAILED,
        StepState.NOT_RUN,
        StepState.NOT_RUN,
    ]


def test_a_model_not_trained_here_has_no_steps_and_a_broken_line_is_ignored() -> None:
    assert progress(version_with(ModelState.RETIRED, "")) == []
    assert step_marks('##langkah {"langkah": "data"\n##langkah {"langkah": "x", "mulai": 1}') == []


async def test_a_long_log_keeps_its_step_lines_and_whole_lines(session: AsyncSession) -> None:
    version = await start_version(session, "Admin")
    await append_log(session, version.id, mark(Step.DATA, 0) + mark(Step.TRAIN, 0.5))
    for _ in range(3):
        await append_log(session, version.id, RASA_OUTPUT * (LOG_LIMIT // len(RASA_OUTPUT)))
    await append_log(session, version.id, mark(Step.CHECK, 4))
    stored = await get_version(session, version.id)
    assert stored is not None
    assert [m.step for m in step_marks(stored.log)] == [Step.DATA, Step.TRAIN, Step.CHECK]
    assert len(stored.log) < LOG_LIMIT + 1000
    lines = stored.log.splitlines(keepends=True)
    assert all(line.startswith(("##langkah ", "\x1b[92m2026")) for line in lines)


async def test_the_faq_topics_of_the_model_in_service_are_those_it_was_trained_on(
    session: AsyncSession,
) -> None:
    original = await register_original(session, "/models/tanya-izin.tar.gz")
    assert await faq_topics_in_service(session) is None  # the files' topics
    version = await start_version(session, "Admin")
    await append_log(session, version.id, mark(Step.TRAIN, 1, faq_topics=("lokasi", "parkir")))
    await finish(session, version.id, ModelState.DEPLOYED, summary="", file="/m/v2.tar.gz")
    await mark_deployed(session, version.id)
    assert await faq_topics_in_service(session) == {"lokasi", "parkir"}
    await mark_deployed(session, original.id)
    assert await faq_topics_in_service(session) is None


# --- wording ----------------------------------------------------------------------


def test_a_model_lower_within_the_tolerance_is_deployed_and_the_verdict_says_why() -> None:
    said = verdict({"macro_f1": 0.922}, {"macro_f1": 0.925})
    assert said == (
        "Diterapkan: macro-F1 model baru 0,922, lebih rendah 0,003 dari model yang dipakai "
        "sebelumnya (0,925), masih dalam batas selisih 0,02."
    )


def test_a_model_lower_beyond_the_tolerance_is_refused_in_words() -> None:
    said = verdict({"macro_f1": 0.85}, {"macro_f1": 0.925})
    assert said.startswith("Ditolak: macro-F1 model baru 0,850, lebih rendah 0,075 ")
    assert "model yang sedang dipakai (0,925), melebihi batas selisih 0,02." in said
    assert not passes_gate({"macro_f1": 0.85}, {"macro_f1": 0.925})


def test_a_better_or_first_model_is_deployed_in_words() -> None:
    assert verdict({"macro_f1": 0.931}, {"macro_f1": 0.925}) == (
        "Diterapkan: macro-F1 model baru 0,931, lebih tinggi dari model yang dipakai "
        "sebelumnya (0,925)."
    )
    assert "sama dengan" in verdict({"macro_f1": 0.925}, {"macro_f1": 0.9252})
    assert verdict({"macro_f1": 0.9}, None).startswith("Diterapkan: macro-F1 model baru 0,900;")


def test_a_difference_just_over_the_tolerance_does_not_read_as_the_tolerance() -> None:
    said = verdict({"macro_f1": 0.9046}, {"macro_f1": 0.925})
    assert said.startswith("Ditolak") and "lebih rendah 0,0204 " in said


def test_the_rule_and_verdicts_are_worded_from_the_tolerance_the_gate_uses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert f"paling banyak {str(GATE_TOLERANCE).replace('.', ',')} " in gate_rule()
    monkeypatch.setattr(model_versions, "GATE_TOLERANCE", 0.05)
    assert "paling banyak 0,05 " in gate_rule()
    said = verdict({"macro_f1": 0.89}, {"macro_f1": 0.93})
    assert said.startswith("Diterapkan") and "masih dalam batas selisih 0,05." in said


async def test_going_back_to_an_older_model_and_putting_a_newer_one_back(
    session: AsyncSession,
) -> None:
    original = await register_original(session, "/models/tanya-izin.tar.gz")
    new = await start_version(session, "Admin")
    with pytest.raises(NotSwappable):
        check_swappable(new, original)  # still training
    await finish(session, new.id, ModelState.DEPLOYED, summary="", file="/m/v2.tar.gz")
    await mark_deployed(session, new.id)
    back, current = await get_version(session, original.id), await in_service(session)
    assert swap_kind(check_swappable(back, current), current) == Swap.BACK
    await mark_deployed(session, original.id)
    forward, current = await get_version(session, new.id), await in_service(session)
    assert swap_kind(check_swappable(forward, current), current) == Swap.FORWARD
    with pytest.raises(NotSwappable):
        check_swappable(current, current)  # in service already
