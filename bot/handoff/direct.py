"""A person without the bot. When the bot cannot answer (Rasa down, the action server
down, an empty answer) the tenant gets an apology with the offer of a person; the keyword
PERSONNE / MENS then opens a handoff from the gateway itself, because the bot's own
handoff action may be what is failing. It works at any time, bot or no bot."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from bot.contacts.models import Contact
from bot.contacts.store import ContactView
from bot.core.services import Services
from bot.core.unit_of_work import UnitOfWork
from bot.handoff import store
from bot.handoff.routing import closed_notice
from bot.texts import text

log = logging.getLogger(__name__)


def _open(
    session: Session, contact_id: int, reason: str, language: str, urgent: bool
) -> tuple[int, bool, str | None]:
    contact = session.get_one(Contact, contact_id)
    handoff, created = store.open_handoff(
        session, contact, {"reason": reason, "language": language, "urgent": urgent}
    )
    return handoff.id, created, closed_notice(session, handoff, language)


async def open_from_gateway(
    services: Services,
    work: UnitOfWork,
    contact: ContactView,
    reason: str,
    urgent: bool = False,
    language: str | None = None,
) -> list[str]:
    """Open (or find, and make urgent) the contact's handoff; what the tenant is told."""
    language = language or contact.language or "fr"
    try:
        handoff_id, created, closed_now = await work.run(
            _open, contact.id, reason, language, urgent
        )
    except LookupError:  # no housing company configured: nobody to hand over to
        log.error("handoff: no housing company configured")
        return [text("unavailable", language)]
    if created:
        log.info("handoff %s opened by the gateway (%s)", handoff_id, reason)
        services.metrics.handoffs.labels(str(urgent).lower()).inc()
    return [text("person_coming", language)] + ([closed_now] if closed_now else [])
