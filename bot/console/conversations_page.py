"""The list of the company's conversations, to find one again (bot/console/search.py): the
filters travel in the query (a link can be kept), except the tenant's number, which is
posted (never in a URL, a browser's history or an access log) and audited without it."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from bot.console.access import audit
from bot.console.deps import CAN_READ, CSRF, Staff, require_role
from bot.console.labels import company_labels
from bot.console.pages import render
from bot.console.search import CHANNELS, STATUSES, Filters, find, number_pseudonyms
from bot.core.deps import ServicesDep, UnitOfWorkDep

router = APIRouter(prefix="/console")
Reader = Annotated[Staff, Depends(require_role(*CAN_READ))]


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def filters_of(
    status: str = "",
    channel: str = "",
    language: str = "",
    reason: str = "",
    urgent: bool = False,
    mine: bool = False,
    label: str = "",
    since: str = "",
    until: str = "",
    q: str = "",
    page: int = 0,
) -> Filters:
    """The query's filters; a value that is no valid choice is left out, never an error
    page (the form shows what was applied)."""
    return Filters(
        status=status if status in STATUSES else "",
        channel=channel if channel in CHANNELS else "",
        language=language if language in ("fr", "nl") else "",
        reason=reason[:32],
        urgent=urgent,
        mine=mine,
        label=int(label) if label.isdigit() else None,
        since=_day(since),
        until=_day(until),
        text=q[:100],
        page=max(0, min(page, 1000)),
    )


QueryFilters = Annotated[Filters, Depends(filters_of)]


def _page_data(
    session: Session, staff: Staff, filters: Filters, pseudonyms: list[str] | None
) -> dict[str, Any]:
    found, more = find(session, staff, filters, pseudonyms)
    if pseudonyms is not None:
        audit(session, staff, "search_number")  # who looked a tenant up; never the number
    return {"found": found, "more": more, "labels": company_labels(session, staff)}


@router.get("/conversations", response_class=HTMLResponse)
async def conversations_page(
    request: Request, staff: Reader, work: UnitOfWorkDep, filters: QueryFilters
) -> Response:
    data = await work.run(_page_data, staff, filters, None)
    return render(request, "conversations.html", staff, filters=filters, by_number=False, **data)


@router.post("/conversations/by-number", dependencies=[CSRF], response_class=HTMLResponse)
async def conversations_of_number(
    request: Request,
    staff: Reader,
    work: UnitOfWorkDep,
    services: ServicesDep,
    number: str = Form(""),
) -> Response:
    secret = services.settings.pseudonym_key.get_secret_value()
    pseudonyms = number_pseudonyms(number[:40], secret)
    if not pseudonyms:
        return render(
            request,
            "conversations.html",
            staff,
            status_code=422,
            filters=Filters(),
            by_number=True,
            bad_number=True,
            found=[],
            more=False,
            labels=[],
        )
    data = await work.run(_page_data, staff, Filters(), pseudonyms)
    return render(request, "conversations.html", staff, filters=Filters(), by_number=True, **data)
