"""Tenant messages while a person owns the conversation: they go to the console only and
the bot stays silent. The safety layer still runs on each one (danger makes the handoff
urgent and the tenant gets the safety message at once), and out of office hours the
tenant is told when a person will answer."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy.orm import Session

from bot.contacts.store import ContactView
from bot.core.unit_of_work import UnitOfWork
from bot.handoff import store
from bot.handoff.hours import is_open, next_opening, say_when
from bot.handoff.models import HousingCompany
from bot.handoff.safety_texts import safety_message
from bot.safety import detect_danger
from bot.texts import text

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Routed:
    handoff_id: int
    replies: list[str]  # what the tenant gets now (safety message, office hours)


def out_of_hours_text(company: HousingCompany, language: str, now: datetime) -> str | None:
    if is_open(company.office_hours, company.holidays, now):
        return None
    opening = next_opening(company.office_hours, company.holidays, now)
    when = say_when(opening, language) if opening else ("bientôt" if language != "nl" else "snel")
    return text("out_of_hours", language, when=when)


def _record(session: Session, contact_id: int, body: str, language: str) -> Routed | None:
    handoff = store.open_handoff_of(session, contact_id)
    if handoff is None:
        return None
    store.add_entry(session, handoff.id, "tenant", body)
    replies = []
    danger = detect_danger(body)
    if danger is not None:
        handoff.urgent = True
        replies.append(safety_message(danger.category, language))
    company = session.get_one(HousingCompany, handoff.company_id)
    waiting = out_of_hours_text(company, language, datetime.now(timezone.utc))
    if waiting and handoff.status == "waiting":
        replies.append(waiting)
    return Routed(handoff.id, replies)


async def route_to_caseworker(work: UnitOfWork, contact: ContactView, body: str) -> Routed | None:
    """None when no handoff is open (the bot answers); else what to send now."""
    routed = await work.run(_record, contact.id, body, contact.language or "fr")
    if routed is not None:
        log.info("handoff %s: tenant message kept for the caseworker", routed.handoff_id)
    return routed
