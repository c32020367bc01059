"""A tenant's own words reach Rasa as words. Rasa reads a message that starts with "/" as
a command (`/intent{"entity": "value"}`: an intent and entities set directly, without the
NLU), which is how the gateway sends the payloads it produced itself (a menu digit, a
Telegram button). Tenant text that looks like one would force an intent or an entity (an
urgent handoff, another company's queue), so its leading slashes are dropped."""

from __future__ import annotations

import re

_COMMAND_PREFIX = re.compile(r"^[\s/]*/\s*")


def as_tenant_text(body: str) -> str:
    """The text with any leading slashes (and the spaces around them) removed."""
    return _COMMAND_PREFIX.sub("", body, count=1)
