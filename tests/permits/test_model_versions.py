"""The register of trained models (both databases)."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from permits.model_versions import (
    TrainingBusy,
    abandon_unfinished,
    append_log,
    finish,
    get_version,
    in_service,
    mark_deployed,
    passes_gate,
    recent_versions,
    record_scores,
    register_original,
    start_version,
)


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
