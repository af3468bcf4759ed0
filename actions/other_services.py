"""ask_other_service: a service another office handles, and where to go instead."""

from __future__ import annotations

import contextlib

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import DatabaseAction, DomainDict, Events, latest_entity
from permits.errors import UnknownPublicService
from permits.public_services import directions, find_public_service
from permits.texts import _


class ActionAnswerOtherService(DatabaseAction):
    action_name = "action_answer_other_service"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Events:
        wanted = latest_entity(tracker, "public_service")
        text = None
        if wanted:
            async with self.context.session() as session:
                with contextlib.suppress(UnknownPublicService):
                    text = directions(await find_public_service(session, wanted))
        if text is None:
            text = _(
                "Maaf, layanan itu di luar layanan kami: DPMPTSP mengurus perizinan dan "
                "nonperizinan daerah. Untuk layanan instansi lain, silakan hubungi call center "
                "{call_centre} agar kami arahkan ke kantor yang tepat.",
                call_centre=self.context.settings.call_centre,
            )
        dispatcher.utter_message(text=text)
        return []
