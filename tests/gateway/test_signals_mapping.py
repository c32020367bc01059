"""Rasa's events of a turn become one anonymous signal row: the fields a coordinator reads,
from real event JSON (tests/data/signals/rasa_events.json), and nothing that identifies."""

from __future__ import annotations

import threading
from datetime import date, datetime, timezone

from sqlalchemy import select

from bot.signals.models import SignalWeekKey
from bot.signals.weeks import week_key, week_of
from tests.gateway.signals_fixtures import (
    identifiers,
    of_sender,
    rasa_events,
    record_all,
    rows,
    with_companies,
)

WEEK = date(2026, 11, 23)  # the captured conversations ran on Friday 27 November 2026


def by_topic(found: list[dict]) -> dict[str, dict]:
    return {row["topic"]: row for row in found}


def test_each_turn_gives_one_row_with_what_the_bot_saw(sessions):
    with_companies(sessions)
    assert record_all(sessions, rasa_events()) == 8  # the 8 tenant messages
    found = rows(sessions)
    assert {row["week"] for row in found} == {WEEK}
    activity = [row for row in found if row["channel"] == "sms" and row["commune"]]
    topics = by_topic(found)
    # an activity search in Schaerbeek, by SMS, from a site of the sample housing company
    assert topics["greet"] | {"conversation": None} == {
        "week": WEEK,
        "conversation": None,
        "topic": "greet",
        "language": "fr",
        "channel": "sms",
        "commune": None,
        "company_id": "sample-company",
        "understood": True,
        "urgent": False,
        "handoff_reason": None,
    }
    assert [row["topic"] for row in activity] == ["find_activity", "inform"]
    assert {row["commune"] for row in activity} == {"schaerbeek"}  # the entity, then the slot
    assert {row["company_id"] for row in activity} == {"sample-company"}  # the site's company
    # a rent question in Dutch on Telegram, then "yes" to the offer of a person
    assert topics["rent_question"]["language"] == "nl"
    assert topics["rent_question"]["channel"] == "telegram"
    assert topics["rent_question"]["handoff_reason"] is None  # only offered
    assert topics["affirm"]["handoff_reason"] == "rent_question"  # asked for, that turn
    assert topics["affirm"]["company_id"] is None  # no site: no company guessed
    # danger: urgent, and the urgent handoff
    assert topics["urgent_help"]["urgent"] is True
    assert topics["urgent_help"]["handoff_reason"] == "danger"
    assert not any(row["urgent"] for row in found if row["topic"] != "urgent_help")
    # not understood, twice: the second offers a person but opens nothing
    assert topics["nlu_fallback"]["understood"] is False
    assert topics["out_of_scope"]["understood"] is False
    assert topics["out_of_scope"]["handoff_reason"] is None
    assert all(
        row["understood"] for row in found if row["topic"] not in ("nlu_fallback", "out_of_scope")
    )


def test_a_person_asked_at_once_is_recorded_with_its_reason(sessions):
    events = of_sender(rasa_events(), "capture-rent")
    for event in events:  # the gateway answered this time: "a person will answer"
        if (event.get("metadata") or {}).get("utter_action") == "utter_handoff_unavailable":
            event["metadata"]["utter_action"] = "utter_handoff_opened"
    record_all(sessions, events)
    assert [row["handoff_reason"] for row in rows(sessions)] == [None, "rent_question"]


def test_one_conversation_is_one_token_and_two_conversations_two(sessions):
    record_all(sessions, rasa_events())
    found = rows(sessions)
    assert len({row["conversation"] for row in found}) == 4
    assert (
        len(
            {
                row["conversation"]
                for row in found
                if row["topic"] in ("greet", "find_activity", "inform")
            }
        )
        == 1
    )


def test_no_row_holds_an_identifier_or_a_text(sessions):
    events = rasa_events()
    for event in events:  # a real pseudonym, and a phone number written in a message
        event["sender_id"] = event["sender_id"].replace("capture-", "sms-3f9a1c") + "e0b7d2"
        if event["event"] == "user" and event["parse_data"]["intent"]["name"] == "urgent_help":
            event["text"] = event["parse_data"]["text"] = "aidez moi 0470 12 34 56 +32470123456"
    forbidden = identifiers(events) | {"0470 12 34 56", "+32470123456", "0470123456"}
    record_all(sessions, events)
    found = rows(sessions)
    assert len(found) == 8
    for row in found:
        for column, value in row.items():
            shown = str(value)
            assert not any(secret in shown for secret in forbidden), f"{column}: {shown!r}"
        assert len(row["conversation"]) == 32  # a token, not any sender id
        assert row["week"].weekday() == 0  # a Monday: no day, no time


def test_the_week_is_the_monday_of_brussels_time():
    sunday_late = datetime(2026, 11, 29, 22, 30, tzinfo=timezone.utc)  # 23:30 in Brussels
    monday_early = datetime(2026, 11, 29, 23, 30, tzinfo=timezone.utc)  # 00:30 on Monday
    assert week_of(sunday_late) == date(2026, 11, 23)
    assert week_of(monday_early) == date(2026, 11, 30)
    assert week_of(datetime(2026, 3, 29, 23, 30, tzinfo=timezone.utc).timestamp()) == date(
        2026, 3, 30
    )  # summer time: 01:30 on Monday


def test_a_turn_delivered_twice_is_counted_once(sessions):
    events = rasa_events()
    assert record_all(sessions, events) == 8
    assert record_all(sessions, events) == 0  # the broker delivers the same events again
    assert len(rows(sessions)) == 8


def test_two_processes_creating_the_week_key_at_once_get_the_same_key(sessions):
    keys: list[str] = []

    def create() -> None:
        with sessions() as session:
            keys.append(week_key(session, WEEK))
            session.commit()

    threads = [threading.Thread(target=create) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(keys)) == 1
    with sessions() as session:
        assert session.scalars(select(SignalWeekKey)).all()[0].key == keys[0]
