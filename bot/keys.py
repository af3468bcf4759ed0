"""Shared gateway state, declared once. Channel modules declare their own keys."""

from __future__ import annotations

from aiohttp import web
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.bus import Bus
from bot.channels.base import Channel
from bot.delivery import DeliveryWorker
from bot.rasa import RasaClient
from bot.settings import GatewaySettings
from bot.turns import Turns

SETTINGS = web.AppKey("settings", GatewaySettings)
RASA = web.AppKey("rasa", RasaClient)
SESSIONS = web.AppKey("sessions", async_sessionmaker[AsyncSession])
TURNS = web.AppKey("turns", Turns)
DELIVERY = web.AppKey("delivery", DeliveryWorker)
CHANNELS = web.AppKey("channels", dict[str, Channel])
REDIS: web.AppKey[Redis | None] = web.AppKey("redis")
BUS: web.AppKey[Bus] = web.AppKey("bus")
