"""What the conversation core hands to a channel, and what a channel implements.

The core depends on this protocol only, never on a channel module; channels
import from here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Protocol, runtime_checkable

from permits.models import Message
from permits.states import MessageKind, Sender
from permits.status import SHARE_PHONE_PAYLOAD


@dataclass(frozen=True)
class Outbound:
    """A queued message handed to a channel for sending."""

    message_id: int
    conversation_id: str
    text: str
    buttons: list[dict[str, str]] = field(default_factory=list)  # shown ones only
    asks_for_phone: bool = False  # the bot asked the user to share their phone number
    kind: str = MessageKind.CHAT  # a MessageKind, as stored
    sender: str = Sender.BOT  # a Sender, as stored
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


@runtime_checkable
class LiveChannel(Channel, Protocol):
    """A channel whose chat windows also show what is not a message: who attends the
    conversation, someone typing (the web chat; bot/console/presence.py)."""

    async def publish(self, conversation_id: str, event: dict[str, Any]) -> None:
        """To the conversation's open windows; at most once, like a live update."""
        ...


def visible_buttons(buttons: list[dict[str, str]]) -> list[dict[str, str]]:
    """The buttons a user sees: the share-phone request is not a choice but a
    channel feature (Telegram's contact keyboard), told by `Outbound.asks_for_phone`."""
    return [b for b in buttons if b.get("payload") != SHARE_PHONE_PAYLOAD]


def asks_for_phone(buttons: list[dict[str, str]]) -> bool:
    return any(b.get("payload") == SHARE_PHONE_PAYLOAD for b in buttons)


# Told about every transcript line as it is written (the console shows them live).
TranscriptObserver = Callable[[str, list[Message]], None]


def ignore_lines(conversation_id: str, lines: list[Message]) -> None:
    """The observer when nobody watches."""
