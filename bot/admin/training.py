"""Latih & Terapkan: train a model from the administrators' data, check it against the
model in service, deploy it without downtime, or put an earlier one back.

The page leads with the latest training: its steps with their times in the office's
zone, read from the step lines the trainer writes, and its verdict in words; the rule
it applied is worded from the tolerance the gate uses. Exactly one model carries the
"Sedang dipakai" marker. Starting a training and swapping models each ask for a
confirmation first (a confirm step on the same page, so it works without script).
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp
import aiohttp_jinja2
from aiohttp import web

from bot.admin.trainer import RasaModels, Trainer
from bot.console.security import actor_of, admin_only
from bot.keys import SESSIONS, SETTINGS
from permits.clock import local_time, zone_label
from permits.model_versions import (
    ORIGINAL,
    STEP_MARK,
    NotSwappable,
    Step,
    StepProgress,
    StepState,
    Swap,
    TrainingBusy,
    check_swappable,
    gate_rule,
    in_service,
    progress,
    recent_versions,
    step_marks,
    swap_kind,
)
from permits.models import ModelVersion, utcnow
from permits.states import ModelState

log = logging.getLogger(__name__)
TRAINER = web.AppKey("trainer", Trainer)
PAGE = "/console/admin/training"
REFRESH_SECONDS = 3
LOG_LINES = 120  # of the technical log, shown folded under the steps
STATE_LABELS = {
    ModelState.TRAINING: "Sedang dilatih",
    ModelState.DEPLOYED: "Sedang dipakai",
    ModelState.REFUSED: "Ditolak",
    ModelState.FAILED: "Gagal",
    ModelState.RETIRED: "Pernah dipakai",
    ModelState.TRAINED: "Terlatih",
}
STEP_LABELS = {
    Step.DATA: "Menyiapkan data pelatihan",
    Step.TRAIN: "Melatih model",
    Step.CHECK: "Memeriksa dengan set uji tetap",
    Step.SWAP: "Mengganti model yang dipakai",
}
STEP_STATE_LABELS = {
    StepState.DONE: "selesai",
    StepState.RUNNING: "sedang berjalan",
    StepState.WAITING: "menunggu",
    StepState.SKIPPED: "dilewati: model baru ditolak",
    StepState.FAILED: "gagal",
    StepState.NOT_RUN: "tidak dijalankan",
}
SWAP_NOTICES = {Swap.BACK: "dipakai-model-lama", Swap.FORWARD: "dipakai-model-baru"}
NOTICES = {
    "pelatihan-dimulai": ("info", "Pelatihan dimulai. Langkah-langkahnya tampil di bawah."),
    "pelatihan-berjalan": ("error", "Masih ada pelatihan yang berjalan. Tunggu sampai selesai."),
    SWAP_NOTICES[Swap.BACK]: ("info", "Model yang lebih lama kini dipakai kembali."),
    SWAP_NOTICES[Swap.FORWARD]: ("info", "Model yang lebih baru kini dipakai lagi."),
    "tidak-bisa-dikembalikan": ("error", "Model itu tidak bisa dipakai kembali."),
    "penggantian-gagal": (
        "error",
        "Rasa tidak bisa memuat model itu. Model yang sedang dipakai tetap menjawab.",
    ),
}
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")  # colours and cursor moves of rasa's output


@dataclass(frozen=True)
class StepRow:
    label: str
    state: str  # a StepState value, for the marker's style
    state_label: str
    started: str  # '14.12.05 WIB', or empty
    duration: str  # '4 menit 37 detik', or empty
    note: str


@dataclass(frozen=True)
class SwapQuestion:
    """What the confirm step asks before a model is put back."""

    target: ModelVersion
    current: ModelVersion | None
    kind: Swap


def clock_time(moment: datetime, zone: ZoneInfo) -> str:
    """'14.12.05 WIB': a step's start, to the second, as the office reads it."""
    return f"{moment.astimezone(zone):%H.%M.%S} {zone_label(zone)}"


def duration(span: timedelta) -> str:
    """'4 menit 37 detik', '12 detik', '1 jam 3 menit', 'kurang dari 1 detik'."""
    seconds = max(0, int(span.total_seconds()))
    if not seconds:
        return "kurang dari 1 detik"
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours} jam {minutes} menit"
    if minutes:
        return f"{minutes} menit {seconds} detik"
    return f"{seconds} detik"


def step_rows(steps: list[StepProgress], zone: ZoneInfo, now: datetime) -> list[StepRow]:
    rows = []
    for step in steps:
        end = step.ended or (now if step.state == StepState.RUNNING else None)
        rows.append(
            StepRow(
                label=STEP_LABELS[step.step],
                state=step.state,
                state_label=STEP_STATE_LABELS[step.state],
                started=clock_time(step.started, zone) if step.started else "",
                duration=duration(end - step.started) if end and step.started else "",
                note=step.note,
            )
        )
    return rows


def readable_log(log_text: str, zone: ZoneInfo, lines: int = LOG_LINES) -> str:
    """The end of rasa's output as a terminal showed it: no colour codes, a progress bar
    at its last state, whole lines; the step lines as headings in the office's time."""
    shown = []
    for raw in log_text.split("\n"):  # not splitlines(): a lone \r redraws a line
        if raw.startswith(STEP_MARK):
            for mark in step_marks(raw):
                shown.append(f"── {STEP_LABELS[mark.step]} ({clock_time(mark.at, zone)}) ──")
            continue
        line = _ANSI.sub("", raw).rstrip("\r").split("\r")[-1].rstrip()
        if line:
            shown.append(line)
    if len(shown) > lines:
        shown = ["… (baris sebelumnya tidak ditampilkan)", *shown[-lines:]]
    return "\n".join(shown)


def latest_training(versions: list[ModelVersion]) -> ModelVersion | None:
    """The newest model trained from these pages (not the original)."""
    return next((v for v in versions if v.started_by != ORIGINAL), None)


async def _swap_question(request: web.Request, target_id: str) -> SwapQuestion:
    async with request.app[SESSIONS]() as session:
        current = await in_service(session)
        target = await session.get(ModelVersion, int(target_id)) if target_id.isdigit() else None
    try:
        target = check_swappable(target, current)
    except NotSwappable:
        raise web.HTTPSeeOther(f"{PAGE}?pesan=tidak-bisa-dikembalikan") from None
    return SwapQuestion(target, current, swap_kind(target, current))


@admin_only
async def training_page(request: web.Request) -> web.StreamResponse:
    async with request.app[SESSIONS]() as session:
        versions = await recent_versions(session)
    zone = request.app[SETTINGS].office_zone
    running = any(v.state == ModelState.TRAINING for v in versions)
    latest = latest_training(versions)
    asked = request.query.get("pakai")
    swap = await _swap_question(request, asked) if asked is not None else None
    confirm_training = request.query.get("konfirmasi") == "latih" and not running
    context = {
        "nav": "training",
        "versions": versions,
        "running": running,
        # A confirm step stays until answered; otherwise the page follows the training.
        "refresh": REFRESH_SECONDS if running and not (swap or confirm_training) else None,
        "latest": latest,
        "steps": step_rows(progress(latest), zone, utcnow()) if latest else [],
        "log": readable_log(latest.log, zone) if latest else "",
        "rule": gate_rule(),
        "swap": swap,
        "confirm_training": confirm_training,
        "labels": STATE_LABELS,
        "original": ORIGINAL,
        "started": {v.id: local_time(v.started_at, zone) for v in versions},
    }
    return aiohttp_jinja2.render_template("training.html", request, context)


@admin_only
async def start_training(request: web.Request) -> web.StreamResponse:
    try:
        version_id = await request.app[TRAINER].start(actor_of(request))
    except TrainingBusy:
        raise web.HTTPSeeOther(f"{PAGE}?pesan=pelatihan-berjalan") from None
    log.info("training started", extra={"version": version_id})
    raise web.HTTPSeeOther(f"{PAGE}?pesan=pelatihan-dimulai")


@admin_only
async def roll_back(request: web.Request) -> web.StreamResponse:
    version_id = int(request.match_info["version_id"])
    try:
        kind = await request.app[TRAINER].rollback(version_id, actor_of(request))
    except NotSwappable:
        raise web.HTTPSeeOther(f"{PAGE}?pesan=tidak-bisa-dikembalikan") from None
    except (aiohttp.ClientError, RuntimeError, TimeoutError):
        log.exception("rasa did not take the model", extra={"version": version_id})
        raise web.HTTPSeeOther(f"{PAGE}?pesan=penggantian-gagal") from None
    raise web.HTTPSeeOther(f"{PAGE}?pesan={SWAP_NOTICES[kind]}")


def absolute(path: str) -> Path:
    """Settings may hold paths relative to the working directory; workers need them fixed."""
    return Path(path).resolve()


async def trainer(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    async with aiohttp.ClientSession() as http:
        models = RasaModels(http, settings.rasa_urls, settings.rasa_token)
        app[TRAINER] = Trainer(
            app[SESSIONS],
            models,
            absolute(settings.models_dir),
            absolute(settings.training_dir),
            settings.office_zone,
        )
        if settings.trainer:
            await app[TRAINER].recover()  # a training cut off by this process's restart
        yield
        await app[TRAINER].close()


def setup(app: web.Application) -> None:
    app.cleanup_ctx.append(trainer)
    app.router.add_get(PAGE, training_page)
    app.router.add_post(PAGE, start_training)
    app.router.add_post(PAGE + r"/{version_id:\d+}/rollback", roll_back)
