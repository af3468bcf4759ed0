"""Low confidence: first offer the two likeliest topics; after a second miss, a person."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import DatabaseAction, DomainDict, Events
from actions.formatting import payload
from actions.handoff import ActionFallbackHandoff
from permits.texts import N_, _

INTENT_TITLES = {  # catalogue msgids, shown translated
    "ask_requirements": N_("Persyaratan izin"),
    "ask_fee": N_("Biaya izin"),
    "ask_duration": N_("Lama proses izin"),
    "ask_procedure": N_("Prosedur pengurusan izin"),
    "check_status": N_("Cek status permohonan"),
    "list_my_applications": N_("Daftar permohonan saya"),
    "subscribe_updates": N_("Kabari perubahan status"),
    "complaint": N_("Pengaduan"),
    "human_handoff": N_("Bicara dengan petugas"),
    "faq": N_("Info layanan (jam, lokasi, kontak)"),
}
PERMIT_INTENTS = {"ask_requirements", "ask_fee", "ask_duration", "ask_procedure"}
DEFAULT_CHOICES = ["ask_requirements", "check_status"]


def likeliest_intents(ranking: list[dict[str, Any]], count: int = 2) -> list[str]:
    names = [str(r.get("name")) for r in ranking if r.get("name") in INTENT_TITLES]
    for default in DEFAULT_CHOICES:
        if default not in names:
            names.append(default)
    return names[:count]


class ActionHandleFallback(DatabaseAction):
    action_name = "action_handle_fallback"
    resets_fallback = False

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Events:
        misses = int(tracker.get_slot("fallback_count") or 0) + 1
        if misses >= 2:
            # Twice not understood: a person takes over (or calls back after hours).
            async with self.context.session() as session:
                handover = await ActionFallbackHandoff(self.context).hand_over(
                    session, tracker.sender_id
                )
            dispatcher.utter_message(text=_("Maaf, saya masih belum paham.") + " " + handover)
            return [SlotSet("fallback_count", 0.0), SlotSet("pending_question", None)]
        permit = tracker.get_slot("permit_type")
        buttons = []
        for intent in likeliest_intents(tracker.latest_message.get("intent_ranking", [])):
            entities = {"permit_type": permit} if permit and intent in PERMIT_INTENTS else {}
            title = _(INTENT_TITLES[intent])
            buttons.append({"title": title, "payload": payload(intent, **entities)})
        dispatcher.utter_message(
            text=_("Maaf, saya belum paham maksud Anda. Apakah yang Anda maksud salah satu ini?"),
            buttons=buttons,
        )
        return [SlotSet("fallback_count", float(misses))]
