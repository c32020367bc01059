"""STOP RAPPEL / STOP HERINNERING (shown in every reminder): cancels the contact's pending
reminders, whatever the conversation is doing. A bare SMS STOP opts the number out, which
cancels them too (set_opted_out)."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from bot.contacts import store as contacts
from bot.contacts.store import ContactView
from bot.core.unit_of_work import UnitOfWork
from bot.reminders.store import cancel_all
from bot.texts import text

log = logging.getLogger(__name__)


async def stop_reminders(work: UnitOfWork, contact: ContactView) -> str:
    cancelled = await work.run(cancel_all, contact.id, "stopped")
    log.info("reminders: %s stopped %d", contact.pseudonym, cancelled)
    return text("reminders_stopped", contact.language)


def set_opted_out(session: Session, contact_id: int, opted_out: bool) -> None:
    """SMS STOP / START. STOP also ends every reminder; START does not bring them back."""
    contacts.set_opted_out(session, contact_id, opted_out)
    if opted_out:
        cancel_all(session, contact_id, "opted out")
