"""Next sessions from HSDS schedules, in Europe/Brussels wall-clock time."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest

from bot.directory.schedules import _next_by_rrule, _next_weekly, next_session
from bot.hsds_profile import TIME_ZONE

BRUSSELS = TIME_ZONE


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BRUSSELS)


def weekly(**fields) -> dict:
    return {
        "id": "s",
        "freq": "WEEKLY",
        "interval": 1,
        "opens_at": "16:00",
        "closes_at": "18:00",
        "dtstart": "2026-01-05",
        **fields,
    }


def test_the_next_session_is_the_next_listed_day_at_its_opening_time():
    session = next_session(weekly(byday="MO,WE"), at("2026-11-26T12:00"))  # a Thursday
    assert session.start == at("2026-11-30T16:00") and session.end == at("2026-11-30T18:00")
    assert session.weekday == "MO"


def test_a_session_later_today_counts_and_one_already_started_does_not():
    thursday = weekly(byday="TH")
    assert next_session(thursday, at("2026-11-26T15:59")).start == at("2026-11-26T16:00")
    assert next_session(thursday, at("2026-11-26T16:01")).start == at("2026-12-03T16:00")


def test_wall_clock_time_holds_across_the_autumn_change():
    # DST ends on Sunday 2026-10-25: Monday 16:00 is 14:00 UTC before, 15:00 UTC after.
    before = next_session(weekly(byday="MO"), at("2026-10-17T12:00")).start
    after = next_session(weekly(byday="MO"), at("2026-10-24T12:00")).start
    assert (before.hour, after.hour) == (16, 16)
    assert before.utcoffset() == timedelta(hours=2) and after.utcoffset() == timedelta(hours=1)
    real_gap = after.astimezone(timezone.utc) - before.astimezone(timezone.utc)
    assert real_gap == timedelta(days=7, hours=1)


def test_wall_clock_time_holds_on_the_spring_change_day_itself():
    # DST starts on Sunday 2027-03-28 at 02:00; a Sunday 10:00 session that day is at +02:00.
    session = next_session(
        weekly(byday="SU", opens_at="10:00", closes_at="12:00"), at("2027-03-27T20:00")
    )
    assert session.start.isoformat() == "2027-03-28T10:00:00+02:00"


def test_valid_from_and_valid_to_bound_the_schedule():
    school_year = weekly(byday="WE", valid_from="2026-08-31", valid_to="2027-06-30")
    assert next_session(school_year, at("2026-07-01T09:00")).start == at("2026-09-02T16:00")
    assert next_session(school_year, at("2027-06-30T17:00")) is None  # after the last one


def test_every_other_week_keeps_its_phase():
    fortnightly = weekly(byday="TU", interval=2, dtstart="2026-01-06")
    starts = []
    moment = at("2026-11-20T00:00")
    for _ in range(3):
        session = next_session(fortnightly, moment)
        starts.append(session.start.date().isoformat())
        moment = session.start + timedelta(minutes=1)
    assert starts == ["2026-11-24", "2026-12-08", "2026-12-22"]


def test_monthly_by_day_of_month():
    monthly = {
        "id": "m",
        "freq": "MONTHLY",
        "bymonthday": "15",
        "opens_at": "18:00",
        "dtstart": "2026-01-15",
    }
    assert next_session(monthly, at("2026-11-26T00:00")).start == at("2026-12-15T18:00")


def test_only_the_wanted_weekdays():
    schedule = weekly(byday="MO,SA")
    session = next_session(schedule, at("2026-11-26T12:00"), frozenset({"SA"}))
    assert session.start == at("2026-11-28T16:00")
    assert next_session(schedule, at("2026-11-26T12:00"), frozenset({"TU"})) is None


def test_a_schedule_without_recurrence_is_a_single_session():
    once = {"id": "o", "dtstart": "2026-12-12", "opens_at": "10:00"}
    assert next_session(once, at("2026-11-26T00:00")).start == at("2026-12-12T10:00")
    assert next_session(once, at("2026-12-13T00:00")) is None


@pytest.mark.parametrize("seed", range(5))
def test_the_direct_weekly_computation_agrees_with_dateutil(seed):
    rng = random.Random(seed)
    days = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
    for _ in range(200):
        schedule = weekly(
            byday=",".join(rng.sample(days, rng.randint(1, 3))),
            interval=rng.choice([1, 1, 2, 3]),
            dtstart=f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            opens_at=f"{rng.randint(0, 23):02d}:{rng.choice(['00', '30'])}",
            **({"valid_to": "2027-02-10"} if rng.random() < 0.3 else {}),
        )
        moment = at("2026-03-29T01:00") + timedelta(hours=rng.randint(0, 24 * 400))
        local = moment.replace(tzinfo=None)
        wanted = frozenset(rng.sample(days, rng.randint(0, 2)))
        assert _next_weekly(schedule, local, wanted) == _next_by_rrule(schedule, local, wanted)
