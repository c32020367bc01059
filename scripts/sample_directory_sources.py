"""The SAMPLE directory's sources, data/activities/sample-sources.yml, read into typed objects,
and the phrasing of its generated texts (schedules, fees, ages) in French and Dutch."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.hsds_profile import LANGUAGES
from bot.lexicon import DAY_NAMES, WEEKDAY_CODES

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "data" / "activities" / "sample-sources.yml"

Text = dict[str, str]  # language -> text: {"fr": ..., "nl": ...}


@dataclass(frozen=True)
class Slot:
    """One weekly (or, with `monthday`, monthly) session: "MO,TH 09:00-12:00", "12 18:00-20:00"."""

    byday: str  # "MO,TU,TH"; empty for a monthly slot
    opens: str
    closes: str
    monthday: int | None = None

    @classmethod
    def parse(cls, text: str) -> Slot:
        when, hours = text.split()
        opens, closes = hours.split("-")
        return cls("", opens, closes, int(when)) if when.isdigit() else cls(when, opens, closes)

    def first_date(self, valid_from: str) -> str:
        """The first day on or after `valid_from` when the slot happens (RFC 5545 DTSTART)."""
        day = dt.date.fromisoformat(valid_from)
        while not self.happens_on(day):
            day += dt.timedelta(days=1)
        return day.isoformat()

    def happens_on(self, day: dt.date) -> bool:
        if self.monthday is not None:
            return day.day == self.monthday
        return WEEKDAY_CODES[day.weekday()] in self.byday.split(",")


@dataclass(frozen=True)
class Fee:
    amount: int
    option: Text
    per: Text  # amount_description


@dataclass(frozen=True)
class Activity:
    """What a kind of activity is; organisations run it at their own place."""

    categories: list[str]
    audiences: list[str]
    name: Text
    description: Text
    slots: list[list[str]]  # alternatives, one is drawn per service
    period: str = "school"
    interval: int = 1
    fees: tuple[str, ...] = ("free",)  # alternatives, one is drawn per service
    ages: tuple[int | None, int | None] = (None, None)
    eligibility: Text | None = None
    fees_text: Text | None = None
    languages: tuple[str, ...] = ()


@dataclass(frozen=True)
class Antenna:
    """A second place of an organisation, in another commune."""

    commune: str
    street: Text
    activities: list[str]  # those also given there


@dataclass(frozen=True)
class Organisation:
    slug: str
    name: Text  # short name, e.g. {"fr": "Le Colibri", "nl": "De Kolibrie"}
    kind: str
    commune: str
    street: Text
    activities: list[str]
    languages: tuple[str, ...] = ("fr", "nl")
    postcode: int | None = None
    antenna: Antenna | None = None


@dataclass(frozen=True)
class Sources:
    metadata: dict[str, Any]
    seed: int
    assured_dates: dict[str, str]  # from, to
    filtered: dict[str, Any]  # inactive, stale, stale_date
    texts: dict[str, Any]
    periods: dict[str, dict[str, Any]]
    fees: dict[str, Fee]
    languages: dict[str, Text]
    activities: dict[str, Activity]
    kinds: dict[str, dict[str, Text]]
    organisations: list[Organisation]

    @classmethod
    def read(cls, path: Path = SOURCES) -> Sources:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        raw.pop("slot_sets", None)  # only there for the activities to share them
        raw["fees"] = {key: Fee(**fee) for key, fee in raw["fees"].items()}
        raw["activities"] = {key: Activity(**row) for key, row in raw["activities"].items()}
        raw["organisations"] = [
            Organisation(
                **row | {"antenna": Antenna(**row["antenna"]) if "antenna" in row else None}
            )
            for row in raw["organisations"]
        ]
        return cls(**raw)

    def each(self, make: Callable[[str], str]) -> Text:
        """A text in every language: `make(language)` for each."""
        return {language: make(language) for language in LANGUAGES}

    # ------------------------------------------------------------------- schedules

    def schedule_text(self, slot: Slot, activity: Activity) -> Text:
        """When the slot happens, e.g. "Le lundi et le jeudi de 9h à 12h, de septembre à juin"."""
        period = self.periods[activity.period]

        def text(language: str) -> str:
            words = f"{self.days_text(slot, activity.interval, language)} "
            words += self.texts["hours"][language].format(
                opens=self.clock(slot.opens, language), closes=self.clock(slot.closes, language)
            )
            words += period.get("suffix", {}).get(language, "")
            if "prefix" in period:
                words = period["prefix"][language] + words[0].lower() + words[1:]
            return words

        return self.each(text)

    def days_text(self, slot: Slot, interval: int, language: str) -> str:
        texts = self.texts
        if slot.monthday is not None:
            return texts["monthly"][language].format(day=ordinal(slot.monthday, language))
        if slot.byday in texts["day_sets"]:
            return texts["day_sets"][slot.byday][language]
        names = [DAY_NAMES[language][WEEKDAY_CODES.index(code)] for code in slot.byday.split(",")]
        if interval == 2:
            return texts["biweekly"][language].format(day=names[0])
        weekly = texts["weekly"][language]
        days = [weekly["day"].format(day=name) for name in names]
        if len(days) > 1:
            days = [", ".join(days[:-1]), weekly["and"], days[-1]]
        sentence = weekly["days"].format(days=" ".join(days))
        return sentence[0].upper() + sentence[1:]

    def clock(self, time: str, language: str) -> str:
        """A time as people write it: 15:30 is 15h30 in French, 15.30 in Dutch."""
        hours, minutes = (int(part) for part in time.split(":"))
        form = self.texts["clock"][language]["minutes" if minutes else "hour"]
        return form.format(hours=hours, minutes=minutes)

    # ------------------------------------------------------------------- fees and ages

    def fees_text(self, activity: Activity, fee: Fee) -> Text:
        """The service's fees_description."""
        if activity.fees_text:
            return activity.fees_text
        texts = self.texts["fees"]
        if not fee.amount:
            return texts["free"]

        def text(language: str) -> str:
            words = texts["paid"][language].format(amount=fee.amount, per=fee.per[language])
            if set(activity.categories) & set(texts["sport_categories"]):
                words += texts["sport_note"][language]
            if fee.amount >= texts["reduced_from"]:
                words += texts["reduced_note"][language]
            return words

        return self.each(text)

    def eligibility(self, activity: Activity) -> Text | None:
        """The activity's own rule, else one made from its ages; none for any adult."""
        if activity.eligibility:
            return activity.eligibility
        low, high = activity.ages
        ages = self.texts["ages"]
        if low is None or low == ages["adults"] and high is None:
            return None
        form = ages["from"] if high is None else ages["between"]
        return self.each(lambda language: form[language].format(low=low, high=high))


def ordinal(day: int, language: str) -> str:
    """A day of the month as the monthly text says it: 12 in French; 12de, 1ste, 20ste in Dutch."""
    if language != "nl":
        return str(day)
    return f"{day}{'ste' if day in (1, 8) or day >= 20 else 'de'}"
