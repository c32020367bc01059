"""Curators' e-mails (issue 23, bot/notify/curator_notices.py): a "this place was closed"
report reaches the active curators of the service's housing company once (the regional
curators for the region's services, or when the company has none), in each one's language,
with the service's console link and nothing of the tenant; a service that fell out of the
directory's window reaches them once per assured_date, as one digest per curator and pass;
a mail server that is down delays the e-mails, never loses them. Against the real gateway
(SQLite) and a real SMTP server on the loopback (aiosmtpd)."""

from __future__ import annotations

import re
from contextlib import AbstractContextManager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bot.core.clock import utcnow
from bot.curation import editing, reports
from bot.curation.models import CuratedService, CuratorNotice
from bot.directory.importer import import_records
from bot.directory.synthetic import service as synthetic_service
from bot.handoff.models import StaffUser
from bot.hsds_profile import TIME_ZONE
from bot.notify.curator_notices import CuratorPassReport, notify_curators
from bot.notify.mail import mailer_from
from tests.gateway.channel_fixtures import (
    PUBLIC_URL,
    Channels,
)
from tests.gateway.smtp_fixtures import SmtpServer
from tests.gateway.test_staff_notices import (
    assert_nothing_of_the_tenant,
    desk_with_mail,
    open_request,
    passes_at_once,
)

MONDAY_10 = datetime(2026, 12, 7, 10, 0, tzinfo=TIME_ZONE)
FRESH = "2026-10-01"  # within 12 months of MONDAY_10
OLD = "2025-10-01"  # 14 months before MONDAY_10: search no longer finds it

STAFF = [  # email, company, role, language, active
    ("cleo@a.example", "company-a", "curator", "fr", True),
    ("kees@a.example", "company-a", "curator", "nl", True),
    ("dora@a.example", "company-a", "curator", "fr", False),  # no longer works there
    ("bert@b.example", "company-b", "curator", "fr", True),
    ("rita@a.example", "company-a", "regional_curator", "fr", True),
    ("rik@b.example", "company-b", "regional_curator", "nl", True),
    ("ana@a.example", "company-a", "caseworker", "fr", True),
    ("sam@a.example", "company-a", "supervisor", "fr", True),
    ("adam@a.example", "company-a", "admin", "fr", True),
]
REGIONAL = ["rik@b.example", "rita@a.example"]


def curation_desk(
    tmp_path: Path,
    staff: list[tuple[str, str, str, str, bool]] = STAFF,
    **options: Any,
) -> AbstractContextManager[tuple[Channels, SmtpServer]]:
    """The staff e-mail desk (tests/gateway/test_staff_notices.py) with these accounts."""
    return desk_with_mail(tmp_path, staff, **options)


def add_service(desk: Channels, key: str, company: str | None = "company-a", **fields: Any) -> str:
    """A directory service curated by `company` (None: the region's, as no row says)."""
    record = synthetic_service(key, postcode="1190", **{"assured_date": FRESH, **fields})
    if record["assured_date"] is None:  # never confirmed: HSDS leaves the field out
        del record["assured_date"]
    if company is not None:  # first: a watch running meanwhile must not see it as the region's
        with desk.sessions() as session:
            session.add(CuratedService(service_id=record["id"], company_id=company))
            session.commit()
    report = import_records(desk.sessions, [record])
    assert report.imported == 1, report.rejected
    return str(record["id"])


def report_closed(desk: Channels, service_id: str, **fields: Any) -> int:
    with desk.sessions() as session:
        assert reports.report_closed(
            session, service_id, fields.pop("source", "caseworker"), **fields
        )
        session.commit()
        found = reports.open_report(session, service_id)
        assert found is not None
        return found.id


def run_pass(desk: Channels, now: datetime = MONDAY_10) -> CuratorPassReport:
    """One pass, as any gateway process would run it."""
    mailer = mailer_from(desk.settings)
    assert mailer is not None
    return notify_curators(
        desk.sessions,
        mailer,
        desk.settings.public_url,
        desk.settings.directory_assured_within_months,
        now,
    )


def staff_id(desk: Channels, address: str) -> int:
    with desk.sessions() as session:
        found = session.scalar(select(StaffUser.id).where(StaffUser.email == address))
    assert found is not None
    return found


def marks(desk: Channels) -> int:
    with desk.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(CuratorNotice)) or 0)


def addressees(messages: list[Any]) -> list[str]:
    return sorted(address for mail in messages for address in mail.recipients)


# --------------------------------------------------------------------------- "closed"


def test_a_report_reaches_the_company_s_curators_once_in_their_language(tmp_path):
    with curation_desk(tmp_path) as (desk, smtp):
        service = add_service(desk, "couture")
        handoff = open_request(desk)  # the tenant's words, name and number are in there
        report = report_closed(
            desk, service, handoff_id=handoff, staff_id=staff_id(desk, "ana@a.example")
        )
        assert run_pass(desk) == CuratorPassReport(closed=[report])
        mails = smtp.inbox.wait_for(2)
        for minutes in (1, 2, 3):  # more passes, as other gateway processes run them
            assert run_pass(desk, MONDAY_10 + timedelta(minutes=minutes)) == CuratorPassReport()
        # not another company's curator, the inactive one, the regional curators (the
        # company has its own), caseworkers, supervisors or admins
        assert addressees(mails) == ["cleo@a.example", "kees@a.example"]
        assert len(smtp.inbox.messages) == 2
        link = f"{PUBLIC_URL}/console/directory/services/{service}"
        (cleo,) = smtp.inbox.to("cleo@a.example")
        assert cleo.subject == "Signalé fermé : Activité couture"
        assert cleo.text == (
            "Quelqu'un a signalé que l'activité « Activité couture » était fermée.\n"
            "Le signalement vient d'un membre du personnel.\n"
            "Vérifiez, puis confirmez ou changez l'activité.\n"
            f"Ouvrez-la dans la console : {link}\n"
            "\n"
            "Un signalement ne contient aucune donnée du locataire, ce message non plus.\n"
        )
        (kees,) = smtp.inbox.to("kees@a.example")  # in Dutch, with the Dutch name
        assert kees.subject == "Gemeld als gesloten: Activiteit couture"
        assert kees.text.startswith(
            'Iemand meldde dat de activiteit "Activiteit couture" gesloten was.\n'
            "De melding komt van een medewerker.\n"
        )
        assert link in kees.text
        assert "Een melding bevat geen gegevens van de huurder" in kees.text
        for mail in (cleo, kees):
            assert mail.message["To"] in mail.recipients
            assert_nothing_of_the_tenant(mail, desk)
            assert f"#{handoff}" not in mail.text and "/console/handoffs" not in mail.text
        with desk.sessions() as session:
            (mark,) = session.scalars(select(CuratorNotice)).all()
            assert (mark.kind, mark.service_id, mark.key) == ("closed", service, str(report))


def test_the_region_s_services_and_a_company_without_curator_reach_the_regional_curators(
    tmp_path,
):
    staff = [entry for entry in STAFF if entry[0] != "bert@b.example"]  # B: none active
    with curation_desk(tmp_path, staff) as (desk, smtp):
        of_region = add_service(desk, "regionale", company=None)
        of_b = add_service(desk, "de-b", company="company-b")
        of_a = add_service(desk, "de-a")
        first = report_closed(desk, of_region, source="tenant")
        second = report_closed(desk, of_b)
        assert run_pass(desk).closed == [first, second]
        mails = smtp.inbox.wait_for(4)
        assert addressees(mails) == sorted(REGIONAL * 2)
        rik = smtp.inbox.to("rik@b.example")
        assert {mail.subject for mail in rik} == {
            "Gemeld als gesloten: Activiteit regionale",
            "Gemeld als gesloten: Activiteit de-b",
        }
        (tenant_said,) = [mail for mail in rik if "regionale" in mail.subject]
        assert "De melding komt van een huurder.\n" in tenant_said.text
        assert f"/console/directory/services/{of_region}\n" in tenant_said.text
        # company A's own curators hear of A's services, not the regional ones
        report_closed(desk, of_a)
        run_pass(desk)
        assert addressees(smtp.inbox.wait_for(6)[4:]) == ["cleo@a.example", "kees@a.example"]
        assert run_pass(desk) == CuratorPassReport()
        assert len(smtp.inbox.messages) == 6


def test_a_report_dealt_with_before_anyone_was_told_is_not_mailed(tmp_path):
    with curation_desk(tmp_path) as (desk, smtp):
        service = add_service(desk, "couture")
        report_closed(desk, service)
        with desk.sessions() as session:
            editing.confirm(
                session, service, date(2026, 12, 7), staff_id(desk, "cleo@a.example"), "Cleo"
            )
            session.commit()
        assert run_pass(desk) == CuratorPassReport()
        assert smtp.inbox.messages == [] and marks(desk) == 0


def test_two_gateway_processes_at_once_send_one_email_per_curator(tmp_path):
    with curation_desk(tmp_path) as (desk, smtp):
        service = add_service(desk, "couture")
        expired = add_service(desk, "oubliee", assured_date=OLD)
        report = report_closed(desk, service)
        passes = passes_at_once(
            desk,
            lambda sessions, mailer: notify_curators(sessions, mailer, PUBLIC_URL, 12, MONDAY_10),
        )
        assert sorted(found.closed for found in passes) == [[], [report]]
        assert sorted(found.expired for found in passes) == [[], [expired]]
        mails = smtp.inbox.wait_for(4)  # cleo and kees: the report, then the expiry
        assert addressees(mails) == sorted(["cleo@a.example", "kees@a.example"] * 2)
        assert run_pass(desk) == CuratorPassReport()
        assert len(smtp.inbox.messages) == 4 and marks(desk) == 2


def test_a_mail_server_that_is_down_delays_the_emails_without_losing_them(tmp_path):
    smtp = SmtpServer()  # not started yet: connections are refused
    with curation_desk(tmp_path, smtp=smtp) as (desk, _):
        service = add_service(desk, "couture")
        expired = add_service(desk, "oubliee", assured_date=OLD)
        report = report_closed(desk, service)
        failed = run_pass(desk)
        # the report's e-mail failed: the expiry waits too, rather than time out again
        assert failed == CuratorPassReport(failed=[service])
        assert marks(desk) == 0  # the mark was given back
        smtp.start()
        sent = run_pass(desk, MONDAY_10 + timedelta(minutes=1))
        assert sent == CuratorPassReport(closed=[report], expired=[expired])
        assert len(smtp.inbox.wait_for(4)) == 4
        assert run_pass(desk, MONDAY_10 + timedelta(minutes=2)) == CuratorPassReport()
        assert marks(desk) == 2


def test_an_expiry_whose_email_fails_is_given_back_and_sent_by_the_next_pass(tmp_path):
    smtp = SmtpServer()
    with curation_desk(tmp_path, smtp=smtp) as (desk, _):
        expired = add_service(desk, "oubliee", assured_date=OLD)
        assert run_pass(desk) == CuratorPassReport(failed=[expired])
        assert marks(desk) == 0
        smtp.start()
        assert run_pass(desk).expired == [expired]
        assert addressees(smtp.inbox.wait_for(2)) == ["cleo@a.example", "kees@a.example"]


# --------------------------------------------------------------------------- "expired"


def test_an_expired_service_is_told_once_and_again_after_a_confirmation_expires(tmp_path):
    with curation_desk(tmp_path) as (desk, smtp):
        forgotten = add_service(desk, "oubliee", assured_date=OLD)
        fresh = add_service(desk, "fraiche")  # confirmed in time
        add_service(desk, "arretee", assured_date=OLD, status="inactive")  # not proposed anyway
        of_b = add_service(desk, "de-b", company="company-b", assured_date=OLD)
        first = run_pass(desk)
        assert sorted(first.expired) == sorted([forgotten, of_b])
        mails = smtp.inbox.wait_for(3)
        assert addressees(mails) == ["bert@b.example", "cleo@a.example", "kees@a.example"]
        link = f"{PUBLIC_URL}/console/directory/services/{forgotten}"
        (cleo,) = smtp.inbox.to("cleo@a.example")
        assert cleo.subject == "Plus proposée : Activité oubliee"
        assert cleo.text == (
            "L'activité « Activité oubliee » n'est plus proposée aux locataires :"
            " pas confirmée depuis 12 mois.\n"
            "Vérifiez, puis confirmez ou changez l'activité.\n"
            f"Ouvrez la console : {link}\n"
            "\n"
            "Ce message ne contient aucune donnée de locataire.\n"
        )
        (kees,) = smtp.inbox.to("kees@a.example")
        assert kees.subject == "Niet meer voorgesteld: Activiteit oubliee"
        assert "niet bevestigd in 12 maanden." in kees.text and link in kees.text
        for later in (timedelta(minutes=1), timedelta(days=40)):
            assert run_pass(desk, MONDAY_10 + later) == CuratorPassReport()
        assert len(smtp.inbox.messages) == 3  # once
        with desk.sessions() as session:  # a curator confirms it: proposed again
            editing.confirm(
                session, forgotten, date(2026, 12, 8), staff_id(desk, "cleo@a.example"), "Cleo"
            )
            session.commit()
        assert run_pass(desk, MONDAY_10 + timedelta(days=2)) == CuratorPassReport()
        thirteen_months_on = datetime(2028, 1, 10, 10, 0, tzinfo=TIME_ZONE)
        again = run_pass(desk, thirteen_months_on)  # forgotten once more, and "fraiche" now
        assert sorted(again.expired) == sorted([forgotten, fresh])
        assert addressees(smtp.inbox.wait_for(5)[3:]) == ["cleo@a.example", "kees@a.example"]
        (digest,) = smtp.inbox.to("cleo@a.example")[1:]
        assert digest.subject == "2 activités ne sont plus proposées"
        assert "- Activité fraiche\n- Activité oubliee\n" in digest.text
        assert run_pass(desk, thirteen_months_on + timedelta(minutes=1)) == CuratorPassReport()
        assert len(smtp.inbox.messages) == 5
        with desk.sessions() as session:
            keys = session.scalars(
                select(CuratorNotice.key)
                .where(CuratorNotice.service_id == forgotten)
                .order_by(CuratorNotice.id)
            ).all()
        assert keys == [OLD, "2026-12-08"]


def test_an_old_directory_gives_each_curator_one_digest_per_pass(tmp_path):
    with curation_desk(tmp_path) as (desk, smtp):
        ids = [add_service(desk, f"vieille-{number:02d}", assured_date=OLD) for number in range(23)]
        never = add_service(desk, "jamais", company=None, assured_date=None)
        first = run_pass(desk)
        assert sorted(first.expired) == sorted([*ids, never])
        mails = smtp.inbox.wait_for(4)
        # one e-mail each: cleo and kees for company A's 23, the regional curators for
        # the region's one, which never had a date
        assert addressees(mails) == ["cleo@a.example", "kees@a.example", *REGIONAL]
        (cleo,) = smtp.inbox.to("cleo@a.example")
        assert cleo.subject == "23 activités ne sont plus proposées"
        lines = cleo.text.splitlines()
        assert lines[0] == (
            "23 activités ne sont plus proposées aux locataires : pas confirmées depuis 12 mois."
        )
        assert lines[1:21] == [f"- Activité vieille-{number:02d}" for number in range(20)]
        assert lines[21] == "Et 3 autres."
        assert f"Ouvrez la console : {PUBLIC_URL}/console/directory" in lines
        assert "/console/directory/services/" not in cleo.text
        (kees,) = smtp.inbox.to("kees@a.example")
        assert kees.subject == "23 activiteiten worden niet meer voorgesteld"
        assert "- Activiteit vieille-00\n" in kees.text and "En nog 3 andere.\n" in kees.text
        (rita,) = smtp.inbox.to("rita@a.example")
        assert rita.subject == "Plus proposée : Activité jamais"
        assert run_pass(desk, MONDAY_10 + timedelta(minutes=1)) == CuratorPassReport()
        assert len(smtp.inbox.messages) == 4
        with desk.sessions() as session:
            key = session.scalar(select(CuratorNotice.key).where(CuratorNotice.service_id == never))
        assert key == "none"


def test_the_directory_window_setting_reaches_the_watch(tmp_path):
    three_months_ago = (utcnow().astimezone(TIME_ZONE).date() - timedelta(days=92)).isoformat()
    with curation_desk(tmp_path, watch=True, directory_assured_within_months=2) as (desk, smtp):
        service = add_service(desk, "trimestrielle", assured_date=three_months_ago)
        mails = smtp.inbox.wait_for(2)
        assert addressees(mails) == ["cleo@a.example", "kees@a.example"]
        (cleo,) = smtp.inbox.to("cleo@a.example")
        assert "pas confirmée depuis 2 mois." in cleo.text
        assert f"/console/directory/services/{service}" in cleo.text


def test_a_staff_member_who_turned_the_emails_off_gets_none(tmp_path):
    """The account page's switch: Kees (curator) and Ana (caseworker) turn the e-mails off;
    their colleagues still get theirs, and the console still shows everything."""
    from tests.gateway.channel_fixtures import csrf_in, sign_in
    from tests.gateway.test_staff_notices import run_pass as run_staff_pass

    with curation_desk(tmp_path) as (desk, smtp):
        for address in ("kees@a.example", "ana@a.example"):
            assert sign_in(desk, address).status_code == 303
            page = desk.client.get("/console/account/password").text
            assert 'id="email-notices" checked' in page  # on, until the staff member says
            answer = desk.client.post(
                "/console/account/notices", data={"csrf": csrf_in(page)}, follow_redirects=False
            )
            assert answer.status_code == 303
            page = desk.client.get("/console/account/password?notices=saved").text
            assert "Votre choix est enregistré." in page or "Uw keuze is bewaard." in page
            assert re.search(r'id="email-notices"\s+aria-describedby', page)  # now unticked
        with desk.sessions() as session:
            quiet = session.scalars(select(StaffUser.email).where(~StaffUser.email_notices))
            assert sorted(quiet) == ["ana@a.example", "kees@a.example"]
        service = add_service(desk, "couture")
        report_closed(desk, service)
        run_pass(desk)
        open_request(desk)
        run_staff_pass(desk)
        mails = smtp.inbox.wait_for(2)
        assert addressees(mails) == ["cleo@a.example", "sam@a.example"]
