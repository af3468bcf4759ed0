"""Text starting with "/" would trigger Rasa intents directly, bypassing NLU.

Only payloads of buttons the bot itself offered in its last answer may pass;
a button's title typed as text counts as choosing it, and so does its number
(WhatsApp shows buttons as a numbered list).
"""

from __future__ import annotations

from collections import OrderedDict

MAX_CONVERSATIONS = 10_000


class ButtonGuard:
    def __init__(self, capacity: int = MAX_CONVERSATIONS) -> None:
        self._offered: OrderedDict[str, dict[str, str]] = OrderedDict()
        self._capacity = capacity

    def remember(self, conversation_id: str, buttons: list[dict[str, str]]) -> None:
        """Record the buttons of the latest answer (replacing older ones)."""
        offered = {b["payload"]: b["payload"] for b in buttons if b.get("payload")}
        offered.update(
            {
                b["title"].strip().lower(): b["payload"]
                for b in buttons
                if b.get("title") and b.get("payload")
            }
        )
        offered.update({str(i): b["payload"] for i, b in enumerate(buttons, 1) if b.get("payload")})
        self._offered[conversation_id] = offered
        self._offered.move_to_end(conversation_id)
        while len(self._offered) > self._capacity:
            self._offered.popitem(last=False)

    def screen(self, conversation_id: str, text: str) -> str:
        """The text to give Rasa: an offered payload, or the text without leading slashes."""
        offered = self._offered.get(conversation_id, {})
        chosen = offered.get(text.strip()) or offered.get(text.strip().lower())
        if chosen is not None:
            return chosen
        return text.lstrip().lstrip("/").strip() if text.lstrip().startswith("/") else text
