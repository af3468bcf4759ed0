"""Answers about a permit: requirements, fee, duration and procedure, read at answer time."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.ext.asyncio import AsyncSession

from actions.base import DatabaseAction, DomainDict, Events, entity_spans, latest_entity
from actions.formatting import permit_buttons
from permits.answers import (
    ASK_PERMIT,
    Asked,
    duration_answer,
    fee_answer,
    procedure_answer,
    requirement_question_answer,
    requirements_answer,
)
from permits.catalogue import PermitInfo, closest_permits, get_permit, names_something
from permits.english import UNTRANSLATED, permit_in
from permits.errors import UnknownPermit
from permits.follow_ups import only_names_another_permit, words_naming_a_permit
from permits.lifecycle import PermitAction
from permits.public_services import directions, service_named_in
from permits.requirement_questions import requirement_question
from permits.texts import _, language_in_use

POPULAR = ["pbg", "nib", "reklame", "sip_dokter"]


def unknown_permit_text(wanted: str) -> str:
    """The NLU may take a generic word ("izin" of "syarat izin tambang emas") for the
    permit's name; quoting it back would read as nonsense, so it is not quoted."""
    if names_something(wanted):
        return _(
            'Maaf, izin "{permit}" tidak ada dalam daftar layanan kami. '
            "Mungkin maksud Anda salah satu dari ini?",
            permit=wanted,
        )
    return _(
        "Maaf, izin yang Anda maksud tidak ada dalam daftar layanan kami. "
        "Mungkin maksud Anda salah satu dari ini?"
    )


def nothing_fits_text(wanted: str, call_centre: str) -> str:
    if names_something(wanted):
        return _(
            'Maaf, izin "{permit}" tidak termasuk izin yang dilayani DPMPTSP, dan kami belum '
            "tahu instansi yang menanganinya. Silakan hubungi call center {call_centre} atau "
            'ketik "hubungkan ke petugas" agar kami bantu mencari kantor yang tepat.',
            permit=wanted,
            call_centre=call_centre,
        )
    return _(
        "Maaf, izin yang Anda maksud tidak termasuk izin yang dilayani DPMPTSP. Silakan "
        'hubungi call center {call_centre} atau ketik "hubungkan ke petugas" agar kami '
        "bantu mencari kantor yang tepat.",
        call_centre=call_centre,
    )


def action_asked(tracker: Tracker, *, keep: bool) -> PermitAction | None:
    """What the applicant wants done with the permit: the action this message names,
    else the one asked about before when the message continues that question (`keep`)
    or names no permit of its own; a new permit named plainly is a new application."""
    named = latest_entity(tracker, "permit_action")
    if named is None and not keep and latest_entity(tracker, "permit_type"):
        return None
    value = named or tracker.get_slot("permit_action")
    return PermitAction(value) if value in set(PermitAction) else None


class PermitAnswer(DatabaseAction):
    """Finds the permit (this message, or the one talked about before) and answers."""

    question = ""
    intent = ""

    def render(self, permit: PermitInfo, text: str, action: PermitAction | None) -> str:
        """The answer about `permit` to the applicant's message `text`, for a new
        application or the renewal, change or replacement asked about (`action`)."""
        raise NotImplementedError

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Events:
        text = tracker.latest_message.get("text") or ""
        async with self.context.session() as session:
            wanted = latest_entity(tracker, "permit_type") or await self.permit_talked_about(
                session, tracker, text
            )
            if not wanted:
                return await self.without_a_permit(session, dispatcher, text)
            follow_up = self.follow_up_of(tracker, text)
            action = action_asked(tracker, keep=follow_up is not None)
            return await (follow_up or self).answer_for(
                session, dispatcher, str(wanted), text, action
            )

    async def permit_talked_about(
        self, session: AsyncSession, tracker: Tracker, text: str
    ) -> str | None:
        """The permit of the conversation so far, unless this message names one of its
        own in words the NLU did not know ("syarat izin tambang emas" after questions
        about NIB): then no permit is known, and the words are read for their meaning."""
        before = tracker.get_slot("permit_type")
        if not before:
            return None
        own = words_naming_a_permit(text)
        if not own or str(before) in {
            permit.slug for permit in await closest_permits(session, own, limit=100)
        }:
            return str(before)  # "izin praktik" after the midwife's practice permit
        return None

    def follow_up_of(self, tracker: Tracker, text: str) -> PermitAnswer | None:
        """The previous question's answer when this message only names another permit
        or action: "kalau PBG?" after the requirements of NIB asks for PBG's
        requirements, "yang perpanjangan?" for the renewal's, whatever the classifier
        made of the words."""
        previous = tracker.get_slot("last_question")
        if previous not in PERMIT_ANSWERS or previous == self.question:
            return None
        spans = entity_spans(tracker, "permit_type") + entity_spans(tracker, "permit_action")
        if not only_names_another_permit(text, spans):
            return None
        return PERMIT_ANSWERS[previous](self.context)

    async def answer_for(
        self,
        session: AsyncSession,
        dispatcher: CollectingDispatcher,
        wanted: str,
        text: str,
        action: PermitAction | None = None,
    ) -> Events:
        try:
            permit = await get_permit(session, wanted)
        except UnknownPermit as exc:
            return await self.unknown_permit(session, dispatcher, wanted, text, exc.suggestions)
        localised = permit_in(language_in_use(), permit)
        answer = self.render(localised.permit, text, action)
        if not localised.complete:
            answer += "\n\n" + _(UNTRANSLATED)
        dispatcher.utter_message(text=answer)
        return [
            SlotSet("permit_type", permit.slug),
            SlotSet("permit_action", action.value if action else None),
            SlotSet("pending_question", None),
            SlotSet("last_question", self.question),
        ]

    async def unknown_permit(
        self,
        session: AsyncSession,
        dispatcher: CollectingDispatcher,
        wanted: str,
        text: str,
        suggested: list[str],
    ) -> Events:
        """Permits that mean what was asked, else the office that handles it, else a
        plain "not ours" with the call centre: never a permit that only looks alike."""
        if not suggested and not names_something(wanted):
            # The NLU took a generic word ("izin") for the name: read the whole message.
            suggested = [permit.slug for permit in await closest_permits(session, text)]
        if suggested:
            permits = [await get_permit(session, slug) for slug in suggested]
            dispatcher.utter_message(
                text=unknown_permit_text(wanted), buttons=permit_buttons(permits, self.intent)
            )
            return [SlotSet("permit_type", None), SlotSet("pending_question", self.question)]
        service = await service_named_in(session, f"{wanted} {text}")
        if service is not None:
            dispatcher.utter_message(text=directions(service))
        else:
            dispatcher.utter_message(
                text=nothing_fits_text(wanted, self.context.settings.call_centre)
            )
        return [SlotSet("permit_type", None), SlotSet("pending_question", None)]

    async def without_a_permit(
        self, session: AsyncSession, dispatcher: CollectingDispatcher, text: str
    ) -> Events:
        """No permit was recognised: the permits the words mean ("izin buka warung"),
        else the office a named service belongs to, else a plain "not ours" for words
        that name a permit ("izin tambang emas"), else the question which permit."""
        suggested = await closest_permits(session, text)
        if suggested:
            dispatcher.utter_message(
                text=_("{question} Mungkin salah satu dari ini?", question=_(ASK_PERMIT)),
                buttons=permit_buttons(suggested, self.intent),
            )
            return [SlotSet("permit_type", None), SlotSet("pending_question", self.question)]
        service = await service_named_in(session, text)
        if service is not None:
            dispatcher.utter_message(text=directions(service))
            return [SlotSet("permit_type", None), SlotSet("pending_question", None)]
        own = words_naming_a_permit(text)
        if own:
            dispatcher.utter_message(text=nothing_fits_text(own, self.context.settings.call_centre))
            return [SlotSet("permit_type", None), SlotSet("pending_question", None)]
        return await self.ask_which_permit(session, dispatcher)

    async def ask_which_permit(
        self, session: AsyncSession, dispatcher: CollectingDispatcher
    ) -> Events:
        popular = [await get_permit(session, slug) for slug in POPULAR]
        dispatcher.utter_message(
            text=_("{question} Silakan ketik nama izinnya.", question=_(ASK_PERMIT)),
            buttons=permit_buttons(popular, self.intent),
        )
        return [SlotSet("pending_question", self.question)]


class ActionAnswerRequirements(PermitAnswer):
    action_name = "action_answer_requirements"
    question, intent = "requirements", "ask_requirements"

    def render(self, permit: PermitInfo, text: str, action: PermitAction | None) -> str:
        question = requirement_question(text, permit, Asked(permit, action).requirements)
        if question is None:
            return requirements_answer(permit, action)
        return requirement_question_answer(question, permit, action)


class ActionAnswerFee(PermitAnswer):
    action_name = "action_answer_fee"
    question, intent = "fee", "ask_fee"

    def render(self, permit: PermitInfo, text: str, action: PermitAction | None) -> str:
        return fee_answer(permit, action)


class ActionAnswerDuration(PermitAnswer):
    action_name = "action_answer_duration"
    question, intent = "duration", "ask_duration"

    def render(self, permit: PermitInfo, text: str, action: PermitAction | None) -> str:
        return duration_answer(permit, action)


class ActionAnswerProcedure(PermitAnswer):
    action_name = "action_answer_procedure"
    question, intent = "procedure", "ask_procedure"

    def render(self, permit: PermitInfo, text: str, action: PermitAction | None) -> str:
        return procedure_answer(permit, action)


PERMIT_ANSWERS: dict[str, type[PermitAnswer]] = {
    cls.question: cls
    for cls in (
        ActionAnswerRequirements,
        ActionAnswerFee,
        ActionAnswerDuration,
        ActionAnswerProcedure,
    )
}
