"""The gateway application factory."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable

import aiohttp
from aiohttp import web

from bot.api import post_message
from bot.guard import ButtonGuard
from bot.keys import BUTTONS, LOCKS, RASA, SETTINGS
from bot.ordering import ConversationLocks
from bot.rasa import RasaClient
from bot.settings import GatewaySettings

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Unexpected failures become a JSON apology; details go to the log only."""
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


async def rasa_client(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    timeout = aiohttp.ClientTimeout(total=settings.rasa_timeout_seconds)
    async with aiohttp.ClientSession(timeout=timeout) as http:
        app[RASA] = RasaClient(
            http, settings.rasa_url, settings.rasa_token, settings.rasa_retry_seconds
        )
        yield


async def health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def create_app(settings: GatewaySettings) -> web.Application:
    app = web.Application(middlewares=[error_middleware], client_max_size=64 * 1024)
    app[SETTINGS] = settings
    app[LOCKS] = ConversationLocks()
    app[BUTTONS] = ButtonGuard()
    app.cleanup_ctx.append(rasa_client)
    app.router.add_get("/health", health)
    app.router.add_post("/api/messages", post_message)
    return app
