"""Only Rasa may call the action server: every request but /health carries the shared
token (TANYA_ACTIONS_TOKEN) as `Authorization: Bearer ...`, which Rasa sends from
endpoints.yml's action_endpoint headers. Without it, anything on the network could
post a forged tracker and list anyone's applications or file complaints and handoffs.
The token is compared in constant time.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

log = logging.getLogger(__name__)

OPEN_PATHS = frozenset({"/health"})  # the probes'
Middleware = Callable[[Request], Coroutine[Any, Any, HTTPResponse | None]]


def bearer_token_of(request: Request) -> str:
    header = request.headers.get("Authorization", "")
    return header[7:] if header.startswith("Bearer ") else ""


def require_token(token: str) -> Middleware:
    """A Sanic request middleware answering 401 to calls without the token."""
    expected = token.encode()

    async def check(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS:
            return None
        if hmac.compare_digest(bearer_token_of(request).encode(), expected):
            return None
        log.warning("action server call without the token refused", extra={"path": request.path})
        return response.json({"error": "unauthorised"}, status=401)

    return check
