"""The conversation as the tenant lived it, for the caseworker: the bot's part read from
Rasa up to the handoff, each bot turn with its options as the tenant's phone showed them
(one numbering across the turn, as the channels send it), and each button press or typed
digit shown as the option it picked, not as its payload ("/human_handoff")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from bot.core.clock import as_utc
from bot.core.rasa_client import RasaClient
from bot.lexicon import topic_labels
from bot.sms_rules import turn_blocks

BOT_SLACK_SECONDS = 5  # the bot's last turns may be stamped just after the handoff opened


@dataclass(frozen=True)
class Turn:
    author: str  # "tenant" | "bot"
    text: str
    at: datetime
    chose: bool = False  # a tenant's press on an option, shown as the option's title


def _option_title(payload: str, options: dict[str, str], language: str) -> str | None:
    """The title of the option a payload picked in the last turn; else the intent's own
    name in words (a press on an older menu, a deep link)."""
    if payload in options:
        return options[payload]
    intent = payload.lstrip("/").split("{", 1)[0]
    label = topic_labels().get(intent)
    return label.get(language, label.get("fr")) if label else None


def bot_turns(events: list[dict[str, Any]], until: datetime, language: str) -> list[Turn]:
    """The tenant's and the bot's turns of Rasa's events up to `until` (plus a slack)."""
    limit = as_utc(until).timestamp() + BOT_SLACK_SECONDS
    turns: list[Turn] = []
    said: list[dict[str, Any]] = []  # the bot messages of the turn being read
    options: dict[str, str] = {}  # payload -> title of the last bot turn's menu

    def flush() -> None:
        nonlocal said, options
        if not said:
            return
        messages = [{"text": e.get("text"), **(e.get("data") or {})} for e in said]
        blocks, menu = turn_blocks(messages)
        for event, block in zip(said, blocks, strict=True):
            if block:
                turns.append(Turn("bot", block, _at(event)))
        options = {payload: title for _, payload, title in menu}
        said = []

    for event in events:
        if event.get("timestamp", 0) > limit:
            break
        if event.get("event") == "bot" and (event.get("text") or (event.get("data") or {})):
            said.append(event)
        elif event.get("event") == "user" and event.get("text"):
            flush()
            text = str(event["text"])
            title = _option_title(text, options, language) if text.startswith("/") else None
            turns.append(Turn("tenant", title or text, _at(event), chose=title is not None))
    flush()
    return turns


def _at(event: dict[str, Any]) -> datetime:
    return datetime.fromtimestamp(event.get("timestamp", 0), timezone.utc)


async def bot_transcript(
    rasa: RasaClient, sender_id: str, until: datetime, language: str
) -> list[Turn]:
    """The bot's part of the conversation (empty if Rasa is down: the page works without)."""
    try:
        events = await rasa.events(sender_id)
    except Exception:  # the page still works without the bot's part
        return []
    return bot_turns(events, until, language)
