"""A bot turn as SMS: every message of the turn in one reply, buttons as a numbered menu,
GSM-7 letters, and the SMS budget of CONTENT.md (2 segments; when a turn is longer, up to 3
messages split at line or sentence ends)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.sms_rules import (
    HARD_MAX_SEGMENTS,
    MAX_SEGMENTS,
    measure,
    menu_keys,
    numbered_menu,
    to_gsm7,
)

SENTENCE_END = re.compile(r"(?<=[.!?:])\s+")
ITEM_START = re.compile(r"^\d+\. ")  # "2. École de devoirs": a search result begins


@dataclass
class SmsReply:
    parts: list[str]
    options: list[tuple[str, str, str]] = field(default_factory=list)  # (key, payload, title)

    @property
    def segments(self) -> int:
        return sum(measure(part).segments for part in self.parts)


def render_turn(messages: list[dict[str, Any]]) -> SmsReply:
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
    body = to_gsm7("\n".join(block for block in blocks if block)).strip()
    return SmsReply(split(body) if body else [], options)


def split(body: str) -> list[str]:
    """One message when it fits the budget; else up to three, cut between list items
    ("2. ..."), menu lines, lines or sentences, each filling one segment where it can
    (the last takes what is left)."""
    if measure(body).segments <= MAX_SEGMENTS:
        return [body]
    pieces = [piece for block in _blocks(body) for piece in _fitting(block)]
    parts: list[str] = []
    current = ""
    for piece in pieces:
        candidate = f"{current}\n{piece}" if current else piece
        if current and measure(candidate).segments > 1 and len(parts) < HARD_MAX_SEGMENTS - 1:
            parts.append(current)
            current = piece
        else:
            current = candidate
    parts.append(current)
    return parts


def _blocks(body: str) -> list[str]:
    """Lines grouped so that a numbered result keeps its lines together."""
    blocks: list[str] = []
    for line in body.split("\n"):
        if blocks and not ITEM_START.match(line) and not ITEM_START.match(blocks[-1]):
            blocks.append(line)
        elif blocks and not ITEM_START.match(line):
            blocks[-1] += f"\n{line}"
        else:
            blocks.append(line)
    return blocks


def _fitting(block: str) -> list[str]:
    """A block cut at its lines, then its sentences, only when it is over one segment."""
    if measure(block).segments <= 1:
        return [block]
    lines = block.split("\n")
    if len(lines) > 1:
        return [piece for line in lines for piece in _fitting(line)]
    return [sentence for sentence in SENTENCE_END.split(block) if sentence]
