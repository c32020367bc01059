"""Activity search: filters in SQL, next sessions from the schedules, same commune first.

Only `active` services assured recently enough are found. When the tenant's commune has
fewer than `enough` results, services in the neighbouring communes follow, marked as such."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import Row, Select, or_, select
from sqlalchemy.orm import Session as DbSession

from bot.directory.models import Schedule, SearchEntry
from bot.directory.schedules import Session, next_session
from bot.hsds_profile import TIME_ZONE
from bot.lexicon import commune_by_postcode, neighbours
from bot.lexicon.folding import fold


@dataclass(frozen=True)
class Query:
    category: str | None = None
    commune: str | None = None
    postcode: int | None = None
    weekdays: frozenset[str] = frozenset()
    audience: str | None = None
    age: int | None = None
    language: str | None = None
    free: bool | None = None
    text: str | None = None
    assured_within_months: int = 12
    enough: int = 3  # fewer results than this in the commune: add the neighbours'


@dataclass
class Hit:
    service_id: str
    location_id: str | None
    commune_id: str | None
    neighbour: bool
    session: Session | None
    name: str = ""


@dataclass
class SearchResult:
    hits: list[Hit] = field(default_factory=list)
    commune: str | None = None
    neighbours_added: bool = False
    in_commune: int = 0  # results in the commune itself (the rest are neighbours')


def effective_commune(query: Query) -> str | None:
    if query.commune:
        return query.commune
    if query.postcode is not None:
        return commune_by_postcode().get(query.postcode)
    return None


def search(db: DbSession, query: Query, now: datetime | None = None) -> SearchResult:
    now = now or datetime.now(TIME_ZONE)
    commune = effective_commune(query)
    if query.postcode is not None and commune is None:
        return SearchResult(commune=None)  # a postcode outside Brussels: nothing here
    rows = db.execute(_candidates(query, now, [commune] if commune else None)).all()
    hits = _with_sessions(db, rows, query, now, commune)
    in_commune = len(hits)
    if commune and len(hits) < query.enough:  # too few here: the neighbours' come after
        here = {hit.service_id for hit in hits}
        nearby = list(neighbours().get(commune, ()))
        near_rows = [
            row for row in db.execute(_candidates(query, now, nearby)).all() if row[0] not in here
        ]
        hits += _with_sessions(db, near_rows, query, now, commune)
    hits.sort(key=lambda hit: (hit.neighbour, _session_key(hit), hit.name))
    added = any(hit.neighbour for hit in hits)
    return SearchResult(hits=hits, commune=commune, neighbours_added=added, in_commune=in_commune)


def _session_key(hit: Hit) -> tuple[int, float]:
    return (0, hit.session.start.timestamp()) if hit.session else (1, 0.0)


def _candidates(query: Query, now: datetime, communes: list[str] | None) -> Select[Any]:
    oldest = (now - relativedelta(months=query.assured_within_months)).date()
    entry = SearchEntry
    statement = select(
        entry.service_id,
        entry.name,
        entry.service_at_location_id,
        entry.location_id,
        entry.commune_id,
    )
    if communes:
        statement = statement.where(entry.commune_id.in_(communes))
    statement = statement.where(entry.status == "active", entry.assured_date >= oldest)
    if query.category:  # entries list each category with its parents
        statement = statement.where(entry.categories.contains(f" {query.category} "))
    if query.audience:
        statement = statement.where(entry.audiences.contains(f" {query.audience} "))
    if query.age is not None:
        statement = statement.where(
            or_(entry.minimum_age.is_(None), entry.minimum_age <= query.age),
            or_(entry.maximum_age.is_(None), entry.maximum_age >= query.age),
        )
    if query.language:
        statement = statement.where(entry.languages.contains(f" {query.language.lower()} "))
    if query.free is not None:
        statement = statement.where(entry.is_free.is_(query.free))
    for word in fold(query.text or "").split():
        statement = statement.where(entry.search_text.contains(word))
    return statement


def _with_sessions(
    db: DbSession, rows: Sequence[Row[Any]], query: Query, now: datetime, commune: str | None
) -> list[Hit]:
    """One hit per service (its best location), with the next session on the wanted days."""
    owner_ids = {value for row in rows for value in (row[0], row[2], row[3]) if value}
    schedules = _schedules_by_owner(db, owner_ids)
    best: dict[str, Hit] = {}
    for service_id, name, sal_id, location_id, commune_id in rows:
        # the most specific schedules win: service-at-location, then location, then service
        documents = (
            schedules.get(sal_id) or schedules.get(location_id) or schedules.get(service_id) or []
        )
        sessions = [
            found
            for document in documents
            if (found := next_session(document, now, query.weekdays))
        ]
        if query.weekdays and not sessions:
            continue
        hit = Hit(
            service_id,
            location_id,
            commune_id,
            neighbour=bool(commune) and commune_id != commune,
            session=min(sessions, key=lambda found: found.start) if sessions else None,
            name=name or "",
        )
        current = best.get(service_id)
        if current is None or (current.neighbour, _session_key(current)) > (
            hit.neighbour,
            _session_key(hit),
        ):
            best[service_id] = hit
    return list(best.values())


def _schedules_by_owner(db: DbSession, owner_ids: set[str]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    ids = list(owner_ids)
    for start in range(0, len(ids), 500):
        query = (
            select(Schedule.owner_id, Schedule.document)
            .where(Schedule.owner_id.in_(ids[start : start + 500]))
            .order_by(Schedule.owner_id, Schedule.position)
        )
        for owner_id, document in db.execute(query):
            found[owner_id].append(document)
    return found
