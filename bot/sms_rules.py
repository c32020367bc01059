"""SMS text rules shared by the content tests and the SMS channel: typographic
normalisation to GSM-7, segment counting (smsutil) and the numbered-menu rendering of
buttons. See ../shared/CONTENT.md, "SMS budget"."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import smsutil

MAX_SEGMENTS = 2  # a reply to one tenant message; 3 only when unavoidable
HARD_MAX_SEGMENTS = 3
GSM7 = "gsm0338"

# Typographic characters outside GSM-7 that have a plain GSM-7 equivalent.
_TYPOGRAPHY = str.maketrans(
    {
        "’": "'",
        "‘": "'",
        "`": "'",
        "´": "'",
        "«": '"',
        "»": '"',
        "“": '"',
        "”": '"',
        "„": '"',
        "–": "-",
        "—": "-",
        "‑": "-",
        "\u00a0": " ",
        "\u202f": " ",
        "…": "...",
    }
)
FORBIDDEN_TYPOGRAPHY = frozenset("’‘«»“”„–—…\u00a0\u202f")


@dataclass(frozen=True)
class SmsSize:
    encoding: str  # "gsm0338" (GSM-7) or "utf_16_be" (UCS-2)
    segments: int

    @property
    def gsm7(self) -> bool:
        return self.encoding == GSM7


def normalise(text: str) -> str:
    """Replace typographic characters by their GSM-7 equivalents."""
    return text.translate(_TYPOGRAPHY)


_LIGATURES = {"œ": "oe", "Œ": "OE"}


def _in_gsm7(character: str) -> bool:
    try:
        character.encode(GSM7)
    except UnicodeEncodeError:
        return False
    return True


def to_gsm7(text: str) -> str:
    """Text from data (names, addresses) made cheap for SMS: typography normalised, and
    accented letters that GSM-7 lacks (ê ç î ô û ë ï) written without their accent, so one
    "Chêne" does not turn a whole reply into Unicode (70 characters per segment)."""
    folded = []
    for character in normalise(text):
        if _in_gsm7(character):
            folded.append(character)
            continue
        plain = _LIGATURES.get(character) or "".join(
            part
            for part in unicodedata.normalize("NFKD", character)
            if not unicodedata.combining(part)
        )
        folded.append(plain if plain and all(_in_gsm7(part) for part in plain) else character)
    return "".join(folded)


def measure(text: str) -> SmsSize:
    """Encoding and number of segments the text costs as one SMS."""
    split = smsutil.split(text)
    return SmsSize(split.encoding, len(split.parts))


# Options that keep the same digit wherever they appear (CONTENT.md: 0 is the menu, which
# the SMS channel also takes as a keyword; 9 is "more results", 8 "remind me" of a result).
MENU_PAYLOAD = "/ask_capabilities"  # what the capabilities rule answers: who I am + menu
RESERVED_KEYS = {"/remind_me": "8", "/more_results": "9", MENU_PAYLOAD: "0"}


def menu_keys(payloads: Iterable[str]) -> list[str]:
    """The digit a tenant types for each option: 1, 2, 3... and the reserved ones."""
    keys, number = [], 0
    for payload in payloads:
        if payload in RESERVED_KEYS:
            keys.append(RESERVED_KEYS[payload])
        else:
            number += 1
            keys.append(str(number))
    return keys


def numbered_menu(titles: Iterable[str], keys: Iterable[str] | None = None) -> str:
    """Buttons as an SMS menu: one option per line, digits from 1 (or the given keys)."""
    titles = list(titles)
    keys = list(keys) if keys is not None else [str(n) for n in range(1, len(titles) + 1)]
    return "\n".join(f"{key} {title}" for key, title in zip(keys, titles, strict=True))


def render(text: str, button_titles: Iterable[str] = (), keys: Iterable[str] | None = None) -> str:
    """A bot message as the tenant's phone shows it."""
    menu = numbered_menu(button_titles, keys)
    return normalise("\n".join(part for part in (text, menu) if part))


def turn_blocks(
    messages: list[dict[str, Any]],
) -> tuple[list[str], list[tuple[str, str, str]]]:
    """Each message's text with its buttons as a numbered menu, and the menu's options
    (one numbering across the turn): what the tenant's phone shows, and what each digit
    picks (the channels, and the console's transcript)."""
    buttons = [button for message in messages for button in message.get("buttons") or []]
    keys = iter(menu_keys(button.get("payload", "") for button in buttons))
    options: list[tuple[str, str, str]] = []
    blocks = []
    for message in messages:
        own = message.get("buttons") or []
        own_keys = [next(keys) for _ in own]
        options += [
            (key, button.get("payload", ""), button.get("title", ""))
            for key, button in zip(own_keys, own, strict=True)
        ]
        menu = numbered_menu([button.get("title", "") for button in own], own_keys)
        blocks.append("\n".join(part for part in (message.get("text") or "", menu) if part))
    return blocks, options
