"""Complaints: a ticket number the applicant can quote.

A ticket costs an officer's time, so one the model is unsure of is first confirmed:
the bot repeats the message and asks, and files it only on "Ya".

An integrity report (pungli, bribes, brokers: permits/complaint_categories.py) is
filed anonymously (permits/complaints.py); the reply says so, gives the ticket
number to follow it up with and where such reports go (TANYA_INTEGRITY_CONTACT).
"""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.ext.asyncio import AsyncSession

from actions.base import DatabaseAction, DomainDict, Events
from actions.handoff import ActionHumanHandoff
from permits.complaints import FiledComplaint, file_complaint
from permits.handoff import live_queue_open, request_handoff
from permits.models import utcnow
from permits.texts import N_, _

# Below this intent confidence the complaint is confirmed before a ticket is filed.
COMPLAINT_SURE = 0.8
QUOTED_CHARACTERS = 160

INTEGRITY_REPORT = N_(
    "Terima kasih atas laporan Anda. Laporan Anda kami catat tanpa nama dan nomor "
    "telepon, dengan nomor tiket {ticket}: tiket ini tidak menyimpan nomor atau akun chat "
    "Anda, sehingga kami tidak dapat menghubungi Anda. Simpan nomor tiket ini; tindak "
    "lanjutnya dapat Anda tanyakan ke call center {call_centre} dengan menyebut nomor "
    "tiket. Laporan pungutan liar, suap, calo atau gratifikasi kami teruskan ke "
    "{integrity_contact}. Anda juga dapat melapor langsung ke sana, dengan atau tanpa "
    "nama; jika bersedia dihubungi, sebutkan nomor tiket ini."
)


class ActionFileComplaint(DatabaseAction):
    action_name = "action_file_complaint"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Events:
        text = tracker.latest_message.get("text") or ""
        confidence = float(tracker.latest_message.get("intent", {}).get("confidence") or 0)
        if confidence < COMPLAINT_SURE:
            dispatcher.utter_message(
                text=_(
                    "Apakah Anda ingin menyampaikan pengaduan? Jika ya, pesan ini kami catat "
                    'sebagai pengaduan dan diteruskan ke petugas: "{message}"',
                    message=quoted(text),
                ),
                buttons=[
                    {"title": _("Ya, catat pengaduan"), "payload": "/affirm"},
                    {"title": _("Bukan pengaduan"), "payload": "/deny"},
                ],
            )
            return [SlotSet("pending_question", "complaint"), SlotSet("complaint_text", text)]
        async with self.context.session() as session:
            dispatcher.utter_message(text=await self.file(session, tracker.sender_id, text))
        return [SlotSet("pending_question", None), SlotSet("complaint_text", None)]

    async def file(self, session: AsyncSession, conversation_id: str, text: str) -> str:
        """File the ticket (and queue it for an agent in office hours); the user's answer."""
        filed = await file_complaint(session, conversation_id, text)
        if filed.anonymous:
            # Not queued for an agent: the queue would tie this conversation to the
            # report the ticket was kept apart from.
            return self.integrity_report_text(filed)
        answer = _(
            "Pengaduan Anda sudah kami catat dengan nomor tiket {ticket}. Simpan nomor ini "
            "untuk menanyakan tindak lanjutnya. Petugas kami akan menindaklanjuti paling "
            "lambat 3 hari kerja. Jika ada detail tambahan (nomor permohonan, nama loket, "
            "waktu kejadian), silakan kirimkan.",
            ticket=filed.ticket,
        )
        now, hours = utcnow(), self.context.office_hours
        if await live_queue_open(session, hours, now):
            # During office hours (or with an agent on duty) an agent also reads it now.
            queued = await request_handoff(session, conversation_id, "complaint")
            answer += " " + ActionHumanHandoff.queued_text(
                queued, self.context.settings.call_centre, office_open=hours.is_open(now)
            )
        return answer

    def integrity_report_text(self, filed: FiledComplaint) -> str:
        settings = self.context.settings
        return _(
            INTEGRITY_REPORT,
            ticket=filed.ticket,
            call_centre=settings.call_centre,
            integrity_contact=settings.integrity_contact,
        )


def quoted(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= QUOTED_CHARACTERS:
        return text
    return text[: QUOTED_CHARACTERS - 1].rstrip() + "…"
