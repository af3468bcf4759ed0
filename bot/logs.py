"""Structured logs: one JSON event per line, with the conversation id when there is one."""

from __future__ import annotations

import logging
import re
import sys
from contextvars import ContextVar

from aiohttp.abc import AbstractAccessLogger
from aiohttp.web import BaseRequest, StreamResponse
from pythonjsonlogger.json import JsonFormatter

conversation_id: ContextVar[str | None] = ContextVar("conversation_id", default=None)

_PHONE = re.compile(r"\+?62\d{6,}")
_BEARER = re.compile(r"(Bearer\s+)\S+")
# A conversation id in a console path ("/console/conversations/whatsapp:+62..."): its
# external part is a phone number, a Telegram account or a chat's hash.
_CONVERSATION_IN_PATH = re.compile(r"\b(whatsapp|telegram|web|api)(:|%3A)[^/]+", re.IGNORECASE)


def mask(text: str) -> str:
    """Phone numbers keep their last 3 digits; bearer tokens disappear."""
    text = _PHONE.sub(lambda m: m.group()[:4] + "*" * (len(m.group()) - 7) + m.group()[-3:], text)
    return _BEARER.sub(r"\1***", text)


class ConversationFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        current = getattr(record, "conversation_id", None) or conversation_id.get()
        record.conversation_id = mask(current) if current else None
        record.msg = mask(str(record.msg))
        return True


class PrivateAccessLogger(AbstractAccessLogger):
    """The access log without what must not be kept: no query string (the assist box's
    questions, tokens an old client put there), no Referer (it carries queries too), no
    conversation ids or phone numbers in paths."""

    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        path = mask(_CONVERSATION_IN_PATH.sub(r"\1:…", request.path))
        self.logger.info(
            "%s %s %s",
            request.method,
            path,
            response.status,
            extra={
                "method": request.method,
                "path": path,
                "status": response.status,
                "bytes": response.body_length,
                "seconds": round(time, 4),
                "remote": request.remote,
                "user_agent": request.headers.get("User-Agent", "")[:200],
            },
        )


def configure_logging(level: int = logging.INFO) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(conversation_id)s",
            rename_fields={"levelname": "level", "asctime": "time"},
        )
    )
    handler.addFilter(ConversationFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
