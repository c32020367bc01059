"""POST /internal/directory/closed: a tenant told the assistant that a place it proposed
was closed (actions/closed_place.py). The service is flagged to its curators, as a
caseworker's report is (bot/curation/reports.py), when the assistant did show it in this
conversation lately; the tenant's words are not passed on."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from bot.core.deps import UnitOfWorkDep
from bot.core.internal_auth import require_internal_token
from bot.curation import reports, shown

router = APIRouter(prefix="/internal", dependencies=[Depends(require_internal_token)])


class ClosedRequest(BaseModel):
    sender_id: str = Field(min_length=1, max_length=64)
    service_id: str = Field(min_length=1, max_length=64)


def _report(session: Session, body: ClosedRequest) -> bool:
    if body.service_id not in shown.shown_lately(session, body.sender_id):
        raise HTTPException(404, "the assistant did not show this service in this conversation")
    return reports.report_closed(session, body.service_id, "tenant")


@router.post("/directory/closed")
async def report_closed_place(body: ClosedRequest, work: UnitOfWorkDep) -> JSONResponse:
    """{"reported": true} for a new report; false when the place was already flagged."""
    return JSONResponse({"reported": await work.run(_report, body)})
