"""An SMS whose turn outlives its webhook (Twilio has its 200 and will not send it again)
is not lost when the gateway worker running it dies: its pending turn is run again by
another worker once the lease runs out, and the tenant gets the reply once."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from bot.contacts.models import Contact, InboundMessage, PendingTurn
from bot.contacts.pending_turns import hold
from bot.contacts.store import find_or_register
from bot.core.clock import utcnow
from bot.privacy.erasure import erase_gateway_records
from tests.gateway.channel_fixtures import TENANT, replies, running_channels, scripted_reply

FAST = {"sms_reply_deadline_seconds": 0.3, "late_turn_lease_seconds": 1.0}


def _sent(channels: Any, body: str) -> list[dict[str, Any]]:
    return [message for message in channels.twilio.sent() if message.get("Body") == body]


def _wait_for(condition: Any, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not condition():
        time.sleep(0.05)


def _pending(channels: Any) -> list[tuple[str, str]]:
    with channels.sessions() as session:
        return [(row.external_id, row.message) for row in session.scalars(select(PendingTurn))]


def test_a_turn_cut_by_its_workers_death_is_run_again_and_answered_once(tmp_path):
    """What a killed worker leaves: the tenant registered, the turn pending under a lease
    that has run out, no outcome. Another worker (here, this process's recovery loop) runs
    the turn again and the reply reaches the phone; Twilio's retry of it is then dropped."""
    with running_channels(tmp_path, **FAST) as channels:
        secret = channels.settings.pseudonym_key.get_secret_value()
        with channels.sessions() as session:
            contact = find_or_register(session, secret, "sms", TENANT)
            hold(session, "sms", "SM" + "d" * 32, contact.id, "mon chauffage", utcnow())
            session.commit()
        _wait_for(lambda: _sent(channels, "echo: mon chauffage"))
        assert [m["To"] for m in _sent(channels, "echo: mon chauffage")] == [TENANT]
        assert _pending(channels) == []
        assert replies(channels.sms("mon chauffage", sid="SM" + "d" * 32)) == []  # a retry
        time.sleep(1.5)  # a second lease: nothing more is sent
        assert len(_sent(channels, "echo: mon chauffage")) == 1
        assert len(channels.rasa.messages()) == 1


def test_a_turn_slower_than_its_lease_is_answered_once(tmp_path):
    """A live worker's turn that outlasts its lease is taken over (Rasa is asked again, as
    it would replay the turn), but only one run's reply goes out."""
    with running_channels(tmp_path, **FAST) as channels:

        def slow(sender: str, text: str) -> list[dict[str, Any]]:
            if text == "lent":
                time.sleep(2.0)  # past the webhook's deadline and past the lease
            return scripted_reply(sender, text)

        channels.rasa.reply = slow
        assert replies(channels.sms("lent")) == []  # the answer comes later, by SMS
        assert [message for _, message in _pending(channels)] == ["lent"]
        _wait_for(lambda: _sent(channels, "echo: lent") and not _pending(channels))
        time.sleep(3)  # both runs are over
        assert len(channels.rasa.messages()) >= 2  # taken over (Rasa asked again)
        assert len(_sent(channels, "echo: lent")) == 1
        assert _pending(channels) == []
        with channels.sessions() as session:
            assert session.scalar(select(func.count()).select_from(InboundMessage)) == 1


def test_a_turn_within_the_deadline_leaves_nothing_pending(tmp_path):
    with running_channels(tmp_path, **FAST) as channels:
        assert replies(channels.sms("bonjour")) == ["echo: bonjour"]
        assert _pending(channels) == []


def test_erasure_deletes_a_pending_turn_with_its_text(tmp_path):
    with running_channels(tmp_path, **FAST) as channels:
        secret = channels.settings.pseudonym_key.get_secret_value()
        with channels.sessions() as session:
            contact = find_or_register(session, secret, "sms", TENANT)
            later = utcnow() + timedelta(hours=1)
            hold(session, "sms", "SM" + "e" * 32, contact.id, "mon adresse", later)
            session.commit()
            erase_gateway_records(session, contact.id)
            session.commit()
            assert session.scalar(select(func.count()).select_from(Contact)) == 0
        assert _pending(channels) == []
