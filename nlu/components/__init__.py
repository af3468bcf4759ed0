"""Custom Rasa components, imported by the engine (Python 3.10, rasa 3.6)."""
