"""Application status: by number for anyone, lists and notifications for the applicant."""

from __future__ import annotations

import re

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.ext.asyncio import AsyncSession

from actions.base import DatabaseAction, DomainDict, Events, latest_entity
from permits.answers import (
    FORMAT_HINT,
    NONE_REGISTERED,
    SHARE_PHONE,
    ask_number,
    number_not_found,
    own_applications,
    status_answer,
)
from permits.errors import ApplicationNotFound, InvalidNumber, NotLinked, TooManyLookups
from permits.status import (
    SHARE_PHONE_PAYLOAD,
    applications_for_conversation,
    public_status,
    subscribe,
)
from permits.texts import N_, _

PRIVACY = N_(
    "Demi keamanan data pribadi, daftar permohonan hanya bisa ditampilkan lewat WhatsApp dari "
    "nomor HP yang terdaftar pada permohonan, atau di Telegram setelah Anda membagikan nomor "
    'HP Anda dengan tombol "Bagikan nomor telepon". '
    "Status satu permohonan tetap bisa dicek dengan nomor permohonannya, misalnya "
    '"cek status PTSP-2025-AB3XYZ".'
)


def share_phone_button() -> dict[str, str]:
    return {"title": _(SHARE_PHONE), "payload": SHARE_PHONE_PAYLOAD}


def unrecognised_number() -> str:
    return _("Nomor permohonan itu tidak dikenali. {hint}", hint=_(FORMAT_HINT))


class ActionCheckStatus(DatabaseAction):
    action_name = "action_check_status"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Events:
        number = latest_entity(tracker, "application_number")
        text = tracker.latest_message.get("text") or ""
        if number is None and re.search(r"\d{4,}", text):
            dispatcher.utter_message(text=unrecognised_number())
            return [SlotSet("pending_question", "status")]
        number = number or tracker.get_slot("application_number")
        if not number:
            dispatcher.utter_message(text=ask_number())
            return [SlotSet("pending_question", "status")]
        async with self.context.session() as session:
            return await self.answer_for(session, dispatcher, tracker.sender_id, str(number))

    async def answer_for(
        self, session: AsyncSession, dispatcher: CollectingDispatcher, sender: str, number: str
    ) -> Events:
        call_centre = self.context.settings.call_centre
        try:
            view = await public_status(
                session,
                number,
                conversation_id=sender,
                failed_lookup_budget=self.context.settings.failed_lookup_budget,
            )
        except InvalidNumber:
            dispatcher.utter_message(text=unrecognised_number())
            return [SlotSet("application_number", None), SlotSet("pending_question", "status")]
        except ApplicationNotFound as exc:
            dispatcher.utter_message(text=number_not_found(exc.number))
            return [SlotSet("application_number", None), SlotSet("pending_question", None)]
        except TooManyLookups as refused:
            dispatcher.utter_message(text=_too_many_lookups(refused, call_centre))
            return [SlotSet("application_number", None), SlotSet("pending_question", None)]
        dispatcher.utter_message(text=status_answer(view, self.context.settings.office_zone))
        return [SlotSet("application_number", view.number), SlotSet("pending_question", None)]


def _too_many_lookups(refused: TooManyLookups, call_centre: str) -> str:
    if refused.everyone:
        return _(
            "Maaf, pengecekan status sedang dibatasi sementara karena terlalu banyak nomor "
            "yang tidak ditemukan. Demi keamanan data, coba lagi nanti, cek lewat WhatsApp, "
            "atau hubungi call center {call_centre}.",
            call_centre=call_centre,
        )
    return _(
        "Maaf, terlalu banyak nomor yang tidak ditemukan dari percakapan ini. "
        "Demi keamanan, coba lagi 1 jam lagi atau hubungi call center {call_centre}.",
        call_centre=call_centre,
    )


class ActionListMyApplications(DatabaseAction):
    action_name = "action_list_my_applications"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Events:
        async with self.context.session() as session:
            try:
                views = await applications_for_conversation(session, tracker.sender_id)
            except NotLinked:
                dispatcher.utter_message(text=_(PRIVACY), buttons=[share_phone_button()])
                return []
        dispatcher.utter_message(text=own_applications(views))
        return []


class ActionSubscribeUpdates(DatabaseAction):
    action_name = "action_subscribe_updates"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Events:
        async with self.context.session() as session:
            try:
                numbers = await subscribe(session, tracker.sender_id)
            except NotLinked:
                dispatcher.utter_message(text=_(PRIVACY), buttons=[share_phone_button()])
                return []
        if not numbers:
            dispatcher.utter_message(text=_(NONE_REGISTERED))
        else:
            dispatcher.utter_message(
                text=_(
                    "Baik, kami akan mengabari Anda di sini setiap ada perubahan status "
                    "permohonan: {numbers}.",
                    numbers=", ".join(numbers),
                )
            )
        return []
