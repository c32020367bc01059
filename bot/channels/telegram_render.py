"""A bot turn as Telegram messages: one message per bot message, its buttons as an inline
keyboard whose callback_data are short tokens (Telegram allows 64 bytes; a Rasa payload
with entities is longer), texts escaped for HTML and split under 4,096 characters."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from bot.outbox.rendering import telegram_html

MAX_TEXT = 4096
PARSE_MODE = "HTML"


@dataclass
class TelegramMessage:
    text: str  # escaped for PARSE_MODE
    buttons: list[tuple[str, str]] = field(default_factory=list)  # (title, token)


@dataclass
class TelegramTurn:
    messages: list[TelegramMessage]
    options: list[tuple[str, str, str]]  # (token, payload, title), stored per contact


def new_token() -> str:
    return secrets.token_urlsafe(8)  # 11 characters


def render_turn(messages: list[dict[str, Any]]) -> TelegramTurn:
    rendered: list[TelegramMessage] = []
    options: list[tuple[str, str, str]] = []
    for message in messages:
        buttons = []
        for button in message.get("buttons") or []:
            token = new_token()
            title = str(button.get("title", ""))
            options.append((token, str(button.get("payload", "")), title))
            buttons.append((title, token))
        chunks = split(telegram_html(message.get("text") or "")) or [""]
        rendered += [TelegramMessage(chunk) for chunk in chunks[:-1]]
        rendered.append(TelegramMessage(chunks[-1], buttons))
    return TelegramTurn([m for m in rendered if m.text or m.buttons], options)


def split(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Cut at paragraph, then line, then word ends, never inside an HTML entity."""
    chunks = []
    while len(text) > limit:
        cut = max(text.rfind(mark, 0, limit) for mark in ("\n\n", "\n", " "))
        if cut <= 0:
            cut = limit
            entity = text.rfind("&", 0, cut)
            if entity != -1 and ";" not in text[entity:cut]:
                cut = entity
        chunks.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text:
        chunks.append(text)
    return chunks
