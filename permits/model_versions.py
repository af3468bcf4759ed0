"""The models administrators trained: which one is in service, which can be rolled back to.

One training at a time; a model goes into service only after it scored no lower than
the model in service on the fixed check set, within GATE_TOLERANCE (see
bot/admin/trainer.py). What the page says about it is worded here, from the same
numbers the gate uses: the rule, each verdict, and whether a swap goes back to an
older model or puts a newer one back.

The trainer marks the start of each step (data, training, check, swap) in the log
with a line of its own (`step_line`); the page reads the steps and their times from
those lines, and trimming the log keeps them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from permits.amounts import format_decimal
from permits.models import ModelVersion, utcnow
from permits.states import ModelState

LOG_LIMIT = 20_000  # characters of training output kept per version
# Metric that decides a deployment: macro-F1 of intents on the check set. A model
# lower by more than the check set's noise (a handful of its ~200 messages; two
# trainings on slightly different data differ by that much) is refused.
GATE_METRIC = "macro_f1"
GATE_TOLERANCE = 0.02
STEP_MARK = "##langkah "  # starts the line that marks a step in the training log


class Step(StrEnum):
    """The steps of a training, in order."""

    DATA = "data"  # the training data built from the files and the database
    TRAIN = "latih"  # rasa train
    CHECK = "periksa"  # both models parse the check set
    SWAP = "ganti"  # Rasa swaps the new model in


STEPS = tuple(Step)


class TrainingBusy(RuntimeError):
    """Another training is still running."""


async def start_version(session: AsyncSession, started_by: str) -> ModelVersion:
    busy = await session.scalar(
        select(ModelVersion.id).where(ModelVersion.state == ModelState.TRAINING)
    )
    if busy is not None:
        raise TrainingBusy(busy)
    version = ModelVersion(started_by=started_by, state=ModelState.TRAINING, started_at=utcnow())
    session.add(version)
    await session.commit()
    return version


async def append_log(session: AsyncSession, version_id: int, text: str) -> None:
    version = await session.get_one(ModelVersion, version_id)
    version.log = trimmed_log(version.log + text)
    await session.commit()


def trimmed_log(log: str) -> str:
    """The last LOG_LIMIT characters of output, from the start of a line, after every
    step line of the part cut off: the page's steps are read from them."""
    if len(log) <= LOG_LIMIT:
        return log
    boundary = log.find("\n", len(log) - LOG_LIMIT) + 1
    if boundary == 0:  # one endless line: keep its end
        boundary = len(log) - LOG_LIMIT
    cut = log[:boundary].splitlines(keepends=True)
    steps = "".join(line for line in cut if line.startswith(STEP_MARK))
    return steps + log[boundary:]


async def finish(
    session: AsyncSession,
    version_id: int,
    state: ModelState,
    *,
    summary: str,
    file: str | None = None,
    scores: dict[str, Any] | None = None,
    baseline_scores: dict[str, Any] | None = None,
) -> ModelVersion:
    """Record the outcome of a training: trained (then deployed), refused or failed."""
    version = await session.get_one(ModelVersion, version_id)
    version.state, version.summary, version.finished_at = state, summary, utcnow()
    version.file = file or version.file
    version.scores = scores if scores is not None else version.scores
    version.baseline_scores = baseline_scores
    await session.commit()
    return version


ORIGINAL = "make train"  # started_by of the model that served before any admin training


async def register_original(session: AsyncSession, file: str) -> ModelVersion:
    """The model in service before the first training from the admin pages (the one
    `make train` built), kept so that it can be put back. It is in service until a
    trained model replaces it, and listed so."""
    now = utcnow()
    version = ModelVersion(
        file=file,
        state=ModelState.DEPLOYED,
        started_by=ORIGINAL,
        finished_at=now,
        deployed_at=now,
        summary="Model awal, sebelum pelatihan pertama dari halaman admin.",
    )
    session.add(version)
    await session.commit()
    return version


async def original(session: AsyncSession) -> ModelVersion | None:
    return await session.scalar(select(ModelVersion).where(ModelVersion.started_by == ORIGINAL))


async def record_scores(session: AsyncSession, file: str, scores: dict[str, Any]) -> None:
    """Scores of a model measured as the baseline, kept for the page when it had none."""
    await session.execute(
        update(ModelVersion)
        .where(ModelVersion.file == file, ModelVersion.scores.is_(None))
        .values(scores=scores)
        .execution_options(synchronize_session=False)
    )
    await session.commit()


async def mark_deployed(session: AsyncSession, version_id: int) -> None:
    """This version is now in service; the one before it is kept for rollback."""
    await session.execute(
        update(ModelVersion)
        .where(ModelVersion.state == ModelState.DEPLOYED, ModelVersion.id != version_id)
        .values(state=ModelState.RETIRED)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(ModelVersion)
        .where(ModelVersion.id == version_id)
        .values(state=ModelState.DEPLOYED, deployed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    await session.commit()


async def in_service(session: AsyncSession) -> ModelVersion | None:
    query = select(ModelVersion).where(ModelVersion.state == ModelState.DEPLOYED)
    return await session.scalar(query.execution_options(populate_existing=True))


async def get_version(session: AsyncSession, version_id: int) -> ModelVersion | None:
    return await session.get(ModelVersion, version_id, populate_existing=True)


async def recent_versions(session: AsyncSession, limit: int = 30) -> list[ModelVersion]:
    query = select(ModelVersion).order_by(ModelVersion.id.desc()).limit(limit)
    # populate_existing: bulk state changes above bypass the objects already loaded.
    return list((await session.scalars(query.execution_options(populate_existing=True))).all())


async def abandon_unfinished(session: AsyncSession) -> int:
    """A training cut off by a restart is marked failed, so a new one may start."""
    result = await session.execute(
        update(ModelVersion)
        .where(ModelVersion.state == ModelState.TRAINING)
        .values(state=ModelState.FAILED, summary="Terputus: layanan dimulai ulang saat pelatihan.")
        .execution_options(synchronize_session=False)
    )
    await session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]


def passes_gate(candidate: dict[str, Any], in_service: dict[str, Any] | None) -> bool:
    """Deploy only a model that scores no lower than the one in service (beyond noise)."""
    if in_service is None:
        return True
    return float(candidate[GATE_METRIC]) >= float(in_service[GATE_METRIC]) - GATE_TOLERANCE


# --- steps ---------------------------------------------------------------------


class StepState(StrEnum):
    DONE = "selesai"
    RUNNING = "berjalan"
    WAITING = "menunggu"
    SKIPPED = "dilewati"  # the swap of a refused model
    FAILED = "gagal"
    NOT_RUN = "tidak dijalankan"  # after a failed step


@dataclass(frozen=True)
class StepMark:
    """A step line of the log: when the step started, and what it noted."""

    step: Step
    at: datetime
    note: str = ""
    faq_topics: tuple[str, ...] | None = None  # the training step: the topics trained on


@dataclass(frozen=True)
class StepProgress:
    step: Step
    state: StepState
    started: datetime | None = None
    ended: datetime | None = None
    note: str = ""


def step_line(mark: StepMark) -> str:
    """The log line that marks a step's start (one line of JSON after STEP_MARK)."""
    payload: dict[str, Any] = {"langkah": mark.step, "mulai": mark.at.isoformat()}
    if mark.note:
        payload["catatan"] = mark.note
    if mark.faq_topics is not None:
        payload["topik_faq"] = list(mark.faq_topics)
    return STEP_MARK + json.dumps(payload, ensure_ascii=False) + "\n"


def step_marks(log: str) -> list[StepMark]:
    """The step lines of a log, in order; a line that does not read is left out."""
    marks = []
    for line in log.splitlines():
        if line.startswith(STEP_MARK):
            mark = _read_mark(line.removeprefix(STEP_MARK))
            if mark is not None:
                marks.append(mark)
    return marks


def _read_mark(text: str) -> StepMark | None:
    try:
        payload = json.loads(text)
        topics = payload.get("topik_faq")
        return StepMark(
            step=Step(payload["langkah"]),
            at=datetime.fromisoformat(payload["mulai"]),
            note=str(payload.get("catatan", "")),
            faq_topics=tuple(str(t) for t in topics) if isinstance(topics, list) else None,
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def progress(version: ModelVersion) -> list[StepProgress]:
    """Each step of a training: done, running, waiting, skipped, failed or not run, with
    its start and end. A step ends where the next one starts, the last one when the
    training finished. Empty for a model not trained from these pages."""
    started = {mark.step: mark for mark in step_marks(version.log)}
    if not started:
        return []
    last = max(STEPS.index(step) for step in started)
    running = version.state == ModelState.TRAINING
    steps = []
    for index, step in enumerate(STEPS):
        mark = started.get(step)
        if mark is None or index > last:
            steps.append(StepProgress(step, _not_started(step, version.state)))
            continue
        following = [started[s].at for s in STEPS[index + 1 :] if s in started]
        ended = following[0] if following else None if running else version.finished_at
        state = StepState.DONE
        if index == last and running:
            state = StepState.RUNNING
        elif index == last and version.state == ModelState.FAILED:
            state = StepState.FAILED
        steps.append(StepProgress(step, state, mark.at, ended, mark.note))
    return steps


def _not_started(step: Step, state: str) -> StepState:
    if state == ModelState.TRAINING:
        return StepState.WAITING
    if state == ModelState.REFUSED and step == Step.SWAP:
        return StepState.SKIPPED
    return StepState.NOT_RUN


def faq_topics_trained(version: ModelVersion) -> set[str] | None:
    """The FAQ topics a model was trained on, as its training step recorded them; None
    for a model that has no such record (the one `make train` built from the files)."""
    for mark in step_marks(version.log):
        if mark.step == Step.TRAIN and mark.faq_topics is not None:
            return set(mark.faq_topics)
    return None


async def faq_topics_in_service(session: AsyncSession) -> set[str] | None:
    """The FAQ topics the model in service knows; None when it is not a model trained
    from these pages (then it knows the topics of the files in nlu/data)."""
    current = await in_service(session)
    return faq_topics_trained(current) if current is not None else None


# --- what the page says --------------------------------------------------------


def _score(value: float) -> str:
    """0.9224 → '0,922': three decimals with a comma, as Indonesians write them."""
    return f"{value:.3f}".replace(".", ",")


def tolerance_text() -> str:
    """GATE_TOLERANCE as the page writes it: 0.02 → '0,02'."""
    return format_decimal(GATE_TOLERANCE)


def gate_rule() -> str:
    """The rule passes_gate applies, in words, with its tolerance."""
    return (
        "Model baru menggantikan model yang sedang dipakai bila nilai macro-F1-nya pada "
        "set uji tetap sama atau lebih tinggi, atau lebih rendah paling banyak "
        f"{tolerance_text()} (selisih sekecil itu masih dalam batas ketelitian set uji). "
        "Bila lebih rendah dari itu, model baru ditolak dan model yang sedang dipakai "
        "tetap menjawab."
    )


def verdict(candidate: dict[str, Any], in_service: dict[str, Any] | None) -> str:
    """The gate's decision in words, with both scores and, when the new model is lower,
    the tolerance: 'Diterapkan: …' or 'Ditolak: …'."""
    new = float(candidate[GATE_METRIC])
    if in_service is None:
        return (
            f"Diterapkan: macro-F1 model baru {_score(new)}; tidak ada model yang sedang "
            "dipakai untuk dibandingkan."
        )
    old = float(in_service[GATE_METRIC])
    if not passes_gate(candidate, in_service):
        return (
            f"Ditolak: macro-F1 model baru {_score(new)}, lebih rendah "
            f"{_difference(old - new)} dari model yang sedang dipakai ({_score(old)}), "
            f"melebihi batas selisih {tolerance_text()}. Model yang sedang dipakai tetap "
            "menjawab."
        )
    if _score(new) == _score(old):
        comparison = f"sama dengan model yang dipakai sebelumnya ({_score(old)})"
    elif new > old:
        comparison = f"lebih tinggi dari model yang dipakai sebelumnya ({_score(old)})"
    else:
        comparison = (
            f"lebih rendah {_difference(old - new)} dari model yang dipakai sebelumnya "
            f"({_score(old)}), masih dalam batas selisih {tolerance_text()}"
        )
    return f"Diterapkan: macro-F1 model baru {_score(new)}, {comparison}."


def _difference(value: float) -> str:
    """A difference to set beside the tolerance: with a fourth decimal where three
    would read as the tolerance itself (a refused 0.0204 is not '0,020')."""
    shown = _score(value)
    if round(value, 3) == round(GATE_TOLERANCE, 3) and value != GATE_TOLERANCE:
        shown = f"{value:.4f}".replace(".", ",")
    return shown


class Swap(StrEnum):
    """Which way a swap from the page goes: back to an older model, or a newer one put
    back after going back."""

    BACK = "lama"
    FORWARD = "baru"


def swap_kind(target: ModelVersion, current: ModelVersion | None) -> Swap:
    """Models are numbered in the order they were made, the original first."""
    if current is not None and target.id > current.id:
        return Swap.FORWARD
    return Swap.BACK


class NotSwappable(ValueError):
    """The model cannot be put in service from the page."""


def check_swappable(target: ModelVersion | None, current: ModelVersion | None) -> ModelVersion:
    """A model that was in service, is kept, and is not the one in service now."""
    if target is None or target.file is None or target.state != ModelState.RETIRED:
        raise NotSwappable("only a model that was in service can be put back")
    if current is not None and current.id == target.id:
        raise NotSwappable("the model is in service already")
    return target
