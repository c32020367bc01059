"""The satisfaction question (issue 18). When a caseworker hands a tenant back to the bot,
the tenant gets one short question on their channel, in the handoff's language: did the
person's help serve them (1 yes, 2 a little, 3 no)? Not on the phone line, and never to a
tenant who sent STOP.

The question goes in the same message as the notice that the bot is back (one SMS, both
fit in 160 GSM-7 characters): two messages sent at once could reach the tenant apart.

The answer is kept with the handoff, not with the tenant. Only the tenant's next message
can answer, within ANSWER_WINDOW, and only while no other handoff is open: "1", "2", "3"
or the words (oui, un peu, non; ja, een beetje, nee), any case, with or without accents.
Anything else goes to the bot as usual and settles the question unanswered, so a menu
choice sent later ("0", then "2") is never taken for an answer. The answer is written with
a conditional UPDATE: the same answer sent twice counts once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.contacts.models import Contact
from bot.core.clock import as_utc, utcnow
from bot.core.db import rowcount
from bot.handoff.models import Handoff
from bot.lexicon.folding import fold
from bot.texts import text

ANSWER_WINDOW = timedelta(hours=24)
ANSWERS = ("yes", "little", "no")  # what Handoff.survey_answer holds
_DIGITS = {"1": "yes", "2": "little", "3": "no"}
_WORDS = {
    "oui": "yes",
    "un peu": "little",
    "non": "no",
    "ja": "yes",
    "een beetje": "little",
    "nee": "no",
}
# Folded messages that answer: the digit, the word, or both ("1 oui", "2. un peu").
_ACCEPTED: dict[str, str] = {
    **_DIGITS,
    **_WORDS,
    **{
        f"{digit} {word}": answer
        for digit, answer in _DIGITS.items()
        for word, same in _WORDS.items()
        if same == answer
    },
}


def answer_in(body: str) -> str | None:
    """ "yes", "little" or "no" when the whole message is an answer; else None."""
    return _ACCEPTED.get(fold(body))


def ask(session: Session, handoff: Handoff, contact: Contact, said: str) -> str:
    """What the handed-back tenant is told (`said`, that the bot is back), with the question
    under it, in the handoff's language: one message, one SMS. Not on the phone line, not
    after STOP, once per handoff (then `said` alone)."""
    if handoff.channel == "voice" or contact.opted_out or handoff.survey_asked_at is not None:
        return said
    handoff.survey_asked_at = utcnow()
    return f"{said}\n{text('survey_question', handoff.language)}"


@dataclass(frozen=True)
class Taken:
    handoff_id: int
    thanks: str  # what the tenant is told, in the handoff's language


def take_answer(
    session: Session, contact_id: int, body: str, now: datetime | None = None
) -> Taken | None:
    """With no handoff open: the tenant's message as the answer to the question of their
    last closed handoff, if that question is open and the message answers it (then the
    thanks to send; the bot hears nothing). None otherwise: the message goes to the bot
    (and an open question is settled unanswered)."""
    now = now or utcnow()
    last = session.scalars(
        select(Handoff)
        .where(Handoff.contact_id == contact_id, Handoff.status == "closed")
        .order_by(Handoff.id.desc())  # one open at a time: the newest is the last closed
        .limit(1)
    ).first()
    if (
        last is None
        or last.survey_asked_at is None
        or last.survey_answered_at is not None
        or as_utc(last.survey_asked_at) < now - ANSWER_WINDOW
    ):
        return None
    answer = answer_in(body)
    still_open = update(Handoff).where(
        Handoff.id == last.id,
        Handoff.survey_answer.is_(None),
        Handoff.survey_answered_at.is_(None),
    )
    if answer is None:  # another message: the question is passed over, for good
        session.execute(still_open.values(survey_answered_at=now))
        return None
    if not rowcount(
        session.execute(still_open.values(survey_answer=answer, survey_answered_at=now))
    ):
        return None  # answered meanwhile (the same answer sent twice): counted once
    return Taken(last.id, text("survey_thanks", last.language))


@dataclass(frozen=True)
class Asked:
    """One asked question, for the weekly counts (no tenant, no handoff id)."""

    asked_at: datetime
    answer: str | None


def asked_between(session: Session, company_id: str, start: datetime, end: datetime) -> list[Asked]:
    """The questions one housing company's handoffs asked from `start` (included) to `end`
    (excluded), with their answers."""
    found = session.execute(
        select(Handoff.survey_asked_at, Handoff.survey_answer).where(
            Handoff.company_id == company_id,
            Handoff.survey_asked_at.is_not(None),
            Handoff.survey_asked_at >= start,
            Handoff.survey_asked_at < end,
        )
    )
    return [Asked(as_utc(asked_at), answer) for asked_at, answer in found]
