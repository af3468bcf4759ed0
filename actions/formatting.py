"""Indonesian formatting shared by the answers."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from permits.catalogue import PermitInfo

WIB = ZoneInfo("Asia/Jakarta")
MONTHS = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]

TOPIC_BUTTONS = [
    ("Persyaratan", "ask_requirements"),
    ("Biaya", "ask_fee"),
    ("Lama proses", "ask_duration"),
    ("Prosedur", "ask_procedure"),
]


def numbered(items: list[str]) -> str:
    return "\n".join(f"{i}. {item}" for i, item in enumerate(items, 1))


def tanggal(moment: datetime) -> str:
    local = moment.astimezone(WIB)
    return f"{local.day} {MONTHS[local.month - 1]} {local.year}"


def payload(intent: str, **entities: str) -> str:
    if not entities:
        return f"/{intent}"
    inner = ", ".join(f'"{k}": "{v}"' for k, v in entities.items())
    return f"/{intent}{{{inner}}}"


def permit_buttons(permits: list[PermitInfo], intent: str) -> list[dict[str, str]]:
    return [{"title": p.name, "payload": payload(intent, permit_type=p.slug)} for p in permits]


def topic_buttons(slug: str) -> list[dict[str, str]]:
    return [
        {"title": title, "payload": payload(intent, permit_type=slug)}
        for title, intent in TOPIC_BUTTONS
    ]
