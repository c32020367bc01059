"""Sending Telegram messages with python-telegram-bot, for the outbox: its rate limiter
(30 messages/s overall) retries on RetryAfter; the outbox paces each chat to 1 message/s
and retries network errors. A contact whose address is not a chat id fails at once (the
outbox then sends the contact's next messages)."""

from __future__ import annotations

import asyncio
import time

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import (
    BadRequest,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import AIORateLimiter, ExtBot

from bot.channels.telegram_render import PARSE_MODE
from bot.outbox.delivery import Delivery, PermanentFailure, TemporaryFailure

PER_CHAT_INTERVAL_SECONDS = 1.0


def make_bot(token: str, api_url: str) -> ExtBot:
    return ExtBot(token, base_url=api_url, rate_limiter=AIORateLimiter(max_retries=3))


class TelegramSender:
    def __init__(self, bot: ExtBot) -> None:
        self.bot = bot
        self._last_sent: dict[str, float] = {}

    async def send(self, delivery: Delivery) -> str:
        try:
            chat_id = int(delivery.address)
        except (TypeError, ValueError) as error:  # the text would quote the address
            raise PermanentFailure("Telegram: the address is not a chat id") from error
        await self._pace(delivery.address)
        markup = None
        if delivery.buttons:
            markup = InlineKeyboardMarkup(
                [
                    [InlineKeyboardButton(title, callback_data=token)]
                    for title, token in delivery.buttons
                ]
            )
        try:
            message = await self.bot.send_message(
                chat_id=chat_id,
                text=delivery.body,
                parse_mode=PARSE_MODE,
                reply_markup=markup,
            )
        except (BadRequest, Forbidden) as error:  # before NetworkError: BadRequest is one
            raise PermanentFailure(f"Telegram refused: {type(error).__name__}") from error
        except (RetryAfter, TimedOut, NetworkError) as error:
            raise TemporaryFailure(f"Telegram: {type(error).__name__}") from error
        except TelegramError as error:
            raise PermanentFailure(f"Telegram: {type(error).__name__}") from error
        return str(message.message_id)

    async def _pace(self, chat: str) -> None:
        wait = self._last_sent.get(chat, 0.0) + PER_CHAT_INTERVAL_SECONDS - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        self._last_sent[chat] = time.monotonic()
