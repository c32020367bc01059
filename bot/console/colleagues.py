"""Who a conversation can be handed to: the housing company's active staff who act on
conversations, with their language and how many conversations they hold now, so that a
supervisor assigns with the tenant's language and everyone's load in view."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.console.deps import CAN_ACT, Staff
from bot.handoff.models import Handoff, StaffUser


def colleagues_with_workload(session: Session, staff: Staff) -> list[dict[str, Any]]:
    """Who a supervisor can assign a request to: the company's active staff who act on
    conversations, with their language and how many conversations they hold now."""
    held: dict[int, int] = {
        holder: count
        for holder, count in session.execute(
            select(Handoff.claimed_by, func.count())
            .where(Handoff.company_id == staff.company_id, Handoff.status == "claimed")
            .group_by(Handoff.claimed_by)
        )
        if holder is not None
    }
    people = session.scalars(
        select(StaffUser)
        .where(
            StaffUser.company_id == staff.company_id,
            StaffUser.role.in_(CAN_ACT),
            StaffUser.active,
        )
        .order_by(StaffUser.name)
    )
    return [
        {"id": p.id, "name": p.name, "language": p.language, "holds": held.get(p.id, 0)}
        for p in people
    ]
