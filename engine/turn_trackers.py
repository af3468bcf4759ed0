"""The tracker a turn worked on, handed to our channel instead of read again.

Rasa's handle_message gets the conversation's tracker from log_message, updates
that same object through the whole turn (slots, actions) and saves it; it returns
only the bot's messages. Our channel answers with the turn's parse as well, so it
keeps that object (TurnMessage.tracker) instead of reading the tracker store a
second time: with the SQL tracker store a read is every event of the conversation.
Installed by engine/patches.py, which wraps MessageProcessor.log_message with
`_keep_turn_tracker`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.trackers import DialogueStateTracker


class TurnMessage(UserMessage):
    """A message of our channel; the processor leaves the turn's tracker on it."""

    tracker: DialogueStateTracker | None = None


def _keep_turn_tracker(original: Callable[..., Any]) -> Callable[..., Any]:
    """MessageProcessor.log_message, handing its tracker to TurnMessages.

    Wraps the log_message it is given, so other patches of it still apply.
    """

    @functools.wraps(original)
    async def log_message(
        self: MessageProcessor, message: UserMessage, should_save_tracker: bool = True
    ) -> DialogueStateTracker:
        tracker = await original(self, message, should_save_tracker)
        if isinstance(message, TurnMessage):
            message.tracker = tracker
        return tracker

    return log_message
