"""Asking for a person: the conversation joins the agents' queue when it is live
(office hours, or an agent on duty at any hour); otherwise the user hears when agents
are back and, where the channel can reach them by phone, is called back."""

from __future__ import annotations

from datetime import timedelta

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.ext.asyncio import AsyncSession

from actions.base import DatabaseAction, DomainDict, Events
from permits.handoff import (
    Queued,
    can_call_back,
    known_phone,
    live_queue_open,
    request_callback,
    request_handoff,
)
from permits.models import utcnow
from permits.texts import N_, _, ngettext

# Catalogue msgids, translated when sent.
CALLBACK_ASKED = N_(
    "Saat ini di luar jam layanan petugas. Petugas kami kembali {opening}. Jika "
    "ingin kami telepon balik, kirimkan nomor telepon Anda (misalnya 0812xxxxxxx). "
    "Sementara itu saya tetap bisa menjawab pertanyaan tentang syarat, biaya, lama "
    "proses, dan status permohonan."
)
CALLBACK_CONFIRMED = N_(
    "Saat ini di luar jam layanan petugas. Petugas kami kembali {opening} dan akan "
    "menelepon Anda di nomor {phone}. Jika ingin ditelepon di nomor lain, kirimkan "
    "nomor tersebut (misalnya 0812xxxxxxx). Sementara itu saya tetap bisa menjawab "
    "pertanyaan tentang syarat, biaya, lama proses, dan status permohonan."
)
NO_CALLBACK = N_(
    "Saat ini di luar jam layanan dan belum ada petugas yang bertugas, jadi percakapan "
    "ini belum bisa kami teruskan ke petugas. Petugas kami kembali {opening}: silakan "
    "hubungi kami lagi di sini pada waktu itu, atau telepon call center {call_centre} "
    "pada jam layanan. Sementara itu saya tetap bisa menjawab pertanyaan tentang syarat, "
    "biaya, lama proses, dan status permohonan."
)


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
        now = utcnow()
        hours = self.context.office_hours
        call_centre = self.context.settings.call_centre
        if await live_queue_open(session, hours, now):
            queued = await request_handoff(session, conversation_id, self.reason)
            return self.queued_text(queued, call_centre, office_open=hours.is_open(now))
        opening = hours.describe_opening(now)
        if not can_call_back(conversation_id):
            return _(NO_CALLBACK, opening=opening, call_centre=call_centre)
        phone = await known_phone(session, conversation_id)
        await request_callback(session, conversation_id, self.reason, phone)
        if phone is None:
            return _(CALLBACK_ASKED, opening=opening)
        return _(CALLBACK_CONFIRMED, opening=opening, phone=phone)

    @staticmethod
    def queued_text(queued: Queued, call_centre: str, *, office_open: bool = True) -> str:
        if queued.position == 0:
            return _("Percakapan ini sedang ditangani petugas. Silakan tulis pesan Anda di sini.")
        if not office_open:  # an agent on duty; the call centre's phones are closed
            return _(
                "Baik, percakapan ini kami teruskan ke petugas piket. Posisi antrian Anda: "
                "{position}, perkiraan waktu tunggu {wait}. Petugas akan membalas di sini.",
                position=queued.position,
                wait=wait_text(queued.expected_wait),
            )
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
