"""STOP RAPPEL / STOP HERINNERING (shown in every reminder): cancels the contact's pending
reminders, whatever the conversation is doing. A bare SMS STOP opts the number out, which
cancels them too (bot/gateway/contacts.py)."""

from __future__ import annotations

import logging

from bot.channels.common import Services, in_session
from bot.channels.texts import text
from bot.gateway.contacts import ContactView
from bot.reminders.store import cancel_all

log = logging.getLogger(__name__)


async def stop_reminders(services: Services, contact: ContactView) -> str:
    cancelled = await in_session(services, cancel_all, contact.id, "stopped")
    log.info("reminders: %s stopped %d", contact.pseudonym, cancelled)
    return text("reminders_stopped", contact.language)
