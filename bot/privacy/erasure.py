"""Erasure on request ("delete my data", confirmed in the conversation): the contact, its
menus, outbox messages, reminders, handoffs and their transcripts in the gateway, which
services the bot showed it (bot/curation/shown.py), and the conversation's events in
Rasa's tracker store, and its anonymous signal rows of the weeks whose key still exists
(bot/signals/privacy.py); an SMS or WhatsApp tenant's or a caller's messages and calls
in Twilio's logs are queued for deletion there (bot/privacy/twilio_erasure.py).

The action server only asks (POST /internal/erasure); the erasure runs when the turn that
asked is over, so that Rasa does not write that turn's events back afterwards, and before
the reply ("it is done") leaves the gateway."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import create_engine, delete, inspect, select, text
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from bot.contacts.models import TWILIO_CHANNELS, Contact, MenuOption, PendingTurn, VoiceCall
from bot.core.clock import utcnow
from bot.core.services import Services
from bot.core.unit_of_work import UnitOfWork
from bot.curation import shown
from bot.handoff.models import Handoff, HandoffEntry
from bot.handoff.store import open_handoff_of
from bot.outbox.models import OutboxMessage
from bot.privacy.models import TwilioErasure
from bot.reminders.models import Reminder
from bot.signals.privacy import erase_signals

log = logging.getLogger(__name__)
# Whose number Twilio logs: a caller's too, though "voice" is not a TWILIO_CHANNEL (a
# caller sends no STOP; theirs is their SMS contact's, bot/contacts/voice_calls.py)
ERASED_AT_TWILIO = (*TWILIO_CHANNELS, "voice")


@dataclass(frozen=True)
class Erased:
    contacts: int
    handoffs: int
    rasa_events: int


def request_erasure(session: Session, sender_id: str) -> bool:
    contact = session.scalar(select(Contact).where(Contact.pseudonym == sender_id))
    if contact is None:
        return False
    contact.erase_requested_at = utcnow()
    return True


def erasure_requested(session: Session, contact_id: int) -> bool:
    contact = session.get(Contact, contact_id)
    return contact is not None and contact.erase_requested_at is not None


def erase_gateway_records(session: Session, contact_id: int) -> int:
    """Delete everything the gateway holds about one contact; the handoffs deleted."""
    handoffs = list(session.scalars(select(Handoff.id).where(Handoff.contact_id == contact_id)))
    if handoffs:
        session.execute(delete(HandoffEntry).where(HandoffEntry.handoff_id.in_(handoffs)))
        session.execute(delete(Handoff).where(Handoff.id.in_(handoffs)))
    session.execute(delete(OutboxMessage).where(OutboxMessage.contact_id == contact_id))
    session.execute(delete(Reminder).where(Reminder.contact_id == contact_id))
    session.execute(delete(MenuOption).where(MenuOption.contact_id == contact_id))
    session.execute(delete(PendingTurn).where(PendingTurn.contact_id == contact_id))
    session.execute(delete(VoiceCall).where(VoiceCall.contact_id == contact_id))
    contact = session.get(Contact, contact_id)
    if contact is not None:
        shown.erase(session, contact.pseudonym)  # the services the bot showed it
    if contact is not None and contact.channel in ERASED_AT_TWILIO:
        # Twilio's logs of the number's messages and calls, deleted through its API
        # (twilio_erasure.py; WhatsApp's are listed by their `whatsapp:` address the same way)
        session.add(TwilioErasure(address=contact.address))
    session.execute(delete(Contact).where(Contact.id == contact_id))
    return len(handoffs)


def erase_rasa_events(tracker_store_url: str, sender_id: str) -> int:
    """Delete a conversation from Rasa's SQL tracker store (its `events` table)."""
    engine = create_engine(tracker_store_url)
    try:
        if not inspect(engine).has_table("events"):
            return 0  # Rasa has stored no conversation there yet
        with engine.begin() as connection:
            result = connection.execute(
                text("DELETE FROM events WHERE sender_id = :sender"), {"sender": sender_id}
            )
            return result.rowcount or 0
    finally:
        engine.dispose()


async def erase_if_requested(
    services: Services, work: UnitOfWork, contact_id: int, sender_id: str
) -> Erased | None:
    """After a turn: carry out an erasure the tenant confirmed during it, in the turn's
    unit of work. With the database down, the confirmation could not have been stored
    either; a stored one is carried out after the next turn."""
    if not await work.run(erasure_requested, contact_id):
        return None
    # Rasa's store first, with no gateway transaction open: a transaction that waits on
    # another database holds up every tenant's message. What the turn wrote so far is
    # committed; the request stays stored until the gateway's records are gone too.
    await work.commit()
    store = services.settings.rasa_tracker_store_url
    events = await work.outside(run_in_threadpool(erase_rasa_events, store, sender_id))
    handoffs = await work.run(erase_gateway_records, contact_id)
    signals = await work.run(erase_signals, sender_id)
    log.info(
        "erasure done for %s: %d Rasa events, %d handoffs, %d signal rows",
        sender_id,
        events,
        handoffs,
        signals,
    )
    return Erased(1, handoffs, events)


def _has_open_handoff(session: Session, contact_id: int) -> bool:
    return open_handoff_of(session, contact_id) is not None


async def erasure_keyword(
    services: Services, work: UnitOfWork, contact_id: int, sender_id: str, confirmed: bool
) -> str | None:
    """EFFACER / WISSEN while a person owns the conversation (the bot, paused, cannot ask
    for the confirmation): the gateway asks, and EFFACER OUI / WISSEN JA erases at once.
    Outside a handoff the bot asks (None: let the bot handle it). What to tell the tenant:
    "confirm" or "erased"."""
    if not confirmed:
        return "confirm" if await work.run(_has_open_handoff, contact_id) else None
    await work.run(_request_by_id, contact_id)
    await erase_if_requested(services, work, contact_id, sender_id)
    return "erased"


def _request_by_id(session: Session, contact_id: int) -> None:
    session.get_one(Contact, contact_id).erase_requested_at = utcnow()
