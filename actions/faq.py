"""FAQ answers (retrieval intent faq/*) from the database, so edits are live at once."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import DatabaseAction, DomainDict, Events
from permits.errors import UnknownTopic
from permits.faq import faq_answer
from permits.texts import _, language_in_use


def faq_topic(tracker: Tracker) -> str | None:
    """The FAQ topic chosen by LinearFaqSelector (nlu/components/linear_intents.py),
    e.g. "faq/jam_layanan"."""
    selector = tracker.latest_message.get("response_selector", {})
    key = selector.get("faq", {}).get("response", {}).get("intent_response_key")
    if key:
        return str(key)
    intent = tracker.latest_message.get("intent", {}).get("name", "")
    return str(intent) if str(intent).startswith("faq/") else None


class ActionAnswerFaq(DatabaseAction):
    action_name = "action_answer_faq"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Events:
        topic = faq_topic(tracker)
        async with self.context.session() as session:
            try:
                text = await faq_answer(session, topic or "", language_in_use())
            except UnknownTopic:
                text = _(
                    "Maaf, informasi itu belum tersedia. Silakan hubungi call center "
                    "{call_centre}.",
                    call_centre=self.context.settings.call_centre,
                )
        dispatcher.utter_message(text=text)
        return []
