"""Which staff e-mails are due, and sending them once (issue 18).

Two notices per request at most:
- "new": a request nobody was told of yet (`notified_at` empty) reaches every active
  caseworker and supervisor of its housing company, when the company is open; outside
  office hours it waits for the next opening (a later pass sends it). A request taken or
  closed before anyone was told is marked without an e-mail.
- "escalation": an urgent request still waiting `escalation_minutes` after the staff were
  told reaches the company's active supervisors (its admins when it has none), with an
  audit event and a line in the transcript. The rule, kept simple and honest: the clock
  starts when the staff were told (`notified_at`: e-mails go out in office hours only),
  and an escalation goes out only while the company is open. A request that came in at
  night is told at the opening and escalates minutes later, not at once: the supervisors
  hear of it only when the caseworkers had their chance.

Once, with several gateway processes: a conditional UPDATE (`... IS NULL`) decides which
process sends, as in bot/handoff/overdue.py. It is committed before the mail server is
called, so no transaction (no lock) is held while waiting on the network; when sending
fails, the mark is given back and a later pass sends the notice again. So a failing mail
server delays a notice, never loses it; only a process that dies between its mark and
its send loses one (the request still shows in the console's queue)."""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Literal

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.core.clock import as_utc, utcnow
from bot.core.db import rowcount
from bot.handoff import store
from bot.handoff.hours import is_open
from bot.handoff.models import Handoff, HousingCompany, StaffUser
from bot.notify import wording
from bot.notify.mail import Mail, SmtpMailer

log = logging.getLogger(__name__)

Kind = Literal["new", "escalation", "settled"]
NEW_TO = ("caseworker", "supervisor")  # not admins, auditors or coordinators


@dataclass(frozen=True)
class Recipient:
    staff_id: int
    email: str
    language: str
    role: str


@dataclass(frozen=True)
class Notice:
    handoff_id: int
    kind: Kind  # "settled": taken or closed before anyone was told, marked without e-mail
    urgent: bool
    company: str
    recipients: tuple[Recipient, ...] = ()


@dataclass
class PassReport:
    """Handoff ids only: what a pass did, for the logs."""

    notified: list[int] = field(default_factory=list)
    escalated: list[int] = field(default_factory=list)
    settled: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    nobody: list[int] = field(default_factory=list)  # no one to tell in that company


def _staff(session: Session, company_id: str, roles: tuple[str, ...]) -> tuple[Recipient, ...]:
    rows = session.scalars(
        select(StaffUser)
        .where(
            StaffUser.company_id == company_id,
            StaffUser.active.is_(True),
            StaffUser.email_notices.is_(True),
            StaffUser.role.in_(roles),
        )
        .order_by(StaffUser.id)
    )
    return tuple(Recipient(row.id, row.email, row.language, row.role) for row in rows)


def _open(company: HousingCompany, now: datetime) -> bool:
    return is_open(company.office_hours or {}, company.holidays or [], now)


def due_notices(session: Session, now: datetime, escalation_minutes: int = 10) -> list[Notice]:
    """The notices due at `now` (nothing is marked or sent here)."""
    notices: list[Notice] = []
    untold = session.execute(
        select(Handoff, HousingCompany)
        .join(HousingCompany, HousingCompany.id == Handoff.company_id)
        .where(Handoff.notified_at.is_(None))
        .order_by(Handoff.id)
    ).all()
    for handoff, company in untold:
        if handoff.status != "waiting":
            notices.append(Notice(handoff.id, "settled", handoff.urgent, company.name))
        elif _open(company, now):
            staff = _staff(session, company.id, NEW_TO)
            notices.append(Notice(handoff.id, "new", handoff.urgent, company.name, staff))
    limit = timedelta(minutes=escalation_minutes)
    unanswered = session.execute(
        select(Handoff, HousingCompany)
        .join(HousingCompany, HousingCompany.id == Handoff.company_id)
        .where(
            Handoff.urgent.is_(True),
            Handoff.status == "waiting",
            Handoff.notified_at.is_not(None),
            Handoff.escalated_at.is_(None),
        )
        .order_by(Handoff.id)
    ).all()
    for handoff, company in unanswered:
        told = handoff.notified_at
        if told is None or as_utc(told) + limit > now or not _open(company, now):
            continue
        staff = _staff(session, company.id, ("supervisor",)) or _staff(
            session, company.id, ("admin",)
        )
        notices.append(Notice(handoff.id, "escalation", True, company.name, staff))
    return notices


def mails_of(notice: Notice, public_url: str, escalation_minutes: int) -> list[Mail]:
    link = wording.console_link(public_url, notice.handoff_id)
    mails = []
    for person in notice.recipients:
        if notice.kind == "escalation":
            subject, body = wording.escalation(
                person.language, notice.handoff_id, escalation_minutes, notice.company, link
            )
        else:
            subject, body = wording.new_request(
                person.language, notice.handoff_id, notice.urgent, notice.company, link
            )
        mails.append(Mail(person.staff_id, person.email, subject, body))
    return mails


def _mark(session: Session, notice: Notice, now: datetime) -> bool:
    """The conditional UPDATE: True for the one process that marked it."""
    statement = update(Handoff).where(Handoff.id == notice.handoff_id)
    if notice.kind == "escalation":
        statement = statement.where(
            Handoff.escalated_at.is_(None), Handoff.status == "waiting"
        ).values(escalated_at=now)
    else:
        # "new" still waiting, "settled" no longer: a status that changed since the
        # query leaves it for the next pass
        waiting = Handoff.status == "waiting"
        statement = statement.where(
            Handoff.notified_at.is_(None), waiting if notice.kind == "new" else ~waiting
        ).values(notified_at=now)
    return bool(rowcount(session.execute(statement.execution_options(synchronize_session=False))))


def _give_back(session: Session, notice: Notice) -> None:
    """Sending failed: the mark is undone, so a later pass sends the notice."""
    column = "escalated_at" if notice.kind == "escalation" else "notified_at"
    session.execute(
        update(Handoff)
        .where(Handoff.id == notice.handoff_id)
        .values({column: None})
        .execution_options(synchronize_session=False)
    )


def _record_escalation(session: Session, notice: Notice) -> None:
    store.audit(session, None, "escalated", notice.handoff_id)
    store.add_entry(
        session, notice.handoff_id, "system", wording.escalation_entry(notice.recipients[0].role)
    )


def notify_due(
    sessions: sessionmaker[Session],
    mailer: SmtpMailer,
    public_url: str,
    escalation_minutes: int,
    now: datetime | None = None,
) -> PassReport:
    """One pass: marks and sends what is due. Synchronous (database and SMTP): run it in
    a thread. Each notice is marked in its own short transaction."""
    # in UTC: SQLite keeps a datetime's wall time and drops its zone (bot/core/clock.py)
    now = (now or utcnow()).astimezone(timezone.utc)
    report = PassReport()
    with sessions() as session:
        notices = due_notices(session, now, escalation_minutes)
    for notice in notices:
        with sessions() as session:
            won = _mark(session, notice, now)
            session.commit()
        if not won:  # another process has it, or it changed since the query
            continue
        if notice.kind == "settled":
            report.settled.append(notice.handoff_id)
            continue
        if not notice.recipients:
            report.nobody.append(notice.handoff_id)
            continue
        try:
            mailer.send_all(mails_of(notice, public_url, escalation_minutes))
        except (OSError, smtplib.SMTPException) as error:
            with sessions() as session:
                _give_back(session, notice)
                session.commit()
            # the class only: an SMTP error's text may hold addresses
            log.warning(
                "staff e-mail for handoff %s not sent: %s", notice.handoff_id, type(error).__name__
            )
            report.failed.append(notice.handoff_id)
            # the server is down or refusing: the other notices wait for the next pass
            # too (unmarked), rather than each waiting for its own timeout now
            break
        if notice.kind == "escalation":
            with sessions() as session:
                _record_escalation(session, notice)
                session.commit()
            report.escalated.append(notice.handoff_id)
        else:
            report.notified.append(notice.handoff_id)
    return report
