"""Contacts and what the gateway remembers per contact (synchronous; call from a thread)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.contacts.models import Contact, InboundMessage, MenuOption
from bot.core.clock import utcnow
from bot.core.pseudonyms import pseudonym

LANGUAGES = ("fr", "nl")


@dataclass(frozen=True)
class ContactView:
    """What request handlers need of a contact, detached from the database session."""

    id: int
    channel: str
    address: str
    pseudonym: str
    language: str | None
    site: str | None
    opted_out: bool
    is_new: bool


def _view(contact: Contact, is_new: bool) -> ContactView:
    return ContactView(
        contact.id,
        contact.channel,
        contact.address,
        contact.pseudonym,
        contact.language,
        contact.site,
        contact.opted_out,
        is_new,
    )


def seen_before(session: Session, channel: str, external_id: str) -> bool:
    """A provider's message id already handled (a retried webhook): read only."""
    found = session.scalar(
        select(InboundMessage.id).where(
            InboundMessage.channel == channel, InboundMessage.external_id == external_id
        )
    )
    return found is not None


def record_inbound(session: Session, channel: str, external_id: str) -> bool:
    """Record a provider's message id with the outcome of its turn; False when a concurrent
    delivery of the same message recorded it first."""
    try:
        with session.begin_nested():
            session.add(InboundMessage(channel=channel, external_id=external_id))
    except IntegrityError:
        return False
    return True


def find_or_register(
    session: Session,
    secret: str,
    channel: str,
    address: str,
    language: str | None = None,
    site: str | None = None,
) -> ContactView:
    """The contact behind an address, registered on first contact (with the channel's
    language when it is French or Dutch, and its site code). Writes only when new."""
    contact = session.scalar(
        select(Contact).where(Contact.channel == channel, Contact.address == address)
    )
    if contact is not None:
        return _view(contact, is_new=False)
    contact = Contact(
        channel=channel,
        address=address,
        pseudonym=pseudonym(secret, channel, address),
        language=language if language in LANGUAGES else None,
        site=site,
    )
    session.add(contact)
    session.flush()
    return _view(contact, is_new=True)


def view_by_id(session: Session, contact_id: int) -> ContactView | None:
    """A contact as request handlers see it (None: erased meanwhile)."""
    contact = session.get(Contact, contact_id)
    return _view(contact, is_new=False) if contact is not None else None


def touch(session: Session, contact_id: int, site: str | None = None) -> None:
    """The contact was seen now; a site code given later replaces the earlier one."""
    changes: dict[str, object] = {"last_seen_at": utcnow()}
    if site:
        changes["site"] = site
    # An UPDATE statement: a contact erased during this unit of work is simply not there.
    session.execute(
        update(Contact)
        .where(Contact.id == contact_id)
        .values(**changes)
        .execution_options(synchronize_session=False)
    )


def set_language(session: Session, contact_id: int, language: str) -> None:
    contact = session.get(Contact, contact_id)  # None once erased
    if contact is not None and language in LANGUAGES:
        contact.language = language


def set_opted_out(session: Session, contact_id: int, opted_out: bool) -> None:
    session.get_one(Contact, contact_id).opted_out_at = utcnow() if opted_out else None


def replace_menu(session: Session, contact_id: int, options: list[tuple[str, str, str]]) -> None:
    """The digits of the latest SMS menu: (key, payload, title), replacing the last menu."""
    session.execute(delete(MenuOption).where(MenuOption.contact_id == contact_id))
    session.add_all(
        MenuOption(contact_id=contact_id, key=key, payload=payload, title=title)
        for key, payload, title in options
    )


def add_menu(session: Session, contact_id: int, options: list[tuple[str, str, str]]) -> None:
    """Telegram buttons stay pressable in older messages: their tokens are added."""
    session.add_all(
        MenuOption(contact_id=contact_id, key=key, payload=payload, title=title)
        for key, payload, title in options
    )


def menu_payload(session: Session, contact_id: int, key: str) -> str | None:
    return session.scalar(
        select(MenuOption.payload).where(MenuOption.contact_id == contact_id, MenuOption.key == key)
    )


def menu_options(session: Session, contact_id: int) -> list[tuple[str, str, str]]:
    """The latest menu: (key, payload, title) by key."""
    rows = session.execute(
        select(MenuOption.key, MenuOption.payload, MenuOption.title)
        .where(MenuOption.contact_id == contact_id)
        .order_by(MenuOption.key)
    )
    return [(key, payload, title) for key, payload, title in rows]
