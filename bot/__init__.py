"""The gateway: one aiohttp application in front of Rasa (channels, console, admin come here)."""
