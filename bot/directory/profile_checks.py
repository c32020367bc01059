"""Checks of the Brussels profile that the HSDS JSON Schemas cannot express: dates that
parse, schedules that make a valid recurrence rule, and well-formed translations. Each
problem names the record and the field path, like the schema problems."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, time
from typing import Any

from bot.directory.hsds_schema import SchemaProblem
from bot.directory.structure import ARRAYS, REFERENCES
from bot.hsds_profile import LANGUAGES, TRANSLATIONS

DATE_FIELDS = {
    "service": ("assured_date",),
    "schedule": ("valid_from", "valid_to", "dtstart", "until"),
    "cost_option": ("valid_from", "valid_to"),
}
TIME_FIELDS = ("opens_at", "closes_at")
BYDAY = re.compile(r"^[+-]?\d{0,2}(MO|TU|WE|TH|FR|SA|SU)$")


def profile_problems(kind: str, record: dict[str, Any]) -> list[SchemaProblem]:
    record_id = str(record.get("id", "?"))
    return [SchemaProblem(record_id, path, message) for path, message in _walk(kind, record, "")]


def _walk(kind: str, record: Any, path: str) -> Iterator[tuple[str, str]]:
    if not isinstance(record, dict):
        return
    prefix = f"{path}/" if path else ""
    for field in DATE_FIELDS.get(kind, ()):
        if field in record and not _is_date(record[field]):
            yield f"{prefix}{field}", f"{record[field]!r} is not a date (YYYY-MM-DD)"
    if kind == "schedule":
        yield from _schedule_problems(record, prefix)
    yield from _translation_problems(record, prefix)
    for field, child_kind in ARRAYS.get(kind, {}).items():
        children = record.get(field)
        if isinstance(children, list):
            for index, child in enumerate(children):
                yield from _walk(child_kind, child, f"{prefix}{field}/{index}")
    for field, (ref_kind, _) in REFERENCES.get(kind, {}).items():
        if isinstance(record.get(field), dict):
            yield from _walk(ref_kind, record[field], f"{prefix}{field}")


def _schedule_problems(record: dict[str, Any], prefix: str) -> Iterator[tuple[str, str]]:
    for field in TIME_FIELDS:
        if field in record and not _is_time(record[field]):
            yield f"{prefix}{field}", f"{record[field]!r} is not a time (HH:MM)"
    byday = record.get("byday")
    if byday is not None:
        parts = str(byday).split(",")
        if not all(BYDAY.match(part.strip()) for part in parts):
            yield f"{prefix}byday", f"{byday!r} is not a list of days like 'MO,WE'"
    interval = record.get("interval")
    if interval is not None and (not float(interval).is_integer() or interval < 1):
        yield f"{prefix}interval", f"{interval!r} is not a whole number of at least 1"
    if record.get("freq") and not (
        record.get("byday") or record.get("bymonthday") or record.get("dtstart")
    ):
        yield f"{prefix}byday", "a recurring schedule needs byday, bymonthday or dtstart"


def _translation_problems(record: dict[str, Any], prefix: str) -> Iterator[tuple[str, str]]:
    translations = record.get(TRANSLATIONS)
    if translations is None:
        return
    if not isinstance(translations, dict):
        yield f"{prefix}{TRANSLATIONS}", 'must be an object like {"nl": {"name": ...}}'
        return
    for language, fields in translations.items():
        where = f"{prefix}{TRANSLATIONS}/{language}"
        if language not in LANGUAGES:
            yield where, f"unknown language {language!r} (expected one of {LANGUAGES})"
        elif not isinstance(fields, dict) or not all(
            isinstance(value, str) for value in fields.values()
        ):
            yield where, "must map field names to texts"


def _is_date(value: Any) -> bool:
    try:
        date.fromisoformat(str(value)[:10])
    except ValueError:
        return False
    return True


def _is_time(value: Any) -> bool:
    try:
        time.fromisoformat(str(value))
    except ValueError:
        return False
    return True
