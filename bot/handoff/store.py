"""The handoff queue's operations (synchronous; call from a thread).

The invariants are the database's, not only this code's: a contact has at most one open
handoff (a partial unique index, migration 0010), so of two requests opening one at once
(the tenant's PERSONNE and the action server's POST /internal/handoffs) one inserts and
the other gets the same handoff back; and every change of who holds a handoff is one
conditional UPDATE on its status, so of two caseworkers clicking at once exactly one wins
and a closed handoff is never claimed, released, reassigned or closed again (reopened)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.contacts.models import Contact
from bot.core.clock import utcnow
from bot.core.db import rowcount
from bot.handoff.models import (
    OPEN_STATUSES,
    AuditEvent,
    Handoff,
    HandoffEntry,
    HousingCompany,
    StaffUser,
)


def load_companies(session: Session, path: Path) -> int:
    """Insert or update the housing companies of a YAML file (see data/housing_companies.yml).

    A company's `sites` column holds every code that leads to it: its Telegram deep-link
    codes and the numbers tenants write to (`sms_numbers`, E.164, and `whatsapp_numbers`,
    kept as `whatsapp:+...`, as Twilio's `To` gives them). A deep-link code never starts
    with "+" or "whatsapp:", so the two never mix up. A number may belong to several
    companies (a regional line): bot/channels/sms_company.py then asks the tenant."""
    rows = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    for row in rows:
        company = session.get(HousingCompany, row["id"]) or HousingCompany(id=row["id"])
        company.name = row["name"]
        company.office_hours = row.get("office_hours") or {}
        company.holidays = [str(day) for day in row.get("holidays") or []]
        numbers = [_number(row["id"], value) for value in row.get("sms_numbers") or []]
        numbers += [
            "whatsapp:" + _number(row["id"], value) for value in row.get("whatsapp_numbers") or []
        ]
        # the numbers tenants call: usually the SMS ones (one Twilio number does both)
        numbers += [_number(row["id"], value) for value in row.get("voice_numbers") or []]
        company.sites = list(
            dict.fromkeys([str(site) for site in row.get("sites") or []] + numbers)
        )
        transfer = row.get("transfer_number")
        company.transfer_number = _number(row["id"], transfer) if transfer else None
        company.phone = str(row["phone"])[:40] if row.get("phone") else None
        limit = row.get("unclaimed_limit_hours")
        company.unclaimed_limit_hours = int(limit) if limit else None
        targets = row.get("response_targets_minutes") or {}
        company.target_urgent_minutes = int(targets.get("urgent", 15))
        company.target_other_minutes = int(targets.get("other", 420))
        session.add(company)
    return len(rows)


NUMBER = re.compile(r"\+[1-9][0-9]{6,14}")
NUMBER_SEPARATORS = re.compile(r"[\s./()-]")


def normalised_number(value: object) -> str | None:
    """An E.164 number without its separators ("+32 2 555 01 01" -> "+3225550101"), with
    WhatsApp's `whatsapp:` prefix kept; None when it is no such number."""
    raw = str(value).strip()
    prefix = "whatsapp:" if raw.lower().startswith("whatsapp:") else ""
    number = NUMBER_SEPARATORS.sub("", raw[len(prefix) :])
    return prefix + number if NUMBER.fullmatch(number) else None


def _number(company_id: str, value: object) -> str:
    number = normalised_number(str(value).removeprefix("whatsapp:"))
    if number is None:
        raise ValueError(f"housing company {company_id}: {value!r} is not an E.164 number")
    return number


def company_for(session: Session, site: str | None) -> HousingCompany | None:
    """The company of a site: a company's id (an SMS contact's site, bot/channels/
    sms_company.py) or one of its codes; else, for a contact whose company is not known
    (no deep-link code, a number listed by no company), the first company."""
    companies = list(session.scalars(select(HousingCompany).order_by(HousingCompany.id)))
    for company in companies:
        if site and (site == company.id or site in (company.sites or [])):
            return company
    return companies[0] if companies else None


def open_handoff_of(session: Session, contact_id: int) -> Handoff | None:
    return session.scalar(
        select(Handoff).where(Handoff.contact_id == contact_id, Handoff.status.in_(OPEN_STATUSES))
    )


def open_handoff(
    session: Session, contact: Contact, payload: dict[str, Any]
) -> tuple[Handoff, bool]:
    """The contact's open handoff, or a new one (True); an urgent request makes it urgent.

    The insert runs in a SAVEPOINT: when another transaction opened one for the contact
    meanwhile, the unique index refuses this one, and theirs is returned (not created)."""
    existing = open_handoff_of(session, contact.id)
    if existing is not None:
        return _asked_again(existing, payload), False
    company = company_for(session, contact.site or payload.get("summary", {}).get("site"))
    if company is None:
        raise LookupError("no housing company configured")
    handoff = Handoff(
        contact_id=contact.id,
        company_id=company.id,
        sender_id=contact.pseudonym,
        reason=str(payload.get("reason") or "asked")[:32],
        urgent=bool(payload.get("urgent")),
        language="nl" if payload.get("language") == "nl" else "fr",
        channel=contact.channel,
        summary=dict(payload.get("summary") or {}),
    )
    try:
        with session.begin_nested():
            session.add(handoff)
            session.flush()
    except IntegrityError:
        # the other opener committed first (PostgreSQL made this insert wait for it)
        existing = open_handoff_of(session, contact.id)
        if existing is None:  # not the one-open-handoff index: a real error
            raise
        return _asked_again(existing, payload), False
    return handoff, True


def _asked_again(handoff: Handoff, payload: dict[str, Any]) -> Handoff:
    """Asked again while open: what the assistant collected since is added to the summary
    (details the tenant gave meanwhile); urgency only rises."""
    summary = dict(payload.get("summary") or {})
    if summary:
        handoff.summary = {**(handoff.summary or {}), **summary}
    if payload.get("urgent") and not handoff.urgent:
        handoff.urgent = True
        handoff.reason = str(payload.get("reason") or handoff.reason)[:32]
    return handoff


def add_entry(
    session: Session,
    handoff_id: int,
    author: str,
    text: str,
    staff_id: int | None = None,
    outbox_id: int | None = None,
) -> HandoffEntry:
    entry = HandoffEntry(
        handoff_id=handoff_id, author=author, text=text, staff_id=staff_id, outbox_id=outbox_id
    )
    session.add(entry)
    session.flush()
    return entry


def claim(session: Session, handoff_id: int, staff_id: int) -> bool:
    """True when this caseworker got it; False when someone else was faster."""
    won = rowcount(
        session.execute(
            update(Handoff)
            .where(Handoff.id == handoff_id, Handoff.status == "waiting")
            .values(status="claimed", claimed_by=staff_id, claimed_at=utcnow())
        )
    )
    return bool(won)


def _move(session: Session, handoff: Handoff, statuses: tuple[str, ...], **values: Any) -> bool:
    """One conditional UPDATE: True when `handoff` was in one of `statuses` and now has
    `values`; False (and nothing changed) when it was not, e.g. closed meanwhile."""
    moved = rowcount(
        session.execute(
            update(Handoff)
            .where(Handoff.id == handoff.id, Handoff.status.in_(statuses))
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    )
    session.refresh(handoff)
    return bool(moved)


def release(session: Session, handoff: Handoff) -> bool:
    """Back to the queue; False when the handoff is not claimed (any more)."""
    return _move(
        session,
        handoff,
        ("claimed",),
        status="waiting",
        claimed_by=None,
        claimed_at=None,
        closed_notice_at=None,  # a new waiting period: the closed notice may be said again
    )


def reassign(session: Session, handoff: Handoff, staff_id: int) -> bool:
    """To a colleague; False when the handoff is closed (a closed one is never reopened)."""
    return _move(
        session, handoff, OPEN_STATUSES, status="claimed", claimed_by=staff_id, claimed_at=utcnow()
    )


def close(session: Session, handoff: Handoff, reason: str, hand_back: bool) -> bool:
    """False when it was closed already."""
    return _move(
        session,
        handoff,
        OPEN_STATUSES,
        status="closed",
        closed_at=utcnow(),
        close_reason=reason[:200],
        handed_back=hand_back,
    )


def audit(
    session: Session,
    staff: StaffUser | None,
    action: str,
    handoff_id: int | None = None,
    detail: str | None = None,
) -> None:
    session.add(
        AuditEvent(
            staff_id=staff.id if staff else None,
            action=action,
            handoff_id=handoff_id,
            detail=detail,
        )
    )
