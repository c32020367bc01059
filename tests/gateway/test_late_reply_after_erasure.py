"""A tenant who confirms "delete my data" in a turn slower than the SMS deadline: the
erasure is carried out (nothing of the tenant stays, not even in the outbox) and the
confirmation still reaches the phone, sent directly once the erasure is committed."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import func, select

from bot.contacts.models import Contact
from bot.outbox.models import OutboxMessage
from tests.gateway.channel_fixtures import (
    INTERNAL,
    TENANT,
    replies,
    running_channels,
    scripted_reply,
)

CONFIRMED = "oui, effacez tout"
DONE = "C'est fait. Vos données sont effacées."


def test_a_late_erasure_confirmation_is_sent_directly_and_nothing_is_kept(tmp_path):
    with running_channels(tmp_path, sms_reply_deadline_seconds=0.5) as channels:
        token = channels.settings.internal_api_token.get_secret_value()

        def reply(sender: str, text: str) -> list[dict[str, Any]]:
            if text != CONFIRMED:
                return scripted_reply(sender, text)
            # the action server asks for the erasure during the turn, as actions/ does
            asked = channels.client.post(
                f"{INTERNAL}/internal/erasure",
                json={"sender_id": sender},
                headers={"Authorization": f"Bearer {token}"},
            )
            assert asked.status_code == 202
            time.sleep(1.5)  # past the webhook's deadline: the answer goes later
            return [{"recipient_id": sender, "text": DONE}]

        replies(channels.sms("bonjour"))
        channels.rasa.reply = reply
        assert replies(channels.sms(CONFIRMED)) == []  # nothing within the deadline
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not _sent(channels, DONE):
            time.sleep(0.05)
        (sent,) = _sent(channels, DONE)
        assert sent["To"] == TENANT
        with channels.sessions() as session:
            assert session.scalar(select(func.count()).select_from(Contact)) == 0
            assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def _sent(channels: Any, body: str) -> list[dict[str, Any]]:
    return [message for message in channels.twilio.sent() if message.get("Body") == body]
