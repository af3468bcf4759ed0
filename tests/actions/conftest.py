"""Runs actions through rasa-sdk's executor with the request body Rasa 3.6 posts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import pytest
from rasa_sdk.executor import ActionExecutor

from actions.__main__ import build_executor
from actions.context import ActionContext
from actions.settings import ActionSettings
from permits.clock import office_zone
from permits.office_hours import DAYS


def action_call(
    action: str,
    text: str,
    intent: str,
    *,
    sender: str = "web:test",
    entities: list[dict[str, Any]] | None = None,
    slots: dict[str, Any] | None = None,
    ranking: list[dict[str, Any]] | None = None,
    confidence: float = 0.99,
) -> dict[str, Any]:
    """The body of Rasa's POST /webhook for `action` after the user said `text`."""
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "entities": entities or [],
        "intent_ranking": ranking or [{"name": intent, "confidence": confidence}],
    }
    return {
        "next_action": action,
        "sender_id": sender,
        "version": "3.6.21",
        "domain": {},
        "tracker": {
            "sender_id": sender,
            "slots": {
                "permit_type": None,
                "application_number": None,
                "pending_question": None,
                "fallback_count": 0.0,
                **(slots or {}),
            },
            "latest_message": latest,
            "events": [{"event": "user", "text": text, "parse_data": latest}],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
    }


async def run(
    executor: ActionExecutor, call: dict[str, Any]
) -> tuple[str, list[Any], dict[str, Any]]:
    """(joined reply text, buttons, slots the action set)."""
    result = await executor.run(call)
    assert result is not None
    body = result.model_dump() if hasattr(result, "model_dump") else dict(result)
    texts = "\n".join(r.get("text") or "" for r in body["responses"])
    buttons = [b for r in body["responses"] for b in r.get("buttons") or []]
    slots = {e["name"]: e["value"] for e in body["events"] if e.get("event") == "slot"}
    return texts, buttons, slots


ALWAYS_OPEN = "Mon-Sun 00:00-24:00"


def closed_today() -> str:
    """Office hours that exclude today (in WIB), so the call centre is closed now."""
    today = datetime.now(office_zone()).weekday()
    return f"{DAYS[(today + 3) % 7]} 08:00-15:00"


@pytest.fixture
async def executor(database_url: str, demo: Any) -> AsyncIterator[ActionExecutor]:
    """Actions on the demo database, with agents on duty."""
    context = ActionContext(ActionSettings(database_url=database_url, office_hours=ALWAYS_OPEN))
    await context.open()
    yield build_executor(context)
    await context.close()


@pytest.fixture
async def after_hours_executor(database_url: str, demo: Any) -> AsyncIterator[ActionExecutor]:
    context = ActionContext(ActionSettings(database_url=database_url, office_hours=closed_today()))
    await context.open()
    yield build_executor(context)
    await context.close()
