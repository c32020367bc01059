"""The HSDS 3.0 API reference endpoints, read-only, with the directory's search filters.

`/hsds/services` returns a Page (HSDS) whose items are services; with `full=true` they are
fully nested (phones, schedules, locations...). Each item found by a search also carries
the extension `search_result`: its commune, whether it is in a neighbouring commune and
its next session (Europe/Brussels). Texts are French with Dutch under `translations`."""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.core.deps import UnitOfWorkDep
from bot.directory.models import ServiceAtLocation, TaxonomyTerm
from bot.directory.search import Hit, SearchResult, search
from bot.directory.search import Query as SearchQuery
from bot.directory.store import load
from bot.hsds_profile import TIME_ZONE
from bot.lexicon import WEEKDAY_CODES, communes

router = APIRouter(prefix="/hsds", tags=["directory (HSDS 3.0)"])
MAX_PER_PAGE = 100
ONE_TO_ONE_REFERENCES = ("organization",)


@router.get("/")
async def api_info(request: Request) -> dict[str, str]:
    base = request.app.state.settings.public_url.rstrip("/")
    return {
        "version": "3.0",
        "profile": f"{base}/hsds/profile",
        "openapi_url": f"{base}/openapi.json",
    }


@router.get("/profile")
async def profile_info() -> dict[str, Any]:
    return {
        "name": "Brussels tenants' activities",
        "languages": ["fr", "nl"],
        "translations": "Dutch texts in the extension property translations.nl.<field>",
        "time_zone": str(TIME_ZONE),
        "taxonomies": ["bxl-activity-categories", "bxl-audiences"],
    }


def _page(items: list[Any], total: int, page: int, per_page: int) -> dict[str, Any]:
    pages = max(1, math.ceil(total / per_page))
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": page,
        "size": len(items),
        "first_page": page == 1,
        "last_page": page >= pages,
        "empty": not items,
        "contents": items,
    }


def _search_query(
    commune: str | None,
    postcode: int | None,
    taxonomy_term: str | None,
    audience: str | None,
    weekday: str | None,
    age: int | None,
    language: str | None,
    free: bool | None,
    search_text: str | None,
    assured_within_months: int,
) -> SearchQuery:
    if commune and commune not in communes():
        raise HTTPException(
            422, f"unknown commune {commune!r}; expected one of {', '.join(sorted(communes()))}"
        )
    days = frozenset(day.strip().upper() for day in (weekday or "").split(",") if day.strip())
    if not days <= set(WEEKDAY_CODES):
        raise HTTPException(422, f"weekday must be a comma list of {', '.join(WEEKDAY_CODES)}")
    return SearchQuery(
        category=taxonomy_term,
        commune=commune,
        postcode=postcode,
        weekdays=days,
        audience=audience,
        age=age,
        language=language,
        free=free,
        text=search_text,
        assured_within_months=assured_within_months,
    )


@router.get("/services")
async def list_services(
    request: Request,
    work: UnitOfWorkDep,
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = 20,
    full: bool = False,
    search_text: Annotated[str | None, Query(alias="search", max_length=200)] = None,
    taxonomy_term_id: str | None = None,
    taxonomy_term: Annotated[str | None, Query(description="category code")] = None,
    commune: Annotated[str | None, Query(description="commune id")] = None,
    postcode: Annotated[int | None, Query(ge=1000, le=9999)] = None,
    audience: str | None = None,
    weekday: Annotated[str | None, Query(description="e.g. MO,WE")] = None,
    age: Annotated[int | None, Query(ge=0, le=120)] = None,
    language: Annotated[str | None, Query(max_length=8)] = None,
    free: bool | None = None,
    assured_within_months: Annotated[int | None, Query(ge=1, le=120)] = None,
) -> dict[str, Any]:
    settings = request.app.state.settings
    assured_within_months = assured_within_months or settings.directory_assured_within_months
    if taxonomy_term_id and not taxonomy_term:
        taxonomy_term = await work.run(_term_code, taxonomy_term_id)
    query = _search_query(
        commune,
        postcode,
        taxonomy_term,
        audience,
        weekday,
        age,
        language,
        free,
        search_text,
        assured_within_months,
    )

    def run(db: Session) -> dict[str, Any]:
        result = search(db, query, settings.directory_clock)
        chosen = result.hits[(page - 1) * per_page : page * per_page]
        records = load(db, "service", [hit.service_id for hit in chosen])
        items = [
            _service_item(records[hit.service_id], hit, full)
            for hit in chosen
            if hit.service_id in records
        ]
        body = _page(items, len(result.hits), page, per_page)
        body["search"] = _search_summary(result)
        return body

    return await work.run(run)


def _term_code(db: Session, term_id: str) -> str:
    code = db.scalar(select(TaxonomyTerm.code).where(TaxonomyTerm.id == term_id))
    if code is None:
        raise HTTPException(422, f"unknown taxonomy_term_id {term_id!r}")
    return code


def _service_item(record: dict[str, Any], hit: Hit | None, full: bool) -> dict[str, Any]:
    item = record if full else _one_to_one(record)
    if hit is not None:
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


def _one_to_one(record: dict[str, Any]) -> dict[str, Any]:
    return {
        key: value
        for key, value in record.items()
        if not isinstance(value, list)
        and (not isinstance(value, dict) or key in ONE_TO_ONE_REFERENCES or key == "translations")
    }


def _search_summary(result: SearchResult) -> dict[str, Any]:
    return {
        "commune": result.commune,
        "neighbours_added": result.neighbours_added,
        "in_commune": result.in_commune,
    }


@router.get("/services/{service_id}")
async def get_service(service_id: str, work: UnitOfWorkDep) -> dict[str, Any]:
    def run(db: Session) -> dict[str, Any] | None:
        return load(db, "service", [service_id]).get(service_id)

    record = await work.run(run)
    if record is None:
        raise HTTPException(404, f"no service {service_id!r}")
    return record


@router.get("/taxonomy_terms")
async def list_taxonomy_terms(
    request: Request,
    work: UnitOfWorkDep,
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = 50,
    taxonomy_id: str | None = None,
    parent_id: str | None = None,
) -> dict[str, Any]:
    def run(db: Session) -> dict[str, Any]:
        statement = select(TaxonomyTerm).order_by(TaxonomyTerm.taxonomy, TaxonomyTerm.code)
        terms = list(
            load(
                db, "taxonomy_term", db.scalars(statement.with_only_columns(TaxonomyTerm.id))
            ).values()
        )
        terms = [
            term
            for term in terms
            if (taxonomy_id is None or term.get("taxonomy_id") == taxonomy_id)
            and (parent_id is None or term.get("parent_id") == parent_id)
        ]
        chosen = terms[(page - 1) * per_page : page * per_page]
        return _page(chosen, len(terms), page, per_page)

    return await work.run(run)


@router.get("/service_at_locations")
async def list_service_at_locations(
    request: Request,
    work: UnitOfWorkDep,
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = 20,
    taxonomy_term: str | None = None,
    commune: str | None = None,
    postcode: Annotated[int | None, Query(ge=1000, le=9999)] = None,
) -> dict[str, Any]:
    settings = request.app.state.settings
    months = settings.directory_assured_within_months
    query = _search_query(
        commune, postcode, taxonomy_term, None, None, None, None, None, None, months
    )

    def run(db: Session) -> dict[str, Any]:
        if query.category or query.commune or query.postcode:
            hits = search(db, query, settings.directory_clock).hits
            service_ids = [hit.service_id for hit in hits]
        else:
            service_ids = None
        statement = select(ServiceAtLocation.id).order_by(ServiceAtLocation.id)
        if service_ids is not None:
            statement = statement.where(ServiceAtLocation.owner_id.in_(service_ids))
        total = db.scalar(select(func.count()).select_from(statement.subquery())) or 0
        ids = list(db.scalars(statement.offset((page - 1) * per_page).limit(per_page)))
        rows = load(db, "service_at_location", ids)
        services = load(
            db,
            "service",
            {service_id for row in rows.values() if (service_id := row.get("service_id"))},
        )
        items = []
        for row in rows.values():
            item = {key: value for key, value in row.items() if not isinstance(value, list)}
            if row.get("service_id") in services:
                item["service"] = _one_to_one(services[row["service_id"]])
            if isinstance(item.get("location"), dict):
                item["location"] = {
                    key: value
                    for key, value in item["location"].items()
                    if not isinstance(value, list)
                }
            items.append(item)
        return _page(items, total, page, per_page)

    return await work.run(run)
