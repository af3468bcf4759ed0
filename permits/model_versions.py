"""The models administrators trained: which one is in service, which can be rolled back to.

One training at a time; a model goes into service only after it scored at least as
well as the model in service on the fixed check set (see bot/admin/trainer.py).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from permits.models import ModelVersion, utcnow
from permits.states import ModelState

LOG_LIMIT = 20_000  # characters of training output kept per version
# Metric that decides a deployment: macro-F1 of intents on the check set. A model
# lower by more than the check set's noise (a handful of its ~200 messages; two
# trainings on slightly different data differ by that much) is refused.
GATE_METRIC = "macro_f1"
GATE_TOLERANCE = 0.02


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
    version.log = (version.log + text)[-LOG_LIMIT:]
    await session.commit()


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
    `make train` built), kept so that it can be put back."""
    version = ModelVersion(
        file=file,
        state=ModelState.RETIRED,
        started_by=ORIGINAL,
        finished_at=utcnow(),
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
