"""Rasa custom actions (rasa-sdk). Thin: facts come from `permits`, the texts from its message
catalogue (permits/texts.py); the actions choose and fill them."""
