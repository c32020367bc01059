"""Claiming due outbox messages: a conditional UPDATE on each row's status and attempt
count (of several workers exactly one wins a row), a lease on what is claimed, only a
contact's earliest waiting message, a message whose sending worker stopped claimed again
once its lease ran out (or failed after the last attempt), nothing for an opted-out number,
and on WhatsApp outside its 24-hour window only templates (bot/outbox/whatsapp_window.py)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.contacts.models import TWILIO_CHANNELS, Contact
from bot.core.clock import as_utc
from bot.core.db import rowcount
from bot.outbox.delivery import Delivery
from bot.outbox.models import OutboxMessage
from bot.outbox.store import HELD, WAITING
from bot.outbox.whatsapp_window import claimed_notice, notice_sent_since, window_open

log = logging.getLogger("bot.outbox.worker")

# what a claim reads of each waiting message (plain values: the rows change under it)
WAITING_COLUMNS = (
    OutboxMessage.id,
    OutboxMessage.contact_id,
    OutboxMessage.channel,
    OutboxMessage.body,
    OutboxMessage.buttons,
    OutboxMessage.status,
    OutboxMessage.attempts,
    OutboxMessage.next_attempt_at,
    OutboxMessage.lease_until,
    OutboxMessage.template,
    OutboxMessage.variables,
    Contact.address,
    Contact.opted_out_at,
    Contact.last_seen_at,
    Contact.language,
)


def previous_claim(lease_until: datetime | None, now: datetime, lease_seconds: float) -> datetime:
    """When a stopped attempt was claimed (its lease started)."""
    end = as_utc(lease_until) if lease_until is not None else now
    return end - timedelta(seconds=lease_seconds)


def claim_due(
    session: Session, now: datetime, lease_seconds: float, batch: int, max_attempts: int
) -> tuple[list[Delivery], list[str]]:
    """The messages this worker now holds, and the channels of those it failed (their
    worker stopped on the last attempt). The caller commits."""
    lease_until = now + timedelta(seconds=lease_seconds)
    waiting = session.execute(
        select(*WAITING_COLUMNS)
        .join(Contact, Contact.id == OutboxMessage.contact_id)
        .where(OutboxMessage.status.in_(WAITING))
        .order_by(OutboxMessage.id)
    ).all()
    claimed: list[Delivery] = []
    failed: list[str] = []
    blocked: set[int] = set()
    for row in waiting:
        if row.contact_id in blocked:
            continue
        blocked.add(row.contact_id)  # its later messages wait for this one
        if len(claimed) >= batch:
            break
        lapsed = row.status == "sending" and (
            row.lease_until is None or as_utc(row.lease_until) <= now
        )
        if row.status == "sending" and not lapsed:
            continue  # another worker is sending it
        if row.status == "pending" and as_utc(row.next_attempt_at) > now:
            continue  # retrying later
        # the row as read: if another worker changed it since, this matches nothing
        unchanged = update(OutboxMessage).where(
            OutboxMessage.id == row.id,
            OutboxMessage.status == row.status,
            OutboxMessage.attempts == row.attempts,
        )
        if row.channel in TWILIO_CHANNELS and row.opted_out_at is not None:
            session.execute(
                unchanged.values(status="cancelled", last_error="opted out", lease_until=None)
            )
            continue
        is_open = row.channel != "whatsapp" or window_open(row.last_seen_at, now)
        if not is_open and row.template is None and row.status == "pending":
            if rowcount(session.execute(unchanged.values(status=HELD, lease_until=None))):
                log.info("outbox %s: held until the tenant writes (WhatsApp window)", row.id)
                if not notice_sent_since(session, row.contact_id, row.last_seen_at):
                    notice = claimed_notice(session, row.contact_id, row.language, lease_until)
                    claimed.append(_delivery(notice, row, False, None))
            continue
        if lapsed and row.attempts >= max_attempts:
            if rowcount(
                session.execute(
                    unchanged.values(
                        status="failed",
                        failed_at=now,
                        lease_until=None,
                        last_error=f"the sending worker stopped on each of {row.attempts} attempts",
                    )
                )
            ):
                log.warning("outbox %s: lease ran out on the last attempt, failed", row.id)
                failed.append(row.channel)
            continue
        if rowcount(
            session.execute(
                unchanged.values(
                    status="sending", attempts=row.attempts + 1, lease_until=lease_until
                )
            )
        ):
            if lapsed:
                log.warning(
                    "outbox %s: lease of attempt %s ran out, claimed again",
                    row.id,
                    row.attempts,
                )
            since = previous_claim(row.lease_until, now, lease_seconds) if lapsed else None
            claimed.append(
                Delivery(
                    row.id,
                    row.contact_id,
                    row.channel,
                    row.address,
                    row.body,
                    row.buttons,
                    row.attempts + 1,
                    since,
                    is_open,
                    row.template,
                    row.variables,
                    row.language,
                )
            )
    return claimed, failed


def _delivery(notice: OutboxMessage, row: Any, is_open: bool, since: datetime | None) -> Delivery:
    """The delivery of a message this claim added (a WhatsApp waiting notice)."""
    return Delivery(
        notice.id,
        row.contact_id,
        notice.channel,
        row.address,
        notice.body,
        None,
        notice.attempts,
        since,
        is_open,
        notice.template,
        notice.variables,
        row.language,
    )
