"""The shapes of the records the API answers: one-to-one (list items), minimal, full."""

from __future__ import annotations

from typing import Any

from bot.directory.search import Hit, SearchResult
from bot.hsds_api.filters import last_modified

# single embedded objects a list item keeps (the reference's list schemas allow them)
ONE_TO_ONE_OBJECTS = ("organization", "translations")


def one_to_one(record: dict[str, Any]) -> dict[str, Any]:
    """The record's own fields without its arrays of children (the reference's list items)."""
    return {
        key: value
        for key, value in record.items()
        if not isinstance(value, list)
        and (not isinstance(value, dict) or key in ONE_TO_ONE_OBJECTS)
    }


def minimal(record: dict[str, Any]) -> dict[str, Any]:
    """`minimal=true`: the reference asks for "id and modified_date"; its own list schema
    (compiled/service_list.json) requires name and status too and names the date
    `last_modified`, so those four fields (the date only when the record has one)."""
    item: dict[str, Any] = {key: record[key] for key in ("id", "name", "status") if key in record}
    modified = last_modified(record)
    if modified is not None:
        item["last_modified"] = modified.isoformat()
    return item


def service_item(record: dict[str, Any], hit: Hit, full: bool) -> dict[str, Any]:
    """A service of a search, with the extension `search_result` (commune, next session).
    `record` is left as it is (it may be the cache's, shared): the item is a new dict."""
    item = dict(record) if full else one_to_one(record)
    item["search_result"] = {
        "commune": hit.commune_id,
        "neighbour": hit.neighbour,
        "location_id": hit.location_id,
        "next_session": None
        if hit.session is None
        else {
            "start": hit.session.start.isoformat(),
            "end": hit.session.end.isoformat() if hit.session.end else None,
            "weekday": hit.session.weekday,
        },
    }
    return item


def search_summary(result: SearchResult) -> dict[str, Any]:
    return {
        "commune": result.commune,
        "neighbours_added": result.neighbours_added,
        "in_commune": result.in_commune,
    }
