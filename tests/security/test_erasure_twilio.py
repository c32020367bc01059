"""Erasure reaches Twilio's copies, against the real gateway process and a loopback Twilio:
when an SMS tenant has their data erased ("EFFACER OUI"), the gateway deletes every message
to or from their number in Twilio's log through Twilio's API, and nobody else's; a Twilio
outage delays it without losing it; the number is not kept once Twilio is clear."""

from __future__ import annotations

import itertools
import time

import pytest
import requests
from twilio.request_validator import RequestValidator

from bot.dev_defaults import DEV_TWILIO_AUTH_TOKEN
from bot.devtools.gateway_process import running_gateway_process
from bot.devtools.loopback import FakeTwilio
from tests.security.console_client import sql

PUBLIC_URL = "https://assistant.example.org"
OUR_NUMBER = "+32460000000"
_sids = itertools.count(1)


@pytest.fixture
def twilio():
    server = FakeTwilio().start()
    yield server
    server.stop()


@pytest.fixture
def gateway(tmp_path, twilio):
    env = {
        "PUBLIC_URL": PUBLIC_URL,
        "TWILIO_API_URL": twilio.url,
        "TWILIO_ERASURE_POLL_SECONDS": "0.3",
        "RASA_TRACKER_STORE_URL": f"sqlite:///{tmp_path / 'tracker.db'}",
    }
    with running_gateway_process(tmp_path, extra_env=env) as running:
        yield running


def tenant_writes(gateway, twilio: FakeTwilio, number: str, body: str) -> None:
    """An SMS as Twilio delivers it, and as Twilio logs it (with our TwiML answer); a
    `whatsapp:` number writes to our WhatsApp sender, on the WhatsApp webhook."""
    sid = f"SM{next(_sids):032x}"
    whatsapp = number.startswith("whatsapp:")
    ours = f"whatsapp:{OUR_NUMBER}" if whatsapp else OUR_NUMBER
    params = {
        "MessageSid": sid,
        "AccountSid": "AC" + "0" * 32,
        "From": number,
        "To": ours,
        "Body": body,
        "NumMedia": "0",
    }
    path = "/webhooks/whatsapp" if whatsapp else "/webhooks/sms"
    twilio.log_inbound(sid, number, ours, body)
    signature = RequestValidator(DEV_TWILIO_AUTH_TOKEN).compute_signature(
        f"{PUBLIC_URL}{path}", params
    )
    answer = requests.post(
        f"{gateway.url}{path}", data=params, headers={"X-Twilio-Signature": signature}
    )
    assert answer.status_code == 200
    twilio.log_inbound(f"SM{next(_sids):032x}", ours, number, answer.text)  # the reply


def messages_of(twilio: FakeTwilio, number: str) -> set[str]:
    return {m["Sid"] for m in twilio.accepted() if number in (m.get("To"), m.get("From"))}


def wait_until(check, seconds: float = 20) -> None:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError("not in time")


def test_a_whatsapp_erasure_deletes_the_whatsapp_log_and_not_the_same_phones_sms(gateway, twilio):
    phone = "+32471000003"
    erased = f"whatsapp:{phone}"
    for number in (erased, phone):  # the same phone on WhatsApp and by SMS: two tenants
        tenant_writes(gateway, twilio, number, "bonjour")
    theirs, sms = messages_of(twilio, erased), messages_of(twilio, phone)
    assert len(theirs) == len(sms) == 2

    tenant_writes(gateway, twilio, erased, "EFFACER OUI")
    theirs = messages_of(twilio, erased)
    wait_until(lambda: not messages_of(twilio, erased))
    assert set(twilio.deleted) == theirs
    assert messages_of(twilio, phone) == sms  # their SMS contact asked for nothing
    assert sql(gateway, "SELECT count(*) FROM contact WHERE address = ?", erased) == [(0,)]
    assert sql(gateway, "SELECT count(*) FROM contact WHERE address = ?", phone) == [(1,)]


def test_erasure_deletes_the_tenants_messages_at_twilio_and_nobody_elses(gateway, twilio):
    erased, kept = "+32471000001", "+32471000002"
    for number in (erased, kept):
        tenant_writes(gateway, twilio, number, "bonjour")
        tenant_writes(gateway, twilio, number, "j'ai une question")
    theirs, others = messages_of(twilio, erased), messages_of(twilio, kept)
    assert len(theirs) == len(others) == 4

    tenant_writes(gateway, twilio, erased, "EFFACER OUI")
    theirs = messages_of(twilio, erased)
    wait_until(lambda: not messages_of(twilio, erased))
    assert set(twilio.deleted) == theirs  # all of theirs, the erasure request included
    assert messages_of(twilio, kept) == others
    wait_until(lambda: sql(gateway, "SELECT count(*) FROM twilio_erasure") == [(0,)])
    assert sql(gateway, "SELECT count(*) FROM contact WHERE address = ?", erased) == [(0,)]


def test_a_twilio_outage_delays_the_deletion_without_losing_it(gateway, twilio):
    number = "+32471000003"
    tenant_writes(gateway, twilio, number, "bonjour")
    twilio.fail_next = 3  # Twilio answers 500 three times
    tenant_writes(gateway, twilio, number, "EFFACER OUI")
    wait_until(lambda: sql(gateway, "SELECT attempts FROM twilio_erasure") not in ([], [(0,)]))
    (error,) = sql(gateway, "SELECT last_error FROM twilio_erasure")[0]
    assert number not in error and "500" in error
    # retried with a growing pause: moved forward here instead of waiting for it
    for _ in range(4):
        sql(gateway, "UPDATE twilio_erasure SET next_attempt_at = '2000-01-01 00:00:00'")
        time.sleep(0.5)
    wait_until(lambda: not messages_of(twilio, number), seconds=30)
    wait_until(lambda: sql(gateway, "SELECT count(*) FROM twilio_erasure") == [(0,)])
