"""Storing and cancelling reminders (synchronous; call from a thread, the caller commits)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.contacts.models import Contact
from bot.core.clock import utcnow
from bot.core.db import rowcount
from bot.directory.schedules import Session as ActivitySession
from bot.reminders.models import CANCELLED, PENDING, Reminder
from bot.reminders.sessions import first_session, place_of, session_at
from bot.reminders.timing import send_time


class ReminderRefused(Exception):
    """The request cannot be stored; `status` is the HTTP answer, the message says why."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status, self.detail = status, detail


@dataclass(frozen=True)
class Scheduled:
    created: bool
    scheduled: bool  # False: the session is too soon for a reminder; nothing stored
    session: ActivitySession
    send_at: datetime | None
    day_before: bool


def schedule(
    session: Session,
    sender_id: str,
    service_id: str,
    location_id: str | None,
    start: datetime | None,
    language: str,
    now: datetime | None = None,
) -> Scheduled:
    """A reminder for the session of an activity starting at `start` (or its next one)."""
    now = now or utcnow()
    contact = session.scalar(select(Contact).where(Contact.pseudonym == sender_id))
    if contact is None:
        raise ReminderRefused(404, "unknown sender")
    if contact.opted_out:
        raise ReminderRefused(409, "the contact opted out")
    place = place_of(session, service_id, location_id)
    if place is None:
        raise ReminderRefused(422, "no such activity at that place")
    found = session_at(place, start) if start else first_session(place, now)
    if found is None:
        raise ReminderRefused(422, "no such session" if start else "no session planned")
    if found.start <= now:
        raise ReminderRefused(422, "that session has started")
    when = send_time(found.start, now)
    if when is None:
        return Scheduled(False, False, found, None, False)
    # Stored in UTC: SQLite would drop the zone and keep the wall-clock time.
    start_utc, send_utc = found.start.astimezone(timezone.utc), when.at.astimezone(timezone.utc)
    existing = session.scalar(
        select(Reminder).where(
            Reminder.contact_id == contact.id,
            Reminder.service_id == service_id,
            Reminder.session_start == start_utc,
        )
    )
    if existing is not None and existing.status == PENDING:
        return Scheduled(False, True, found, when.at, when.day_before)
    if existing is not None:  # stopped earlier, asked again: on again
        existing.status, existing.reason, existing.done_at = PENDING, None, None
        existing.language, existing.send_at = language, send_utc
        return Scheduled(True, True, found, when.at, when.day_before)
    session.add(
        Reminder(
            contact_id=contact.id,
            service_id=service_id,
            location_id=place.location_id,
            session_start=start_utc,
            session_end=found.end.astimezone(timezone.utc) if found.end else None,
            language=language,
            send_at=send_utc,
        )
    )
    session.flush()
    return Scheduled(True, True, found, when.at, when.day_before)


def cancel_all(session: Session, contact_id: int, reason: str) -> int:
    """Cancel a contact's pending reminders (STOP, STOP RAPPEL); how many were cancelled."""
    return (
        rowcount(
            session.execute(
                update(Reminder)
                .where(Reminder.contact_id == contact_id, Reminder.status == PENDING)
                .values(status=CANCELLED, reason=reason, done_at=utcnow())
            )
        )
        or 0
    )
