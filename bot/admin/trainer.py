"""Train, check and deploy a model from the admin pages, while messages keep flowing.

1. build: the files in nlu/ plus the administrators' examples, FAQ topics and permit
   aliases (nlu/build.py);
2. train: `rasa train` in the engine environment, its output kept as the log;
3. check: the new model and the model in service parse the fixed check set
   (nlu/eval/colloquial.yml); a new model that scores lower, beyond the check set's
   noise (permits.model_versions.passes_gate), is refused;
4. swap: `RasaModels.replace` asks each Rasa, one after another, to swap the model
   through our channel's model endpoint (`PUT /webhooks/gateway/model`,
   engine/channel.py), not Rasa's own `PUT /model`: the new model is loaded in a
   worker thread beside the one in service, which keeps answering, and swapped in
   with the same tracker store, lock store and action endpoint, so no message meets
   a half-loaded model and no conversation loses its context. A file in models/
   (IN_SERVICE_POINTER) then names it, so Rasa restarted by devstack starts with it.
Every model stays in models/versions/, so an earlier one can be put back (rollback,
the same swap).

Each step starts with a step line in the version's log (permits.model_versions.
step_line), from which the page shows the steps and their times; the training step's
line records the FAQ topics trained on, from which the FAQ page tells which topics the
model in service knows. Rasa's own output is timed in the office's zone, like the page.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from nlu.build import admin_data, write_training_data
from nlu.scoring import colloquial_cases, parse, score
from nlu.train import IN_SERVICE_POINTER, ROOT, rasa, rasa_env
from permits.audit import Actor, record
from permits.model_versions import (
    Step,
    StepMark,
    Swap,
    abandon_unfinished,
    append_log,
    check_swappable,
    finish,
    get_version,
    in_service,
    mark_deployed,
    original,
    passes_gate,
    record_scores,
    register_original,
    start_version,
    step_line,
    swap_kind,
    verdict,
)
from permits.models import utcnow
from permits.states import ModelState

log = logging.getLogger(__name__)
LOG_FLUSH_SECONDS = 2.0


class RasaModels:
    """The model endpoints of our Rasa channel (engine/channel.py), token protected.

    With several Rasa replicas each one is told, one after another, so the others
    keep answering while one loads."""

    def __init__(self, http: aiohttp.ClientSession, urls: list[str], token: str) -> None:
        self._http = http
        self._urls = [f"{url.rstrip('/')}/webhooks/gateway/model" for url in urls]
        self._headers = {"Authorization": f"Bearer {token}"}

    async def loaded_file(self) -> str | None:
        async with self._http.get(self._urls[0], headers=self._headers) as r:
            r.raise_for_status()
            loaded = (await r.json()).get("model_file")
        return str(loaded) if loaded else None

    async def replace(self, model_file: Path) -> None:
        """Returns once every Rasa has loaded the model and swapped it in."""
        for url in self._urls:
            await self._replace_on(url, model_file)
            log.info("model swapped", extra={"rasa": url, "model": model_file.name})

    async def _replace_on(self, url: str, model_file: Path) -> None:
        timeout = aiohttp.ClientTimeout(total=600)
        async with self._http.put(
            url,
            headers=self._headers,
            json={"model_file": str(model_file)},
            timeout=timeout,
        ) as response:
            if response.status >= 300:
                raise RuntimeError(
                    f"rasa refused the model: {response.status} {await response.text()}"
                )


class Trainer:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        rasa_models: RasaModels,
        models_dir: Path,
        work_dir: Path,
        zone: ZoneInfo,
    ) -> None:
        self._sessions = sessions
        self._zone = zone  # the office's: Rasa's log and the model's name are timed in it
        self._rasa = rasa_models
        self._versions_dir = models_dir / "versions"
        self._models_dir = models_dir
        self._work_dir = work_dir
        self._task: asyncio.Task[None] | None = None

    async def recover(self) -> None:
        async with self._sessions() as session:
            if await abandon_unfinished(session):
                log.warning("a training cut off by a restart was marked failed")

    async def start(self, actor: Actor) -> int:
        """Start a training in the background; raises TrainingBusy if one runs."""
        await self._keep_original()
        async with self._sessions() as session:
            version = await start_version(session, actor.name)
            record(session, actor, "model.train", f"model:{version.id}", None, {"id": version.id})
            await session.commit()
        self._task = asyncio.create_task(self._run(version.id, actor), name="training")
        return version.id

    async def wait(self) -> None:
        if self._task is not None:
            await asyncio.shield(self._task)

    async def rollback(self, version_id: int, actor: Actor) -> Swap:
        """Put a model that was in service back; raises NotSwappable for any other.
        Returns whether it went back to an older model or put a newer one back."""
        async with self._sessions() as session:
            current = await in_service(session)
            version = check_swappable(await get_version(session, version_id), current)
        assert version.file is not None  # check_swappable saw to it
        kind = swap_kind(version, current)
        await self._rasa.replace(Path(version.file))
        await asyncio.to_thread(self._point_at, Path(version.file))
        async with self._sessions() as session:
            await mark_deployed(session, version_id)
            record(
                session,
                actor,
                "model.rollback",
                f"model:{version_id}",
                {"in_service": current.id if current else None},
                {"in_service": version_id},
            )
            await session.commit()
        log.info("model rolled back", extra={"version": version_id, "direction": kind})
        return kind

    async def close(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self, version_id: int, actor: Actor) -> None:
        try:
            await self._train_check_deploy(version_id, actor)
        except asyncio.CancelledError:
            await self._fail(version_id, "Dibatalkan: layanan dihentikan saat pelatihan.")
            raise
        except Exception as exc:
            log.exception("training failed", extra={"version": version_id})
            await self._fail(version_id, f"Gagal: {exc}")

    async def _train_check_deploy(self, version_id: int, actor: Actor) -> None:
        await self._phase(version_id, StepMark(Step.DATA, utcnow()), "Menyiapkan data pelatihan")
        async with self._sessions() as session:
            data = await admin_data(session)
        build = await asyncio.to_thread(
            write_training_data, data, self._work_dir / f"v{version_id}"
        )
        trains = StepMark(Step.TRAIN, utcnow(), build.describe(), tuple(build.faq_topics))
        await self._phase(version_id, trains, f"Melatih model ({build.describe()})")
        model = await self._train(version_id, build.domain, build.data)
        checked = f"{len(colloquial_cases())} pesan dari set uji tetap"
        checks = StepMark(Step.CHECK, utcnow(), checked)
        await self._phase(version_id, checks, "Memeriksa model baru dengan set uji tetap")
        scores = await _check(model)
        baseline_file = await self._model_in_service()
        baseline = await _check(baseline_file) if baseline_file else None
        if baseline_file and baseline:
            async with self._sessions() as session:
                await record_scores(session, str(baseline_file), baseline)
        if not passes_gate(scores, baseline):
            await self._decide(version_id, ModelState.REFUSED, model, scores, baseline, actor)
            return
        swaps = StepMark(Step.SWAP, utcnow())
        await self._phase(version_id, swaps, "Lolos pemeriksaan; mengganti model yang dipakai")
        await self._rasa.replace(model)
        await self._decide(version_id, ModelState.DEPLOYED, model, scores, baseline, actor)

    async def _train(self, version_id: int, domain: Path, data: Path) -> Path:
        self._versions_dir.mkdir(parents=True, exist_ok=True)
        name = f"v{version_id}-{datetime.now(self._zone):%Y%m%d-%H%M%S}"
        process = await asyncio.create_subprocess_exec(
            *rasa(
                "train",
                "--domain",
                str(domain),
                "--data",
                str(data),
                "--config",
                str(ROOT / "config.yml"),
                "--out",
                str(self._versions_dir),
                "--fixed-model-name",
                name,
            ),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            cwd=ROOT,
            env={**rasa_env(), "TZ": self._zone.key},
        )
        try:
            await self._stream_log(version_id, process)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
        if process.returncode != 0:
            raise RuntimeError(f"rasa train selesai dengan kode {process.returncode}")
        return self._versions_dir / f"{name}.tar.gz"

    async def _stream_log(self, version_id: int, process: asyncio.subprocess.Process) -> None:
        assert process.stdout is not None
        pending, flushed = "", time.monotonic()
        async for line in process.stdout:
            pending += line.decode(errors="replace")
            if time.monotonic() - flushed > LOG_FLUSH_SECONDS:
                await self._log(version_id, pending)
                pending, flushed = "", time.monotonic()
        await process.wait()
        await self._log(version_id, pending)

    async def _keep_original(self) -> None:
        """Before the first training from these pages, record the model in service (the
        one `make train` built) so that it can be put back."""
        async with self._sessions() as session:
            if await in_service(session) is not None or await original(session) is not None:
                return
        try:
            model = await self._model_in_service()
        except (aiohttp.ClientError, TimeoutError):
            log.warning("rasa unreachable: the original model is not recorded for rollback")
            return
        if model is not None:
            async with self._sessions() as session:
                await register_original(session, str(model))

    async def _model_in_service(self) -> Path | None:
        async with self._sessions() as session:
            current = await in_service(session)
        if current is not None and current.file:
            return Path(current.file)
        loaded = await self._rasa.loaded_file()
        if not loaded:
            return None
        return await asyncio.to_thread(self._model_file, Path(loaded))

    def _model_file(self, loaded: Path) -> Path | None:
        """Rasa reports what it was started with: a model file, or a folder of models of
        which it took the newest."""
        path = loaded if loaded.is_absolute() else self._models_dir / loaded.name
        if path.is_dir():
            models = sorted(path.glob("*.tar.gz"), key=lambda model: model.stat().st_mtime)
            return models[-1] if models else None
        return path

    async def _decide(
        self,
        version_id: int,
        state: ModelState,
        model: Path,
        scores: dict[str, Any],
        baseline: dict[str, Any] | None,
        actor: Actor,
    ) -> None:
        summary = verdict(scores, baseline)
        async with self._sessions() as session:
            await finish(
                session,
                version_id,
                state,
                summary=summary,
                file=str(model),
                scores=scores,
                baseline_scores=baseline,
            )
            if state == ModelState.DEPLOYED:
                await mark_deployed(session, version_id)
                await asyncio.to_thread(self._point_at, model)
            record(session, actor, f"model.{state}", f"model:{version_id}", baseline, scores)
            await session.commit()
        log.info("training finished", extra={"version": version_id, "state": state})

    def _point_at(self, model: Path) -> None:
        """So that Rasa, when restarted, starts with the model in service."""
        (self._models_dir / IN_SERVICE_POINTER).write_text(str(model), encoding="utf-8")

    async def _phase(self, version_id: int, mark: StepMark, summary: str) -> None:
        """A step starts: its line in the log, and what the list says meanwhile."""
        async with self._sessions() as session:
            version = await get_version(session, version_id)
            if version is not None:
                version.summary = summary
                await session.commit()
        await self._log(version_id, step_line(mark))

    async def _log(self, version_id: int, text: str) -> None:
        if text:
            async with self._sessions() as session:
                await append_log(session, version_id, text)

    async def _fail(self, version_id: int, summary: str) -> None:
        with contextlib.suppress(Exception):
            async with self._sessions() as session:
                await finish(session, version_id, ModelState.FAILED, summary=summary)


async def _check(model: Path) -> dict[str, Any]:
    """The model's scores on the fixed check set."""
    cases = colloquial_cases()
    parsed = await asyncio.to_thread(parse, model, [c.text for c in cases])
    scores = score(model.name, cases, parsed)
    kept = {
        key: value
        for key, value in asdict(scores).items()
        if key in ("n", "accuracy", "macro_f1", "faq_accuracy")
    }
    kept["permit_accuracy"] = scores.entities.get("permit_type", (None, 0))[0]
    return kept
