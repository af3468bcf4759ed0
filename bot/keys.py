"""Shared gateway state, declared once. Channel modules declare their own keys."""

from __future__ import annotations

from aiohttp import web
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.bus import Bus
from bot.conversation.delivery import DeliveryWorker
from bot.conversation.outbound import Channel
from bot.conversation.rasa import RasaClient
from bot.conversation.turns import Turns
from bot.settings import GatewaySettings

SETTINGS = web.AppKey("settings", GatewaySettings)
RASA = web.AppKey("rasa", RasaClient)
SESSIONS = web.AppKey("sessions", async_sessionmaker[AsyncSession])
TURNS = web.AppKey("turns", Turns)
DELIVERY = web.AppKey("delivery", DeliveryWorker)
CHANNELS = web.AppKey("channels", dict[str, Channel])
REDIS: web.AppKey[Redis | None] = web.AppKey("redis")
BUS: web.AppKey[Bus] = web.AppKey("bus")
