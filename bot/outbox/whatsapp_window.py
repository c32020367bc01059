"""WhatsApp's 24-hour customer-service window, as the outbox keeps it.

WhatsApp takes free-form messages only within 24 hours of the tenant's last message (the
contact's `last_seen_at`); after that only approved templates. So, when a WhatsApp message
is due and the window is closed:
- a message with a template (a reminder) goes as that template;
- a message without one (a caseworker's reply, a late bot answer) is held, and one
  "a message from your housing company is waiting, answer to read it" template goes in its
  place (once per closed window). The held messages go, in order, as soon as the tenant
  writes (bot/outbox/store.py, release_held).
A template that is not configured fails that notice with a clear reason; the held message
still goes when the tenant writes: nothing is dropped."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from bot.core.clock import as_utc
from bot.outbox.models import OutboxMessage
from bot.texts import text

CHANNEL = "whatsapp"
WINDOW = timedelta(hours=24)
WAITING_NOTICE = "waiting"
REMINDER = "reminder"


def window_open(last_inbound: datetime | None, now: datetime) -> bool:
    """Whether free-form messages may go: the tenant wrote within the last 24 hours."""
    return last_inbound is not None and as_utc(last_inbound) + WINDOW > now


def window_closes(last_inbound: datetime | None) -> datetime | None:
    return as_utc(last_inbound) + WINDOW if last_inbound is not None else None


def notice_sent_since(session: Session, contact_id: int, since: datetime | None) -> bool:
    """A waiting notice already queued or sent since the tenant last wrote."""
    notice = select(OutboxMessage.id).where(
        OutboxMessage.contact_id == contact_id,
        OutboxMessage.template == WAITING_NOTICE,
        OutboxMessage.status != "cancelled",
    )
    if since is not None:
        notice = notice.where(OutboxMessage.created_at >= since)
    return bool(session.scalar(select(exists(notice))))


def claimed_notice(
    session: Session, contact_id: int, language: str | None, lease_until: datetime
) -> OutboxMessage:
    """The waiting notice, added already claimed (sending, first attempt) by this worker."""
    notice = OutboxMessage(
        contact_id=contact_id,
        channel=CHANNEL,
        body=text("whatsapp_waiting", language),
        template=WAITING_NOTICE,
        status="sending",
        attempts=1,
        lease_until=lease_until,
    )
    session.add(notice)
    session.flush()
    return notice
