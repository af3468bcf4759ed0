"""Buttons and payloads of the bot's answers (the wording of facts is in permits.answers)."""

from __future__ import annotations

from permits.catalogue import PermitInfo
from permits.texts import N_, _

TOPIC_BUTTONS = [  # titles are catalogue msgids, shown translated
    (N_("Persyaratan"), "ask_requirements"),
    (N_("Biaya"), "ask_fee"),
    (N_("Lama proses"), "ask_duration"),
    (N_("Prosedur"), "ask_procedure"),
]


def payload(intent: str, **entities: str) -> str:
    if not entities:
        return f"/{intent}"
    inner = ", ".join(f'"{k}": "{v}"' for k, v in entities.items())
    return f"/{intent}{{{inner}}}"


def permit_buttons(permits: list[PermitInfo], intent: str) -> list[dict[str, str]]:
    return [{"title": p.name, "payload": payload(intent, permit_type=p.slug)} for p in permits]


def topic_buttons(slug: str) -> list[dict[str, str]]:
    return [
        {"title": _(title), "payload": payload(intent, permit_type=slug)}
        for title, intent in TOPIC_BUTTONS
    ]
