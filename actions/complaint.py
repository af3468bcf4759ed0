"""Complaints: a ticket number the applicant can quote."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import DatabaseAction, DomainDict, Events
from actions.handoff import ActionHumanHandoff
from permits.complaints import file_complaint
from permits.handoff import request_handoff
from permits.models import utcnow


class ActionFileComplaint(DatabaseAction):
    action_name = "action_file_complaint"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Events:
        text = tracker.latest_message.get("text") or ""
        async with self.context.session() as session:
            ticket = await file_complaint(session, tracker.sender_id, text)
            answer = (
                f"Pengaduan Anda sudah kami catat dengan nomor tiket {ticket}. Simpan nomor ini "
                "untuk menanyakan tindak lanjutnya. Petugas kami akan menindaklanjuti paling "
                "lambat 3 hari kerja. Jika ada detail tambahan (nomor permohonan, nama loket, "
                "waktu kejadian), silakan kirimkan."
            )
            if self.context.office_hours.is_open(utcnow()):
                # During office hours an agent also reads it now, in the queue.
                queued = await request_handoff(session, tracker.sender_id, "complaint")
                answer += " " + ActionHumanHandoff.queued_text(
                    queued, self.context.settings.call_centre
                )
        dispatcher.utter_message(text=answer)
        return []
