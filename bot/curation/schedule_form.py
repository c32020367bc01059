"""The schedule form of the curation console: what a curator chooses ("every Monday and
Wednesday, 16:00 to 18:00, except during school holidays"), checked field by field in
French and Dutch, written as HSDS 3.0 schedules, read back for editing, and previewed as
the next sessions the bot would announce.

HSDS 3.0 has no exception dates, so "except during school holidays" is written as one
schedule per school period between the holidays of the chosen community, each with its
own valid_from/valid_to. A fortnightly rhythm keeps one dtstart in every period, so the
holidays never shift which weeks are "on". No web code here: the console renders it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from bot.curation import school_holidays
from bot.directory.schedules import Session, next_session
from bot.hsds_profile import TIME_ZONE, TRANSLATIONS
from bot.lexicon import DAY_NAMES, WEEKDAY_CODES

FREQUENCIES = ("weekly", "fortnightly", "monthly")
WEEKS_OF_MONTH = (1, 2, 3, 4, -1)  # -1: the last one of the month
FIELDS = (
    "frequency",
    "weekdays",
    "week_of_month",
    "opens_at",
    "closes_at",
    "valid_from",
    "valid_to",
    "except_school_holidays",
)
Problem = tuple[str, str]  # (French, Dutch)
Form = Mapping[str, Any]  # str | list[str] values; a Starlette FormData works too

_TIME = re.compile(r"^(\d{1,2})\s*[:hH.]\s*(\d{2})?(?::00)?$")
_MONTHLY_DAY = re.compile(r"^\+?(-?\d)(MO|TU|WE|TH|FR|SA|SU)$")
_NO_COMMUNITY = {"", "none", "no", "non", "nee", "0", "false"}
# Fields a schedule may carry that the form cannot express (it would drop them).
_UNREPRESENTABLE = ("count", "until", "bymonthday", "byweekno", "byyearday")
_COMPARED = ("freq", "interval", "byday", "dtstart", "opens_at", "closes_at")
_ANY_MONDAY = date(2000, 1, 3)

ORDINALS = {
    "fr": {1: "premier", 2: "deuxième", 3: "troisième", 4: "quatrième", -1: "dernier"},
    "nl": {1: "eerste", 2: "tweede", 3: "derde", 4: "vierde", -1: "laatste"},
}
MONTHS = {
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août")
    + ("septembre", "octobre", "novembre", "décembre"),
    "nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus")
    + ("september", "oktober", "november", "december"),
}
SCHOOLS = {
    "fr": {"fr": "écoles francophones", "nl": "écoles néerlandophones"},
    "nl": {"fr": "Franstalige scholen", "nl": "Nederlandstalige scholen"},
}


@dataclass(frozen=True)
class ScheduleChoice:
    frequency: str  # "weekly" | "fortnightly" | "monthly"
    weekdays: tuple[str, ...]  # "MO".."SU"; weekly/fortnightly: one or more; monthly: one
    week_of_month: int | None  # monthly only: 1, 2, 3, 4 or -1 (last)
    opens_at: str  # "HH:MM"
    closes_at: str  # "HH:MM", after opens_at
    valid_from: str | None  # ISO date; the fortnightly rhythm starts on its week
    valid_to: str | None  # ISO date, on or after valid_from
    except_school_holidays: str | None  # None, "fr" or "nl": whose school holidays


# --------------------------------------------------------------------------- the form


def choice_from_form(form: Form) -> ScheduleChoice:
    """The choice from the raw strings of an HTML form (field names: FIELDS; "weekdays" may
    repeat). Never raises: what cannot be read is kept as typed, for choice_problems."""
    frequency = _text(form, "frequency").lower()
    return ScheduleChoice(
        frequency=frequency,
        weekdays=_weekdays(_values(form, "weekdays")),
        # A form sends its week-of-month select whatever the frequency: only monthly reads it.
        week_of_month=_week_of_month(_text(form, "week_of_month"))
        if frequency == "monthly"
        else None,
        opens_at=_clock(_text(form, "opens_at")),
        closes_at=_clock(_text(form, "closes_at")),
        valid_from=_text(form, "valid_from") or None,
        valid_to=_text(form, "valid_to") or None,
        except_school_holidays=_community(_text(form, "except_school_holidays")),
    )


def choice_problems(choice: ScheduleChoice, *, today: date | None = None) -> dict[str, Problem]:
    """Field name -> (French, Dutch) message; empty when the choice can be saved. With
    `today`, also checks that the choice still gives sessions from today on."""
    problems: dict[str, Problem] = {}
    monthly = choice.frequency == "monthly"
    if choice.frequency not in FREQUENCIES:
        problems["frequency"] = ("Choisissez une fréquence.", "Kies een frequentie.")
    if any(day not in WEEKDAY_CODES for day in choice.weekdays):
        problems["weekdays"] = ("Ce jour n'existe pas.", "Die dag bestaat niet.")
    elif not choice.weekdays:
        problems["weekdays"] = ("Choisissez au moins un jour.", "Kies minstens één dag.")
    elif monthly and len(choice.weekdays) != 1:
        problems["weekdays"] = (
            "Pour une activité mensuelle, choisissez un seul jour.",
            "Kies één dag voor een maandelijkse activiteit.",
        )
    if monthly and choice.week_of_month not in WEEKS_OF_MONTH:
        problems["week_of_month"] = ("Choisissez la semaine du mois.", "Kies de week van de maand.")
    elif not monthly and choice.week_of_month is not None:
        problems["week_of_month"] = (
            "La semaine du mois ne vaut que pour une activité mensuelle.",
            "De week van de maand geldt alleen voor een maandelijkse activiteit.",
        )
    opens, closes = _time(choice.opens_at), _time(choice.closes_at)
    for field, clock in (("opens_at", opens), ("closes_at", closes)):
        if clock is None:
            problems[field] = (
                "Cette heure n'est pas valable : écrivez-la comme 16:00.",
                "Dit uur is niet geldig: schrijf het als 16:00.",
            )
    if opens and closes and closes <= opens:
        problems["closes_at"] = (
            "L'heure de fin doit venir après l'heure de début.",
            "Het einduur moet na het beginuur komen.",
        )
    valid_from, valid_to = _date(choice.valid_from), _date(choice.valid_to)
    for field, text, day in (
        ("valid_from", choice.valid_from, valid_from),
        ("valid_to", choice.valid_to, valid_to),
    ):
        if text is not None and day is None:
            problems[field] = (
                "Cette date n'est pas valable.",
                "Deze datum is niet geldig.",
            )
    if valid_from and valid_to and valid_to < valid_from:
        problems["valid_to"] = (
            "La date de fin doit être le jour du début ou après.",
            "De einddatum moet op of na de begindatum vallen.",
        )
    community = choice.except_school_holidays
    if community is not None and community not in school_holidays.COMMUNITIES:
        problems["except_school_holidays"] = (
            "Choisissez le calendrier scolaire francophone ou néerlandophone.",
            "Kies de Franstalige of de Nederlandstalige schoolkalender.",
        )
    if not problems and today is not None:
        problems.update(_no_session_problem(choice, today))
    return problems


def _no_session_problem(choice: ScheduleChoice, today: date) -> dict[str, Problem]:
    """A choice that parses but gives no session at all from today on (dates in the past,
    only holidays, or beyond the known school calendar) would silently hide the activity."""
    start = max(today, _date(choice.valid_from) or today)
    after = datetime.combine(start, time(0, 0), tzinfo=TIME_ZONE)
    written = to_hsds_schedules(choice, "", today, lambda index: "")
    if next_sessions(written, after, count=1):
        return {}
    community = choice.except_school_holidays
    if community:
        until = school_holidays.known_until(community)
        if start > until or not choice.valid_to:
            return {
                "except_school_holidays": (
                    f"Les vacances scolaires ne sont connues que jusqu'au {_day(until, 'fr')}.",
                    f"De schoolvakanties zijn maar gekend tot {_day(until, 'nl')}.",
                )
            }
    return {
        "valid_to": (
            "Aucune séance à venir entre ces dates.",
            "Geen enkele sessie meer tussen deze data.",
        )
    }


# --------------------------------------------------------------------------- HSDS


def to_hsds_schedules(
    choice: ScheduleChoice, service_id: str, today: date, make_id: Callable[[int], str]
) -> list[dict[str, Any]]:
    """The HSDS schedules of a valid choice (ValueError otherwise); make_id(i) is the id of
    the i-th. `today` anchors a fortnightly rhythm without valid_from, and starts the school
    periods of a choice that excepts holidays."""
    problems = choice_problems(choice)
    if problems:
        raise ValueError(f"invalid schedule choice: {sorted(problems)}")
    if choice.frequency == "fortnightly" and not choice.valid_from:
        # The rhythm is anchored on today's week: written down, so editing keeps it.
        choice = replace(choice, valid_from=today.isoformat())
    rule = _rule(choice, today)
    texts = {language: describe(choice, language) for language in ("fr", "nl")}
    community = choice.except_school_holidays
    if not community:
        spans: list[tuple[date | None, date | None]] = [
            (_date(choice.valid_from), _date(choice.valid_to))
        ]
    else:
        # Without valid_to, the periods end with the last school year the holidays file
        # knows (known_until): weeks beyond may be holidays nobody has entered yet. Saving
        # the service again once the file has a new year extends it.
        start = _date(choice.valid_from) or today
        end = _date(choice.valid_to) or date.max
        spans = list(school_holidays.school_periods(community, start, end))
    written: list[dict[str, Any]] = []
    for first, last in spans:
        schedule = _schedule(make_id(len(written)), service_id, rule, texts, first, last)
        # A short school period may hold no session of the rhythm: no schedule for it.
        if community and not _has_session(schedule):
            continue
        written.append(schedule)
    return written


def from_hsds_schedules(schedules: list[dict[str, Any]]) -> ScheduleChoice | None:
    """The choice that writes these schedules again (best effort), for editing a service;
    None when the form cannot express them (other rules, fields or splits)."""
    if not schedules or any(_blocks_form(schedule) for schedule in schedules):
        return None
    first = schedules[0]
    if any(_compared(schedule) != _compared(first) for schedule in schedules):
        return None
    pattern = _pattern(first)
    if pattern is None:
        return None
    pieces = sorted(schedules, key=lambda schedule: str(schedule.get("valid_from") or ""))
    if len(pieces) == 1:
        return _single(pattern, pieces[0])
    valid_from = _text_of(pieces[0].get("valid_from"))
    if pattern.frequency == "fortnightly":
        valid_from = _text_of(first.get("dtstart"))  # the anchor of the rhythm
    today = _date(valid_from)
    if today is None:
        return None
    for community in school_holidays.COMMUNITIES:
        for valid_to in (None, _text_of(pieces[-1].get("valid_to"))):
            candidate = replace(
                pattern, valid_from=valid_from, valid_to=valid_to, except_school_holidays=community
            )
            if _writes(candidate, pieces, today):
                return candidate
    return None


def _single(pattern: ScheduleChoice, schedule: dict[str, Any]) -> ScheduleChoice | None:
    valid_from = _text_of(schedule.get("valid_from"))
    valid_to = _text_of(schedule.get("valid_to"))
    if pattern.frequency == "fortnightly":
        valid_from = _fortnight_start(_date(_text_of(schedule.get("dtstart"))), _date(valid_from))
        if valid_from is None:
            return None
    choice = replace(pattern, valid_from=valid_from, valid_to=valid_to)
    # Our own descriptions name the school calendar: keep it if it writes the same period.
    for community in school_holidays.COMMUNITIES:
        candidate = replace(choice, except_school_holidays=community)
        today = _date(valid_from)
        if (
            today
            and schedule.get("description") == describe(candidate, "fr")
            and _writes(candidate, [schedule], today)
        ):
            return candidate
    return choice


def _fortnight_start(anchor: date | None, valid_from: date | None) -> str | None:
    """The valid_from that keeps the rhythm anchored on `anchor`'s week: valid_from itself
    when it falls in an "on" week, else the Monday after (its own week has no session)."""
    if anchor is None:
        return valid_from.isoformat() if valid_from else None
    if valid_from is None or valid_from <= anchor:
        return anchor.isoformat()
    weeks = (_monday(valid_from) - _monday(anchor)).days // 7
    return (valid_from if weeks % 2 == 0 else _monday(valid_from) + timedelta(days=7)).isoformat()


def _writes(choice: ScheduleChoice, schedules: list[dict[str, Any]], today: date) -> bool:
    if choice_problems(choice):
        return False
    written = to_hsds_schedules(choice, "", today, lambda index: "")
    return [_dated(schedule) for schedule in written] == [_dated(s) for s in schedules]


# --------------------------------------------------------------------------- preview


def next_sessions(
    schedules: list[dict[str, Any]], after: datetime, count: int = 5
) -> list[Session]:
    """The next `count` sessions across all schedules, in order (`after` aware)."""
    found: set[Session] = set()  # the same session written twice is shown once
    for schedule in schedules:
        moment = after
        for _ in range(count):
            session = next_session(schedule, moment)
            if session is None:
                break
            found.add(session)
            moment = session.start + timedelta(seconds=1)
    return sorted(found, key=lambda session: (session.start, session.end or session.start))[:count]


# --------------------------------------------------------------------------- wording


def describe(choice: ScheduleChoice, language: str) -> str:
    """The choice in one line: "Chaque lundi et mercredi, de 16:00 à 18:00"."""
    language = language if language in DAY_NAMES else "fr"
    names = DAY_NAMES[language]
    days = [names[WEEKDAY_CODES.index(day)] for day in choice.weekdays if day in WEEKDAY_CODES]
    fr = language == "fr"
    if choice.frequency == "monthly":
        ordinal = ORDINALS[language].get(choice.week_of_month or 1, "")
        day = days[0] if days else ""
        text = f"Le {ordinal} {day} du mois" if fr else f"De {ordinal} {day} van de maand"
    elif choice.frequency == "fortnightly":
        if not fr:
            text = f"Om de twee weken op {_join(days, 'en')}"
        elif len(days) == 1:
            text = f"Un {days[0]} sur deux"
        else:
            text = "Une semaine sur deux, " + _join([f"le {day}" for day in days], "et")
    else:
        text = f"Chaque {_join(days, 'et')}" if fr else f"Elke {_join(days, 'en')}"
    text += (
        f", de {choice.opens_at} à {choice.closes_at}"
        if fr
        else f", van {choice.opens_at} tot {choice.closes_at}"
    )
    community = choice.except_school_holidays
    if community in school_holidays.COMMUNITIES:
        schools = SCHOOLS[language][community]
        text += (
            f", sauf vacances scolaires ({schools})"
            if fr
            else f", behalve in de schoolvakanties ({schools})"
        )
    return text


def _join(words: list[str], conjunction: str) -> str:
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def _day(day: date, language: str) -> str:
    return f"{day.day} {MONTHS[language][day.month - 1]} {day.year}"


# --------------------------------------------------------------------------- helpers


def _rule(choice: ScheduleChoice, today: date) -> dict[str, Any]:
    """The recurrence fields, in the order the directory writes them (see synthetic.py)."""
    if choice.frequency == "monthly":
        byday = f"{choice.week_of_month}{choice.weekdays[0]}"
        rule: dict[str, Any] = {"freq": "MONTHLY", "interval": 1, "byday": byday}
    else:
        rule = {"freq": "WEEKLY", "interval": 1, "byday": ",".join(choice.weekdays)}
    if choice.frequency == "fortnightly":
        # Every piece carries this anchor, so the "on" weeks stay the same across holidays.
        rule.update(interval=2, dtstart=choice.valid_from or today.isoformat())
    return {**rule, "opens_at": choice.opens_at, "closes_at": choice.closes_at}


def _schedule(
    schedule_id: str,
    service_id: str,
    rule: dict[str, Any],
    texts: dict[str, str],
    valid_from: date | None,
    valid_to: date | None,
) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "id": schedule_id,
        "service_id": service_id,
        **rule,
        "description": texts["fr"],
        TRANSLATIONS: {"nl": {"description": texts["nl"]}},
        "valid_from": valid_from.isoformat() if valid_from else None,
        "valid_to": valid_to.isoformat() if valid_to else None,
    }
    return {key: value for key, value in fields.items() if value is not None}


def _has_session(schedule: dict[str, Any]) -> bool:
    first = _date(schedule.get("valid_from")) or _ANY_MONDAY
    return next_session(schedule, datetime.combine(first, time(0, 0), tzinfo=TIME_ZONE)) is not None


def _blocks_form(schedule: dict[str, Any]) -> bool:
    return any(schedule.get(field) not in (None, "") for field in _UNREPRESENTABLE) or (
        (schedule.get("wkst") or "MO") != "MO"
    )


def _compared(schedule: dict[str, Any]) -> tuple[str, ...]:
    """The rule of a schedule, written the same way whatever its source's spelling."""
    values = []
    for field in _COMPARED:
        value = schedule.get(field)
        if field == "interval":
            try:
                value = int(float(value or 1))
            except (TypeError, ValueError):
                value = "?"
        elif field == "byday":
            value = ",".join(part.strip().upper() for part in str(value or "").split(","))
        elif field in ("opens_at", "closes_at"):
            value = _clock(str(value or ""))
        elif field == "dtstart":
            value = _text_of(value)
        values.append(str(value))
    return tuple(values)


def _dated(schedule: dict[str, Any]) -> tuple[str, ...]:
    return (
        *_compared(schedule),
        str(_text_of(schedule.get("valid_from"))),
        str(_text_of(schedule.get("valid_to"))),
    )


def _pattern(schedule: dict[str, Any]) -> ScheduleChoice | None:
    """The rhythm and hours of a schedule as a choice (dates left empty), if the form has it."""
    _freq, interval_text, byday, _dtstart, opens_at, closes_at = _compared(schedule)
    parts = [part for part in byday.split(",") if part]
    opens, closes = _time(opens_at), _time(closes_at)
    if not (opens and closes and opens < closes) or not interval_text.isdigit():
        return None
    interval, freq = int(interval_text), schedule.get("freq")
    common: dict[str, Any] = {
        "opens_at": opens_at,
        "closes_at": closes_at,
        "valid_from": None,
        "valid_to": None,
        "except_school_holidays": None,
    }
    if freq == "WEEKLY" and interval in (1, 2):
        if not parts:  # RFC 5545: the day of dtstart
            start = _date(schedule.get("dtstart"))
            parts = [WEEKDAY_CODES[start.weekday()]] if start else []
        if not parts or any(part not in WEEKDAY_CODES for part in parts):
            return None
        return ScheduleChoice(
            frequency="weekly" if interval == 1 else "fortnightly",
            weekdays=tuple(day for day in WEEKDAY_CODES if day in parts),
            week_of_month=None,
            **common,
        )
    if freq == "MONTHLY" and interval == 1 and len(parts) == 1:
        match = _MONTHLY_DAY.match(parts[0])
        if not match or int(match.group(1)) not in WEEKS_OF_MONTH:
            return None
        return ScheduleChoice(
            frequency="monthly",
            weekdays=(match.group(2),),
            week_of_month=int(match.group(1)),
            **common,
        )
    return None


def _values(form: Form, name: str) -> list[str]:
    getlist = getattr(form, "getlist", None)
    raw = getlist(name) if callable(getlist) else form.get(name)
    if raw is None:
        return []
    items: Iterable[Any] = [raw] if isinstance(raw, str) else raw
    try:
        return [item for item in items if isinstance(item, str)]
    except TypeError:
        return []


def _text(form: Form, name: str) -> str:
    return next((value.strip() for value in _values(form, name) if value.strip()), "")


def _weekdays(values: list[str]) -> tuple[str, ...]:
    """Known days in week order, then unknown ones as typed (for the error message)."""
    given = [part.upper() for value in values for part in re.split(r"[\s,;]+", value) if part]
    known = tuple(day for day in WEEKDAY_CODES if day in given)
    unknown = tuple(dict.fromkeys(day for day in given if day not in WEEKDAY_CODES))
    return known + unknown


def _week_of_month(text: str) -> int | None:
    if not text:
        return None
    if text.lower() in ("last", "dernier", "laatste"):
        return -1
    try:
        return int(text)
    except ValueError:
        return 0  # not a week: choice_problems says so


def _community(text: str) -> str | None:
    return None if text.lower() in _NO_COMMUNITY else text.lower()


def _clock(text: str) -> str:
    """ "9:30", "16h", "16h30" or "16:00:00" as "HH:MM"; anything else as typed."""
    match = _TIME.match(text.strip())
    if not match:
        return text
    hours, minutes = int(match.group(1)), int(match.group(2) or 0)
    if hours > 23 or minutes > 59:
        return text
    return f"{hours:02d}:{minutes:02d}"


def _time(text: str) -> time | None:
    if not re.fullmatch(r"\d{2}:\d{2}", text or ""):
        return None
    try:
        return time.fromisoformat(text)
    except ValueError:
        return None


def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def _text_of(value: Any) -> str | None:
    return str(value)[:10] if value not in (None, "") else None


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())
