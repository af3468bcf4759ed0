"""ask_other_service: a service another office handles, and where to go instead."""

from __future__ import annotations

import contextlib

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import DatabaseAction, DomainDict, Events, latest_entity
from permits.errors import UnknownPublicService
from permits.models import PublicService
from permits.public_services import find_public_service


def where_to_go(service: PublicService) -> str:
    lines = [f"{service.name} adalah layanan {service.office}, bukan DPMPTSP."]
    if service.how:
        lines.append(service.how)
    for label, value in (
        ("Alamat", service.address),
        ("Jam layanan", service.hours),
        ("Telepon", service.phone),
        ("Situs", service.website),
    ):
        if value:
            lines.append(f"{label}: {value}")
    return "\n".join(lines)


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
                    text = where_to_go(await find_public_service(session, wanted))
        if text is None:
            text = (
                "Maaf, layanan itu di luar layanan kami: DPMPTSP mengurus perizinan dan "
                "nonperizinan daerah. Untuk layanan instansi lain, silakan hubungi call center "
                f"{self.context.settings.call_centre} agar kami arahkan ke kantor yang tepat."
            )
        dispatcher.utter_message(text=text)
        return []
