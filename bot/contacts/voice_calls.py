"""The state of a phone call while it lasts (bot.contacts.models.VoiceCall); synchronous,
called through the unit of work."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.contacts.models import Contact, VoiceCall

HIDDEN = "anonymous:"  # the address of a caller whose number is hidden: one per call


def is_hidden(address: str) -> bool:
    """A caller who hid their number: no SMS, no callback."""
    return address.startswith(HIDDEN)


def start(session: Session, call_sid: str, contact_id: int, company_number: str | None) -> None:
    """The call's row, once (Twilio may post the call's first webhook again)."""
    if session.get(VoiceCall, call_sid) is None:
        session.add(
            VoiceCall(call_sid=call_sid, contact_id=contact_id, company_number=company_number)
        )
        session.flush()


def find(session: Session, call_sid: str) -> VoiceCall | None:
    return session.get(VoiceCall, call_sid)


def count(session: Session, call_sid: str, what: str) -> int:
    """One more silence, misunderstanding or turn ("silences", "not_understood",
    "turns"); the new count."""
    call = session.get_one(VoiceCall, call_sid)
    value = int(getattr(call, what) or 0) + 1
    setattr(call, what, value)
    return value


def reset(session: Session, call_sid: str, *what: str) -> None:
    call = session.get_one(VoiceCall, call_sid)
    for name in what:
        setattr(call, name, 0)


def remember(
    session: Session, call_sid: str, said: dict[str, Any], items: list[Any] | None
) -> None:
    """What the turn said (to repeat it or send it by SMS), and its results, read from
    the first (None: the results being read stay)."""
    call = session.get_one(VoiceCall, call_sid)
    call.last_said = said
    if items is not None:
        call.items = items or None
        call.position = 0


def move_to(session: Session, call_sid: str, position: int) -> None:
    session.get_one(VoiceCall, call_sid).position = position


def sms_contact_of(session: Session, address: str) -> Contact | None:
    """The SMS contact of the number a caller calls from (their language, their STOP)."""
    return session.scalar(
        select(Contact).where(Contact.channel == "sms", Contact.address == address)
    )


def language_known_for(session: Session, address: str) -> str | None:
    contact = sms_contact_of(session, address)
    return contact.language if contact is not None else None


def stopped_sms(session: Session, address: str) -> bool:
    contact = sms_contact_of(session, address)
    return contact is not None and contact.opted_out_at is not None
