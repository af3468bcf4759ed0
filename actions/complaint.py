"""Complaints: a ticket number the applicant can quote."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import DatabaseAction, DomainDict, Events
from permits.complaints import file_complaint


class ActionFileComplaint(DatabaseAction):
    action_name = "action_file_complaint"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Events:
        text = tracker.latest_message.get("text") or ""
        async with self.context.session() as session:
            ticket = await file_complaint(session, tracker.sender_id, text)
        dispatcher.utter_message(
            text=f"Pengaduan Anda sudah kami catat dengan nomor tiket {ticket}. Simpan nomor ini "
            "untuk menanyakan tindak lanjutnya. Petugas kami akan menindaklanjuti paling lambat "
            "3 hari kerja. Jika ada detail tambahan (nomor permohonan, nama loket, waktu "
            "kejadian), silakan kirimkan."
        )
        return []
