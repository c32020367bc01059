"""Reading the query parameters: the reference's and the Brussels profile's extensions.

Every parameter either filters or answers 422 with what is wrong: none is ignored."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Query

from bot.directory.search import Query as SearchQuery
from bot.hsds_api.errors import bad_parameter
from bot.hsds_profile import TIME_ZONE
from bot.lexicon import WEEKDAY_CODES, communes
from bot.lexicon.folding import fold

MAX_TEXT = 200


def text(name: str, value: str | None) -> str | None:
    """A free-text parameter: empty means absent; NUL cannot be stored or searched."""
    if value is None or not value.strip():
        return None
    if "\x00" in value:
        raise bad_parameter(f"{name} must not contain a NUL character")
    if len(value) > MAX_TEXT:
        raise bad_parameter(f"{name} is longer than {MAX_TEXT} characters")
    return value.strip()


def timestamp(value: str) -> datetime | None:
    """An ISO 8601 date or date-time, aware (no offset: Brussels time), or None."""
    try:
        found = datetime.fromisoformat(re.sub(r"[zZ]$", "+00:00", value.strip()))
    except ValueError:
        return None
    return found if found.tzinfo else found.replace(tzinfo=TIME_ZONE)


def modified_after(value: str | None) -> datetime | None:
    if (value := text("modified_after", value)) is None:
        return None
    found = timestamp(value)
    if found is None:
        raise bad_parameter(
            f"modified_after must be an ISO 8601 date-time such as 2026-01-31T12:00:00Z,"
            f" not {value!r}"
        )
    return found


def proximity(value: str | None, postcode: str | None) -> float | None:
    """Metres from the postcode's centroid (the reference's definition); needs a postcode."""
    if (value := text("proximity", value)) is None:
        return None
    try:
        metres = float(value)
    except ValueError:
        metres = math.nan
    if not math.isfinite(metres) or metres < 0:
        raise bad_parameter(f"proximity must be a distance in metres (0 or more), not {value!r}")
    if postcode is None:
        raise bad_parameter("proximity needs a postcode: it is a distance from its centroid")
    return metres


def postcode_number(postcode: str) -> int:
    """The search's postcode; one that is not 4 digits lies in no commune (0: none)."""
    return int(postcode) if re.fullmatch(r"[0-9]{4}", postcode) else 0


def matches(words: str | None, *fields: object) -> bool:
    """Every folded word of `words` occurs in one of the fields (the `search` parameter)."""
    haystack = fold(" ".join(str(field) for field in fields if isinstance(field, str)))
    return all(word in haystack for word in fold(words or "").split())


def commune_id(commune: str | None) -> str | None:
    if commune and commune not in communes():
        known = ", ".join(sorted(communes()))
        raise bad_parameter(f"unknown commune {commune!r}; expected one of {known}")
    return commune


@dataclass(frozen=True)
class BrusselsFilters:
    """The profile's search filters on /services (extensions of the reference)."""

    taxonomy_term: str | None
    commune: str | None
    postcode: str | None
    audience: str | None
    weekday: str | None
    age: int | None
    language: str | None
    free: bool | None
    assured_within_months: int | None

    def query(self, search: str | None, default_months: int) -> SearchQuery:
        days = frozenset(
            day.strip().upper() for day in (self.weekday or "").split(",") if day.strip()
        )
        if not days <= set(WEEKDAY_CODES):
            raise bad_parameter(f"weekday must be a comma list of {', '.join(WEEKDAY_CODES)}")
        return SearchQuery(
            category=text("taxonomy_term", self.taxonomy_term),
            commune=commune_id(self.commune),
            postcode=None if self.postcode is None else postcode_number(self.postcode),
            weekdays=days,
            audience=text("audience", self.audience),
            age=self.age,
            language=text("language", self.language),
            free=self.free,
            text=search,
            assured_within_months=self.assured_within_months or default_months,
        )


def brussels_filters(
    taxonomy_term: Annotated[str | None, Query(description="category code")] = None,
    commune: Annotated[str | None, Query(description="commune id")] = None,
    postcode: Annotated[str | None, Query(description="that postcode's commune first")] = None,
    audience: Annotated[str | None, Query(description="audience code")] = None,
    weekday: Annotated[str | None, Query(description="e.g. MO,WE")] = None,
    age: Annotated[int | None, Query(ge=0, le=120)] = None,
    language: Annotated[str | None, Query(description="language code, e.g. ar")] = None,
    free: bool | None = None,
    assured_within_months: Annotated[int | None, Query(ge=1, le=120)] = None,
) -> BrusselsFilters:
    return BrusselsFilters(
        taxonomy_term,
        commune,
        text("postcode", postcode),
        audience,
        weekday,
        age,
        language,
        free,
        assured_within_months,
    )
