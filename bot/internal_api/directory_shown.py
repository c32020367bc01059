"""POST /internal/directory/shown: the action server says which services of the directory
the bot just showed a tenant (shared secret, as the other /internal endpoints). The
gateway counts them per day, anonymously, and keeps which conversation saw them for a
short time (bot/curation/shown.py): the curators' stale services most shown, and the
caseworker's one-click "this place was closed"."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, StringConstraints
from sqlalchemy.orm import Session

from bot.core.clock import utcnow
from bot.core.deps import UnitOfWorkDep
from bot.core.internal_auth import require_internal_token
from bot.curation import shown

log = logging.getLogger(__name__)
router = APIRouter(prefix="/internal", dependencies=[Depends(require_internal_token)])

MAX_SHOWN = 20  # a page of results is a few services; "more" sends the next page apart
ServiceId = Annotated[str, StringConstraints(min_length=1, max_length=64)]


class ShownRequest(BaseModel):
    sender_id: str = Field(min_length=1, max_length=64)
    service_ids: list[ServiceId] = Field(max_length=MAX_SHOWN)


def _record(session: Session, body: ShownRequest) -> int:
    shown.record(session, body.sender_id, body.service_ids, utcnow())
    return len(set(body.service_ids))


@router.post("/directory/shown")
async def record_shown(body: ShownRequest, work: UnitOfWorkDep) -> JSONResponse:
    recorded = await work.run(_record, body)
    log.info("%d services shown to %s", recorded, body.sender_id)
    return JSONResponse({"recorded": recorded})
