"""/service_at_locations and /service_at_locations/{id}.

The list holds the places of the services the directory search finds (active, assured
recently enough), narrowed by the reference's service filters and by place: `postcode`
(the place's postal code), `postcode` + `proximity` (distance from the postcode's centroid,
geo.py) and the extension `commune`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.deps import UnitOfWorkDep
from bot.directory.models import Location, ServiceAtLocation
from bot.directory.search import Query as SearchQuery
from bot.directory.search import search
from bot.directory.store import load
from bot.hsds_api import geo, parameters
from bot.hsds_api.errors import bad_parameter
from bot.hsds_api.filters import ServiceFilters, service_filters
from bot.hsds_api.paging import Paging, paging, respond
from bot.hsds_api.shapes import one_to_one
from bot.hsds_api.single import found_or_404

router = APIRouter()


@router.get("/service_at_locations")
async def list_service_at_locations(
    request: Request,
    work: UnitOfWorkDep,
    pages: Annotated[Paging, Depends(paging(20))],
    filters: Annotated[ServiceFilters, Depends(service_filters)],
    full: bool = False,
    postcode: str | None = None,
    proximity: str | None = None,
    taxonomy_term: Annotated[str | None, Query(description="category code")] = None,
    commune: Annotated[str | None, Query(description="commune id")] = None,
) -> Response:
    settings = request.app.state.settings
    query = SearchQuery(
        category=parameters.text("taxonomy_term", taxonomy_term),
        text=filters.search,
        assured_within_months=settings.directory_assured_within_months,
    )
    place = parameters.commune_id(commune)
    code = parameters.text("postcode", postcode)
    metres = parameters.proximity(proximity, code)

    def run(db: Session) -> Response:
        services = {hit.service_id for hit in search(db, query, settings.directory_clock).hits}
        kept = filters.kept(db)
        if kept is not None:
            services &= kept
        statement = (
            select(ServiceAtLocation.id)
            .outerjoin(Location, Location.id == ServiceAtLocation.location_id)
            .where(ServiceAtLocation.owner_id.in_(services))
            .order_by(ServiceAtLocation.id)
        )
        if place is not None:
            statement = statement.where(Location.commune_id == place)
        if code is not None and metres is None:
            statement = statement.where(Location.postal_code == code)
        if metres is not None:
            nearby = geo.within(db, code or "", metres)
            if nearby is None:
                raise bad_parameter(f"no located place has the postcode {code!r}: no centroid")
            statement = statement.where(Location.id.in_(nearby))
        ids = list(db.scalars(statement))
        chosen = pages.window(ids)
        items = _items(db, list(chosen), full)
        return respond(pages, len(ids), items)

    response: Response = await work.run(run)
    return response


def _items(db: Session, ids: list[str], full: bool) -> list[dict[str, Any]]:
    """Each place with its service's and its location's one-to-one fields (all of the
    place's own nested data with full=true)."""
    rows = load(db, "service_at_location", ids)
    services = load(db, "service", {str(row.get("service_id")) for row in rows.values()})
    items = []
    for row in rows.values():
        item = row if full else one_to_one(row)
        if row.get("service_id") in services:
            item["service"] = one_to_one(services[row["service_id"]])
        if not full and isinstance(row.get("location"), dict):
            item["location"] = one_to_one(row["location"])
        items.append(item)
    return items


@router.get("/service_at_locations/{service_at_location_id}")
async def get_service_at_location(
    service_at_location_id: str, work: UnitOfWorkDep
) -> dict[str, Any]:
    """The fully nested service_at_location. The reference declares compiled/service.json
    for this answer (its `required`: id, name, status), so the place also carries its
    service's name and status."""

    def run(db: Session) -> dict[str, Any] | None:
        record = load(db, "service_at_location", [service_at_location_id]).get(
            service_at_location_id
        )
        if record is None:
            return None
        service_id = str(record.get("service_id"))
        service = load(db, "service", [service_id]).get(service_id)
        if service is not None:
            record["service"] = one_to_one(service)
            record.setdefault("name", service["name"])
            record.setdefault("status", service["status"])
        return record

    return await found_or_404(work, "service_at_location", service_at_location_id, run)
