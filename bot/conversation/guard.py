"""Text starting with "/" would trigger Rasa intents directly, bypassing NLU.

Only payloads of buttons the bot itself offered in its last answer may pass;
a button's title typed as text counts as choosing it, and so does its number
(WhatsApp shows buttons as a numbered list). The offered buttons are kept on the
conversation's row (written with each answer, see settle_inbound), so any replica,
and a restarted one, knows them; they are read with the turn's context
(bot/conversation/diversions.py, turn_context).
"""

from __future__ import annotations


def screen(text: str, buttons: list[dict[str, str]]) -> str:
    """The text to give Rasa: an offered payload, or the text without leading slashes."""
    offered = {b["payload"]: b["payload"] for b in buttons if b.get("payload")}
    offered.update(
        {
            b["title"].strip().lower(): b["payload"]
            for b in buttons
            if b.get("title") and b.get("payload")
        }
    )
    offered.update({str(i): b["payload"] for i, b in enumerate(buttons, 1) if b.get("payload")})
    chosen = offered.get(text.strip()) or offered.get(text.strip().lower())
    if chosen is not None:
        return chosen
    return text.lstrip().lstrip("/").strip() if text.lstrip().startswith("/") else text
