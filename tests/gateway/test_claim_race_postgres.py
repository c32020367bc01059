"""The claim race on PostgreSQL (the production database), on the machine's real server:
two caseworkers claim the same conversation at the same instant; exactly one wins."""

from __future__ import annotations

import threading

import pytest

from bot.contacts.models import Contact
from bot.core.db import make_engine, make_session_factory
from bot.gateway.migrate import upgrade_to_head
from bot.handoff import store
from bot.handoff.models import Handoff, HousingCompany, StaffUser


@pytest.mark.parametrize("round_", range(5))
def test_two_simultaneous_claims_one_winner_on_postgresql(postgres_url, round_):
    upgrade_to_head(postgres_url)
    engine = make_engine(postgres_url)
    sessions = make_session_factory(engine)
    with sessions() as session:
        session.add(HousingCompany(id="c", name="C", office_hours={}, holidays=[], sites=[]))
        session.flush()
        contact = Contact(channel="sms", address="+32470000001", pseudonym=f"sms-{round_}")
        staff = [
            StaffUser(
                email=f"{n}@c.example", name=n, password_hash="x", role="caseworker", company_id="c"
            )
            for n in ("ana", "bob")
        ]
        session.add_all([contact, *staff])
        session.flush()
        handoff = Handoff(
            contact_id=contact.id,
            company_id="c",
            sender_id=contact.pseudonym,
            reason="asked",
            channel="sms",
        )
        session.add(handoff)
        session.commit()
        handoff_id, staff_ids = handoff.id, [member.id for member in staff]
    barrier, results = threading.Barrier(2), []

    def claim_as(staff_id: int) -> None:
        with sessions() as session:
            barrier.wait()
            results.append((store.claim(session, handoff_id, staff_id), staff_id))
            session.commit()

    threads = [threading.Thread(target=claim_as, args=(staff_id,)) for staff_id in staff_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with sessions() as session:
        winner = session.get(Handoff, handoff_id).claimed_by
    engine.dispose()
    assert sorted(won for won, _ in results) == [False, True]
    assert winner == next(staff_id for won, staff_id in results if won)
