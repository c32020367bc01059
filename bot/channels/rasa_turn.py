"""One tenant message sent to Rasa with the channel's metadata, and the contact's language
kept in step with the conversation's: the same for every channel."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.exc import OperationalError

from bot.contacts.store import ContactView, set_language
from bot.core.rasa_client import RasaUnavailable
from bot.core.services import Services, in_background, in_session

log = logging.getLogger(__name__)


async def ask_rasa(services: Services, contact: ContactView, text: str) -> list[dict[str, Any]]:
    """One tenant message through Rasa's REST channel; raises RasaUnavailable."""
    metadata = {"channel": contact.channel, "language_hint": contact.language, "site": contact.site}
    with services.metrics.rasa_latency.time():
        replies = await services.rasa.send_message(contact.pseudonym, text, metadata)
    log.info("turn: %s sent a message, %d replies", contact.pseudonym, len(replies))
    if not (text.startswith("/") or text.strip().isdigit()):  # only words change language
        in_background(services, _follow_language(services, contact))
    return replies


async def _follow_language(services: Services, contact: ContactView) -> None:
    """Store the conversation's language, so keyword answers and the next hint use it."""
    try:
        language = (await services.rasa.slots(contact.pseudonym)).get("language")
    except RasaUnavailable:
        return
    if language and language != contact.language:
        try:
            await in_session(services, set_language, contact.id, language)
        except OperationalError:  # the database is down: the next turn follows it again
            log.warning("language not stored, the database is unavailable")
