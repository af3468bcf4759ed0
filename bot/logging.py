"""Structured logs: one JSON event per line, with the conversation id when there is one."""

from __future__ import annotations

import logging
import re
import sys
from contextvars import ContextVar

from pythonjsonlogger.json import JsonFormatter

conversation_id: ContextVar[str | None] = ContextVar("conversation_id", default=None)

_PHONE = re.compile(r"\+?62\d{6,}")
_BEARER = re.compile(r"(Bearer\s+)\S+")


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
