"""The signals' privacy: tokens that change every week and cannot be recomputed once the
week's key is gone, rows kept a limited time, and erasure on request."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select

from bot.signals.models import SignalEvent, SignalWeekKey
from bot.signals.privacy import erase_signals, purge_signals
from bot.signals.weeks import conversation_token, week_key
from tests.gateway.signals_fixtures import of_sender, rasa_events, record_all, rows

THIS_WEEK = datetime(2026, 11, 27, 10, 0, tzinfo=timezone.utc)  # Friday
NEXT_WEEK = THIS_WEEK + timedelta(days=7)


def keys(sessions) -> dict[date, str]:
    with sessions() as session:
        return dict(session.execute(select(SignalWeekKey.week, SignalWeekKey.key)).all())


def test_a_tenant_has_another_token_each_week(sessions):
    events = rasa_events(danger=THIS_WEEK.timestamp()) + of_sender(
        rasa_events(danger=NEXT_WEEK.timestamp()), "capture-danger"
    )
    for event in events[-len(of_sender(events, "capture-danger")) // 2 :]:
        event["message_id"] = (event.get("message_id") or "") + "-next"
    record_all(sessions, events)
    danger = [row for row in rows(sessions) if row["topic"] == "urgent_help"]
    assert [row["week"] for row in danger] == [date(2026, 11, 23), date(2026, 11, 30)]
    assert danger[0]["conversation"] != danger[1]["conversation"]
    assert len(keys(sessions)) == 2


def test_once_the_week_key_is_gone_nobody_can_find_a_tenants_rows(sessions):
    record_all(sessions, rasa_events())
    week = date(2026, 11, 23)
    old_key = keys(sessions)[week]
    token = conversation_token(old_key, "capture-danger")
    assert token in {row["conversation"] for row in rows(sessions)}  # while the week lasts
    with sessions() as session:  # Monday 30 November, 12:00: the week ended less than a day ago
        purge_signals(session, 104, datetime(2026, 11, 30, 11, 0, tzinfo=timezone.utc))
        session.commit()
    assert week in keys(sessions)
    with sessions() as session:  # Tuesday: the key is deleted, the rows stay
        purge_signals(session, 104, datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc))
        session.commit()
    assert keys(sessions) == {}
    assert len(rows(sessions)) == 8
    with sessions() as session:  # a key made again for that week is another key
        new_key = week_key(session, week)
        session.commit()
    assert new_key != old_key
    assert conversation_token(new_key, "capture-danger") not in {
        row["conversation"] for row in rows(sessions)
    }


def test_rows_are_kept_for_the_configured_number_of_weeks(sessions):
    record_all(sessions, rasa_events())  # week of 23 November 2026
    with sessions() as session:
        assert purge_signals(session, 104, datetime(2028, 11, 20, tzinfo=timezone.utc)) == 0
        session.commit()
    assert len(rows(sessions)) == 8
    with sessions() as session:  # 105 weeks later
        assert purge_signals(session, 104, datetime(2028, 11, 29, tzinfo=timezone.utc)) == 8
        session.commit()
    assert rows(sessions) == []
    record_all(sessions, rasa_events(danger=(THIS_WEEK + timedelta(days=21)).timestamp()))
    with sessions() as session:  # RETENTION_SIGNAL_WEEKS=2: the rows three weeks old go
        assert purge_signals(session, 2, THIS_WEEK + timedelta(days=21)) == 7
        session.commit()
    assert [row["topic"] for row in rows(sessions)] == ["urgent_help"]


def test_erasure_deletes_this_weeks_rows_of_the_tenant_and_what_is_still_coming(sessions):
    events = rasa_events()
    danger = of_sender(events, "capture-danger")
    # the danger turn is still on its way through the broker when the tenant asks
    record_all(sessions, [event for event in events if event["sender_id"] != "capture-danger"])
    record_all(sessions, of_sender(events, "capture-rent"))  # counted once
    before = rows(sessions)
    with sessions() as session:
        assert erase_signals(session, "capture-rent", THIS_WEEK) == 2
        session.commit()
        erase_signals(session, "capture-danger", THIS_WEEK)
        session.commit()
    after = rows(sessions)
    assert len(after) == len(before) - 2
    assert "rent_question" not in {row["topic"] for row in after}
    assert record_all(sessions, danger) == 0  # arriving after the erasure: not recorded
    assert "urgent_help" not in {row["topic"] for row in rows(sessions)}
    with sessions() as session:
        assert session.scalar(select(SignalEvent).where(SignalEvent.topic == "greet"))


def test_the_retention_job_and_the_erasure_reach_the_signals(sessions, tmp_path):
    from bot.privacy.retention import purge
    from tests.gateway.test_retention import rasa_store

    record_all(sessions, rasa_events())
    with sessions() as session:
        purged = purge(
            session,
            rasa_store(tmp_path / "tracker.db"),
            30,
            365,
            datetime(2029, 1, 1, tzinfo=timezone.utc),
            signal_weeks=104,
        )
        session.commit()
    assert purged.signals == 8 and keys(sessions) == {}
