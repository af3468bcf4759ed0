"""One application followed from Telegram, WhatsApp and the web chat, and the
notifications stored for it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update

from bot.channels.web import conversation_for
from permits.db import create_engine, create_sessionmaker
from permits.demo import load_demo
from permits.models import Application, Conversation, Message, Subscription, utcnow
from permits.transcripts import ensure_conversation

TELEGRAM_CHAT = 5550001
WHATSAPP_NUMBER = "+6281234567890"
WEB_TOKEN = "pelanggan-web-token-0123456789"


@dataclass
class Subscribers:
    number: str
    telegram: str = f"telegram:{TELEGRAM_CHAT}"
    whatsapp: str = f"whatsapp:{WHATSAPP_NUMBER}"
    web: str = conversation_for(WEB_TOKEN)

    @property
    def all(self) -> list[str]:
        return [self.telegram, self.whatsapp, self.web]


async def subscribe_three_channels(database_url: str) -> Subscribers:
    """Demo data, and one application followed from Telegram, WhatsApp and the web chat."""
    engine = create_engine(database_url)
    sessions = create_sessionmaker(engine)
    async with sessions() as session:
        await load_demo(session)
        application = await session.scalar(select(Application).order_by(Application.id))
        assert application is not None
        subscribers = Subscribers(number=application.number)
        for conversation_id in subscribers.all:
            await ensure_conversation(session, conversation_id)
            session.add(
                Subscription(conversation_id=conversation_id, application_id=application.id)
            )
        # The user wrote on WhatsApp an hour ago: inside the 24-hour window.
        await session.execute(
            update(Conversation)
            .where(Conversation.id == subscribers.whatsapp)
            .values(last_inbound_at=utcnow() - timedelta(hours=1))
        )
        await session.commit()
    await engine.dispose()
    return subscribers


async def notifications_of(database_url: str) -> dict[str, list[Message]]:
    engine = create_engine(database_url)
    async with create_sessionmaker(engine)() as session:
        rows = (await session.scalars(select(Message).where(Message.kind == "notification"))).all()
    await engine.dispose()
    found: dict[str, list[Message]] = {}
    for row in rows:
        found.setdefault(row.conversation_id, []).append(row)
    return found
