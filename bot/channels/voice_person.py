"""A person for a caller (bot/channels/voice.py). When a turn opens a handoff (the caller
asked, the bot failed, or danger made it urgent), the phone line either transfers the
call to the housing company's social service (office hours, a transfer number set) or
turns the request into a callback the console shows (reason `callback`, channel `voice`).
Danger is never transferred: the caller hears the emergency numbers and an urgent
callback opens (Twilio cannot place emergency calls, and 112 is theirs to call)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.handoff import store
from bot.handoff.hours import is_open
from bot.handoff.models import Handoff, HousingCompany

CALLBACK = "callback"


@dataclass(frozen=True)
class HandoffState:
    handoff_id: int
    urgent: bool


@dataclass(frozen=True)
class PersonStep:
    """What the call does about the handoff: "transfer" (to `number`), "callback" or
    "callback_urgent"."""

    kind: str
    handoff_id: int
    number: str | None = None


def handoff_state(session: Session, contact_id: int) -> HandoffState | None:
    handoff = store.open_handoff_of(session, contact_id)
    return HandoffState(handoff.id, handoff.urgent) if handoff is not None else None


def after_turn(
    session: Session, contact_id: int, before: HandoffState | None, now: datetime
) -> PersonStep | None:
    """The step to take when the turn opened a handoff or made it urgent; else None."""
    handoff = store.open_handoff_of(session, contact_id)
    if handoff is None:
        return None
    if (
        before is not None
        and before.handoff_id == handoff.id
        and (before.urgent or not handoff.urgent)
    ):
        return None  # nothing new: the same request, as urgent as it was
    if handoff.urgent:
        _mark_callback(handoff, keep_reason=True)
        return PersonStep("callback_urgent", handoff.id)
    company = session.get(HousingCompany, handoff.company_id)
    if (
        company is not None
        and company.transfer_number
        and is_open(company.office_hours, company.holidays, now)
    ):
        return PersonStep("transfer", handoff.id, company.transfer_number)
    _mark_callback(handoff, keep_reason=False)
    return PersonStep(CALLBACK, handoff.id)


def _mark_callback(handoff: Handoff, keep_reason: bool) -> None:
    """The console shows a request to call back (the reason says why a person is needed;
    a danger keeps its own)."""
    if not keep_reason:
        handoff.reason = CALLBACK
    handoff.summary = {**(handoff.summary or {}), "callback": True}


def transfer_ended(session: Session, handoff_id: int, answered: bool) -> None:
    """A transfer someone answered closes the request (the person has the caller); an
    unanswered one leaves a callback request."""
    handoff = session.get(Handoff, handoff_id)
    if handoff is None or handoff.status not in ("waiting", "claimed"):
        return
    if answered:
        store.close(session, handoff, "transferred by phone", hand_back=False)
        store.audit(session, None, "voice_transfer", handoff.id, "answered")
        return
    _mark_callback(handoff, keep_reason=False)
    store.audit(session, None, "voice_transfer", handoff.id, "not answered")
