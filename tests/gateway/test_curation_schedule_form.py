"""The curation console's schedule form (bot/curation/schedule_form.py): what a curator
chooses becomes HSDS schedules the official schemas accept, the preview shows the right
sessions in Brussels time, school holidays are left out without shifting a fortnightly
rhythm, and every mistake is named on its field in French and Dutch. No database."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.curation import school_holidays
from bot.curation.schedule_form import (
    FIELDS,
    ScheduleChoice,
    choice_from_form,
    choice_problems,
    describe,
    from_hsds_schedules,
    next_sessions,
    to_hsds_schedules,
)
from bot.directory.hsds_schema import problems
from bot.directory.profile_checks import profile_problems
from bot.hsds_profile import TIME_ZONE

TODAY = date(2026, 12, 7)  # a Monday, in the school year both calendars know
SERVICE_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, "test-service"))


def make_id(index: int) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"test-schedule-{index}"))


def choice(
    frequency: str = "weekly",
    weekdays: tuple[str, ...] = ("MO", "WE"),
    week_of_month: int | None = None,
    opens_at: str = "16:00",
    closes_at: str = "18:00",
    valid_from: str | None = None,
    valid_to: str | None = None,
    except_school_holidays: str | None = None,
) -> ScheduleChoice:
    return ScheduleChoice(
        frequency,
        weekdays,
        week_of_month,
        opens_at,
        closes_at,
        valid_from,
        valid_to,
        except_school_holidays,
    )


def written(chosen: ScheduleChoice, today: date = TODAY) -> list[dict]:
    return to_hsds_schedules(chosen, SERVICE_ID, today, make_id)


def brussels(day: date, hour: int = 0) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=TIME_ZONE)


def in_holidays(day: date, community: str) -> bool:
    return any(first <= day <= last for first, last in school_holidays.holidays(community))


REPRESENTATIVE = [
    choice(),
    choice(weekdays=("SA",), opens_at="09:30", closes_at="12:00", valid_to="2027-06-30"),
    choice(weekdays=("TU", "TH", "FR"), valid_from="2027-01-11", valid_to="2027-12-31"),
    choice("fortnightly", ("MO",), valid_from="2026-12-07"),
    choice("fortnightly", ("MO", "WE"), valid_from="2027-01-13", valid_to="2027-05-31"),
    choice("monthly", ("TU",), 1),
    choice("monthly", ("FR",), -1, "14:00", "16:00", valid_from="2027-01-01"),
    choice(valid_from="2026-12-07", except_school_holidays="fr"),
    choice(valid_from="2026-12-07", except_school_holidays="nl"),
    choice("fortnightly", ("MO",), valid_from="2026-12-07", except_school_holidays="fr"),
    choice("fortnightly", ("WE",), valid_from="2026-12-09", except_school_holidays="nl"),
    choice("monthly", ("WE",), 3, valid_from="2026-12-07", except_school_holidays="fr"),
    # Within one school period: a single schedule, whose description names the calendar.
    choice(
        weekdays=("TU",),
        valid_from="2027-01-05",
        valid_to="2027-02-16",
        except_school_holidays="fr",
    ),
    choice(
        weekdays=("TH",),
        valid_from="2027-01-07",
        valid_to="2027-06-24",
        except_school_holidays="nl",
    ),
]


# --------------------------------------------------------------------------- the preview


def test_weekly_monday_and_wednesday_gives_the_next_five_sessions_in_brussels_time() -> None:
    schedules = written(choice())

    sessions = next_sessions(schedules, brussels(TODAY, 9))

    assert [session.start.date() for session in sessions] == [
        date(2026, 12, 7),
        date(2026, 12, 9),
        date(2026, 12, 14),
        date(2026, 12, 16),
        date(2026, 12, 21),
    ]
    assert all(session.start.timetz().replace(tzinfo=None) == time(16, 0) for session in sessions)
    assert all(session.end and session.end.hour == 18 for session in sessions)
    assert {session.start.utcoffset() for session in sessions} == {timedelta(hours=1)}


def test_a_session_that_already_started_today_is_not_offered() -> None:
    sessions = next_sessions(written(choice()), brussels(TODAY, 17))

    assert sessions[0].start.date() == date(2026, 12, 9)


def test_the_sessions_stay_at_16_00_across_the_change_to_summer_time() -> None:
    sessions = next_sessions(written(choice()), brussels(date(2027, 3, 22)))

    assert [session.start.date() for session in sessions] == [
        date(2027, 3, 22),
        date(2027, 3, 24),
        date(2027, 3, 29),  # summer time since Sunday 28 March 2027
        date(2027, 3, 31),
        date(2027, 4, 5),
    ]
    assert all(session.start.hour == 16 for session in sessions)
    assert [session.start.utcoffset() for session in sessions] == [timedelta(hours=1)] * 2 + [
        timedelta(hours=2)
    ] * 3
    assert sessions[2].start.astimezone(TIME_ZONE).utcoffset() == timedelta(hours=2)


def test_monthly_last_friday() -> None:
    last_friday = choice("monthly", ("FR",), -1, "14:00", "16:00")

    sessions = next_sessions(written(last_friday), brussels(TODAY))

    assert [session.start.date() for session in sessions] == [
        date(2026, 12, 25),
        date(2027, 1, 29),
        date(2027, 2, 26),
        date(2027, 3, 26),
        date(2027, 4, 30),
    ]
    assert sessions[-1].start.utcoffset() == timedelta(hours=2)
    assert written(last_friday)[0]["byday"] == "-1FR"


def test_monthly_first_tuesday_is_written_as_1tu() -> None:
    (schedule,) = written(choice("monthly", ("TU",), 1))

    assert (schedule["freq"], schedule["byday"], schedule["interval"]) == ("MONTHLY", "1TU", 1)
    sessions = next_sessions([schedule], brussels(TODAY))
    assert [session.start.date() for session in sessions][:3] == [
        date(2027, 1, 5),
        date(2027, 2, 2),
        date(2027, 3, 2),
    ]


def test_fortnightly_is_anchored_on_the_week_of_its_start() -> None:
    (schedule,) = written(choice("fortnightly", ("MO",), valid_from="2026-12-14"))

    assert (schedule["interval"], schedule["dtstart"]) == (2, "2026-12-14")
    sessions = next_sessions([schedule], brussels(TODAY))
    assert [session.start.date() for session in sessions] == [
        date(2026, 12, 14) + timedelta(weeks=2 * n) for n in range(5)
    ]


def test_fortnightly_without_a_start_is_anchored_on_today() -> None:
    (schedule,) = written(choice("fortnightly", ("WE",)), today=date(2026, 12, 8))

    assert schedule["dtstart"] == schedule["valid_from"] == "2026-12-08"
    assert next_sessions([schedule], brussels(TODAY))[0].start.date() == date(2026, 12, 9)


# --------------------------------------------------------------------------- school holidays


@pytest.mark.parametrize("community", ["fr", "nl"])
def test_with_school_holidays_excepted_no_session_falls_in_a_holiday(community: str) -> None:
    every_weekday = choice(weekdays=("MO", "TU", "WE", "TH", "FR", "SA", "SU"))
    excepted = replace(every_weekday, except_school_holidays=community)
    until = school_holidays.known_until(community)
    plain = written(replace(every_weekday, valid_to=until.isoformat()))

    sessions = next_sessions(written(excepted), brussels(TODAY), count=800)
    everyday = next_sessions(plain, brussels(TODAY), count=800)

    assert sessions, "the school periods give sessions"
    assert not [s for s in sessions if in_holidays(s.start.date(), community)]
    # Exactly the plain sessions minus the holidays: no school day is lost either.
    assert sessions == [s for s in everyday if not in_holidays(s.start.date(), community)]
    assert max(session.start.date() for session in sessions) <= until


@pytest.mark.parametrize("community", ["fr", "nl"])
@pytest.mark.parametrize("anchor", ["2026-12-07", "2026-12-16"])
def test_fortnightly_keeps_its_rhythm_across_the_holiday_split(community: str, anchor: str) -> None:
    fortnightly = choice("fortnightly", ("MO", "WE"), valid_from=anchor)
    schedules = written(replace(fortnightly, except_school_holidays=community))
    plain = written(
        replace(fortnightly, valid_to=school_holidays.known_until(community).isoformat())
    )

    sessions = next_sessions(schedules, brussels(TODAY), count=200)

    assert len(schedules) > 1, "one schedule per school period"
    assert {schedule["dtstart"] for schedule in schedules} == {anchor}
    anchor_monday = date.fromisoformat(anchor) - timedelta(
        days=date.fromisoformat(anchor).weekday()
    )
    weeks = {(s.start.date() - anchor_monday).days // 7 % 2 for s in sessions}
    assert weeks == {0}, "every session is in an 'on' week of the original rhythm"
    everyday = next_sessions(plain, brussels(TODAY), count=200)
    assert sessions == [s for s in everyday if not in_holidays(s.start.date(), community)]


def test_fortnightly_after_the_christmas_holidays_resumes_on_the_same_weeks() -> None:
    schedules = written(
        choice("fortnightly", ("MO",), valid_from="2026-12-07", except_school_holidays="fr")
    )

    sessions = next_sessions(schedules, brussels(TODAY), count=4)

    # 21 and 28 December are holidays; 4 January is four weeks after 7 December.
    assert [session.start.date() for session in sessions] == [
        date(2026, 12, 7),
        date(2027, 1, 4),
        date(2027, 1, 18),
        date(2027, 2, 1),
    ]


def test_each_school_period_is_its_own_schedule_clipped_to_the_choice() -> None:
    chosen = choice(valid_from="2027-01-06", valid_to="2027-03-31", except_school_holidays="fr")

    schedules = written(chosen)

    assert [(s["valid_from"], s["valid_to"]) for s in schedules] == [
        ("2027-01-06", "2027-02-21"),
        ("2027-03-08", "2027-03-31"),
    ]
    assert [s["id"] for s in schedules] == [make_id(0), make_id(1)]


def test_without_an_end_date_the_schedules_stop_where_the_school_calendar_is_known() -> None:
    for community in ("fr", "nl"):
        schedules = written(choice(except_school_holidays=community))

        assert schedules[-1]["valid_to"] == school_holidays.known_until(community).isoformat()


def test_a_school_period_without_any_session_gives_no_schedule() -> None:
    # From 8 December, the school period before Christmas holds no first Monday of a month;
    # 1 March 2027 falls in the carnival holidays of the French-speaking schools.
    chosen = choice("monthly", ("MO",), 1, valid_from="2026-12-08", valid_to="2027-04-30")
    schedules = written(replace(chosen, except_school_holidays="fr"))

    assert [(s["valid_from"], s["valid_to"]) for s in schedules] == [
        ("2027-01-04", "2027-02-21"),
        ("2027-03-08", "2027-04-25"),
    ]
    sessions = next_sessions(schedules, brussels(TODAY))
    assert [session.start.date() for session in sessions] == [
        date(2027, 1, 4),
        date(2027, 2, 1),
        date(2027, 4, 5),
    ]


# --------------------------------------------------------------------------- mistakes


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"opens_at": "18:00", "closes_at": "16:00"}, "closes_at"),
        ({"opens_at": "16:00", "closes_at": "16:00"}, "closes_at"),
        ({"weekdays": []}, "weekdays"),
        ({"weekdays": ["XX"]}, "weekdays"),
        ({"valid_from": "2027-03-01", "valid_to": "2027-02-01"}, "valid_to"),
        ({"valid_from": "1 mars"}, "valid_from"),
        ({"valid_to": "2027-02-30"}, "valid_to"),
        ({"frequency": "monthly", "week_of_month": "1", "weekdays": ["MO", "WE"]}, "weekdays"),
        ({"frequency": "monthly", "weekdays": ["MO"]}, "week_of_month"),
        ({"frequency": "monthly", "week_of_month": "5", "weekdays": ["MO"]}, "week_of_month"),
        ({"opens_at": "25:00"}, "opens_at"),
        ({"closes_at": "18:75"}, "closes_at"),
        ({"frequency": "daily"}, "frequency"),
        ({"except_school_holidays": "de"}, "except_school_holidays"),
    ],
)
def test_a_mistake_is_named_on_its_field_in_french_and_dutch(form: dict, field: str) -> None:
    filled = {
        "frequency": "weekly",
        "weekdays": ["MO", "WE"],
        "opens_at": "16:00",
        "closes_at": "18:00",
        **form,
    }

    found = choice_problems(choice_from_form(filled))

    assert set(found) == {field}
    french, dutch = found[field]
    assert french and dutch and french != dutch
    assert french.endswith(".") and dutch.endswith(".")


def test_messages_are_plain_sentences() -> None:
    found = choice_problems(choice(opens_at="18:00", closes_at="16:00"))

    assert found["closes_at"] == (
        "L'heure de fin doit venir après l'heure de début.",
        "Het einduur moet na het beginuur komen.",
    )
    assert choice_problems(choice(weekdays=()))["weekdays"] == (
        "Choisissez au moins un jour.",
        "Kies minstens één dag.",
    )


def test_a_valid_choice_has_no_problem() -> None:
    for chosen in REPRESENTATIVE:
        assert choice_problems(chosen, today=TODAY) == {}, chosen


def test_an_end_date_in_the_past_is_named() -> None:
    found = choice_problems(choice(valid_to="2026-11-30"), today=TODAY)

    assert set(found) == {"valid_to"}


def test_a_start_beyond_the_known_school_calendar_is_named() -> None:
    beyond = choice(valid_from="2027-09-06", except_school_holidays="fr")

    found = choice_problems(beyond, today=TODAY)

    assert set(found) == {"except_school_holidays"}
    assert "2 juillet 2027" in found["except_school_holidays"][0]
    assert "2 juli 2027" in found["except_school_holidays"][1]


def test_no_session_left_before_the_end_of_the_known_school_calendar_is_named() -> None:
    # From 28 June 2027, no last Friday of a month falls before the summer holidays.
    last_friday = choice("monthly", ("FR",), -1, except_school_holidays="fr")

    found = choice_problems(last_friday, today=date(2027, 6, 28))

    assert set(found) == {"except_school_holidays"}
    assert choice_problems(last_friday, today=TODAY) == {}


def test_an_invalid_choice_is_not_written() -> None:
    with pytest.raises(ValueError):
        written(choice(weekdays=()))


# --------------------------------------------------------------------------- the form


def test_the_form_reads_repeated_weekdays_and_loose_times() -> None:
    chosen = choice_from_form(
        {
            "frequency": " Weekly ",
            "weekdays": ["we", "MO", "MO"],
            "week_of_month": "2",  # a select the form sends whatever the frequency
            "opens_at": "9h30",
            "closes_at": "12:00:00",
            "valid_from": "",
            "valid_to": "2027-06-30",
            "except_school_holidays": "",
        }
    )

    assert chosen == choice(
        weekdays=("MO", "WE"), opens_at="09:30", closes_at="12:00", valid_to="2027-06-30"
    )


def test_the_form_reads_a_monthly_last_week_and_a_school_calendar() -> None:
    chosen = choice_from_form(
        {
            "frequency": "monthly",
            "weekdays": "FR",
            "week_of_month": "-1",
            "opens_at": "14:00",
            "closes_at": "16h",
            "except_school_holidays": "NL",
        }
    )

    assert chosen == choice("monthly", ("FR",), -1, "14:00", "16:00", except_school_holidays="nl")


class MultiDict(dict):
    """Like Starlette's FormData: get() gives one value, getlist() all of them."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        super().__init__(pairs)
        self.pairs = pairs

    def getlist(self, key: str) -> list[str]:
        return [value for name, value in self.pairs if name == key]


def test_the_form_reads_a_multidict_of_repeated_fields() -> None:
    form = MultiDict(
        [("frequency", "weekly"), ("weekdays", "TU"), ("weekdays", "TH")]
        + [("opens_at", "10:00"), ("closes_at", "11:00")]
    )

    assert choice_from_form(form).weekdays == ("TU", "TH")


@pytest.mark.parametrize(
    "form",
    [
        {},
        {name: "" for name in FIELDS},
        {name: ["???"] for name in FIELDS},
        {"weekdays": 5, "opens_at": None, "week_of_month": "x", "frequency": "monthly"},
    ],
)
def test_the_form_never_raises_and_junk_is_named(form: dict) -> None:
    found = choice_problems(choice_from_form(form))

    assert found
    assert set(found) <= set(FIELDS)


# --------------------------------------------------------------------------- HSDS


@pytest.mark.parametrize("chosen", REPRESENTATIVE, ids=str)
def test_every_written_schedule_passes_the_official_schemas(chosen: ScheduleChoice) -> None:
    schedules = written(chosen)

    assert schedules
    for schedule in schedules:
        assert problems("schedule", schedule) == []
        assert profile_problems("schedule", schedule) == []
        assert schedule["service_id"] == SERVICE_ID
        assert schedule["description"] == describe(chosen, "fr")
        assert schedule["translations"] == {"nl": {"description": describe(chosen, "nl")}}


@pytest.mark.parametrize("chosen", REPRESENTATIVE, ids=str)
def test_reading_back_written_schedules_gives_the_same_choice(chosen: ScheduleChoice) -> None:
    assert from_hsds_schedules(written(chosen)) == chosen


def test_reading_back_then_writing_again_gives_the_same_schedules() -> None:
    # Choices the form cannot give back word for word still write the same schedules.
    for chosen in [
        choice(except_school_holidays="fr"),  # starts today
        choice(valid_from="2026-12-23", except_school_holidays="fr"),  # starts in a holiday
        choice(weekdays=("TH",), valid_to="2027-04-01", except_school_holidays="nl"),  # ends in one
        choice("fortnightly", ("TU",), except_school_holidays="nl"),  # anchored on today
        choice("fortnightly", ("TU",)),
    ]:
        schedules = written(chosen)
        again = from_hsds_schedules(schedules)

        assert again is not None
        assert written(again) == schedules


def test_a_fortnightly_schedule_of_another_source_keeps_its_rhythm_when_edited() -> None:
    imported = {
        "id": make_id(0),
        "freq": "WEEKLY",
        "interval": 2,
        "byday": "TH",
        "dtstart": "2026-01-08",
        "opens_at": "10:00",
        "closes_at": "12:00",
        "valid_from": "2026-12-07",  # in an "off" week of the 2026-01-08 rhythm
    }

    edited = from_hsds_schedules([imported])

    assert edited is not None
    before = next_sessions([imported], brussels(TODAY), count=6)
    after = next_sessions(written(edited), brussels(TODAY), count=6)
    assert before == after


@pytest.mark.parametrize(
    "schedules",
    [
        [],
        [{"freq": "WEEKLY", "byday": "MO", "count": 5, "opens_at": "16:00", "closes_at": "18:00"}],
        [{"freq": "MONTHLY", "bymonthday": "15", "opens_at": "16:00", "closes_at": "18:00"}],
        [
            {
                "freq": "WEEKLY",
                "interval": 3,
                "byday": "MO",
                "opens_at": "16:00",
                "closes_at": "18:00",
            }
        ],
        [{"freq": "MONTHLY", "byday": "1MO,3MO", "opens_at": "16:00", "closes_at": "18:00"}],
        [{"freq": "MONTHLY", "byday": "5MO", "opens_at": "16:00", "closes_at": "18:00"}],
        [{"freq": "WEEKLY", "byday": "MO", "opens_at": "16:00"}],
        [
            {"freq": "WEEKLY", "byday": "MO", "opens_at": "16:00", "closes_at": "18:00"},
            {"freq": "WEEKLY", "byday": "WE", "opens_at": "10:00", "closes_at": "12:00"},
        ],
        [  # split on dates that are no community's school holidays
            {
                "freq": "WEEKLY",
                "byday": "MO",
                "opens_at": "16:00",
                "closes_at": "18:00",
                "valid_from": "2027-01-04",
                "valid_to": "2027-01-31",
            },
            {
                "freq": "WEEKLY",
                "byday": "MO",
                "opens_at": "16:00",
                "closes_at": "18:00",
                "valid_from": "2027-03-01",
                "valid_to": "2027-03-31",
            },
        ],
    ],
)
def test_schedules_the_form_cannot_express_are_not_read(schedules: list[dict]) -> None:
    assert from_hsds_schedules(schedules) is None


def test_a_schedule_of_another_source_is_read_best_effort() -> None:
    imported = {"freq": "WEEKLY", "byday": "we, mo", "opens_at": "16:00:00", "closes_at": "18:00"}

    assert from_hsds_schedules([imported]) == choice()


# --------------------------------------------------------------------------- wording


def test_describe_in_both_languages() -> None:
    assert describe(choice(), "fr") == "Chaque lundi et mercredi, de 16:00 à 18:00"
    assert describe(choice(), "nl") == "Elke maandag en woensdag, van 16:00 tot 18:00"
    fortnightly = choice("fortnightly", ("MO",))
    assert describe(fortnightly, "fr").startswith("Un lundi sur deux")
    assert describe(fortnightly, "nl").startswith("Om de twee weken op maandag")
    first_tuesday = choice("monthly", ("TU",), 1)
    assert describe(first_tuesday, "fr").startswith("Le premier mardi du mois")
    assert describe(first_tuesday, "nl").startswith("De eerste dinsdag van de maand")
    three_days = choice(weekdays=("MO", "WE", "FR"), except_school_holidays="fr")
    assert describe(three_days, "fr") == (
        "Chaque lundi, mercredi et vendredi, de 16:00 à 18:00, "
        "sauf vacances scolaires (écoles francophones)"
    )
    assert describe(three_days, "nl") == (
        "Elke maandag, woensdag en vrijdag, van 16:00 tot 18:00, "
        "behalve in de schoolvakanties (Franstalige scholen)"
    )


# --------------------------------------------------------------------------- the calendar


@pytest.mark.parametrize("community", ["fr", "nl"])
def test_the_holidays_file_is_sorted_and_covers_the_current_school_year(community: str) -> None:
    periods = school_holidays.holidays(community)

    assert periods == sorted(periods)
    assert all(first <= last for first, last in periods)
    assert all(
        last < following
        for (_, last), (following, _) in zip(periods[:-1], periods[1:], strict=True)
    )
    assert school_holidays.known_until(community) >= date(2027, 6, 30)
    # Christmas 2026 is a holiday in both communities.
    assert in_holidays(date(2026, 12, 25), community)


def test_school_periods_lie_between_the_holidays() -> None:
    periods = school_holidays.school_periods("fr", date(2026, 12, 7), date(2027, 3, 31))

    assert periods == [
        (date(2026, 12, 7), date(2026, 12, 20)),
        (date(2027, 1, 4), date(2027, 2, 21)),
        (date(2027, 3, 8), date(2027, 3, 31)),
    ]
    assert school_holidays.school_periods("fr", date(2027, 7, 3), date(2027, 9, 30)) == []


def test_the_loader_copes_with_a_missing_community_and_refuses_overlaps(tmp_path: Path) -> None:
    only_fr = tmp_path / "only_fr.yml"
    only_fr.write_text(
        "fr:\n  known_until: 2027-07-02\n  holidays:\n"
        "    - {name: a, from: 2026-12-21, to: 2027-01-03}\n",
        encoding="utf-8",
    )
    overlapping = tmp_path / "overlapping.yml"
    overlapping.write_text(
        "fr:\n  known_until: 2027-07-02\n  holidays:\n"
        "    - {name: a, from: 2026-12-21, to: 2027-01-03}\n"
        "    - {name: b, from: 2027-01-02, to: 2027-01-10}\n",
        encoding="utf-8",
    )

    assert set(school_holidays._load(only_fr)) == {"fr"}
    with pytest.raises(ValueError):
        school_holidays._load(overlapping)
