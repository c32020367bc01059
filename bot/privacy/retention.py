"""Retention: what the assistant keeps, and for how long (configurable).

- Bot conversations: Rasa's tracker events older than RETENTION_BOT_DAYS (30) are deleted,
  except for tenants whose handoff is open or closed less than RETENTION_HANDOFF_DAYS ago
  (the caseworker's transcript starts with the bot's part).
- Handoffs: closed ones, with their transcript, RETENTION_HANDOFF_DAYS (365) after closing.
- The gateway's working data: sent or abandoned outbox messages, menus, provider message
  ids, and sent or cancelled reminders after RETENTION_BOT_DAYS.
- Contacts without any activity for RETENTION_HANDOFF_DAYS and no handoff left are deleted,
  except those who sent STOP: their opt-out must outlive everything else.
- Anonymous signals: rows after RETENTION_SIGNAL_WEEKS (104), a week's key a day after the
  week (bot/signals/privacy.py).
- What the bot showed: which services a conversation was shown, after SHOWN_TO_DAYS (30);
  the anonymous daily counts per service after COUNT_DAYS (400) (bot/curation/shown.py).
- Console sign-in: sessions revoked or past their 12 hours (they open nothing any more),
  and login failures older than a day (the throttle counts only the last 15 minutes).
- Rasa's SQL event broker table (the default profile): the signals' consumer empties it as it
  reads; events still there after RETENTION_BOT_DAYS (the consumer was not running) are
  deleted, because they hold message texts.

`python -m bot.privacy purge [--dry-run]` runs it once; the gateway runs it every few hours."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import create_engine, delete, exists, select, text
from sqlalchemy.orm import Session

from bot.contacts.models import Contact, InboundMessage, MenuOption, PendingTurn, VoiceCall
from bot.core.db import rowcount
from bot.curation import shown
from bot.handoff.models import (
    OPEN_STATUSES,
    Handoff,
    HandoffEntry,
    LoginFailure,
    StaffSession,
)
from bot.outbox.models import OutboxMessage
from bot.reminders.models import PENDING, Reminder
from bot.signals.privacy import purge_signals

# Outbox rows retention may delete: those done with, and WhatsApp messages still held for a
# tenant who never wrote again (kept while their conversation's transcript is kept).
FINAL_OUTBOX = ("sent", "failed", "cancelled", "held")
# bot/console/sessions.py's absolute lifetime: an older session is dead whatever its state.
SESSION_LIFETIME = timedelta(hours=12)
# Longer than any throttle window (bot/console/throttle.py: 15 minutes).
LOGIN_FAILURE_DAYS = 1


@dataclass(frozen=True)
class Purged:
    handoffs: int
    outbox: int
    menus: int
    inbound: int
    contacts: int
    rasa_events: int
    reminders: int = 0  # sent or cancelled reminders
    signals: int = 0  # anonymous signal rows (bot/signals/privacy.py)
    broker_events: int = 0  # unread events of Rasa's SQL event broker
    staff_sessions: int = 0  # console sessions revoked or past their lifetime
    login_failures: int = 0  # failed console logins too old to count
    shown: int = 0  # services shown to conversations, and old daily counts (bot/curation)


VOICE_CALL_KEPT = timedelta(days=1)


def kept_senders(session: Session, handoff_cutoff: datetime) -> set[str]:
    """Rasa conversations that must stay: their handoff is open or recently closed."""
    return set(
        session.scalars(
            select(Handoff.sender_id).where(
                (Handoff.status.in_(OPEN_STATUSES)) | (Handoff.closed_at >= handoff_cutoff)
            )
        )
    )


def purge_gateway(
    session: Session, now: datetime, bot_days: int, handoff_days: int
) -> tuple[int, int, int, int, int]:
    bot_cutoff, handoff_cutoff = now - timedelta(days=bot_days), now - timedelta(days=handoff_days)
    old_handoffs = list(
        session.scalars(
            select(Handoff.id).where(Handoff.status == "closed", Handoff.closed_at < handoff_cutoff)
        )
    )
    if old_handoffs:
        session.execute(delete(HandoffEntry).where(HandoffEntry.handoff_id.in_(old_handoffs)))
        session.execute(delete(Handoff).where(Handoff.id.in_(old_handoffs)))
    outbox = rowcount(
        session.execute(
            delete(OutboxMessage).where(
                OutboxMessage.status.in_(FINAL_OUTBOX),
                OutboxMessage.created_at < bot_cutoff,
                ~exists().where(HandoffEntry.outbox_id == OutboxMessage.id),
            )
        )
    )
    menus = rowcount(session.execute(delete(MenuOption).where(MenuOption.created_at < bot_cutoff)))
    inbound = rowcount(
        session.execute(delete(InboundMessage).where(InboundMessage.received_at < bot_cutoff))
    )
    idle = select(Contact.id).where(
        Contact.last_seen_at < handoff_cutoff,
        Contact.opted_out_at.is_(None),
        ~exists().where(Handoff.contact_id == Contact.id),
        ~exists().where(OutboxMessage.contact_id == Contact.id),
    )
    # a call's state serves while the call lasts: a day is far more than any call
    session.execute(delete(VoiceCall).where(VoiceCall.created_at < now - VOICE_CALL_KEPT))
    # a turn is pending for minutes; one older than the bot's data is dropped with them
    session.execute(delete(PendingTurn).where(PendingTurn.created_at < bot_cutoff))
    idle_ids = list(session.scalars(idle))
    if idle_ids:
        session.execute(delete(PendingTurn).where(PendingTurn.contact_id.in_(idle_ids)))
        session.execute(delete(MenuOption).where(MenuOption.contact_id.in_(idle_ids)))
        session.execute(delete(VoiceCall).where(VoiceCall.contact_id.in_(idle_ids)))
        session.execute(delete(Contact).where(Contact.id.in_(idle_ids)))
    return len(old_handoffs), outbox or 0, menus or 0, inbound or 0, len(idle_ids)


def purge_rasa(
    tracker_store_url: str, cutoff: datetime, keep: set[str], dry_run: bool = False
) -> int:
    """Delete Rasa's tracker events older than `cutoff`, except the kept conversations'
    (with `dry_run`, only count them)."""
    engine = create_engine(tracker_store_url)
    try:
        with engine.begin() as connection:
            if keep:
                placeholders = ", ".join(f":k{i}" for i in range(len(keep)))
                condition = f"timestamp < :cutoff AND sender_id NOT IN ({placeholders})"
                values = {
                    "cutoff": cutoff.timestamp(),
                    **{f"k{i}": sender for i, sender in enumerate(sorted(keep))},
                }
            else:
                condition, values = "timestamp < :cutoff", {"cutoff": cutoff.timestamp()}
            if dry_run:
                return connection.execute(
                    text(f"SELECT count(*) FROM events WHERE {condition}"), values
                ).scalar_one()
            return (
                connection.execute(text(f"DELETE FROM events WHERE {condition}"), values).rowcount
                or 0
            )
    finally:
        engine.dispose()


def purge_broker_events(event_broker_url: str, cutoff: datetime, dry_run: bool = False) -> int:
    """Delete the SQL event broker's events older than `cutoff` (its table has no time
    column: the time is in each event's JSON). The table is small while the consumer runs."""
    engine = create_engine(event_broker_url)
    try:
        with engine.begin() as connection:
            if not engine.dialect.has_table(connection, "events"):
                return 0  # Rasa has not written an event yet
            rows = connection.execute(text("SELECT id, data FROM events"))
            old = [row_id for row_id, data in rows if _timestamp(data) < cutoff.timestamp()]
            if old and not dry_run:
                for start in range(0, len(old), 500):
                    chunk = old[start : start + 500]
                    values = {f"i{i}": row_id for i, row_id in enumerate(chunk)}
                    names = ", ".join(f":{name}" for name in values)
                    connection.execute(text(f"DELETE FROM events WHERE id IN ({names})"), values)
            return len(old)
    finally:
        engine.dispose()


def purge_console_sign_in(session: Session, now: datetime) -> tuple[int, int]:
    """Console sessions that can open nothing any more, and old login failures."""
    sessions = session.execute(
        delete(StaffSession).where(
            (StaffSession.revoked_at.is_not(None))
            | (StaffSession.created_at < now - SESSION_LIFETIME)
        )
    )
    failures = session.execute(
        delete(LoginFailure).where(LoginFailure.at < now - timedelta(days=LOGIN_FAILURE_DAYS))
    )
    return rowcount(sessions), rowcount(failures)


def _timestamp(data: str | None) -> float:
    """An event's time; an event that cannot be read counts as old (it cannot be used)."""
    try:
        return float(json.loads(data or "{}").get("timestamp") or 0)
    except (ValueError, TypeError, AttributeError):
        return 0.0


def purge(
    session: Session,
    tracker_store_url: str,
    bot_days: int,
    handoff_days: int,
    now: datetime | None = None,
    dry_run: bool = False,
    signal_weeks: int = 104,
    event_broker_url: str | None = None,
) -> Purged:
    """One retention run. The gateway's rows go first, in one transaction that ends here
    (committed, or rolled back for a dry run); only then are Rasa's tracker store and the
    event broker purged. A gateway transaction must never wait on another database: Rasa
    writes to its store all the time, and every tenant message needs the gateway's."""
    now = now or datetime.now(timezone.utc)
    bot_cutoff = now - timedelta(days=bot_days)
    keep = kept_senders(session, now - timedelta(days=handoff_days))
    handoffs, outbox, menus, inbound, contacts = purge_gateway(session, now, bot_days, handoff_days)
    reminders = rowcount(
        session.execute(
            delete(Reminder).where(Reminder.status != PENDING, Reminder.done_at < bot_cutoff)
        )
    )
    signals = purge_signals(session, signal_weeks, now)
    staff_sessions, login_failures = purge_console_sign_in(session, now)
    shown_rows = shown.prune(
        session,
        now - timedelta(days=shown.SHOWN_TO_DAYS),
        shown.local_day(now) - timedelta(days=shown.COUNT_DAYS),
    )
    if dry_run:
        session.rollback()
    else:
        session.commit()
    events = purge_rasa(tracker_store_url, bot_cutoff, keep, dry_run)
    broker = purge_broker_events(event_broker_url, bot_cutoff, dry_run) if event_broker_url else 0
    return Purged(
        handoffs,
        outbox,
        menus,
        inbound,
        contacts,
        events,
        reminders or 0,
        signals,
        broker,
        staff_sessions,
        login_failures,
        shown_rows,
    )
