"""Latih & Terapkan: train a model from the administrators' data, check it against the
model in service, deploy it without downtime, or put an earlier one back."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import aiohttp_jinja2
from aiohttp import web

from bot.admin.trainer import RasaModels, Trainer
from bot.console.security import actor_of, admin_only
from bot.keys import SESSIONS, SETTINGS
from permits.model_versions import TrainingBusy, recent_versions
from permits.states import ModelState

log = logging.getLogger(__name__)
TRAINER = web.AppKey("trainer", Trainer)
STATE_LABELS = {
    ModelState.TRAINING: "Sedang dilatih",
    ModelState.DEPLOYED: "Sedang dipakai",
    ModelState.REFUSED: "Ditolak",
    ModelState.FAILED: "Gagal",
    ModelState.RETIRED: "Pernah dipakai",
    ModelState.TRAINED: "Terlatih",
}
NOTICES = {
    "pelatihan-dimulai": ("info", "Pelatihan dimulai. Halaman ini diperbarui otomatis."),
    "pelatihan-berjalan": ("error", "Masih ada pelatihan yang berjalan. Tunggu sampai selesai."),
    "dikembalikan-ke-model": ("info", "Model sebelumnya dipakai kembali."),
    "tidak-bisa-dikembalikan": ("error", "Model itu tidak bisa dipakai kembali."),
}


@admin_only
async def training_page(request: web.Request) -> web.StreamResponse:
    async with request.app[SESSIONS]() as session:
        versions = await recent_versions(session)
    running = any(v.state == ModelState.TRAINING for v in versions)
    context = {
        "nav": "training",
        "versions": versions,
        "running": running,
        "labels": STATE_LABELS,
    }
    return aiohttp_jinja2.render_template("training.html", request, context)


@admin_only
async def start_training(request: web.Request) -> web.StreamResponse:
    try:
        version_id = await request.app[TRAINER].start(actor_of(request))
    except TrainingBusy:
        raise web.HTTPSeeOther("/console/admin/training?pesan=pelatihan-berjalan") from None
    log.info("training started", extra={"version": version_id})
    raise web.HTTPSeeOther("/console/admin/training?pesan=pelatihan-dimulai")


@admin_only
async def roll_back(request: web.Request) -> web.StreamResponse:
    version_id = int(request.match_info["version_id"])
    try:
        await request.app[TRAINER].rollback(version_id, actor_of(request))
    except ValueError:
        raise web.HTTPSeeOther("/console/admin/training?pesan=tidak-bisa-dikembalikan") from None
    raise web.HTTPSeeOther("/console/admin/training?pesan=dikembalikan-ke-model")


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
        )
        if settings.trainer:
            await app[TRAINER].recover()  # a training cut off by this process's restart
        yield
        await app[TRAINER].close()


def setup(app: web.Application) -> None:
    app.cleanup_ctx.append(trainer)
    app.router.add_get("/console/admin/training", training_page)
    app.router.add_post("/console/admin/training", start_training)
    app.router.add_post(r"/console/admin/training/{version_id:\d+}/rollback", roll_back)
