"""Tenant messages while a handoff is open. Each one is kept for the caseworker's
transcript, and the safety layer runs on it (danger makes the handoff urgent and the
tenant gets the safety message at once).

Who answers depends on the handoff's state. While it waits in the queue the assistant still
answers general questions, under a line saying the request stays in the queue: a tenant
is never stuck for days with one notice. Once a caseworker has claimed it, the messages go
to the caseworker only and the bot stays silent. Out of office hours the tenant is told
when a person will answer, once per waiting period, in the contact's language.

Once it is closed and the tenant handed back, their next message may be the answer to the
satisfaction question (bot/handoff/satisfaction.py): it is thanked and kept from the bot.
Anything else soon after the close goes to the bot and flags the conversation to its last
caseworker (bot/handoff/after_close.py)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy.orm import Session

from bot.contacts.store import ContactView
from bot.core.clock import utcnow
from bot.core.unit_of_work import UnitOfWork
from bot.handoff import after_close, satisfaction, store
from bot.handoff.hours import is_open, next_opening, say_when
from bot.handoff.models import Handoff, HousingCompany
from bot.handoff.safety_texts import danger_reply
from bot.texts import text

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Routed:
    handoff_id: int
    replies: list[str]  # what the tenant gets now (safety message, queue note, office hours)
    # Waiting in the queue: the assistant answers the message too, and the message, the
    # answers and the closed notice are recorded once the turn is over (no write may wait
    # on Rasa, bot/core/unit_of_work.py).
    bot_answers: bool = False
    closed_notice_said: bool = False
    # The answer to the satisfaction question of a closed handoff: thanks, and no bot turn
    survey_answer: bool = False


def out_of_hours_text(company: HousingCompany, language: str, now: datetime) -> str | None:
    if is_open(company.office_hours, company.holidays, now):
        return None
    opening = next_opening(company.office_hours, company.holidays, now)
    when = say_when(opening, language) if opening else ("bientôt" if language != "nl" else "snel")
    return text("out_of_hours", language, when=when)


def closed_notices(
    session: Session, handoff: Handoff, languages: tuple[str, ...] = ("fr", "nl")
) -> dict[str, str]:
    """The out-of-hours notice in each language if the service is closed and the tenant
    was not told yet in this waiting period (then it counts as told); else nothing."""
    notices = _due_notices(session, handoff, languages)
    if notices:
        handoff.closed_notice_at = utcnow()
    return notices


def _due_notices(session: Session, handoff: Handoff, languages: tuple[str, ...]) -> dict[str, str]:
    """The notice in each language if it is due (closed, not told in this waiting
    period), without counting it as told."""
    if handoff.status != "waiting" or handoff.closed_notice_at is not None:
        return {}
    company = session.get_one(HousingCompany, handoff.company_id)
    now = datetime.now(timezone.utc)
    notices = {language: out_of_hours_text(company, language, now) for language in languages}
    return {language: notice for language, notice in notices.items() if notice}


def closed_notice(session: Session, handoff: Handoff, language: str) -> str | None:
    return closed_notices(session, handoff, (language,)).get(language)


def _route(session: Session, contact_id: int, body: str, language: str) -> Routed | None:
    handoff = store.open_handoff_of(session, contact_id)
    if handoff is None:  # the bot answers, unless this answers the satisfaction question
        taken = satisfaction.take_answer(session, contact_id, body)
        if taken:
            return Routed(taken.handoff_id, [taken.thanks], survey_answer=True)
        after_close.flag_if_recent(session, contact_id)  # the last caseworker is told
        return None
    danger = danger_reply(body, language)
    if danger is not None:  # a person is needed now, whatever the state: no bot turn
        store.add_entry(session, handoff.id, "tenant", body)
        handoff.urgent = True
        replies = [danger[1]]
        notice = closed_notice(session, handoff, language)
        replies += [notice] if notice else []
        for reply in replies:  # the caseworker reads what the tenant was told
            store.add_entry(session, handoff.id, "bot", reply)
        return Routed(handoff.id, replies)
    if handoff.status != "waiting":  # a caseworker holds it: for their eyes only
        store.add_entry(session, handoff.id, "tenant", body)
        return Routed(handoff.id, [])
    notice = _due_notices(session, handoff, (language,)).get(language)  # told with the turn
    note = [text("still_in_queue", language)] + ([notice] if notice else [])
    return Routed(handoff.id, note, bot_answers=True, closed_notice_said=notice is not None)


async def route_to_caseworker(work: UnitOfWork, contact: ContactView, body: str) -> Routed | None:
    """None when no handoff is open (the bot answers); else what to send now, and whether
    the assistant answers too. With no handoff open, the answer to the satisfaction
    question of the last one is taken here: thanks, and the bot hears nothing."""
    routed = await work.run(_route, contact.id, body, contact.language or "fr")
    if routed is None and work.wrote:  # a question passed over, a close flagged: settled before
        await work.commit()  # the bot's turn (no write may wait on Rasa)
    if routed is not None and routed.survey_answer:
        log.info("handoff %s: the satisfaction question was answered", routed.handoff_id)
    elif routed is not None:
        log.info("handoff %s: tenant message kept for the caseworker", routed.handoff_id)
    return routed


def _record_waiting_turn(session: Session, routed: Routed, body: str, answers: list[str]) -> None:
    store.add_entry(session, routed.handoff_id, "tenant", body)
    for answer in answers:
        store.add_entry(session, routed.handoff_id, "bot", answer)
    if routed.closed_notice_said:
        handoff = session.get_one(Handoff, routed.handoff_id)
        handoff.closed_notice_at = handoff.closed_notice_at or utcnow()


async def record_waiting_turn(
    work: UnitOfWork, routed: Routed, body: str, answers: list[str]
) -> None:
    """A waiting tenant's message and what the assistant answered, in the caseworker's
    transcript; the closed notice counts as told."""
    await work.run(_record_waiting_turn, routed, body, answers)


def note_media(session: Session, contact_id: int, kinds: tuple[str, ...]) -> bool:
    """A photo or a voice note sent during a handoff: the transcript says one came and was
    not kept (the console words it, bot/console/i18n.py `media_<kind>`), so the caseworker
    can ask for it in words. False when no handoff is open."""
    handoff = store.open_handoff_of(session, contact_id)
    if handoff is None:
        return False
    for kind in kinds:
        store.add_entry(session, handoff.id, "media", kind)
    return True
