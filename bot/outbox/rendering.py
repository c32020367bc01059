"""How a text written for a tenant goes out on their channel, defined once: as SMS, in GSM-7
letters (bot/sms_rules.py) within the SMS budget of CONTENT.md (one message when it fits two
segments; when longer, up to three messages cut at list items, lines or sentence ends); on
WhatsApp, as written (one message up to its 4,096 characters); on Telegram, as HTML (the
text escaped, since Telegram messages are sent with parse_mode HTML)."""

from __future__ import annotations

import html
import re

from bot.sms_rules import HARD_MAX_SEGMENTS, MAX_SEGMENTS, measure, to_gsm7

SENTENCE_END = re.compile(r"(?<=[.!?:])\s+")
ITEM_START = re.compile(r"^\d+\. ")  # "2. École de devoirs": a search result begins
WHATSAPP_LIMIT = 4096  # characters in one WhatsApp message


def bodies_for(channel: str, text: str) -> list[str]:
    """The message bodies `text` becomes on `channel`, in the order they are sent."""
    if channel in ("sms", "voice"):  # a caller gets what is written to them by SMS
        return split_sms(to_gsm7(text))
    if channel == "whatsapp":
        return split_whatsapp(text)
    if channel == "telegram":
        return [telegram_html(text)]
    raise ValueError(f"no rendering for the channel {channel!r}")


def split_whatsapp(text: str) -> list[str]:
    """One message up to WhatsApp's limit; a longer text cut at lines (a line longer than
    the limit, at the limit)."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > WHATSAPP_LIMIT:
            parts += [current] if current else []
            parts.append(line[:WHATSAPP_LIMIT])
            current, line = "", line[WHATSAPP_LIMIT:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > WHATSAPP_LIMIT:
            parts.append(current)
            current = line
        else:
            current = candidate
    return [*parts, current] if current else parts


def telegram_html(text: str) -> str:
    """Plain text as Telegram's HTML: <, > and & escaped, quotes kept."""
    return html.escape(text, quote=False)


def split_sms(body: str) -> list[str]:
    """One message when it fits the budget; else up to three, cut between list items
    ("2. ..."), menu lines, lines or sentences, each filling one segment where it can
    (the last takes what is left). `body` is already GSM-7 (bot.sms_rules.to_gsm7)."""
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
