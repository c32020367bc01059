"""A tenant whose conversation is handed to a person, on a real gateway without Rasa: they
write by SMS (which registers them), and the action server's call opens the handoff."""

from __future__ import annotations

import sqlite3

import requests

from bot.core.pseudonyms import pseudonym
from bot.dev_defaults import DEV_INTERNAL_API_TOKEN, DEV_PSEUDONYM_KEY
from bot.devtools.gateway_process import GatewayProcess
from tests.e2e.test_channels import SmsTenant
from tests.security.console_client import database_of


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


def failed_message(gateway: GatewayProcess, handoff_id: int) -> int:
    """A message to the conversation's tenant that the outbox gave up on (as after a
    provider's refusals); its outbox id."""
    with sqlite3.connect(database_of(gateway)) as database:
        cursor = database.execute(
            "INSERT INTO outbox_message (contact_id, channel, body, status, attempts,"
            " next_attempt_at, failed_at, last_error, created_at)"
            " SELECT contact_id, channel, 'Votre rendez-vous est demain.', 'failed', 5,"
            " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'refused', CURRENT_TIMESTAMP"
            " FROM handoff WHERE id = ?",
            (handoff_id,),
        )
        database.commit()
        return int(cursor.lastrowid or 0)
