"""Rasa custom actions (rasa-sdk). Thin: facts come from `permits`, text is formatted here."""
