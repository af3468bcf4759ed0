"""What every channel implements, and the helpers they share.

A channel turns its wire format into `Turns.receive(...)` calls (inbound) and
implements `send` (outbound, called by the delivery worker). Adding a channel is
one module with a `send` method and a `setup(app)` that adds its routes and
registers it in `app[CHANNELS]`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar, Protocol

from permits.status import SHARE_PHONE_PAYLOAD


@dataclass(frozen=True)
class Outbound:
    """A queued message handed to a channel for sending."""

    message_id: int
    conversation_id: str
    text: str
    buttons: list[dict[str, str]] = field(default_factory=list)
    kind: str = "chat"  # chat | notice | notification
    sender: str = "bot"  # bot | agent | system
    template_variables: dict[str, str] | None = None
    last_inbound_at: datetime | None = None

    @property
    def address(self) -> str:
        """The channel's own id of the recipient (chat id, phone number, web session)."""
        return self.conversation_id.partition(":")[2]


class DeliveryFailed(Exception):
    """A send did not succeed. Permanent failures are not retried."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.permanent = permanent


class Channel(Protocol):
    name: ClassVar[str]

    async def send(self, message: Outbound) -> str | None:
        """Send one message; return the channel's id for it, if it gives one."""
        ...


def split_text(
    text: str, limit: int, separators: tuple[str, ...] = ("\n\n", "\n", " ")
) -> list[str]:
    """Split a long answer under `limit`: at paragraphs, else lines, else words."""
    if len(text) <= limit:
        return [text]
    if not separators:
        return [text[i : i + limit] for i in range(0, len(text), limit)]
    separator, finer = separators[0], separators[1:]
    pieces: list[str] = []
    for part in text.split(separator):
        pieces.extend(split_text(part, limit, finer) if len(part) > limit else [part])
    return _pack(pieces, separator, limit)


def _pack(parts: list[str], separator: str, limit: int) -> list[str]:
    chunks: list[str] = []
    current = ""
    for part in parts:
        candidate = f"{current}{separator}{part}" if current else part
        if len(candidate) <= limit:
            current = candidate
        else:
            chunks.append(current)
            current = part
    if current:
        chunks.append(current)
    return chunks


def visible_buttons(buttons: list[dict[str, str]]) -> list[dict[str, str]]:
    return [b for b in buttons if b.get("payload") != SHARE_PHONE_PAYLOAD]


def numbered_choices(buttons: list[dict[str, str]]) -> str:
    """Buttons as a numbered list, for channels without buttons (answered by number)."""
    lines = [f"{i}. {b['title']}" for i, b in enumerate(buttons, 1)]
    return "Balas dengan angka pilihan Anda:\n" + "\n".join(lines)
