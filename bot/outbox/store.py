"""The outbox's rows: putting a message in, and what the metrics and the delivery-status
callback read and write."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from bot.core.clock import utcnow
from bot.core.db import rowcount
from bot.outbox.models import OutboxMessage
from bot.outbox.refusals import refusal_error

FINAL = ("sent", "failed", "cancelled")
WAITING = ("pending", "sending")
UNDELIVERED = ("failed", "undelivered")  # Twilio's final statuses of a message not received
HELD = "held"  # WhatsApp, outside its window: goes once the tenant writes


def enqueue(
    session: Session,
    contact_id: int,
    channel: str,
    body: str,
    buttons: list[Any] | None = None,
    template: str | None = None,
    variables: dict[str, str] | None = None,
) -> int:
    """A message into the outbox; `template` (and its `variables`) is what goes instead of
    the body on WhatsApp outside its 24-hour window."""
    message = OutboxMessage(
        contact_id=contact_id,
        channel=channel,
        body=body,
        buttons=buttons,
        template=template,
        variables=variables,
    )
    session.add(message)
    session.flush()
    return message.id


def release_held(session: Session, contact_id: int) -> int:
    """The tenant wrote (WhatsApp's window is open again): their held messages are due now,
    in their order. Returns how many."""
    return rowcount(
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.contact_id == contact_id, OutboxMessage.status == HELD)
            .values(status="pending", next_attempt_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    )


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


def record_delivery_status(
    session: Session, provider_id: str, status: str, error_code: int | None = None
) -> bool:
    """A delivery report. `failed` or `undelivered` with an error code: the tenant never
    got the message, which then counts as failed, with the code's reason (the console shows
    it; bot/outbox/refusals.py)."""
    message = session.scalar(select(OutboxMessage).where(OutboxMessage.provider_id == provider_id))
    if message is None:
        return False
    message.delivery_status = status
    if status in UNDELIVERED and error_code is not None and message.status == "sent":
        message.status = "failed"
        message.failed_at = utcnow()
        message.last_error = refusal_error(error_code)
    return True


def send_again(session: Session, message_id: int, contact_id: int) -> bool:
    """A message that never reached the tenant, due again now (a caseworker's "send again"):
    True once; False when it is not the tenant's, or is no longer failed (already sent
    again by a double click or a colleague), so one press sends it once."""
    return bool(
        rowcount(
            session.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.id == message_id,
                    OutboxMessage.contact_id == contact_id,
                    OutboxMessage.status == "failed",
                )
                .values(
                    status="pending",
                    attempts=0,
                    next_attempt_at=utcnow(),
                    failed_at=None,
                    last_error=None,
                    delivery_status=None,
                    provider_id=None,
                )
                .execution_options(synchronize_session=False)
            )
        )
    )
