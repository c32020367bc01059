"""Nothing lost, nothing misrouted (the handoff part), held by the database and by ordered,
retried Rasa events, with the real parts: PostgreSQL on the machine, the gateway's own
webhooks and internal API, and the scripted Rasa recording what is appended to it.

- at most one open handoff per contact: a partial unique index (migration 0010), the losing
  insert turned into "already open" (both callers get the same handoff, counted once);
- a closed handoff is never claimed, released, reassigned, answered or closed again (409,
  nothing changed);
- Rasa's pause and resume are ordered per conversation and retried until they hold: a
  close racing a pause leaves Rasa resumed, a resume waits out a Rasa briefly down, and a
  conversation found paused with no handoff open is resumed."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
from alembic import command
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from bot.contacts.models import Contact
from bot.core.db import make_engine, make_session_factory
from bot.devtools.loopback import ScriptedRasa
from bot.gateway.migrate import alembic_config, upgrade_to_head
from bot.handoff import rasa_pause, store
from bot.handoff.models import AuditEvent, Handoff, HandoffEntry, HousingCompany, StaffUser
from bot.outbox.models import OutboxMessage
from tests.gateway import channel_fixtures
from tests.gateway.channel_fixtures import (
    COMPANIES,
    INTERNAL,
    Channels,
    console_with_staff,
    running_channels,
)
from tests.gateway.test_console_roles import csrf_of, login
from tests.polling import wait_for

STAFF = [
    ("ana@a.example", "company-a", "caseworker", "fr"),
    ("bob@a.example", "company-a", "caseworker", "fr"),
    ("sue@a.example", "company-a", "supervisor", "fr"),
]


class PlayedRasa(ScriptedRasa):
    """The scripted Rasa, plus what these tests need of the real one: a paused conversation
    answers nothing, a `pause` can be held on its way (`hold_pause` seconds), and appends
    can fail while Rasa is "down" (`down_for` requests answered 503)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hold_pause = 0.0
        self.down_for = 0
        self.refused = 0
        self.pause_arrived = threading.Event()

    def paused(self, sender: str) -> bool:
        states = [e for e in self.appended(sender) if e in ("pause", "resume")]
        return states[-1:] == ["pause"]

    def _answer(self, method: str, path: str, body: dict[str, Any]) -> tuple[int, Any]:
        if path.endswith("/tracker/events"):
            if self.down_for > 0:
                self.down_for -= 1
                self.refused += 1
                return 503, {"status": "failure"}
            if body.get("event") == "pause" and self.hold_pause:
                self.pause_arrived.set()
                time.sleep(self.hold_pause)  # recorded when it lands, after the wait
        if path == "/webhooks/rest/webhook" and self.paused(body["sender"]):
            sender = body["sender"]
            self.events.setdefault(sender, []).append(
                {"event": "user", "text": body["message"], "timestamp": time.time()}
            )
            return 200, []  # Rasa records the message and predicts nothing
        return super()._answer(method, path, body)


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Channels]:
    monkeypatch.setattr(channel_fixtures, "ScriptedRasa", PlayedRasa)
    monkeypatch.setattr(rasa_pause, "FIRST_RETRY_SECONDS", 0.1)
    with console_with_staff(tmp_path, STAFF) as running:
        yield running


def internal(desk: Channels, sender: str, **payload: Any) -> httpx.Response:
    token = desk.settings.internal_api_token.get_secret_value()
    return desk.client.post(
        f"{INTERNAL}/internal/handoffs",
        json={"sender_id": sender, "reason": "asked", "language": "fr", **payload},
        headers={"Authorization": f"Bearer {token}"},
    )


def tenant(desk: Channels) -> str:
    desk.sms("bonjour")
    with desk.sessions() as session:
        return session.scalar(select(Contact.pseudonym))


def last_state(rasa: ScriptedRasa, sender: str) -> str | None:
    states = [e for e in rasa.appended(sender) if e in ("pause", "resume")]
    return states[-1] if states else None


def opened_count(desk: Channels) -> float:
    registry = desk.client.app.state.services.metrics.registry
    return sum(
        registry.get_sample_value("gateway_handoffs_opened_total", {"urgent": urgent}) or 0
        for urgent in ("true", "false")
    )


# --- one open handoff per contact -------------------------------------------------------


def test_the_database_refuses_a_second_open_handoff_but_not_closed_ones(sessions):
    with sessions() as session:
        # the tables as they were at 0009 (later revisions add columns the models have)
        session.execute(
            insert(HousingCompany.__table__).values(
                id="c", name="C", office_hours={}, holidays=[], sites=[]
            )
        )
        contact = Contact(channel="sms", address="+32470000009", pseudonym="sms-one")
        session.add(contact)
        session.flush()

        def row(status: str) -> Handoff:
            return Handoff(
                contact_id=contact.id,
                company_id="c",
                sender_id="sms-one",
                reason="asked",
                channel="sms",
                status=status,
            )

        session.add_all([row("closed"), row("closed"), row("waiting")])
        session.commit()
        session.add(row("claimed"))
        with pytest.raises(IntegrityError):
            session.commit()


def _postgres_with_contact(postgres_url: str) -> tuple[Any, Any, int]:
    upgrade_to_head(postgres_url)
    engine = make_engine(postgres_url)
    sessions = make_session_factory(engine)
    with sessions() as session:
        # the tables as they were at 0009 (later revisions add columns the models have)
        session.execute(
            insert(HousingCompany.__table__).values(
                id="c", name="C", office_hours={}, holidays=[], sites=[]
            )
        )
        contact = Contact(channel="sms", address="+32470000001", pseudonym="sms-race")
        session.add(contact)
        session.commit()
        return engine, sessions, contact.id


def test_the_losing_insert_gets_the_open_handoff_on_postgresql(postgres_url):
    engine, sessions, contact_id = _postgres_with_contact(postgres_url)
    first = sessions()
    mine, created = store.open_handoff(first, first.get_one(Contact, contact_id), {})
    assert created
    theirs: dict[str, Any] = {}

    def open_as_the_other_caller() -> None:
        with sessions() as session:
            contact = session.get_one(Contact, contact_id)
            handoff, made = store.open_handoff(
                session, contact, {"reason": "danger", "urgent": True}
            )
            theirs.update(id=handoff.id, created=made, urgent=handoff.urgent)
            session.commit()

    other = threading.Thread(target=open_as_the_other_caller)
    other.start()
    time.sleep(0.5)
    assert other.is_alive()  # its insert waits on the index for the first transaction
    first.commit()
    first.close()
    other.join(10)
    with sessions() as session:
        open_ids = session.scalars(
            select(Handoff.id).where(Handoff.status.in_(("waiting", "claimed")))
        ).all()
        urgent = session.get_one(Handoff, mine.id).urgent
    engine.dispose()
    assert theirs == {"id": mine.id, "created": False, "urgent": True}
    assert open_ids == [mine.id] and urgent


@pytest.mark.parametrize("round_", range(3))
def test_personne_and_the_action_server_at_once_open_one_handoff_on_postgresql(
    tmp_path, monkeypatch, postgres_url, round_
):
    upgrade_to_head(postgres_url)
    monkeypatch.setattr(channel_fixtures, "ScriptedRasa", PlayedRasa)
    engine = make_engine(postgres_url)
    sessions = make_session_factory(engine)
    with running_channels(
        tmp_path,
        database_url=postgres_url,
        rate_limit="1000/minute",
        housing_companies_file=str(COMPANIES / "always_open.yml"),
    ) as desk:
        desk.sms("bonjour")
        with sessions() as session:
            sender = session.scalar(select(Contact.pseudonym))
        callers = 8
        barrier = threading.Barrier(2 * callers)
        answers: list[httpx.Response] = []
        texts: list[str] = []

        def by_sms() -> None:
            barrier.wait()
            texts.append(desk.sms("PERSONNE").text)

        def by_the_action_server() -> None:
            barrier.wait()
            answers.append(internal(desk, sender))

        threads = [threading.Thread(target=by_sms) for _ in range(callers)] + [
            threading.Thread(target=by_the_action_server) for _ in range(callers)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        with sessions() as session:
            handoffs = session.scalars(select(Handoff)).all()
        counted = opened_count(desk)
        time.sleep(1.0)  # longer than a pause takes to land
        appended = desk.rasa.appended(sender)
    engine.dispose()
    assert len(handoffs) == 1 and handoffs[0].status == "waiting"
    assert all(answer.status_code in (200, 201) for answer in answers), answers
    assert {answer.json()["id"] for answer in answers} == {handoffs[0].id}
    assert sum(answer.status_code == 201 for answer in answers) <= 1
    assert len(texts) == callers and all("<Response>" in body for body in texts)
    assert counted == 1  # only the creator counts it
    assert appended == []  # waiting in the queue: Rasa goes on answering the tenant


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_migration_0010_merges_the_open_duplicates_an_old_database_may_hold(
    tmp_path, request, database
):
    url = f"sqlite:///{tmp_path / 'old.db'}" if database == "sqlite" else None
    url = url or request.getfixturevalue("postgres_url")
    command.upgrade(alembic_config(url), "0009")
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    with sessions() as session:
        # the tables as they were at 0009 (later revisions add columns the models have)
        session.execute(
            insert(HousingCompany.__table__).values(
                id="c", name="C", office_hours={}, holidays=[], sites=[]
            )
        )
        contact = Contact(channel="sms", address="+32470000002", pseudonym="sms-old")
        session.add(contact)
        session.flush()
        # the staff table as it was at 0009 (later revisions add columns the model has)
        staff_id = session.execute(
            insert(StaffUser.__table__)
            .values(
                email="a@c",
                name="A",
                password_hash="x",
                role="caseworker",
                company_id="c",
                language="fr",
                active=True,
                created_at=datetime.now(timezone.utc),
            )
            .returning(StaffUser.__table__.c.id)
        ).scalar_one()
        # the handoff table as it was at 0009 too
        ids = [
            session.execute(
                insert(Handoff.__table__)
                .values(
                    contact_id=contact.id,
                    company_id="c",
                    sender_id="sms-old",
                    reason="asked",
                    channel="sms",
                    status=status,
                    urgent=urgent,
                    claimed_by=holder,
                    language="fr",
                    summary={},
                    opened_at=datetime.now(timezone.utc),
                    handed_back=False,
                    joined_notice_sent=False,
                )
                .returning(Handoff.__table__.c.id)
            ).scalar_one()
            for status, urgent, holder in [
                ("waiting", True, None),
                ("claimed", False, staff_id),
                ("waiting", False, None),
                ("closed", False, None),
            ]
        ]
        session.add_all(
            [HandoffEntry(handoff_id=each, author="tenant", text=f"m{each}") for each in ids]
        )
        session.commit()
    upgrade_to_head(url)
    with sessions() as session:
        found = {h.id: h for h in session.scalars(select(Handoff))}
        moved = session.scalars(select(HandoffEntry.handoff_id).order_by(HandoffEntry.id)).all()
    engine.dispose()
    waiting, claimed, later, closed = ids
    assert [found[i].status for i in ids] == ["closed", "claimed", "closed", "closed"]
    assert found[claimed].urgent  # the duplicates' urgency is kept
    assert found[waiting].close_reason == f"merged into handoff {claimed} (migration 0010)"
    assert found[closed].close_reason is None
    assert moved == [claimed, claimed, claimed, closed]  # no entry lost


# --- a closed handoff stays closed ------------------------------------------------------


def everything(desk: Channels, handoff_id: int) -> tuple[Any, ...]:
    with desk.sessions() as session:
        handoff = session.get_one(Handoff, handoff_id)
        return (
            handoff.status,
            handoff.claimed_by,
            handoff.closed_at,
            handoff.close_reason,
            handoff.joined_notice_sent,
            session.scalar(select(func.count()).select_from(OutboxMessage)),
            session.scalar(select(func.count()).select_from(HandoffEntry)),
            sorted(
                action
                for action in session.scalars(select(AuditEvent.action))
                if action not in ("password_ok", "login", "logout", "view")
            ),
        )


def test_a_closed_handoff_is_never_reopened_and_nothing_changes(desk):
    sender = tenant(desk)
    handoff_id = internal(desk, sender).json()["id"]
    login(desk, "ana@a.example")
    path = f"/console/handoffs/{handoff_id}"
    desk.client.post(f"{path}/claim", data={"csrf": csrf_of(desk, "/console/")})
    wait_for(lambda: desk.rasa.appended(sender) == ["pause"], seconds=10)
    closed = desk.client.post(
        f"{path}/close",
        data={"reason": "done", "csrf": csrf_of(desk, path)},
        follow_redirects=False,
    )
    assert closed.status_code == 303
    wait_for(lambda: last_state(desk.rasa, sender) == "resume", seconds=10)
    before, appended = everything(desk, handoff_id), list(desk.rasa.appended(sender))
    with desk.sessions() as session:
        bob = session.scalar(select(StaffUser.id).where(StaffUser.email == "bob@a.example"))
    forms = {
        "reassign": {"colleague": str(bob)},
        "release": {},
        "claim": {},
        "reply": {"message": "Bonjour"},
        "close": {"reason": "again", "hand_back": "true"},
    }
    for email in ("ana@a.example", "sue@a.example"):  # the holder, and a supervisor
        login(desk, email)
        token = csrf_of(desk, "/console/")
        for action, form in forms.items():
            answer = desk.client.post(
                f"{path}/{action}", data={**form, "csrf": token}, follow_redirects=False
            )
            assert answer.status_code == 409, (email, action, answer.text)
    time.sleep(0.3)  # a second close would have resumed Rasa in the background
    assert everything(desk, handoff_id) == before
    assert desk.rasa.appended(sender) == appended


def test_a_handoff_closed_between_the_check_and_the_change_is_not_reopened(desk):
    sender = tenant(desk)
    handoff_id = internal(desk, sender).json()["id"]
    with desk.sessions() as session:
        sue = session.scalar(select(StaffUser.id).where(StaffUser.email == "sue@a.example"))
        assert store.claim(session, handoff_id, sue)
        handoff = session.get_one(Handoff, handoff_id)
        session.commit()  # what this request read: claimed
    with desk.sessions() as other:  # another request closes it meanwhile
        other.execute(update(Handoff).where(Handoff.id == handoff_id).values(status="closed"))
        other.commit()
    with desk.sessions() as session:
        handoff = session.merge(handoff, load=False)
        assert handoff.status == "claimed"  # stale
        assert not store.reassign(session, handoff, sue)
        assert not store.release(session, handoff)
        assert not store.close(session, handoff, "again", True)
        assert handoff.status == "closed"
        session.commit()


# --- Rasa's pause and resume, ordered and retried ---------------------------------------


def test_a_close_racing_a_pause_leaves_rasa_resumed(desk):
    desk.rasa.hold_pause = 1.5
    sender = tenant(desk)
    handoff_id = internal(desk, sender).json()["id"]
    login(desk, "ana@a.example")
    path = f"/console/handoffs/{handoff_id}"
    desk.client.post(f"{path}/claim", data={"csrf": csrf_of(desk, "/console/")})
    assert desk.rasa.pause_arrived.wait(5)  # the pause is on its way, the handoff held
    desk.client.post(f"{path}/close", data={"reason": "done", "csrf": csrf_of(desk, path)})
    wait_for(lambda: "pause" in desk.rasa.appended(sender), seconds=10)
    time.sleep(0.5)
    assert desk.rasa.appended(sender)[0] == "pause"
    assert last_state(desk.rasa, sender) == "resume"


def test_a_pause_landing_after_another_process_resumed_is_followed_by_a_resume(desk):
    """The close and its resume come from elsewhere (another gateway worker): no lock in
    common, only the database. The pause lands last; its re-check resumes Rasa."""
    desk.rasa.hold_pause = 1.0
    sender = tenant(desk)
    handoff_id = internal(desk, sender).json()["id"]
    login(desk, "ana@a.example")
    desk.client.post(
        f"/console/handoffs/{handoff_id}/claim", data={"csrf": csrf_of(desk, "/console/")}
    )
    assert desk.rasa.pause_arrived.wait(5)
    with desk.sessions() as session:
        session.execute(update(Handoff).where(Handoff.id == handoff_id).values(status="closed"))
        session.commit()
    httpx.post(f"{desk.rasa.url}/conversations/{sender}/tracker/events", json={"event": "resume"})
    assert desk.rasa.appended(sender) == ["resume"]  # the other worker's, before the pause
    wait_for(lambda: desk.rasa.appended(sender)[:2] == ["resume", "pause"], seconds=10)
    wait_for(lambda: desk.rasa.appended(sender) == ["resume", "pause", "resume"], seconds=10)


def test_a_resume_is_retried_while_rasa_is_briefly_down(desk):
    sender = tenant(desk)
    handoff_id = internal(desk, sender).json()["id"]
    login(desk, "ana@a.example")
    path = f"/console/handoffs/{handoff_id}"
    desk.client.post(f"{path}/claim", data={"csrf": csrf_of(desk, "/console/")})
    wait_for(lambda: desk.rasa.appended(sender) == ["pause"], seconds=10)
    desk.rasa.down_for = 4
    desk.client.post(f"{path}/close", data={"reason": "done", "csrf": csrf_of(desk, path)})
    wait_for(lambda: desk.rasa.appended(sender) == ["pause", "resume"], seconds=10)
    assert desk.rasa.refused == 4
    assert desk.sms("merci").text.count("echo: merci") == 1  # the bot answers again


def test_a_new_handoff_claimed_while_a_resume_is_retried_keeps_rasa_paused(desk):
    sender = tenant(desk)
    first = internal(desk, sender).json()["id"]
    login(desk, "ana@a.example")
    path = f"/console/handoffs/{first}"
    desk.client.post(f"{path}/claim", data={"csrf": csrf_of(desk, "/console/")})
    wait_for(lambda: desk.rasa.appended(sender) == ["pause"], seconds=10)
    desk.rasa.down_for = 3  # the resume waits ~0.7 s
    desk.client.post(f"{path}/close", data={"reason": "done", "csrf": csrf_of(desk, path)})
    second = internal(desk, sender)
    assert second.status_code == 201 and second.json()["id"] != first
    desk.client.post(
        f"/console/handoffs/{second.json()['id']}/claim",
        data={"csrf": csrf_of(desk, "/console/")},
    )
    time.sleep(2.5)
    assert last_state(desk.rasa, sender) == "pause"


def test_a_paused_conversation_with_no_handoff_open_is_resumed(desk):
    sender = tenant(desk)
    services = desk.client.app.state.services
    portal = desk.client.portal
    assert portal.call(rasa_pause.ensure_not_paused, services, sender) is False  # not paused
    httpx.post(f"{desk.rasa.url}/conversations/{sender}/tracker/events", json={"event": "pause"})
    assert desk.rasa.paused(sender)
    assert portal.call(rasa_pause.ensure_not_paused, services, sender) is True
    assert last_state(desk.rasa, sender) == "resume"
    assert "echo: allo ?" in desk.sms("allo ?").text


def test_a_paused_conversation_with_a_handoff_held_stays_paused(desk):
    sender = tenant(desk)
    handoff_id = internal(desk, sender).json()["id"]
    login(desk, "ana@a.example")
    desk.client.post(
        f"/console/handoffs/{handoff_id}/claim", data={"csrf": csrf_of(desk, "/console/")}
    )
    wait_for(lambda: desk.rasa.appended(sender) == ["pause"], seconds=10)
    services = desk.client.app.state.services
    portal = desk.client.portal
    assert portal.call(rasa_pause.ensure_not_paused, services, sender) is False
    assert desk.rasa.appended(sender) == ["pause"]


def test_a_tenant_message_to_a_paused_bot_with_no_handoff_resumes_it_and_gets_an_answer(desk):
    sender = tenant(desk)
    httpx.post(f"{desk.rasa.url}/conversations/{sender}/tracker/events", json={"event": "pause"})
    assert "echo: allo ?" in desk.sms("allo ?").text
    assert last_state(desk.rasa, sender) == "resume"
    assert [m["message"] for m in desk.rasa.messages()].count("allo ?") == 2  # sent once more
