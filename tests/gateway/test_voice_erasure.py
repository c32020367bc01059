"""Erasure reaches Twilio's log of a caller's phone calls: when a caller of the phone line
has their data erased, their number is queued like an SMS tenant's, and the erasure pass
deletes every call from or to it (every page of the list) and the SMS sent to it from the
loopback Twilio's logs, and nobody else's. A call still in progress cannot be deleted yet:
the number stays queued and the call goes on a later pass."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from datetime import datetime, timezone

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.contacts.models import Contact, VoiceCall
from bot.devtools.loopback import FakeTwilio
from bot.privacy import twilio_erasure
from bot.privacy.erasure import erase_gateway_records
from bot.privacy.models import TwilioErasure
from bot.privacy.twilio_erasure import TwilioLogEraser, erase_due

ACCOUNT = "AC" + "1" * 32
CALLER = "+32470123456"
OTHER = "+32470654321"
LINE = "+32460000000"  # the housing company's number
_sids = itertools.count(1)


def call_sid() -> str:
    """A Sid apart from those the fake gives the calls it places (CA000...)."""
    return f"CA{'f' * 16}{next(_sids):016x}"


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    server = FakeTwilio()
    server.start()
    yield server
    server.stop()


def erase_caller(sessions: sessionmaker[Session], with_sms_contact: bool = False) -> None:
    """The caller's contact (and its call's row) erased as a confirmed erasure does; the
    same number's SMS contact, if any, asked for nothing."""
    with sessions() as session:
        caller = Contact(channel="voice", address=CALLER, pseudonym="caller")
        session.add(caller)
        if with_sms_contact:
            session.add(Contact(channel="sms", address=CALLER, pseudonym="texter"))
        session.flush()
        session.add(VoiceCall(call_sid=call_sid(), contact_id=caller.id))
        erase_gateway_records(session, caller.id)
        session.commit()


def erasure_pass(sessions: sessionmaker[Session], twilio: FakeTwilio) -> int:
    async def run() -> int:
        eraser = TwilioLogEraser(twilio.url, ACCOUNT, "token")
        try:
            return await erase_due(sessions, eraser)
        finally:
            await eraser.close()

    return asyncio.run(run())


def queued(sessions: sessionmaker[Session]) -> list[TwilioErasure]:
    with sessions() as session:
        return list(session.scalars(select(TwilioErasure)))


def calls_of(twilio: FakeTwilio, number: str) -> set[str]:
    return {c["sid"] for c in twilio.logged_calls() if number in (c["to"], c["from"])}


def messages_of(twilio: FakeTwilio, number: str) -> set[str]:
    return {m["Sid"] for m in twilio.accepted() if number in (m.get("To"), m.get("From"))}


def test_a_callers_calls_and_sms_are_deleted_at_twilio_and_nobody_elses(
    sessions: sessionmaker[Session], twilio: FakeTwilio, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(twilio_erasure, "PAGE_SIZE", 2)  # three calls from them: two pages
    for _ in range(3):
        twilio.log_call(call_sid(), CALLER, LINE)
    callback = {"To": CALLER, "From": LINE, "Url": "https://assistant.example.org/x"}
    httpx.post(f"{twilio.url}/2010-04-01/Accounts/{ACCOUNT}/Calls.json", data=callback)
    twilio.log_inbound("SM" + "a" * 32, LINE, CALLER, "Les résultats par SMS")
    twilio.log_call(call_sid(), OTHER, LINE)
    twilio.log_inbound("SM" + "b" * 32, LINE, OTHER, "Les résultats par SMS")
    theirs, others = calls_of(twilio, CALLER), calls_of(twilio, OTHER)
    other_messages = messages_of(twilio, OTHER)

    erase_caller(sessions, with_sms_contact=True)
    assert [row.address for row in queued(sessions)] == [CALLER]  # once, for both contacts

    assert erasure_pass(sessions, twilio) == 1
    assert not calls_of(twilio, CALLER) and not messages_of(twilio, CALLER)
    assert set(twilio.deleted_calls) == theirs and len(theirs) == 4
    lists = [r.body for r in twilio.requests if r.method == "GET" and "/Calls.json" in r.path]
    assert any(body.get("Page") == "1" for body in lists)  # the second page was read
    assert calls_of(twilio, OTHER) == others
    assert messages_of(twilio, OTHER) == other_messages
    assert queued(sessions) == []  # the number is not kept once Twilio is clear


def test_a_call_still_in_progress_keeps_the_number_queued_until_a_later_pass(
    sessions: sessionmaker[Session], twilio: FakeTwilio
) -> None:
    ended, ongoing = call_sid(), call_sid()
    twilio.log_call(ended, CALLER, LINE)
    twilio.log_call(ongoing, CALLER, LINE, status="in-progress")  # erasure asked during it

    erase_caller(sessions)
    assert erasure_pass(sessions, twilio) == 0
    (row,) = queued(sessions)
    assert row.attempts == 1 and row.last_error is not None
    assert "409" in row.last_error and CALLER not in row.last_error
    assert ongoing in calls_of(twilio, CALLER)

    twilio.end_call(ongoing)
    with sessions() as session:  # its pause moved forward instead of waited for
        session.get_one(TwilioErasure, row.id).next_attempt_at = datetime(
            2000, 1, 1, tzinfo=timezone.utc
        )
        session.commit()
    assert erasure_pass(sessions, twilio) == 1
    assert not calls_of(twilio, CALLER)
    assert set(twilio.deleted_calls) == {ended, ongoing}
    assert queued(sessions) == []


def test_another_numbers_call_in_progress_neither_blocks_nor_is_touched(
    sessions: sessionmaker[Session], twilio: FakeTwilio
) -> None:
    theirs, other = call_sid(), call_sid()
    twilio.log_call(theirs, CALLER, LINE)
    twilio.log_call(other, OTHER, LINE, status="in-progress")

    erase_caller(sessions)
    assert erasure_pass(sessions, twilio) == 1
    assert twilio.deleted_calls == [theirs]
    assert [c["status"] for c in twilio.logged_calls() if c["sid"] == other] == ["in-progress"]
    assert queued(sessions) == []
