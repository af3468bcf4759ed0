"""The client of the Rasa server's gateway channel (engine/channel.py)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from tenacity import (
    AsyncRetrying,
    RetryError,
    retry_if_exception_type,
    stop_after_delay,
    wait_exponential,
)

log = logging.getLogger(__name__)


class RasaUnavailable(Exception):
    """Rasa did not answer in time (down, restarting or overloaded)."""


class _Retryable(Exception):
    pass


@dataclass(frozen=True)
class BotReply:
    messages: list[dict[str, Any]]
    intent: dict[str, Any] | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    intent_ranking: list[dict[str, Any]] = field(default_factory=list)

    @property
    def buttons(self) -> list[dict[str, str]]:
        return [b for m in self.messages for b in m.get("buttons") or []]


class RasaClient:
    def __init__(
        self, http: aiohttp.ClientSession, url: str, token: str, retry_seconds: float
    ) -> None:
        self._http = http
        self._webhook = f"{url.rstrip('/')}/webhooks/gateway/webhook"
        self._token = token
        self._retry_seconds = retry_seconds

    async def send(
        self, conversation_id: str, text: str, metadata: dict[str, Any] | None = None
    ) -> BotReply:
        retrying = AsyncRetrying(
            retry=retry_if_exception_type(_Retryable),
            stop=stop_after_delay(self._retry_seconds),
            wait=wait_exponential(multiplier=0.2, max=2),
        )
        try:
            async for attempt in retrying:
                with attempt:
                    return await self._post(conversation_id, text, metadata or {})
        except RetryError as exc:
            log.warning("rasa unavailable", extra={"conversation_id": conversation_id})
            raise RasaUnavailable(str(exc.last_attempt.exception())) from exc
        raise RasaUnavailable("no attempt was made")  # pragma: no cover - tenacity always tries

    async def _post(self, conversation_id: str, text: str, metadata: dict[str, Any]) -> BotReply:
        body = {"sender": conversation_id, "message": text, "metadata": metadata}
        headers = {"Authorization": f"Bearer {self._token}"}
        try:
            async with self._http.post(self._webhook, json=body, headers=headers) as response:
                if response.status >= 500 or response.status == 404:
                    # 404: Rasa is up but the model (and its channel) is still loading.
                    raise _Retryable(f"rasa answered {response.status}")
                response.raise_for_status()
                data = await response.json()
        except (aiohttp.ClientConnectionError, TimeoutError) as exc:
            raise _Retryable(repr(exc)) from exc
        return BotReply(
            messages=list(data.get("messages") or []),
            intent=data.get("intent"),
            entities=list(data.get("entities") or []),
            intent_ranking=list(data.get("intent_ranking") or []),
        )
