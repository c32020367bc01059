"""Keeps tenants' words out of Rasa's structured logs.

Rasa 3.6 logs some events with the message in them, e.g. `rest.message.received.timeout`
with the tenant's text at ERROR level when the gateway gives up on a turn. Its own redaction
hook is a Rasa Pro feature, and setting it would also make Rasa reload the tracker on every
turn, so a processor of ours goes first in structlog's chain instead. It keeps the event's
name, level and numbers, and replaces every other value."""

from __future__ import annotations

from typing import Any

import structlog

REDACTED = "[redacted]"
# Values that say what happened, never what the tenant wrote.
KEPT_KEYS = frozenset(
    {
        "event",
        "event_info",
        "event_key",
        "level",
        "log_level",
        "timestamp",
        "logger",
        "exc_info",
        "stack_info",
        "action_name",
        "policy_name",
        "intent_name",
        "sender_id",
        "conversation_id",
    }
)


def redact(_logger: Any, _method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    for key, value in event_dict.items():
        if key in KEPT_KEYS or isinstance(value, (bool, int, float)) or value is None:
            continue
        event_dict[key] = REDACTED
    return event_dict


def apply() -> None:
    """Put `redact` first in the processors Rasa configured. The list is changed in place:
    loggers Rasa already made hold that very list."""
    processors = structlog.get_config()["processors"]
    if redact not in processors:
        processors.insert(0, redact)
