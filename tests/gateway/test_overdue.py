"""A request nobody took within its housing company's limit (bot/handoff/overdue.py): the
tenant is told the truth once, with the company's number; the request stays in the queue,
marked overdue for supervisors, before the ones still in time."""

from __future__ import annotations

import time
from datetime import timedelta

import yaml
from sqlalchemy import select, update

from bot.contacts.models import Contact
from bot.core.clock import utcnow
from bot.handoff.models import AuditEvent, Handoff, HandoffEntry
from tests.gateway.channel_fixtures import enrolled_staff, running_channels
from tests.gateway.test_handoff import internal, login, open_for_tenant

COMPANY = {
    "id": "company-a",
    "name": "Test company A",
    "sites": ["site-a"],
    "phone": "02 000 00 99",
    "unclaimed_limit_hours": 24,
    "office_hours": {
        day: [["00:00", "23:59"]] for day in ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
    },
    "holidays": [],
}


def test_a_request_nobody_took_in_time_is_told_once_and_marked_for_supervisors(tmp_path):
    companies = tmp_path / "companies.yml"
    companies.write_text(yaml.safe_dump([COMPANY]))
    with running_channels(
        tmp_path, housing_companies_file=str(companies), overdue_poll_seconds=0.2
    ) as desk:
        with desk.sessions() as session:
            session.add(
                enrolled_staff(
                    email="ana@a.example", name="Ana", company_id="company-a", role="supervisor"
                )
            )
            session.commit()
        late = open_for_tenant(desk)
        desk.sms("hallo", sender="+32470999888")
        with desk.sessions() as session:
            session.execute(
                update(Handoff)
                .where(Handoff.id == late)
                .values(opened_at=utcnow() - timedelta(hours=25))
            )
            session.commit()
        told = desk.twilio.wait_for(1, "Messages.json")
        assert told[0].body["Body"] == (
            "Désolé, personne n'a encore pu prendre votre demande. Elle reste dans la file. "
            "Vous pouvez aussi appeler votre société de logement: 02 000 00 99."
        )
        time.sleep(1.0)  # several more passes of the watch
        assert len(desk.twilio.wait_for(1, "Messages.json")) == 1  # told once
        with desk.sessions() as session:
            handoff = session.get_one(Handoff, late)
            assert handoff.status == "waiting" and handoff.overdue_at is not None
            audited = session.scalars(
                select(AuditEvent.action).where(AuditEvent.handoff_id == late)
            ).all()
            assert audited == ["overdue"]
            notes = session.scalars(
                select(HandoffEntry.author).where(HandoffEntry.handoff_id == late)
            ).all()
            assert notes == ["system"]  # the caseworker sees what the tenant was told
        second = internal(  # a request still in time
            desk,
            {"sender_id": _sender(desk, "+32470999888"), "reason": "asked", "language": "nl"},
        ).json()["id"]
        login(desk)
        page = desk.client.get("/console/").text
        assert page.count("EN RETARD") == 1
        assert page.index(f'data-handoff="{late}"') < page.index(f'data-handoff="{second}"')


def _sender(desk, address: str) -> str:
    with desk.sessions() as session:
        return session.scalar(select(Contact.pseudonym).where(Contact.address == address))
