"""/services and /services/{id}.

The list is the directory search (active services assured recently enough, same commune
first), narrowed by the reference's filters. Each item carries the extension
`search_result` (its commune, whether it is a neighbour's, its next session) and the page
the extension `search` (the commune searched and whether neighbours were added)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from bot.core.deps import UnitOfWorkDep
from bot.directory.cache import cached_load
from bot.directory.search import search
from bot.directory.store import load
from bot.hsds_api import shapes
from bot.hsds_api.errors import bad_parameter
from bot.hsds_api.filters import ServiceFilters, service_filters
from bot.hsds_api.paging import Paging, paging, respond
from bot.hsds_api.parameters import BrusselsFilters, brussels_filters
from bot.hsds_api.single import found_or_404

router = APIRouter()


@router.get("/services")
async def list_services(
    request: Request,
    work: UnitOfWorkDep,
    pages: Annotated[Paging, Depends(paging(20))],
    brussels: Annotated[BrusselsFilters, Depends(brussels_filters)],
    filters: Annotated[ServiceFilters, Depends(service_filters)],
    minimal: bool = False,
    full: bool = False,
) -> Response:
    if minimal and full:
        raise bad_parameter("minimal and full exclude each other: ask for one")
    settings = request.app.state.settings
    query = brussels.query(filters.search, settings.directory_assured_within_months)

    def run(db: Session) -> Response:
        result = search(db, query, settings.directory_clock)
        kept = filters.kept(db)
        hits = [hit for hit in result.hits if kept is None or hit.service_id in kept]
        chosen = pages.window(hits, everything=minimal)
        # shared records (the cache's): service_item copies what it changes
        records = cached_load(db, "service", [hit.service_id for hit in chosen])
        items = [
            shapes.minimal(records[hit.service_id])
            if minimal
            else shapes.service_item(records[hit.service_id], hit, full)
            for hit in chosen
            if hit.service_id in records
        ]
        summary = {"search": shapes.search_summary(result)}
        return respond(pages, len(hits), items, everything=minimal, extra=summary)

    response: Response = await work.run(run)
    return response


@router.get("/services/{service_id}")
async def get_service(service_id: str, work: UnitOfWorkDep) -> dict[str, Any]:
    """The fully nested service, whatever its status (a link to it keeps working)."""

    def run(db: Session) -> dict[str, Any] | None:
        return load(db, "service", [service_id]).get(service_id)

    return await found_or_404(work, "service", service_id, run)
