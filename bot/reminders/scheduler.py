"""The reminder scheduler: one loop per gateway process, like the outbox worker.

A due reminder is claimed with a conditional UPDATE (status pending -> sent) and its text
is put in the outbox in the same transaction: of several workers one wins, the others'
UPDATE finds nothing, and the outbox brings delivery retries. Reminders are rows, so a
restart loses none; one that fell due while the gateway was down still goes out, unless
its session is about to start. Opt-out is checked again at send time; nothing is sent
between 21:00 and 09:00 (a late one waits for the morning)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from bot.contacts.models import Contact
from bot.core.clock import as_utc, utcnow
from bot.core.db import rowcount
from bot.directory.store import load
from bot.hsds_profile import TIME_ZONE
from bot.outbox.rendering import bodies_for
from bot.outbox.store import enqueue
from bot.outbox.whatsapp_window import CHANNEL as WHATSAPP
from bot.outbox.whatsapp_window import REMINDER
from bot.reminders.models import CANCELLED, PENDING, SENT, Reminder
from bot.reminders.sessions import place_of, session_at
from bot.reminders.texts import reminder_parts, reminder_text, template_variables
from bot.reminders.timing import is_quiet

log = logging.getLogger(__name__)
BATCH = 100
TOO_LATE = timedelta(minutes=30)  # closer than this to the start, a reminder is pointless


class ReminderScheduler:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        wake_outbox: Callable[[], None] = lambda: None,
        poll_seconds: float = 30.0,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.sessions = sessions
        self.wake_outbox = wake_outbox
        self.poll_seconds = poll_seconds
        self.clock = clock
        self._stop = asyncio.Event()

    async def run(self) -> None:
        while not self._stop.is_set():
            try:
                await run_in_threadpool(self.send_due)
            except Exception:  # a database hiccup must not end the loop; next round retries
                log.exception("reminders: round failed")
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.poll_seconds)

    def stop(self) -> None:
        self._stop.set()

    def send_due(self) -> int:
        """Hand every due reminder to the outbox (or cancel it); returns how many were sent."""
        now = self.clock().astimezone(timezone.utc)  # SQLite compares wall-clock text
        with self.sessions() as session:
            due = list(
                session.scalars(
                    select(Reminder.id)
                    .where(
                        Reminder.status == PENDING,
                        Reminder.send_at <= now,
                    )
                    .order_by(Reminder.send_at)
                    .limit(BATCH)
                )
            )
        sent = 0
        for reminder_id in due:
            with self.sessions() as session:
                sent += self._handle(session, reminder_id, now)
                session.commit()
        if sent:
            self.wake_outbox()
        return sent

    def _handle(self, session: Session, reminder_id: int, now: datetime) -> int:
        reminder = session.get(Reminder, reminder_id)
        if reminder is None or reminder.status != PENDING:
            return 0
        contact = session.get_one(Contact, reminder.contact_id)
        start = as_utc(reminder.session_start)
        end = as_utc(reminder.session_end) if reminder.session_end else None
        service = load(session, "service", [reminder.service_id]).get(reminder.service_id)
        place = place_of(session, reminder.service_id, reminder.location_id)
        reason = (
            "opted out"
            if contact.opted_out
            else "missed"
            if now >= start - TOO_LATE
            else "activity gone"
            if service is None or place is None
            else "schedule changed"
            if session_at(place, start.astimezone(TIME_ZONE)) is None
            else None
        )
        if reason is None and is_quiet(now):
            return 0  # due during the night: the morning's round sends it
        if not _claim(session, reminder_id, CANCELLED if reason else SENT, reason, now):
            return 0  # another worker has it
        if reason:
            log.info("reminder %s cancelled: %s", reminder_id, reason)
            return 0
        assert service is not None  # else the reason is "activity gone"
        day_before = now.astimezone(TIME_ZONE).date() < start.astimezone(TIME_ZONE).date()
        parts = reminder_parts(service, reminder.location_id, start, end, reminder.language)
        body = reminder_text(parts, reminder.language, day_before)
        if contact.channel == WHATSAPP:  # outside WhatsApp's 24-hour window: its template
            variables = template_variables(parts)
            enqueue(session, contact.id, WHATSAPP, body, None, REMINDER, variables)
        else:
            for part in bodies_for(contact.channel, body):
                enqueue(session, contact.id, contact.channel, part)
        log.info("reminder %s handed to the outbox for %s", reminder_id, contact.pseudonym)
        return 1


def _claim(
    session: Session, reminder_id: int, status: str, reason: str | None, now: datetime
) -> bool:
    """The conditional UPDATE that only one worker wins (the row lock orders them)."""
    return bool(
        rowcount(
            session.execute(
                update(Reminder)
                .where(Reminder.id == reminder_id, Reminder.status == PENDING)
                .values(status=status, reason=reason, done_at=now)
            )
        )
    )
