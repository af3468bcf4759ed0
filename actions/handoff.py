"""Asking for a person: the conversation joins the agents' queue."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import DatabaseAction, DomainDict, Events
from permits.handoff import request_handoff


class ActionHumanHandoff(DatabaseAction):
    action_name = "action_human_handoff"
    reason = "permintaan pengguna"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Events:
        async with self.context.session() as session:
            position = await request_handoff(session, tracker.sender_id, self.reason)
        dispatcher.utter_message(
            text=f"Baik, percakapan ini kami teruskan ke petugas. Posisi antrian Anda: {position}. "
            "Mohon tunggu, petugas akan membalas di sini. Anda juga bisa menelepon call center "
            f"{self.context.settings.call_centre}."
        )
        return [SlotSet("pending_question", None)]
