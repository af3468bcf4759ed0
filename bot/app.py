"""The gateway application factory."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

import aiohttp
from aiohttp import web

from bot import console
from bot.api import post_message, post_status
from bot.channels import telegram, whatsapp
from bot.channels import web as web_chat
from bot.console.live import HUB
from bot.delivery import DeliveryWorker
from bot.keys import CHANNELS, DELIVERY, RASA, SESSIONS, SETTINGS, TURNS
from bot.rasa import RasaClient
from bot.routing import Routing
from bot.settings import GatewaySettings
from bot.turns import Turns
from permits.db import create_engine, create_sessionmaker
from permits.office_hours import OfficeHours

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Unexpected failures become an apology; details go to the log only.

    Webhooks get a 500 too, so the channel delivers the message again later.
    """
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status >= 400 and request.path.startswith("/api/"):
            return web.json_response({"error": exc.reason}, status=exc.status)
        raise
    except Exception:
        log.exception("unhandled error", extra={"path": request.path})
        return web.json_response(
            {"error": "Maaf, terjadi kesalahan pada sistem. Silakan coba lagi."}, status=500
        )


async def database(app: web.Application) -> AsyncIterator[None]:
    engine = create_engine(app[SETTINGS].database_url)
    app[SESSIONS] = create_sessionmaker(engine)
    yield
    await engine.dispose()


async def rasa_client(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    timeout = aiohttp.ClientTimeout(total=settings.rasa_timeout_seconds)
    async with aiohttp.ClientSession(timeout=timeout) as http:
        app[RASA] = RasaClient(
            http, settings.rasa_url, settings.rasa_token, settings.rasa_retry_seconds
        )
        yield


async def conversation_services(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    delivery = DeliveryWorker(
        app[SESSIONS],
        app[CHANNELS],
        lease_seconds=settings.delivery_lease_seconds,
        poll_seconds=settings.delivery_poll_seconds,
    )
    turns = Turns(
        app[SESSIONS],
        app[RASA],
        routing=Routing(OfficeHours.parse(settings.office_hours, settings.office_timezone)),
        rate_limit=settings.conversation_rate_limit,
        call_centre=settings.call_centre,
        on_queued=delivery.wake,
        observer=app[HUB].transcript,
    )
    app[DELIVERY], app[TURNS] = delivery, turns
    yield
    await turns.close()  # graceful: turns in progress are finished and queued


async def background_workers(app: web.Application) -> AsyncIterator[None]:
    """Started last, stopped first: delivery and recovery of unanswered messages."""
    interval = app[SETTINGS].recovery_interval_seconds
    tasks = [
        asyncio.create_task(app[DELIVERY].run_forever(), name="delivery"),
        asyncio.create_task(app[TURNS].recover_forever(interval), name="recovery"),
    ]
    yield
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def create_app(settings: GatewaySettings) -> web.Application:
    app = web.Application(middlewares=[error_middleware], client_max_size=64 * 1024)
    app[SETTINGS] = settings
    app[CHANNELS] = {}
    app.cleanup_ctx.extend([database, rasa_client, conversation_services])
    app.router.add_get("/health", health)
    app.router.add_post("/api/messages", post_message)
    app.router.add_post("/api/applications/{number}/status", post_status)
    web_chat.setup(app)
    console.setup(app)
    if settings.telegram_mode != "off":
        telegram.setup(app)
    if settings.whatsapp_enabled:
        whatsapp.setup(app)
    app.cleanup_ctx.append(background_workers)
    return app
