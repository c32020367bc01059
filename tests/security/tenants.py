"""A tenant whose conversation is handed to a person, on a real gateway without Rasa: they
write by SMS (which registers them), and the action server's call opens the handoff."""

from __future__ import annotations

import requests

from bot.core.pseudonyms import pseudonym
from bot.dev_defaults import DEV_INTERNAL_API_TOKEN, DEV_PSEUDONYM_KEY
from bot.devtools.gateway_process import GatewayProcess
from tests.e2e.test_channels import SmsTenant


def open_conversation(gateway: GatewayProcess, number: str) -> int:
    """The handoff's id."""
    SmsTenant(gateway.url, number).say("bonjour")
    opened = requests.post(
        f"{gateway.internal_url}/internal/handoffs",
        json={
            "sender_id": pseudonym(DEV_PSEUDONYM_KEY, "sms", number),
            "reason": "asked",
            "language": "fr",
            "channel": "sms",
        },
        headers={"Authorization": f"Bearer {DEV_INTERNAL_API_TOKEN}"},
        timeout=30,
    )
    assert opened.status_code in (200, 201), opened.text
    return int(opened.json()["id"])
