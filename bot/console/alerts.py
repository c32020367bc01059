"""What an open console page polls to tell its staff member, by sound, a browser
notification and the tab's title, that something needs them: new requests in their
housing company's queue (urgent ones marked) and conversations a colleague passed to them.
Counts and request numbers only: never a tenant's words, number or reason."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.console.deps import CAN_READ, Staff, require_role
from bot.core.deps import UnitOfWorkDep
from bot.handoff.models import Handoff

router = APIRouter(prefix="/console")
Watcher = Annotated[Staff, Depends(require_role(*CAN_READ))]


def alerts_for(session: Session, staff: Staff) -> dict[str, Any]:
    rows = session.execute(
        select(Handoff.id, Handoff.status, Handoff.urgent, Handoff.claimed_by).where(
            Handoff.company_id == staff.company_id, Handoff.status.in_(("waiting", "claimed"))
        )
    ).all()
    waiting = [(id_, urgent) for id_, status, urgent, _ in rows if status == "waiting"]
    return {
        "waiting": [id_ for id_, _ in waiting],
        "urgent": [id_ for id_, urgent in waiting if urgent],
        "mine": sorted(id_ for id_, status, _, holder in rows if holder == staff.id),
        "again": wrote_again(session, staff),
    }


def wrote_again(session: Session, staff: Staff) -> list[int]:
    """The closed conversations this staff member held whose tenant wrote again since."""
    return list(
        session.scalars(
            select(Handoff.id)
            .where(
                Handoff.company_id == staff.company_id,
                Handoff.claimed_by == staff.id,
                Handoff.status == "closed",
                Handoff.wrote_again_at.is_not(None),
            )
            .order_by(Handoff.id)
        )
    )


@router.get("/alerts")
async def alerts(staff: Watcher, work: UnitOfWorkDep, partial: bool = False) -> dict[str, Any]:
    """`partial`: the pages' polling (it does not keep an idle session alive)."""
    return await work.run(alerts_for, staff)
