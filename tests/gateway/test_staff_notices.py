"""Staff e-mails (issue 18, bot/notify): a new request reaches the active caseworkers and
supervisors of its housing company once, in office hours, in each one's language, with
nothing of the tenant in it; an urgent one nobody took escalates to the supervisors once;
a mail server that is down delays the e-mails, never loses them. Against the real gateway
(SQLite, loopback Twilio) and a real SMTP server on the loopback (aiosmtpd)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import yaml
from alembic import command
from sqlalchemy import select, text

from bot.contacts.models import Contact
from bot.core.db import make_engine, make_session_factory
from bot.core.settings import Settings
from bot.gateway.migrate import alembic_config
from bot.handoff import store
from bot.handoff.models import AuditEvent, Handoff, HandoffEntry, StaffUser
from bot.hsds_profile import TIME_ZONE
from bot.notify.mail import SmtpMailer, mailer_from
from bot.notify.staff_notices import PassReport, notify_due
from tests.gateway.channel_fixtures import (
    COMPANIES,
    PUBLIC_URL,
    TENANT,
    Channels,
    enrolled_staff,
    running_channels,
)
from tests.gateway.smtp_fixtures import Received, SmtpServer
from tests.gateway.test_handoff import internal

TENANT_WORDS = "Mon plafond s'effondre chez Mme Verhoeven"
COMMUNE = "Ganshoren"
# Always a weekday morning in Brussels (the test companies' hours do not depend on the date)
MONDAY_10 = datetime(2026, 12, 7, 10, 0, tzinfo=TIME_ZONE)

T = TypeVar("T")

STAFF = [  # email, company, role, language, active
    ("ana@a.example", "company-a", "caseworker", "fr", True),
    ("bert@a.example", "company-a", "supervisor", "nl", True),
    ("dora@a.example", "company-a", "caseworker", "fr", False),  # no longer works there
    ("eve@a.example", "company-a", "admin", "fr", True),
    ("finn@a.example", "company-a", "auditor", "nl", True),
    ("gil@a.example", "company-a", "coordinator", "fr", True),
    ("carla@b.example", "company-b", "caseworker", "fr", True),
    ("bo@b.example", "company-b", "supervisor", "nl", True),
]


@contextmanager
def desk_with_mail(
    tmp_path: Path,
    staff: list[tuple[str, str, str, str, bool]] = STAFF,
    *,
    companies: Path = COMPANIES / "always_open.yml",
    smtp: SmtpServer | None = None,
    watch: bool = False,
    **overrides: Any,
) -> Iterator[tuple[Channels, SmtpServer]]:
    """The gateway with these staff accounts and a running SMTP server (or `smtp`, as the
    caller started it or not). `watch`: the gateway's own watch sends (every 0.2 s);
    otherwise the tests run the passes themselves, at the moments they choose."""
    server = smtp or SmtpServer().start()
    try:
        with running_channels(
            tmp_path,
            housing_companies_file=str(companies),
            smtp_host="127.0.0.1",
            smtp_port=server.port,
            staff_notice_poll_seconds=0.2 if watch else 3600,
            **overrides,
        ) as desk:
            with desk.sessions() as session:
                for address, company, role, language, active in staff:
                    session.add(
                        enrolled_staff(
                            email=address,
                            name=address.split("@")[0].capitalize(),
                            company_id=company,
                            role=role,
                            language=language,
                            active=active,
                        )
                    )
                session.commit()
            yield desk, server
    finally:
        server.stop()


def open_request(desk: Channels, urgent: bool = False) -> int:
    """The tenant writes (with their name in it), then the assistant hands them over."""
    desk.sms(TENANT_WORDS)
    with desk.sessions() as session:
        sender = session.scalar(select(Contact.pseudonym).where(Contact.address == TENANT))
    answer = internal(
        desk,
        {
            "sender_id": sender,
            "reason": "emergency_leak" if urgent else "asked",
            "urgent": urgent,
            "language": "fr",
            "channel": "sms",
            "summary": {"commune": COMMUNE, "details": TENANT_WORDS},
        },
    )
    assert answer.status_code in (200, 201), answer.text
    return int(answer.json()["id"])


def run_pass(desk: Channels, now: datetime | None = None) -> PassReport:
    """One pass of the watch, as another gateway process would run it."""
    mailer = mailer_from(desk.settings)
    assert mailer is not None
    return notify_due(
        desk.sessions, mailer, desk.settings.public_url, desk.settings.staff_escalation_minutes, now
    )


def handoff(desk: Channels, handoff_id: int) -> Handoff:
    with desk.sessions() as session:
        return session.get_one(Handoff, handoff_id)


def assert_nothing_of_the_tenant(mail: Received, desk: Channels) -> None:
    with desk.sessions() as session:
        pseudonym = session.scalar(select(Contact.pseudonym).where(Contact.address == TENANT))
    raw = mail.raw.decode("utf-8", errors="replace")
    for secret in (TENANT, TENANT.lstrip("+"), TENANT[3:], "Verhoeven", "plafond", COMMUNE):
        assert secret not in raw and secret not in mail.text and secret not in mail.subject
    assert pseudonym and pseudonym not in raw
    assert "emergency_leak" not in raw and "asked" not in raw  # no reason code either


def test_a_new_request_reaches_each_active_caseworker_and_supervisor_once(tmp_path):
    with desk_with_mail(tmp_path, watch=True) as (desk, smtp):
        number = open_request(desk)
        mails = smtp.inbox.wait_for(2)
        for _ in range(3):  # more passes, as other gateway processes run them
            assert run_pass(desk) == PassReport()
        assert sorted(address for mail in mails for address in mail.recipients) == [
            "ana@a.example",
            "bert@a.example",
        ]  # not another company's staff, the inactive, the admin, auditor or coordinator
        assert len(smtp.inbox.messages) == 2  # once each
        link = f"{PUBLIC_URL}/console/handoffs/{number}"
        (ana,) = smtp.inbox.to("ana@a.example")
        assert ana.subject == f"Nouvelle demande #{number}"
        assert ana.text == (
            "Une nouvelle demande attend dans la file de Test company A.\n"
            f"Numéro de la demande : {number}.\n"
            f"Ouvrez-la dans la console : {link}\n"
            "\n"
            "Ce message ne contient aucune donnée du locataire.\n"
        )
        (bert,) = smtp.inbox.to("bert@a.example")
        assert bert.subject == f"Nieuwe vraag #{number}"
        assert f"Nummer van de vraag: {number}." in bert.text and link in bert.text
        assert "Test company A" in bert.text
        for mail in (ana, bert):
            assert mail.message["To"] in mail.recipients
            assert_nothing_of_the_tenant(mail, desk)
        assert handoff(desk, number).notified_at is not None


def passes_at_once(desk: Channels, one_pass: Callable[[Any, SmtpMailer], T]) -> list[T]:
    """Two passes started at the same moment, each with its own engine, as two gateway
    processes run them; what each returned."""
    mailer = mailer_from(desk.settings)
    assert mailer is not None
    start = threading.Barrier(2)
    results: list[T] = []

    def process() -> None:
        engine = make_engine(desk.settings.database_url)
        start.wait()
        results.append(one_pass(make_session_factory(engine), mailer))
        engine.dispose()

    workers = [threading.Thread(target=process) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(20)
    assert len(results) == 2
    return results


def test_two_gateway_processes_at_once_send_one_email_per_person(tmp_path):
    with desk_with_mail(tmp_path) as (desk, smtp):
        number = open_request(desk)
        reports = passes_at_once(
            desk, lambda sessions, mailer: notify_due(sessions, mailer, PUBLIC_URL, 10, MONDAY_10)
        )
        assert sorted(report.notified for report in reports) == [[], [number]]
        assert len(smtp.inbox.wait_for(2)) == 2
        assert run_pass(desk, MONDAY_10) == PassReport()
        assert len(smtp.inbox.messages) == 2


def test_outside_office_hours_the_email_waits_for_the_opening(tmp_path):
    companies = tmp_path / "companies.yml"
    mornings = {day: [["09:00", "12:00"]] for day in ("MO", "TU", "WE", "TH", "FR")}
    companies.write_text(
        yaml.safe_dump(
            [
                {
                    "id": "company-a",
                    "name": "Logis du Nord",
                    "sites": ["site-a"],
                    "office_hours": mornings,
                    "holidays": ["2026-12-14"],
                },
                {
                    "id": "company-b",
                    "name": "Test company B",
                    "sites": ["site-b"],
                    "office_hours": mornings,
                    "holidays": [],
                },
            ]
        )
    )
    with desk_with_mail(tmp_path, companies=companies) as (desk, smtp):
        number = open_request(desk)
        saturday = datetime(2026, 12, 12, 10, 0, tzinfo=TIME_ZONE)
        monday_holiday = datetime(2026, 12, 14, 10, 0, tzinfo=TIME_ZONE)
        tuesday_early = datetime(2026, 12, 15, 8, 59, tzinfo=TIME_ZONE)
        for closed in (saturday, monday_holiday, tuesday_early):
            assert run_pass(desk, closed) == PassReport()
        assert smtp.inbox.messages == [] and handoff(desk, number).notified_at is None
        opening = datetime(2026, 12, 15, 9, 0, tzinfo=TIME_ZONE)
        assert run_pass(desk, opening).notified == [number]
        assert len(smtp.inbox.wait_for(2)) == 2
        assert "Logis du Nord" in smtp.inbox.to("ana@a.example")[0].text
        assert run_pass(desk, opening + timedelta(minutes=1)) == PassReport()
        assert len(smtp.inbox.messages) == 2


def test_an_urgent_request_nobody_took_escalates_to_the_supervisors_once(tmp_path):
    staff = [*STAFF, ("sam@a.example", "company-a", "supervisor", "fr", True)]
    with desk_with_mail(tmp_path, staff) as (desk, smtp):
        number = open_request(desk, urgent=True)
        assert run_pass(desk, MONDAY_10).notified == [number]
        told = smtp.inbox.wait_for(3)  # ana, bert, sam
        assert {mail.subject for mail in told} == {
            f"[Urgent] Nouvelle demande #{number}",
            f"[Dringend] Nieuwe vraag #{number}",
        }
        assert "Une nouvelle demande urgente attend" in smtp.inbox.to("ana@a.example")[0].text
        # not yet: the supervisors hear of it when the caseworkers had 10 minutes
        assert run_pass(desk, MONDAY_10 + timedelta(minutes=9)) == PassReport()
        assert run_pass(desk, MONDAY_10 + timedelta(minutes=10)).escalated == [number]
        escalations = smtp.inbox.wait_for(5)[3:]
        assert sorted(address for mail in escalations for address in mail.recipients) == [
            "bert@a.example",
            "sam@a.example",
        ]
        (sam,) = [mail for mail in escalations if "sam@a.example" in mail.recipients]
        assert sam.subject == f"[Urgent] Demande urgente non prise depuis 10 min #{number}"
        assert sam.text.startswith(
            "Une demande urgente attend depuis plus de 10 minutes dans la file de Test company A."
            "\nPersonne ne l'a encore prise.\n"
        )
        assert f"{PUBLIC_URL}/console/handoffs/{number}" in sam.text
        (bert,) = [mail for mail in escalations if "bert@a.example" in mail.recipients]
        assert bert.subject == f"[Dringend] Dringende vraag al 10 min niet opgenomen #{number}"
        for mail in smtp.inbox.messages:
            assert_nothing_of_the_tenant(mail, desk)
        assert run_pass(desk, MONDAY_10 + timedelta(minutes=30)) == PassReport()
        assert len(smtp.inbox.messages) == 5  # escalated once
        with desk.sessions() as session:
            audited = session.scalars(
                select(AuditEvent.action).where(AuditEvent.handoff_id == number)
            ).all()
            assert audited == ["escalated"]
            lines = session.execute(
                select(HandoffEntry.author, HandoffEntry.text).where(
                    HandoffEntry.handoff_id == number, HandoffEntry.author == "system"
                )
            ).all()
            assert [tuple(line) for line in lines] == [
                (
                    "system",
                    "Signalée aux superviseurs par e-mail. / Per e-mail gemeld aan de supervisors.",
                )
            ]
            assert session.get_one(Handoff, number).escalated_at is not None


def test_without_supervisors_an_escalation_goes_to_the_admins(tmp_path):
    staff = [
        ("ana@a.example", "company-a", "caseworker", "fr", True),
        ("eve@a.example", "company-a", "admin", "nl", True),
    ]
    with desk_with_mail(tmp_path, staff) as (desk, smtp):
        number = open_request(desk, urgent=True)
        run_pass(desk, MONDAY_10)
        assert run_pass(desk, MONDAY_10 + timedelta(minutes=15)).escalated == [number]
        escalation = smtp.inbox.wait_for(2)[1]
        assert escalation.recipients == ["eve@a.example"]
        assert escalation.subject.startswith("[Dringend] Dringende vraag")


def staff_id(desk: Channels, address: str) -> int:
    with desk.sessions() as session:
        found = session.scalar(select(StaffUser.id).where(StaffUser.email == address))
    assert found is not None
    return found


def test_an_urgent_request_taken_in_time_does_not_escalate(tmp_path):
    with desk_with_mail(tmp_path) as (desk, smtp):
        number = open_request(desk, urgent=True)
        run_pass(desk, MONDAY_10)
        smtp.inbox.wait_for(2)
        with desk.sessions() as session:
            assert store.claim(session, number, staff_id(desk, "ana@a.example"))
            session.commit()
        assert run_pass(desk, MONDAY_10 + timedelta(minutes=30)) == PassReport()
        assert len(smtp.inbox.messages) == 2
        assert handoff(desk, number).escalated_at is None
        with desk.sessions() as session:
            escalated = select(AuditEvent).where(AuditEvent.action == "escalated")
            assert session.scalars(escalated).all() == []


def test_a_request_taken_before_anyone_was_told_is_not_mailed(tmp_path):
    with desk_with_mail(tmp_path) as (desk, smtp):
        number = open_request(desk)
        with desk.sessions() as session:
            assert store.claim(session, number, staff_id(desk, "ana@a.example"))
            session.commit()
        assert run_pass(desk, MONDAY_10).settled == [number]
        assert run_pass(desk, MONDAY_10 + timedelta(minutes=1)) == PassReport()
        assert smtp.inbox.messages == []
        assert handoff(desk, number).notified_at is not None


def test_a_mail_server_that_is_down_delays_the_emails_without_losing_them(tmp_path):
    smtp = SmtpServer()  # not started yet: connections are refused
    with desk_with_mail(tmp_path, smtp=smtp) as (desk, _):
        number = open_request(desk)
        failed = run_pass(desk, MONDAY_10)
        assert failed.failed == [number] and failed.notified == []
        assert handoff(desk, number).notified_at is None  # nothing marked
        smtp.start()
        assert run_pass(desk, MONDAY_10 + timedelta(minutes=1)).notified == [number]
        assert len(smtp.inbox.wait_for(2)) == 2
        assert handoff(desk, number).notified_at is not None


def test_without_an_smtp_host_emails_are_off(tmp_path):
    assert mailer_from(Settings(_env_file=None)) is None  # the default
    configured = Settings(_env_file=None, smtp_host="mail.example.org", smtp_port=587)
    assert isinstance(mailer_from(configured), SmtpMailer)
    with running_channels(tmp_path, housing_companies_file=str(COMPANIES / "always_open.yml")):
        pass  # the gateway starts and stops without a mail server


def test_an_upgrade_does_not_mail_about_the_requests_already_there(tmp_path):
    url = f"sqlite:///{tmp_path / 'gateway.db'}"
    command.upgrade(alembic_config(url), "0016")
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO housing_company (id, name, office_hours, holidays, sites)"
                " VALUES ('company-a', 'Test company A', '{}', '[]', '[]')"
            )
        )
        for number, urgent in ((1, True), (2, False)):
            connection.execute(
                text(
                    "INSERT INTO contact (id, channel, address, pseudonym, created_at,"
                    " last_seen_at) VALUES (:id, 'sms', :address, :pseudonym, :at, :at)"
                ),
                {
                    "id": number,
                    "address": f"+3247000000{number}",
                    "pseudonym": f"sms-{number}",
                    "at": MONDAY_10,
                },
            )
            connection.execute(
                text(
                    "INSERT INTO handoff (contact_id, company_id, sender_id, reason, urgent,"
                    " status, language, channel, summary, opened_at, handed_back,"
                    " joined_notice_sent) VALUES (:id, 'company-a', :pseudonym, 'asked',"
                    " :urgent, 'waiting', 'fr', 'sms', '{}', :at, 0, 0)"
                ),
                {"id": number, "pseudonym": f"sms-{number}", "urgent": urgent, "at": MONDAY_10},
            )
    command.upgrade(alembic_config(url), "head")
    with make_session_factory(engine)() as session:
        was_urgent, was_plain = session.scalars(select(Handoff).order_by(Handoff.id)).all()
        assert was_urgent.notified_at is not None and was_urgent.escalated_at is not None
        assert was_plain.notified_at is not None and was_plain.escalated_at is None
    engine.dispose()
