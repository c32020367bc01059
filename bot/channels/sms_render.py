"""A bot turn as SMS: every message of the turn in one reply, buttons as a numbered menu,
GSM-7 letters, and the SMS budget of CONTENT.md (2 segments; when a turn is longer, up to 3
messages split at line or sentence ends)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.outbox.rendering import split_sms
from bot.sms_rules import measure, to_gsm7, turn_blocks


@dataclass
class SmsReply:
    parts: list[str]
    options: list[tuple[str, str, str]] = field(default_factory=list)  # (key, payload, title)
    erased: bool = False  # the turn erased the tenant: nothing may go through the outbox

    @property
    def segments(self) -> int:
        return sum(measure(part).segments for part in self.parts)


def render_turn(messages: list[dict[str, Any]]) -> SmsReply:
    blocks, options = turn_blocks(messages)
    body = to_gsm7("\n".join(block for block in blocks if block)).strip()
    return SmsReply(split_sms(body) if body else [], options)
