"""/organizations and /organizations/{id}.

A fully nested organization lists its services (their one-to-one fields; fully nested with
`full_service=true`) and its locations. Services are listed whatever their status, as
/services/{id} answers them."""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.deps import UnitOfWorkDep
from bot.directory.models import Location, Organization, Service
from bot.directory.store import load
from bot.hsds_api.paging import Paging, paging, respond
from bot.hsds_api.parameters import matches, text
from bot.hsds_api.shapes import one_to_one
from bot.hsds_api.single import found_or_404

router = APIRouter()


@router.get("/organizations")
async def list_organizations(
    work: UnitOfWorkDep,
    pages: Annotated[Paging, Depends(paging(20))],
    search_text: Annotated[str | None, Query(alias="search")] = None,
    full_service: bool = False,
    full: bool = False,
) -> Response:
    """`full_service=true` implies a fully nested organization (its services are nested)."""
    words = text("search", search_text)

    def run(db: Session) -> Response:
        records = load(db, "organization", db.scalars(select(Organization.id)))
        found = sorted(
            (
                record
                for record in records.values()
                if matches(
                    words,
                    record.get("name"),
                    record.get("alternate_name"),
                    record.get("description"),
                )
            ),
            key=lambda record: (str(record.get("name", "")), record["id"]),
        )
        chosen = list(pages.window(found))
        if full or full_service:
            items = nest(db, chosen, full_service)
        else:
            items = [one_to_one(record) for record in chosen]
        return respond(pages, len(found), items)

    response: Response = await work.run(run)
    return response


@router.get("/organizations/{organization_id}")
async def get_organization(
    organization_id: str, work: UnitOfWorkDep, full_service: bool = False
) -> dict[str, Any]:
    def run(db: Session) -> dict[str, Any] | None:
        record = load(db, "organization", [organization_id]).get(organization_id)
        return None if record is None else nest(db, [record], full_service)[0]

    return await found_or_404(work, "organization", organization_id, run)


def nest(db: Session, records: list[dict[str, Any]], full_service: bool) -> list[dict[str, Any]]:
    """The organizations with their `services` and `locations` arrays."""
    ids = [record["id"] for record in records]
    services = _owned(db, Service, ids)
    locations = _owned(db, Location, ids)
    loaded = load(db, "service", [sid for found in services.values() for sid in found])
    places = load(db, "location", [lid for found in locations.values() for lid in found])
    for record in records:
        nested = [loaded[sid] for sid in services[record["id"]] if sid in loaded]
        record["services"] = [
            _without_organization(service if full_service else one_to_one(service))
            for service in nested
        ]
        record["locations"] = [places[lid] for lid in locations[record["id"]] if lid in places]
    return records


def _owned(
    db: Session, model: type[Service] | type[Location], ids: list[str]
) -> dict[str, list[str]]:
    """organization id -> ids of its records of `model`, in id order."""
    column = model.document["organization_id"].as_string()
    found: dict[str, list[str]] = defaultdict(list)
    for record_id, owner in db.execute(
        select(model.id, column).where(column.in_(ids)).order_by(model.id)
    ):
        found[owner].append(record_id)
    return found


def _without_organization(service: dict[str, Any]) -> dict[str, Any]:
    """Nested in its organization, a service does not repeat it."""
    service.pop("organization", None)
    return service
