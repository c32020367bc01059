"""The outbox's rows: putting a message in, and what the metrics and the delivery-status
callback read and write."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from bot.core.clock import utcnow
from bot.outbox.models import OutboxMessage

FINAL = ("sent", "failed", "cancelled")
WAITING = ("pending", "sending")


def enqueue(
    session: Session, contact_id: int, channel: str, body: str, buttons: list[Any] | None = None
) -> int:
    message = OutboxMessage(contact_id=contact_id, channel=channel, body=body, buttons=buttons)
    session.add(message)
    session.flush()
    return message.id


def depth(session: Session) -> int:
    """Messages waiting to go out (for the metrics)."""
    return (
        session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status.in_(WAITING))
        )
        or 0
    )


def lapsed_leases(now: datetime | None = None) -> Any:
    """The condition of a row left `sending` past its lease (its worker stopped)."""
    now = now or utcnow()
    return and_(
        OutboxMessage.status == "sending",
        or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until < now),
    )


def gauges(session: Session) -> dict[str, float]:
    """The outbox's state for the metrics: waiting, failed (gave up: the tenant never got
    them) and left `sending` past their lease."""
    counts = dict(
        session.execute(
            select(OutboxMessage.status, func.count())
            .where(OutboxMessage.status.in_((*WAITING, "failed")))
            .group_by(OutboxMessage.status)
        )
        .tuples()
        .all()
    )
    lapsed = session.scalar(select(func.count()).select_from(OutboxMessage).where(lapsed_leases()))
    return {
        "depth": float(counts.get("pending", 0) + counts.get("sending", 0)),
        "failed": float(counts.get("failed", 0)),
        "sending_past_lease": float(lapsed or 0),
    }


def record_delivery_status(session: Session, provider_id: str, status: str) -> bool:
    message = session.scalar(select(OutboxMessage).where(OutboxMessage.provider_id == provider_id))
    if message is None:
        return False
    message.delivery_status = status
    return True
