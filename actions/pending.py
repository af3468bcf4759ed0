"""`inform`, `affirm` and `deny`: answer what the bot asked for in its last turn."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import DatabaseAction, DomainDict, Events, latest_entity
from actions.catalogue import PERMIT_ANSWERS, action_asked
from actions.complaint import ActionFileComplaint
from actions.fallback import ActionHandleFallback
from actions.formatting import topic_buttons
from actions.handoff import ActionHumanHandoff
from actions.status import ActionCheckStatus
from permits.catalogue import get_permit
from permits.errors import UnknownPermit
from permits.texts import N_, _

UNSURE = 0.7
HELP = N_(
    "Ada yang bisa saya bantu? Saya bisa menjelaskan persyaratan, biaya, lama proses dan "
    "prosedur izin, atau mengecek status permohonan dengan nomornya."
)


class ActionResumePending(DatabaseAction):
    action_name = "action_resume_pending"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Events:
        pending = tracker.get_slot("pending_question")
        intent = tracker.latest_message.get("intent", {}).get("name")
        if intent == "affirm" and pending == "handoff":
            return await ActionHumanHandoff(self.context).answer(dispatcher, tracker, domain)
        if pending == "complaint" and intent in ("affirm", "deny"):
            return await self.settle_complaint(dispatcher, tracker, filed=intent == "affirm")
        confidence = float(tracker.latest_message.get("intent", {}).get("confidence") or 0)
        if pending is None and confidence < UNSURE and intent in ("affirm", "deny", "inform"):
            # A short reply to nothing, and not even a confident one: not understood.
            return await ActionHandleFallback(self.context).answer(dispatcher, tracker, domain)
        if intent in ("affirm", "deny"):
            dispatcher.utter_message(text=_("Baik.") + " " + _(HELP))
            return [SlotSet("pending_question", None)]
        number = latest_entity(tracker, "application_number")
        permit = latest_entity(tracker, "permit_type")
        if number and (pending == "status" or not permit):
            async with self.context.session() as session:
                return await ActionCheckStatus(self.context).answer_for(
                    session, dispatcher, tracker.sender_id, number
                )
        # The question the bot asked, else the one it answered last ("reklame" after
        # the requirements of NIB: the requirements of reklame).
        asked = pending if pending in PERMIT_ANSWERS else tracker.get_slot("last_question")
        # "yang perpanjangan?" names only the action: the permit talked about is kept.
        if not permit and latest_entity(tracker, "permit_action"):
            permit = tracker.get_slot("permit_type")
        if permit and asked in PERMIT_ANSWERS:
            answer = PERMIT_ANSWERS[asked](self.context)
            async with self.context.session() as session:
                text = tracker.latest_message.get("text") or ""
                return await answer.answer_for(
                    session, dispatcher, permit, text, action_asked(tracker, keep=True)
                )
        if permit:
            return await self.offer_topics(dispatcher, tracker, domain, permit)
        # "inform" with nothing to inform about is a message the bot did not understand.
        return await ActionHandleFallback(self.context).answer(dispatcher, tracker, domain)

    async def settle_complaint(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, *, filed: bool
    ) -> Events:
        text = tracker.get_slot("complaint_text") or ""
        if filed and text:
            async with self.context.session() as session:
                answer = await ActionFileComplaint(self.context).file(
                    session, tracker.sender_id, text
                )
            dispatcher.utter_message(text=answer)
        else:
            not_filed = _("Baik, tidak kami catat sebagai pengaduan.")
            dispatcher.utter_message(text=not_filed + " " + _(HELP))
        return [SlotSet("pending_question", None), SlotSet("complaint_text", None)]

    async def offer_topics(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict, wanted: str
    ) -> Events:
        async with self.context.session() as session:
            try:
                permit = await get_permit(session, wanted)
            except UnknownPermit:
                # A name no permit has, in answer to nothing: read as not understood
                # ("xkcd qwrtpl"), so the likeliest topics are offered and a second
                # miss brings a person.
                return await ActionHandleFallback(self.context).answer(dispatcher, tracker, domain)
        dispatcher.utter_message(
            text=_("Apa yang ingin Anda ketahui tentang {permit}?", permit=permit.name),
            buttons=topic_buttons(permit.slug),
        )
        return [SlotSet("permit_type", permit.slug)]
