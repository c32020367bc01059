"""Danger written in a third language, over SMS, through the real gateway, Rasa and action
server (issue 19): 112 and the situation's line in that language, within the SMS budget,
and an urgent handoff; a long message in it gets the one line with the way to a person."""

from __future__ import annotations

import sqlite3
import time

import pytest

from bot.core.pseudonyms import pseudonym
from bot.dev_defaults import DEV_PSEUDONYM_KEY
from bot.sms_rules import measure, to_gsm7
from tests.e2e.test_channels import SmsTenant
from tests.unit.test_third_language_answers import DANGER, LONG


@pytest.mark.parametrize(
    ("index", "case"), list(enumerate(DANGER)), ids=[f"{c[0]}-{c[2]}" for c in DANGER]
)
def test_danger_in_a_third_language_over_sms(
    assistant, gateway_url, gateway_directory, index, case
):
    language, message, situation, number, word = case
    number_of_tenant = f"+3247066{index:04d}"
    replies = SmsTenant(gateway_url, number_of_tenant).say(message)
    answer = "\n".join(replies)
    assert "112" in answer and number in answer and to_gsm7(word) in answer, replies
    assert answer.index("112") <= answer.index(number)
    assert "PERSONNE" in answer
    assert sum(measure(part).segments for part in replies) <= 2, replies
    sender = pseudonym(DEV_PSEUDONYM_KEY, "sms", number_of_tenant)
    database = sqlite3.connect(gateway_directory / "gateway.db")
    deadline, row = time.monotonic() + 10, None
    while row is None and time.monotonic() < deadline:
        row = database.execute(
            "SELECT reason, urgent FROM handoff WHERE sender_id = ?", (sender,)
        ).fetchone()
        time.sleep(0.2)
    assert row == ("danger", 1)


@pytest.mark.parametrize(("index", "case"), list(enumerate(LONG)), ids=[c[0] for c in LONG])
def test_a_long_message_in_a_third_language_over_sms(assistant, gateway_url, index, case):
    language, message = case
    replies = SmsTenant(gateway_url, f"+3247067{index:04d}").say(message)
    assert any("PERSONNE" in reply for reply in replies), replies
    assert sum(measure(part).segments for part in replies) <= 3, replies
