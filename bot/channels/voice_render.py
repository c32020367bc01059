"""A bot turn for the ear (bot/channels/voice.py): each message as short spoken sentences,
buttons as "for X, press 1 or say X" (the digits the SMS menu would give), search results
apart so that the call reads them one at a time, safety messages marked (read slowly and
twice), and the turn's text as an SMS for the caller who wants to keep it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.channels.voice_speech import MENU_LINE, PHONE, plain, results, sentences
from bot.channels.voice_texts import voice_text
from bot.handoff.safety_texts import safety_texts
from bot.sms_rules import turn_blocks

# A hint for screens, "(Nederlands? Typ NL)" or "(FRANÇAIS: tapez FR)": on the phone the
# language is chosen by key.
LANGUAGE_HINT = re.compile(r"\([^()]*\b(?:NL|FR)\s*\)")


@dataclass
class SpokenTurn:
    """`said`: blocks of sentences, each (sentences, is_safety). `items`: search results,
    each a list of sentences, read one at a time after `said`. `options`: (key, payload,
    title) as stored for the keypad. `sms`: the turn as text (for "3 for an SMS")."""

    said: list[tuple[list[str], bool]] = field(default_factory=list)
    items: list[list[str]] = field(default_factory=list)
    options: list[tuple[str, str, str]] = field(default_factory=list)
    sms: str = ""

    @property
    def danger(self) -> bool:
        return any(safety for _, safety in self.said)

    @property
    def worth_keeping(self) -> bool:
        """Something to write down: results, a phone number, a guide's steps."""
        return bool(self.items) or bool(PHONE.search(self.sms)) or len(self.sms) > 160


def spoken_turn(messages: list[dict[str, Any]], language: str) -> SpokenTurn:
    _, options = turn_blocks(messages)
    turn = SpokenTurn(options=options)
    known_safety = safety_texts()
    kept = []
    for message in messages:
        text = LANGUAGE_HINT.sub("", message.get("text") or "").strip()
        if not text:
            continue
        header, items = results(text)
        if items:
            turn.items += [sentences(item, language) for item in items]
            text = header
        kept.append(MENU_LINE.sub("", LANGUAGE_HINT.sub("", message.get("text") or "")).strip())
        said = sentences(text, language)
        if said:
            turn.said.append((said, (message.get("text") or "") in known_safety))
    turn.sms = "\n".join(part for part in kept if part)
    return turn


def option_sentences(options: list[tuple[str, str, str]], language: str) -> list[str]:
    return [
        voice_text("option", language, words=_in_sentence(plain(title, language)), key=key)
        for key, _, title in options
        if title
    ]


def _in_sentence(title: str) -> str:
    """A button's title inside a sentence: "Me le rappeler" -> "me le rappeler" (an
    acronym such as "EPN" keeps its capitals)."""
    title = title.rstrip(".")
    if len(title) > 1 and title[0].isupper() and not title[1].isupper():
        return title[0].lower() + title[1:]
    return title
