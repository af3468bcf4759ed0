"""Every piece of shared gateway state, declared once."""

from __future__ import annotations

from aiohttp import web

from bot.guard import ButtonGuard
from bot.ordering import ConversationLocks
from bot.rasa import RasaClient
from bot.settings import GatewaySettings

SETTINGS = web.AppKey("settings", GatewaySettings)
RASA = web.AppKey("rasa", RasaClient)
LOCKS = web.AppKey("locks", ConversationLocks)
BUTTONS = web.AppKey("buttons", ButtonGuard)
