"""The client of the Rasa server's gateway channel (engine/channel.py)."""

from __future__ import annotations

import itertools
import logging
import zlib
from collections.abc import Sequence
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
    faq_topic: str | None = None  # e.g. "jam_layanan" when the intent is faq

    @property
    def buttons(self) -> list[dict[str, str]]:
        return [b for m in self.messages for b in m.get("buttons") or []]

    @property
    def nlu(self) -> dict[str, Any]:
        """Kept with the user's message, for the console's suggestions."""
        return {
            "entities": [
                {"entity": e.get("entity"), "value": e.get("value")} for e in self.entities
            ],
            "ranking": [
                {"name": r.get("name"), "confidence": r.get("confidence")}
                for r in self.intent_ranking
            ],
            "faq_topic": self.faq_topic,
        }


def faq_topic_of(data: dict[str, Any]) -> str | None:
    """The FAQ sub-intent chosen by the response selector ("faq/lokasi" → "lokasi")."""
    selector = data.get("response_selector") or {}
    key = ((selector.get("faq") or {}).get("response") or {}).get("intent_response_key")
    if not key:
        return None
    return str(key).partition("/")[2] or None


class RasaClient:
    """Talks to one Rasa or to several replicas sharing their tracker and lock stores.

    A conversation keeps going to the same replica while it answers (its tracker
    stays warm there); when that replica is unreachable the retry goes to the next.
    """

    def __init__(
        self,
        http: aiohttp.ClientSession,
        urls: Sequence[str] | str,
        token: str,
        retry_seconds: float,
    ) -> None:
        self._http = http
        self._urls = [u.rstrip("/") for u in ([urls] if isinstance(urls, str) else urls)]
        self._next = itertools.cycle(range(len(self._urls)))
        self._token = token
        self._retry_seconds = retry_seconds

    async def send(
        self,
        conversation_id: str,
        text: str,
        message_id: str | None = None,
        *,
        repeat: bool = True,
    ) -> BotReply:
        """One turn. With a message_id, Rasa answers a repeat from its tracker instead
        of running the turn again (see engine/channel.py).

        `repeat`: the message may have reached Rasa before, so Rasa must look for it
        in the conversation's tracker first (a read of every event of the
        conversation). Only a message nobody can have sent yet passes False; a retry
        of the request below is always a possible repeat (it may have timed out after
        Rasa ran the turn).
        """
        retrying = AsyncRetrying(
            retry=retry_if_exception_type(_Retryable),
            stop=stop_after_delay(self._retry_seconds),
            wait=wait_exponential(multiplier=0.2, max=2),
        )
        home = zlib.crc32(conversation_id.encode())
        try:
            async for attempt in retrying:
                with attempt:
                    number = attempt.retry_state.attempt_number
                    replica = (home + number - 1) % len(self._urls)
                    return await self._post(
                        self._urls[replica],
                        conversation_id,
                        text,
                        message_id,
                        repeat=repeat or number > 1,
                    )
        except RetryError as exc:
            log.warning("rasa unavailable", extra={"conversation_id": conversation_id})
            raise RasaUnavailable(str(exc.last_attempt.exception())) from exc
        raise RasaUnavailable("no attempt was made")  # pragma: no cover - tenacity always tries

    async def reachable(self) -> bool:
        """At least one replica answers its channel's health check (for /ready)."""
        for url in self._urls:
            try:
                async with self._http.get(
                    f"{url}/webhooks/gateway/", timeout=aiohttp.ClientTimeout(total=2)
                ) as response:
                    if response.status == 200:
                        return True
            except (aiohttp.ClientError, TimeoutError):
                continue
        return False

    async def _post(
        self,
        url: str,
        conversation_id: str,
        text: str,
        message_id: str | None,
        *,
        repeat: bool,
    ) -> BotReply:
        body: dict[str, Any] = {"sender": conversation_id, "message": text, "repeat": repeat}
        if message_id is not None:
            body["message_id"] = message_id
        return _reply(await self._post_json(f"{url}/webhooks/gateway/webhook", body))

    async def parse(self, text: str) -> BotReply:
        """NLU only (no conversation, no answer): intent, ranking, entities, FAQ topic."""
        parse = f"{self._urls[next(self._next)]}/webhooks/gateway/parse"
        try:
            return _reply(await self._post_json(parse, {"text": text}))
        except _Retryable as exc:  # not retried: an agent waits for the answer
            raise RasaUnavailable(str(exc)) from exc
        except aiohttp.ClientError as exc:
            raise RasaUnavailable(repr(exc)) from exc

    async def _post_json(self, url: str, body: dict[str, Any]) -> dict[str, Any]:
        """One authorised call to the gateway channel. _Retryable when Rasa cannot answer
        now (down, overloaded, loading); other refusals raise aiohttp's error."""
        headers = {"Authorization": f"Bearer {self._token}"}
        try:
            async with self._http.post(url, json=body, headers=headers) as response:
                if response.status >= 500 or response.status == 404:
                    # 404: Rasa is up but the model (and its channel) is still loading.
                    raise _Retryable(f"rasa answered {response.status}")
                response.raise_for_status()
                data: dict[str, Any] = await response.json()
        except (aiohttp.ClientConnectionError, TimeoutError) as exc:
            raise _Retryable(repr(exc)) from exc
        return data


def _reply(data: dict[str, Any]) -> BotReply:
    return BotReply(
        messages=list(data.get("messages") or []),
        intent=data.get("intent"),
        entities=list(data.get("entities") or []),
        intent_ranking=list(data.get("intent_ranking") or []),
        faq_topic=faq_topic_of(data),
    )
