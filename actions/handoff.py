"""Asking for a person: the conversation joins the agents' queue, or outside office
hours the user hears when agents are back and may leave a number to be called."""

from __future__ import annotations

from datetime import timedelta

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.ext.asyncio import AsyncSession

from actions.base import DatabaseAction, DomainDict, Events
from permits.handoff import Queued, request_callback, request_handoff
from permits.models import utcnow
from permits.texts import _, ngettext


def wait_text(minutes: timedelta) -> str:
    rounded = max(1, round(minutes.total_seconds() / 60))
    return ngettext("sekitar {count} menit", "sekitar {count} menit", rounded, count=rounded)


class ActionHumanHandoff(DatabaseAction):
    action_name = "action_human_handoff"
    reason = "request"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Events:
        async with self.context.session() as session:
            dispatcher.utter_message(text=await self.hand_over(session, tracker.sender_id))
        return [SlotSet("pending_question", None)]

    async def hand_over(self, session: AsyncSession, conversation_id: str) -> str:
        """Queue the conversation, or take a call-back request; the user's answer."""
        hours = self.context.office_hours
        call_centre = self.context.settings.call_centre
        if not hours.is_open(utcnow()):
            await request_callback(session, conversation_id, self.reason)
            return _(
                "Saat ini di luar jam layanan petugas. Petugas kami kembali {opening}. Jika "
                "ingin kami telepon balik, kirimkan nomor telepon Anda (misalnya 0812xxxxxxx). "
                "Sementara itu saya tetap bisa menjawab pertanyaan tentang syarat, biaya, lama "
                "proses, dan status permohonan.",
                opening=hours.describe_opening(utcnow()),
            )
        queued = await request_handoff(session, conversation_id, self.reason)
        return self.queued_text(queued, call_centre)

    @staticmethod
    def queued_text(queued: Queued, call_centre: str) -> str:
        if queued.position == 0:
            return _("Percakapan ini sedang ditangani petugas. Silakan tulis pesan Anda di sini.")
        return _(
            "Baik, percakapan ini kami teruskan ke petugas. Posisi antrian Anda: {position}, "
            "perkiraan waktu tunggu {wait}. Petugas akan membalas di sini. Anda juga bisa "
            "menelepon call center {call_centre}.",
            position=queued.position,
            wait=wait_text(queued.expected_wait),
            call_centre=call_centre,
        )


class ActionFallbackHandoff(ActionHumanHandoff):
    """Not an action of the domain: the fallback hands over after a second miss."""

    reason = "fallback"
