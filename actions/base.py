"""The base of every action: shared context, and failures turned into polite answers."""

from __future__ import annotations

import asyncio
import logging
from abc import abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.context import ActionContext
from permits.answers import CANNOT_ANSWER
from permits.language import LANGUAGES, detect_language
from permits.texts import _, configured_language, speaking

log = logging.getLogger(__name__)

DomainDict = dict[str, Any]
Events = list[dict[str, Any]]


def conversation_language(tracker: Tracker) -> str:
    """The language of this message, else the one the conversation was in, else the
    office's configured language."""
    said = detect_language(tracker.latest_message.get("text") or "")
    kept = tracker.get_slot("language")
    return said or (kept if kept in LANGUAGES else None) or configured_language()


class SpeakingAction(Action):  # type: ignore[misc]
    """Answers in the conversation's language: every catalogue text in `respond` is
    shown in it, and the slot `language` keeps it for the next turns."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Events:
        language = conversation_language(tracker)
        with speaking(language):
            events = await self.respond(dispatcher, tracker, domain)
        if tracker.get_slot("language") != language:
            events.append(SlotSet("language", language))
        return events

    @abstractmethod
    async def respond(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Events: ...


class DatabaseAction(SpeakingAction):
    """Runs `answer`; a database outage or timeout becomes an apology, never a crash."""

    action_name = ""
    resets_fallback = True  # a real answer ends a run of misunderstood messages

    def __init__(self, context: ActionContext) -> None:
        self.context = context

    def name(self) -> str:
        return self.action_name

    async def respond(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Events:
        try:
            async with asyncio.timeout(self.context.settings.db_timeout_seconds):
                await self.context.refresh_office_hours()  # an administrator's change
                events = await self.answer(dispatcher, tracker, domain)
            sets_count = any(e.get("name") == "fallback_count" for e in events)
            if self.resets_fallback and not sets_count:
                events.append(SlotSet("fallback_count", 0.0))
            return events
        except (SQLAlchemyError, OSError, TimeoutError) as exc:
            log.error(
                "action failed: database unavailable",
                extra={
                    "conversation_id": tracker.sender_id,
                    "action": self.name(),
                    "error": type(exc).__name__,
                },
            )
            dispatcher.utter_message(
                text=_(CANNOT_ANSWER, call_centre=self.context.settings.call_centre),
                buttons=[{"title": _("Hubungkan ke petugas"), "payload": "/human_handoff"}],
            )
            return []

    @abstractmethod
    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Events: ...


def latest_entity(tracker: Tracker, entity: str) -> str | None:
    value = next(tracker.get_latest_entity_values(entity), None)
    return str(value) if value is not None else None


def entity_spans(tracker: Tracker, entity: str) -> list[tuple[int, int]]:
    """Where the latest message names `entity`: (start, end) of each mention."""
    return [
        (int(found["start"]), int(found["end"]))
        for found in tracker.latest_message.get("entities") or []
        if found.get("entity") == entity and "start" in found and "end" in found
    ]
