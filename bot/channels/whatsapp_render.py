"""A bot turn as WhatsApp messages: the same numbered menu as on SMS (its digits map back
the same way), but full Unicode (no GSM-7 folding) and no SMS segment budget. The turn's
messages go as one WhatsApp message, a blank line between them: Twilio does not promise
the order of several messages in one answer, and the menu must come after its question.
Only a turn longer than WhatsApp's 4,096 characters is cut, at lines."""

from __future__ import annotations

from typing import Any

from bot.channels.sms_render import SmsReply
from bot.outbox.rendering import split_whatsapp
from bot.sms_rules import turn_blocks


def render_whatsapp_turn(messages: list[dict[str, Any]]) -> SmsReply:
    blocks, options = turn_blocks(messages)
    body = "\n\n".join(block for block in blocks if block).strip()
    return SmsReply(split_whatsapp(body) if body else [], options)
