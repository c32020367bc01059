"""Finding a conversation again (issue 18): the staff member's own housing company's
handoffs, filtered by status, channel, language, reason, urgency, label, who holds it and
opening date, and searched in its reason, labels, close reason and internal notes; or
found by the tenant's number typed in full, matched through the pseudonym the number
gives on each phone channel (the number is never listed, logged or kept)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import phonenumbers
from sqlalchemy import Select, exists, or_, select
from sqlalchemy.orm import Session

from bot.console.deps import Staff
from bot.console.i18n import WORDS
from bot.core.clock import as_utc
from bot.core.pseudonyms import pseudonym
from bot.handoff.models import Handoff, HandoffEntry, HandoffLabel, Label, StaffUser
from bot.hsds_profile import TIME_ZONE
from bot.lexicon import topic_labels

PAGE_SIZE = 50
STATUSES = ("waiting", "claimed", "closed")
CHANNELS = ("sms", "whatsapp", "telegram", "voice")
PHONE_CHANNELS = {"sms": "{}", "voice": "{}", "whatsapp": "whatsapp:{}"}


@dataclass(frozen=True)
class Filters:
    status: str = ""
    channel: str = ""
    language: str = ""
    reason: str = ""
    urgent: bool = False
    mine: bool = False
    label: int | None = None
    since: date | None = None
    until: date | None = None
    text: str = ""
    page: int = 0


@dataclass(frozen=True)
class Found:
    id: int
    status: str
    urgent: bool
    reason: str
    channel: str
    language: str
    opened_at: datetime
    closed_at: datetime | None
    close_reason: str | None
    holder: str | None
    labels: tuple[str, ...]


def number_pseudonyms(typed: str, secret: str) -> list[str]:
    """The pseudonyms a phone number has on the phone channels; none when it is no number
    (a Belgian number may be typed as the tenant says it: 0470 12 34 56)."""
    try:
        parsed = phonenumbers.parse(typed, "BE")
    except phonenumbers.NumberParseException:
        return []
    if not phonenumbers.is_possible_number(parsed):
        return []
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return [
        pseudonym(secret, channel, form.format(e164)) for channel, form in PHONE_CHANNELS.items()
    ]


def _reasons_matching(text: str) -> list[str]:
    """The reason codes whose words (French or Dutch) contain `text`."""
    wanted = text.casefold()
    codes = {
        key.removeprefix("reason_"): pair
        for key, pair in WORDS.items()
        if key.startswith("reason_")
    }
    codes |= {code: (labels["fr"], labels["nl"]) for code, labels in topic_labels().items()}
    return [code for code, pair in codes.items() if any(wanted in word.casefold() for word in pair)]


def _filtered(statement: Select, staff: Staff, filters: Filters) -> Select:
    if filters.status in STATUSES:
        statement = statement.where(Handoff.status == filters.status)
    if filters.channel in CHANNELS:
        statement = statement.where(Handoff.channel == filters.channel)
    if filters.language in ("fr", "nl"):
        statement = statement.where(Handoff.language == filters.language)
    if filters.reason:
        statement = statement.where(Handoff.reason == filters.reason)
    if filters.urgent:
        statement = statement.where(Handoff.urgent.is_(True))
    if filters.mine:
        statement = statement.where(Handoff.claimed_by == staff.id)
    if filters.label is not None:
        statement = statement.where(
            exists().where(
                HandoffLabel.handoff_id == Handoff.id, HandoffLabel.label_id == filters.label
            )
        )
    if filters.since:
        statement = statement.where(Handoff.opened_at >= _start_of(filters.since))
    if filters.until:
        statement = statement.where(
            Handoff.opened_at < _start_of(filters.until + timedelta(days=1))
        )
    text = filters.text.strip()[:100]
    if text:
        pattern = f"%{text}%"
        statement = statement.where(
            or_(
                Handoff.reason.in_(_reasons_matching(text)),
                Handoff.close_reason.ilike(pattern),
                exists().where(
                    HandoffEntry.handoff_id == Handoff.id,
                    HandoffEntry.author == "note",
                    HandoffEntry.text.ilike(pattern),
                ),
                exists().where(
                    HandoffLabel.handoff_id == Handoff.id,
                    HandoffLabel.label_id == Label.id,
                    Label.name.ilike(pattern),
                ),
            )
        )
    return statement


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=TIME_ZONE)


def find(
    session: Session, staff: Staff, filters: Filters, pseudonyms: list[str] | None = None
) -> tuple[list[Found], bool]:
    """One page of the company's conversations, newest first, and whether there is more."""
    statement = (
        select(Handoff, StaffUser.name)
        .outerjoin(StaffUser, StaffUser.id == Handoff.claimed_by)
        .where(Handoff.company_id == staff.company_id)
    )
    if pseudonyms is not None:
        statement = statement.where(Handoff.sender_id.in_(pseudonyms))
    statement = _filtered(statement, staff, filters).order_by(Handoff.opened_at.desc())
    rows = session.execute(statement.offset(filters.page * PAGE_SIZE).limit(PAGE_SIZE + 1)).all()
    labels = labels_of(session, [handoff.id for handoff, _ in rows[:PAGE_SIZE]])
    found = [
        Found(
            h.id,
            h.status,
            h.urgent,
            h.reason,
            h.channel,
            h.language,
            as_utc(h.opened_at),
            as_utc(h.closed_at) if h.closed_at else None,
            h.close_reason,
            name,
            labels.get(h.id, ()),
        )
        for h, name in rows[:PAGE_SIZE]
    ]
    return found, len(rows) > PAGE_SIZE


def labels_of(session: Session, handoff_ids: list[int]) -> dict[int, tuple[str, ...]]:
    if not handoff_ids:
        return {}
    named: dict[int, list[str]] = {}
    for handoff_id, name in session.execute(
        select(HandoffLabel.handoff_id, Label.name)
        .join(Label, Label.id == HandoffLabel.label_id)
        .where(HandoffLabel.handoff_id.in_(handoff_ids))
        .order_by(Label.name)
    ):
        named.setdefault(handoff_id, []).append(name)
    return {key: tuple(value) for key, value in named.items()}
