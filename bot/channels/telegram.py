"""Telegram, through python-telegram-bot's Bot API client.

Webhook mode (production): Telegram POSTs updates to /telegram/webhook with the
secret token we registered in X-Telegram-Bot-Api-Secret-Token; anything else is
refused. Polling mode (a developer's laptop): getUpdates in a loop.
Buttons become inline keyboards whose callbacks come back as the chosen option;
the "share phone" button becomes Telegram's contact keyboard, and a shared
contact links the conversation only when it is the sender's own and the chat is
private: in a group everyone would read the applications, so a group is never
linked (and permits.status never lets one see personal data).
Sending goes through PTB's AIORateLimiter, which keeps under Telegram's flood
limits and retries after a 429 (RetryAfter).
A body that is not an update gets 400 (a 500 would make Telegram send it again and
again); a text the bot does not take (over TANYA_MAX_MESSAGE_CHARS, unreadable) is
answered in the chat with the web chat's sentence and kept in the transcript.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
from collections.abc import AsyncIterator
from typing import Any, ClassVar

from aiohttp import web
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    Update,
)
from telegram import (
    Message as TelegramMessage,
)
from telegram.constants import ChatType, MessageLimit
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import AIORateLimiter, ExtBot

from bot.channels.base import NOT_TEXT, split_text
from bot.conversation.inbound import refusal, request_json, storable
from bot.conversation.outbound import DeliveryFailed, Outbound
from bot.conversation.turns import Turns
from bot.keys import CHANNELS, SESSIONS, SETTINGS, TURNS
from permits.answers import SHARE_PHONE
from permits.phones import normalise_phone
from permits.status import is_shared_chat
from permits.texts import N_, _
from permits.transcripts import link_phone

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "callback_query"]
CALLBACK_DATA_LIMIT = 64  # bytes, Telegram's limit for callback_data
# Catalogue msgids, translated when sent.
LINKED = N_(
    "Terima kasih, nomor {phone} sudah ditautkan ke percakapan ini. Sekarang Anda bisa "
    'menanyakan "permohonan saya" atau meminta kabar perubahan status.'
)
NOT_OWN_CONTACT = N_(
    'Demi keamanan, yang bisa ditautkan hanya nomor Anda sendiri: tekan tombol "Bagikan '
    'nomor telepon" di bawah kotak pesan.'
)
NOT_INDONESIAN = N_("Maaf, nomor {phone} bukan nomor HP Indonesia yang bisa kami cocokkan.")
GROUP_CONTACT = N_(
    "Demi keamanan data pribadi, nomor telepon hanya bisa ditautkan di chat pribadi dengan "
    "bot ini, bukan di grup. Silakan kirim pesan langsung ke bot."
)


Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup


def callback_data_for(index: int, title: str) -> str:
    """The title when it fits (the transcript then reads naturally), else its number."""
    return title if len(title.encode()) <= CALLBACK_DATA_LIMIT else str(index)


def markup_for(
    buttons: list[dict[str, str]], asks_for_phone: bool = False, private: bool = True
) -> Markup | None:
    """Inline choices; the contact keyboard only in a private chat (Telegram offers it
    nowhere else, and a group is never linked)."""
    if asks_for_phone and private:
        share = KeyboardButton(_(SHARE_PHONE), request_contact=True)
        return ReplyKeyboardMarkup([[share]], one_time_keyboard=True, resize_keyboard=True)
    choices = [b for b in buttons if b.get("title")]
    if not choices:
        return None
    rows = [
        [InlineKeyboardButton(b["title"], callback_data=callback_data_for(i, b["title"]))]
        for i, b in enumerate(choices, 1)
    ]
    return InlineKeyboardMarkup(rows)


class TelegramChannel:
    name: ClassVar[str] = "telegram"

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(self, message: Outbound) -> str | None:
        chunks = split_text(message.text, MessageLimit.MAX_TEXT_LENGTH)
        sent: TelegramMessage | None = None
        for position, chunk in enumerate(chunks, 1):
            last = position == len(chunks)
            private = not is_shared_chat(message.conversation_id)
            markup = markup_for(message.buttons, message.asks_for_phone, private) if last else None
            sent = await self._send_chunk(message.address, chunk, markup)
        return str(sent.message_id) if sent else None

    async def _send_chunk(self, chat_id: str, text: str, markup: Markup | None) -> TelegramMessage:
        try:
            return await self.bot.send_message(chat_id=int(chat_id), text=text, reply_markup=markup)
        except (Forbidden, BadRequest) as exc:
            # The user blocked the bot, or the chat is gone: retrying cannot help.
            raise DeliveryFailed(f"telegram refused: {exc.message}", permanent=True) from exc
        except TelegramError as exc:
            raise DeliveryFailed(f"telegram error: {exc.message}") from exc


async def handle_update(app: web.Application, update: Update) -> None:
    """Turn one Telegram update into a turn, a link, or a polite refusal."""
    turns = app[TURNS]
    update_key = f"tg-{update.update_id}"
    if update.callback_query is not None:
        await _on_callback(app, turns, update, update_key)
        return
    message = update.message
    if message is None or message.from_user is None:
        return  # edits, channel posts and the like: nothing to answer
    conversation_id = f"telegram:{message.chat.id}"
    if message.contact is not None:
        await _on_contact(app, turns, conversation_id, message, update_key)
    elif isinstance(message.text, str) and message.text:  # PTB does not check types
        await _on_text(app, turns, conversation_id, message.text, update_key)
    else:
        await turns.reply_directly(conversation_id, "[bukan teks]", update_key, _(NOT_TEXT))


async def _on_text(
    app: web.Application, turns: Turns, conversation_id: str, text: str, key: str
) -> None:
    refused = refusal(text, app[SETTINGS].max_message_chars)
    if refused is not None:
        log.info("telegram message refused", extra={"chars": len(text)})
        await turns.reply_directly(conversation_id, storable(text), key, refused)
        return
    if text.strip().startswith("/start"):
        text = "halo"
    await turns.receive(conversation_id, text, key)


async def _on_callback(app: web.Application, turns: Turns, update: Update, key: str) -> None:
    query = update.callback_query
    assert query is not None
    with contextlib.suppress(TelegramError):
        await query.answer()  # stops the button's spinner; harmless if it is too late
    if query.message is None or not query.data:
        return
    await turns.receive(f"telegram:{query.message.chat.id}", query.data, key)


async def _on_contact(
    app: web.Application,
    turns: Turns,
    conversation_id: str,
    message: TelegramMessage,
    key: str,
) -> None:
    contact, sender = message.contact, message.from_user
    assert contact is not None and sender is not None
    if message.chat.type != ChatType.PRIVATE:
        log.info("telegram contact shared in a group: not linked")
        await turns.reply_directly(conversation_id, "[kontak di grup]", key, _(GROUP_CONTACT))
        return
    if contact.user_id != sender.id:
        answer = _(NOT_OWN_CONTACT)
        await turns.reply_directly(conversation_id, "[kontak orang lain]", key, answer)
        return
    phone = normalise_phone(contact.phone_number)
    if phone is None:
        answer = _(NOT_INDONESIAN, phone=contact.phone_number)
        await turns.reply_directly(conversation_id, "[kontak dibagikan]", key, answer)
        return
    async with app[SESSIONS]() as session:
        await link_phone(session, conversation_id, phone)
    log.info("telegram conversation linked to a phone")
    await turns.reply_directly(conversation_id, "[kontak dibagikan]", key, _(LINKED, phone=phone))


async def webhook(request: web.Request) -> web.Response:
    expected = request.app[SETTINGS].telegram_secret_token
    given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        log.warning("telegram webhook with a wrong secret token refused")
        return web.json_response({"error": "token rahasia tidak sah"}, status=403)
    try:
        data: Any = await request_json(request)  # 413 if over client_max_size
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            raise ValueError("not an update")
        update = Update.de_json(data, request.app[TELEGRAM].bot)
    except (ValueError, LookupError, TypeError, AttributeError, ArithmeticError):
        # de_json only parses; whatever a malformed field provokes in it lands here.
        return web.json_response({"error": "update Telegram tidak sah"}, status=400)
    await handle_update(request.app, update)
    return web.json_response({"ok": True})


async def poll_forever(app: web.Application, bot: Bot, wait_seconds: int = 25) -> None:
    """Long-poll getUpdates; each update is confirmed by asking past it."""
    offset: int | None = None
    while True:
        try:
            updates = await bot.get_updates(
                offset=offset, timeout=wait_seconds, allowed_updates=ALLOWED_UPDATES
            )
        except TelegramError as exc:
            log.warning("telegram polling failed", extra={"reason": str(exc)})
            await asyncio.sleep(2)
            continue
        for update in updates:
            try:
                await handle_update(app, update)
            except Exception:
                # Not confirmed: the next getUpdates returns it again.
                log.exception("telegram update not handled")
                await asyncio.sleep(2)
                break
            offset = update.update_id + 1


async def telegram_bot(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    bot = ExtBot(
        settings.telegram_token,
        base_url=settings.telegram_api_url,
        rate_limiter=AIORateLimiter(max_retries=3),
    )
    await bot.initialize()
    channel = TelegramChannel(bot)
    app[TELEGRAM] = channel
    app[CHANNELS][channel.name] = channel
    polling: asyncio.Task[None] | None = None
    if settings.telegram_mode == "polling":
        await bot.delete_webhook()
        polling = asyncio.create_task(poll_forever(app, bot), name="telegram-polling")
    elif settings.telegram_set_webhook:
        await bot.set_webhook(
            f"{settings.public_url.rstrip('/')}/telegram/webhook",
            secret_token=settings.telegram_secret_token,
            allowed_updates=ALLOWED_UPDATES,
        )
    log.info("telegram channel ready", extra={"mode": settings.telegram_mode})
    yield
    if polling is not None:
        polling.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await polling
    await bot.shutdown()


TELEGRAM = web.AppKey("telegram", TelegramChannel)


def setup(app: web.Application) -> None:
    app.cleanup_ctx.append(telegram_bot)
    app.router.add_post("/telegram/webhook", webhook)
