"""Which curator e-mails are due, and sending them once (issue 23).

- "closed": a "this place was closed" report still open reaches the curators of its
  service, one e-mail per report.
- "expired": an active service whose assured_date is older than the directory's window
  (`directory_assured_within_months`: search no longer finds it, bot/directory/search.py)
  reaches them once per (service, assured_date): confirmed later and expired again, it is
  a new notice. Kept simple and honest: every expired active service gets one, those that
  had expired before curation existed too. So that an old directory is no flood, a curator
  gets at most one such e-mail per pass, naming up to DIGEST_SIZE services and counting
  the others (the console lists them all).

The curators of a service: the active "curator" accounts of its housing company; the
active "regional_curator" accounts when the service is the region's or its company has
no active curator. Never caseworkers or anyone else.

Once, with several gateway processes, as in staff_notices.py: the mark is an INSERT into
curator_notice (its unique index refuses a second process's), committed in its own short
transaction before the mail server is called, so no transaction is held while waiting on
the network. When sending fails, the row is deleted (the mark given back) and a later pass
sends the notice (the expired services of a pass share one connection: a server failing
half-way through their digests makes a later pass send all of them again, so a curator may
get one twice, never none). A notice with nobody to tell is marked all the same (logged
once, as in staff_notices.py). Logs
name staff and service ids, never addresses; the e-mails hold public directory data only.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any, Literal, TypeVar

from dateutil.relativedelta import relativedelta
from sqlalchemy import delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.core.clock import utcnow
from bot.curation.models import ClosedReport, CuratedService, CuratorNotice
from bot.curation.ownership import REGIONAL_ROLE
from bot.directory.models import SearchEntry, Service
from bot.handoff.models import StaffUser
from bot.hsds_profile import TIME_ZONE, TRANSLATIONS
from bot.notify import curator_wording as wording
from bot.notify.mail import Mail, SmtpMailer
from bot.notify.staff_notices import Recipient

log = logging.getLogger(__name__)

Kind = Literal["closed", "expired"]
CURATOR_ROLE = "curator"
DIGEST_SIZE = 20  # services named in one "expired" e-mail; the others are counted
NO_DATE = "none"  # the key of a service that never had an assured_date
_CHUNK = 500  # ids per IN (...) list
_T = TypeVar("_T")


@dataclass(frozen=True)
class Named:
    """A service as the e-mails name it (public directory data)."""

    service_id: str
    name: str  # the directory's own (French)
    name_nl: str  # its Dutch translation, else the same

    def in_language(self, language: str | None) -> str:
        return self.name_nl if language == "nl" else self.name


@dataclass(frozen=True)
class ClosedNotice:
    report_id: int
    service: Named
    source: str  # caseworker, tenant
    recipients: tuple[Recipient, ...]


@dataclass(frozen=True)
class ExpiredNotice:
    service: Named
    key: str  # its assured_date (ISO), or NO_DATE
    recipients: tuple[Recipient, ...]


@dataclass
class CuratorPassReport:
    """Report and service ids only: what a pass did, for the logs."""

    closed: list[int] = field(default_factory=list)  # reports e-mailed
    expired: list[str] = field(default_factory=list)  # services told of in a digest
    failed: list[str] = field(default_factory=list)  # services whose e-mail waits (not sent)
    nobody: list[str] = field(default_factory=list)  # services with no curator to tell


# --------------------------------------------------------------------------- who and what


class Curators:
    """The active curators, read once per pass."""

    def __init__(self, session: Session) -> None:
        rows = session.scalars(
            select(StaffUser)
            .where(StaffUser.active.is_(True), StaffUser.role.in_((CURATOR_ROLE, REGIONAL_ROLE)))
            .order_by(StaffUser.id)
        )
        self.by_company: dict[str, list[Recipient]] = {}
        regional: list[Recipient] = []
        self.quiet: set[int] = set()  # who turned the e-mails off: still their services'
        for row in rows:
            person = Recipient(row.id, row.email, row.language, row.role)
            if not row.email_notices:
                self.quiet.add(row.id)
            if row.role == REGIONAL_ROLE:
                regional.append(person)
            else:
                self.by_company.setdefault(row.company_id, []).append(person)
        self.regional = tuple(regional)

    def of(self, company_id: str | None) -> tuple[Recipient, ...]:
        """Those of the company; the regional curators for the region's services, or when
        the company has no active curator."""
        own = self.by_company.get(company_id or "")
        group = own or self.regional
        return tuple(person for person in group if person.staff_id not in self.quiet)


def _chunks(values: Sequence[_T]) -> Iterator[Sequence[_T]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _in_chunks(ids: Sequence[str], query: Callable[[Sequence[str]], Iterable[Any]]) -> list[Any]:
    return [row for chunk in _chunks(ids) for row in query(chunk)]


def _owners(session: Session, ids: Sequence[str]) -> dict[str, str | None]:
    rows = _in_chunks(
        ids,
        lambda chunk: session.execute(
            select(CuratedService.service_id, CuratedService.company_id).where(
                CuratedService.service_id.in_(chunk)
            )
        ).tuples(),
    )
    return dict(rows)


def _one_line(text: str) -> str:
    return " ".join(text.split())  # a name goes into a subject line: no line breaks


def _names(session: Session, ids: Sequence[str]) -> dict[str, Named]:
    rows = _in_chunks(
        ids,
        lambda chunk: session.execute(
            select(Service.id, Service.document).where(Service.id.in_(chunk))
        ).tuples(),
    )
    found: dict[str, Named] = {}
    for service_id, document in rows:
        name = document.get("name")
        name = _one_line(name) if isinstance(name, str) and name.strip() else service_id
        dutch = (document.get(TRANSLATIONS) or {}).get("nl") or {}
        name_nl = dutch.get("name") if isinstance(dutch, dict) else None
        nl = _one_line(name_nl) if isinstance(name_nl, str) and name_nl.strip() else name
        found[service_id] = Named(service_id, name, nl)
    return found


def _named(names: dict[str, Named], service_id: str) -> Named:
    return names.get(service_id) or Named(service_id, service_id, service_id)


def oldest_assured(now: datetime, window_months: int) -> date:
    """The oldest assured_date search still accepts (bot/directory/search.py)."""
    return (now.astimezone(TIME_ZONE) - relativedelta(months=window_months)).date()


def _key(assured: date | None) -> str:
    return assured.isoformat() if assured is not None else NO_DATE


def _expired_services(session: Session, oldest: date) -> dict[str, str]:
    """Active services search no longer finds, with their key."""
    rows = session.execute(
        select(SearchEntry.service_id, SearchEntry.assured_date)
        .where(
            SearchEntry.status == "active",
            or_(SearchEntry.assured_date.is_(None), SearchEntry.assured_date < oldest),
        )
        .distinct()
    ).tuples()
    return {service_id: _key(assured) for service_id, assured in rows}


def _told(session: Session, kind: Kind, ids: Sequence[str]) -> set[tuple[str, str]]:
    rows = _in_chunks(
        ids,
        lambda chunk: session.execute(
            select(CuratorNotice.service_id, CuratorNotice.key).where(
                CuratorNotice.kind == kind, CuratorNotice.service_id.in_(chunk)
            )
        ).tuples(),
    )
    return {(service_id, key) for service_id, key in rows}


def due_notices(
    session: Session, now: datetime, window_months: int
) -> tuple[list[ClosedNotice], list[ExpiredNotice]]:
    """The notices due at `now` (nothing is marked or sent here)."""
    reports = list(
        session.scalars(
            select(ClosedReport)
            .where(ClosedReport.resolved_at.is_(None))
            .order_by(ClosedReport.created_at, ClosedReport.id)
        )
    )
    reported = sorted({report.service_id for report in reports})
    told = _told(session, "closed", reported)
    reports = [r for r in reports if (r.service_id, str(r.id)) not in told]
    expired = _expired_services(session, oldest_assured(now, window_months))
    told = _told(session, "expired", sorted(expired))
    expired = {sid: key for sid, key in expired.items() if (sid, key) not in told}
    ids = sorted({report.service_id for report in reports} | set(expired))
    owners, names, curators = _owners(session, ids), _names(session, ids), Curators(session)
    closed = [
        ClosedNotice(
            report.id,
            _named(names, report.service_id),
            report.source,
            curators.of(owners.get(report.service_id)),
        )
        for report in reports
    ]
    expiries = [
        ExpiredNotice(_named(names, service_id), key, curators.of(owners.get(service_id)))
        for service_id, key in expired.items()
    ]
    expiries.sort(key=lambda notice: (notice.service.name.casefold(), notice.service.service_id))
    return closed, expiries


# --------------------------------------------------------------------------- the e-mails


def closed_mails(notice: ClosedNotice, public_url: str) -> list[Mail]:
    link = wording.service_link(public_url, notice.service.service_id)
    mails = []
    for person in notice.recipients:
        subject, body = wording.closed(
            person.language, notice.service.in_language(person.language), notice.source, link
        )
        mails.append(Mail(person.staff_id, person.email, subject, body))
    return mails


def expired_mails(
    notices: Sequence[ExpiredNotice], public_url: str, window_months: int
) -> list[Mail]:
    """One digest per curator: the services of `notices` that are theirs, up to
    DIGEST_SIZE named (in the order given) and the others counted."""
    people: dict[int, Recipient] = {}
    theirs: dict[int, list[Named]] = {}
    for notice in notices:
        for person in notice.recipients:
            people.setdefault(person.staff_id, person)
            theirs.setdefault(person.staff_id, []).append(notice.service)
    mails = []
    for staff_id, services in theirs.items():
        person = people[staff_id]
        if len(services) == 1:
            link = wording.service_link(public_url, services[0].service_id)
        else:
            link = wording.directory_link(public_url)
        named = [service.in_language(person.language) for service in services[:DIGEST_SIZE]]
        others = len(services) - len(named)
        subject, body = wording.expired(person.language, named, others, window_months, link)
        mails.append(Mail(staff_id, person.email, subject, body))
    return mails


# --------------------------------------------------------------------------- once


def _still_due(session: Session, kind: Kind, service_id: str, key: str) -> bool:
    """Between the query and the mark, the report may have been dealt with, or the
    service confirmed: then it is no longer due (a later pass sees what is)."""
    if kind == "closed":
        return (
            session.scalar(
                select(ClosedReport.id).where(
                    ClosedReport.id == int(key), ClosedReport.resolved_at.is_(None)
                )
            )
            is not None
        )
    assured = SearchEntry.assured_date
    same = assured.is_(None) if key == NO_DATE else assured == date.fromisoformat(key)
    found = session.scalar(
        select(SearchEntry.id)
        .where(SearchEntry.service_id == service_id, SearchEntry.status == "active", same)
        .limit(1)
    )
    return found is not None


def _mark(
    sessions: sessionmaker[Session], kind: Kind, service_id: str, key: str, now: datetime
) -> bool:
    """The INSERT, in its own committed transaction: True for the one process that made it."""
    with sessions() as session:
        if not _still_due(session, kind, service_id, key):
            return False
        session.add(CuratorNotice(kind=kind, service_id=service_id, key=key, notified_at=now))
        try:
            session.commit()
        except IntegrityError:  # another process has it
            session.rollback()
            return False
    return True


def _give_back(
    sessions: sessionmaker[Session], kind: Kind, marks: Iterable[tuple[str, str]]
) -> None:
    """Sending failed: the marks are deleted, so a later pass sends the notices."""
    with sessions() as session:
        for service_id, key in marks:
            session.execute(
                delete(CuratorNotice).where(
                    CuratorNotice.kind == kind,
                    CuratorNotice.service_id == service_id,
                    CuratorNotice.key == key,
                )
            )
        session.commit()


def _send(mailer: SmtpMailer, mails: list[Mail], what: str) -> bool:
    try:
        mailer.send_all(mails)
    except (OSError, smtplib.SMTPException) as error:
        # the class only: an SMTP error's text may hold addresses
        log.warning("curator e-mail (%s) not sent: %s", what, type(error).__name__)
        return False
    return True


def notify_curators(
    sessions: sessionmaker[Session],
    mailer: SmtpMailer,
    public_url: str,
    window_months: int,
    now: datetime | None = None,
) -> CuratorPassReport:
    """One pass: marks and sends what is due. Synchronous (database and SMTP): run it in
    a thread. Each notice is marked in its own short transaction."""
    # in UTC: SQLite keeps a datetime's wall time and drops its zone (bot/core/clock.py)
    now = (now or utcnow()).astimezone(timezone.utc)
    report = CuratorPassReport()
    with sessions() as session:
        closed, expired = due_notices(session, now, window_months)
    for notice in closed:
        service_id, key = notice.service.service_id, str(notice.report_id)
        if not _mark(sessions, "closed", service_id, key, now):
            continue  # another process has it, or it was dealt with since the query
        if not notice.recipients:
            report.nobody.append(service_id)
            continue
        if not _send(mailer, closed_mails(notice, public_url), f"report {notice.report_id}"):
            _give_back(sessions, "closed", [(service_id, key)])
            report.failed.append(service_id)
            # the server is down or refusing: the other notices wait for the next pass
            # too (unmarked), rather than each waiting for its own timeout now
            return report
        report.closed.append(notice.report_id)
    won = [
        notice
        for notice in expired
        if _mark(sessions, "expired", notice.service.service_id, notice.key, now)
    ]
    report.nobody += [notice.service.service_id for notice in won if not notice.recipients]
    told = [notice for notice in won if notice.recipients]
    if not told:
        return report
    if _send(mailer, expired_mails(told, public_url, window_months), "expired services"):
        report.expired += [notice.service.service_id for notice in told]
    else:
        _give_back(sessions, "expired", [(n.service.service_id, n.key) for n in told])
        report.failed += [notice.service.service_id for notice in told]
    return report
