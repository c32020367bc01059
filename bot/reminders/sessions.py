"""The sessions of one activity at one place, from the gateway's own directory: a reminder
is only ever about a session the directory really has (never a time the caller made up)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from bot.directory.models import Schedule, SearchEntry
from bot.directory.schedules import Session, next_session


@dataclass(frozen=True)
class Place:
    service_id: str
    location_id: str | None
    schedules: list[dict[str, Any]]


def place_of(db: DbSession, service_id: str, location_id: str | None) -> Place | None:
    """The active activity at that place (its first place when none is named)."""
    query = select(SearchEntry.service_at_location_id, SearchEntry.location_id).where(
        SearchEntry.service_id == service_id, SearchEntry.status == "active"
    )
    if location_id:
        query = query.where(SearchEntry.location_id == location_id)
    row = db.execute(query.order_by(SearchEntry.id).limit(1)).first()
    if row is None:
        return None
    sal_id, found_location = row
    # the most specific schedules win, as in the search: service-at-location, location, service
    for owner in (sal_id, found_location, service_id):
        if owner:
            documents = list(
                db.scalars(
                    select(Schedule.document)
                    .where(Schedule.owner_id == owner)
                    .order_by(Schedule.position)
                )
            )
            if documents:
                return Place(service_id, found_location, documents)
    return Place(service_id, found_location, [])


def first_session(place: Place, after: datetime) -> Session | None:
    """The first session starting at or after `after`."""
    sessions = [found for document in place.schedules if (found := next_session(document, after))]
    return min(sessions, key=lambda found: found.start) if sessions else None


def session_at(place: Place, start: datetime) -> Session | None:
    """The session starting exactly at `start`, if the schedules have one."""
    found = first_session(place, start - timedelta(seconds=1))
    return found if found is not None and found.start == start else None
