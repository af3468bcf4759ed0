"""The gateway application factory."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

import aiohttp
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from bot import admin, console
from bot.api import ApiChannel, http_error, post_message, post_status
from bot.bus import bus_for
from bot.channels import telegram, whatsapp
from bot.channels import web as web_chat
from bot.console.live import HUB
from bot.conversation.delivery import DeliveryWorker
from bot.conversation.diversions import Diversions
from bot.conversation.ordering import ConversationLocks
from bot.conversation.rasa import RasaClient
from bot.conversation.turns import Turns, TurnsConfig
from bot.keys import BUS, CHANNELS, DELIVERY, RASA, REDIS, SESSIONS, SETTINGS, TURNS
from bot.limiting import limit_storage
from bot.metrics import METRICS, Metrics
from bot.settings import GatewaySettings
from permits.db import create_engine, create_sessionmaker
from permits.handoff import open_handoff_counts
from permits.office_hours import OfficeHours
from permits.office_profile import OfficeEnvironment, publish_environment
from permits.texts import _

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
            return http_error(request, exc)  # e.g. 413 for a body over client_max_size
        raise
    except Exception:
        request.app[METRICS].errors.labels("unhandled").inc()
        log.exception("unhandled error", extra={"path": request.path})
        return web.json_response(
            {"error": _("Maaf, terjadi kesalahan pada sistem. Silakan coba lagi.")}, status=500
        )


async def database(app: web.Application) -> AsyncIterator[None]:
    engine = create_engine(app[SETTINGS].database_url)
    app[SESSIONS] = create_sessionmaker(engine)
    await publish_office_environment(app)
    yield
    await engine.dispose()


async def publish_office_environment(app: web.Application) -> None:
    """The environment's office hours (initial value), call centre and zone, for texts
    filled from the database (permits.office_profile)."""
    settings = app[SETTINGS]
    environment = OfficeEnvironment(
        settings.office_hours, settings.office_timezone, settings.call_centre
    )
    try:
        async with app[SESSIONS]() as session:
            await publish_environment(session, environment)
    except (SQLAlchemyError, OSError):  # the gateway starts anyway; /ready reports the database
        log.warning("office settings not published: database unavailable", exc_info=True)


async def shared_state(app: web.Application) -> AsyncIterator[None]:
    """Redis when replicas share the work (TANYA_REDIS_URL), else nothing; and the bus."""
    url = app[SETTINGS].redis_url
    redis = Redis.from_url(url) if url else None
    app[REDIS] = redis
    await app[BUS].start()
    yield
    await app[BUS].close()
    if redis is not None:
        await redis.aclose()


async def rasa_client(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    timeout = aiohttp.ClientTimeout(total=settings.rasa_timeout_seconds)
    async with aiohttp.ClientSession(timeout=timeout) as http:
        app[RASA] = RasaClient(
            http, settings.rasa_urls, settings.rasa_token, settings.rasa_retry_seconds
        )
        yield


async def conversation_services(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    delivery = DeliveryWorker(
        app[SESSIONS],
        app[CHANNELS],
        lease_seconds=settings.delivery_lease_seconds,
        poll_seconds=settings.delivery_poll_seconds,
        metrics=app[METRICS],
        observer=app[HUB].deliveries,
    )
    config = TurnsConfig(
        diversions=Diversions(OfficeHours.parse(settings.office_hours, settings.office_timezone)),
        rate_limit=settings.conversation_rate_limit,
        call_centre=settings.call_centre,
        on_queued=delivery.wake,
        observer=app[HUB].transcript,
        locks=ConversationLocks(app[REDIS]),
        limiter_storage=limit_storage(settings.redis_url, "tanya:flood"),
        metrics=app[METRICS],
    )
    turns = Turns(app[SESSIONS], app[RASA], config)
    app[DELIVERY], app[TURNS] = delivery, turns
    yield


async def background_workers(app: web.Application) -> AsyncIterator[None]:
    """Started last, stopped first: delivery and recovery of unanswered messages.

    Graceful shutdown (SIGTERM): aiohttp stops accepting connections and lets
    requests finish; then turns in progress finish, and their answers are sent
    before the process exits (what is left stays queued for another replica).
    """
    interval = app[SETTINGS].recovery_interval_seconds
    delivery = asyncio.create_task(app[DELIVERY].run_forever(), name="delivery")
    recovery = asyncio.create_task(app[TURNS].recover_forever(interval), name="recovery")
    yield
    await _cancel(recovery)
    await app[TURNS].close()
    await _cancel(delivery)
    with contextlib.suppress(Exception):
        await asyncio.wait_for(app[DELIVERY].deliver_due(), timeout=10)


async def _cancel(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def health(request: web.Request) -> web.Response:
    """Liveness: the process answers."""
    return web.json_response({"status": "ok"})


async def ready(request: web.Request) -> web.Response:
    """Readiness: this replica can accept messages (database, and Redis if used).

    Rasa is reported but does not count: with Rasa away the gateway still takes
    messages, tells the user they are kept, and answers them when Rasa is back;
    an unready gateway would instead leave the load balancer refusing them.
    """
    checks = {
        "database": await _database_answers(request.app),
        "redis": await _redis_answers(request.app),
    }
    ok = all(checks.values())
    body = {
        "status": "ok" if ok else "unavailable",
        "checks": checks,
        "rasa": await request.app[RASA].reachable(),
    }
    return web.json_response(body, status=200 if ok else 503)


async def serve_metrics(request: web.Request) -> web.Response:
    """Prometheus text format; the open handoffs are counted at each scrape."""
    metrics = request.app[METRICS]
    try:
        async with request.app[SESSIONS]() as session:
            metrics.observe_handoffs(await open_handoff_counts(session))
    except Exception:
        log.warning("could not count open handoffs for the metrics", exc_info=True)
    return web.Response(body=metrics.exposition(), headers={"Content-Type": CONTENT_TYPE_LATEST})


async def _database_answers(app: web.Application) -> bool:
    try:
        async with app[SESSIONS]() as session:
            await asyncio.wait_for(session.execute(text("SELECT 1")), timeout=2)
    except Exception:
        return False
    return True


async def _redis_answers(app: web.Application) -> bool:
    redis = app[REDIS]
    if redis is None:
        return True
    try:
        return bool(await asyncio.wait_for(redis.ping(), timeout=2))
    except Exception:
        return False


def create_app(settings: GatewaySettings) -> web.Application:
    app = web.Application(middlewares=[error_middleware], client_max_size=64 * 1024)
    app[SETTINGS] = settings
    app[CHANNELS] = {}
    app[CHANNELS][ApiChannel.name] = ApiChannel()
    app[METRICS] = Metrics()
    app[BUS] = bus_for(settings.redis_url)
    app.cleanup_ctx.extend([database, shared_state, rasa_client, conversation_services])
    app.router.add_get("/health", health)
    app.router.add_get("/ready", ready)
    app.router.add_get("/metrics", serve_metrics)
    app.router.add_post("/api/messages", post_message)
    app.router.add_post("/api/applications/{number}/status", post_status)
    web_chat.setup(app)
    console.setup(app)
    admin.setup(app)
    if settings.telegram_mode != "off":
        telegram.setup(app)
    if settings.whatsapp_enabled:
        whatsapp.setup(app)
    app.cleanup_ctx.append(background_workers)
    return app
