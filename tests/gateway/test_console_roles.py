"""The console's roles, refused explicitly by the route (bot/console/deps.py require_role):
auditors and coordinators may read or see signals but never release, hand over, answer or
close a conversation; a caseworker acts only on what they hold, a supervisor on any claimed
conversation of their housing company. A refused form changes nothing."""

from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import func, select

from bot.contacts.models import Contact
from bot.handoff.models import AuditEvent, Handoff, HandoffEntry, StaffUser
from bot.outbox.models import OutboxMessage
from tests.gateway.channel_fixtures import INTERNAL, console_with_staff, sign_in


@pytest.fixture
def desk(tmp_path):
    with console_with_staff(
        tmp_path,
        [
            ("ana@a.example", "company-a", "caseworker", "fr"),
            ("bob@a.example", "company-a", "caseworker", "fr"),
            ("sue@a.example", "company-a", "supervisor", "fr"),
            ("dirk@a.example", "company-a", "auditor", "fr"),
            ("cora@a.example", "company-a", "coordinator", "fr"),
        ],
    ) as running:
        yield running


def csrf_of(desk, path: str = "/console/login") -> str:
    return re.search(r'name="csrf" value="([^"]+)"', desk.client.get(path).text).group(1)


def login(desk, email: str) -> None:
    answer = sign_in(desk, email)
    assert answer.status_code == 303, answer.text


def claimed_by_ana(desk) -> int:
    """A tenant's open conversation, claimed by Ana."""
    desk.sms("bonjour")
    with desk.sessions() as session:
        sender = session.scalar(select(Contact.pseudonym))
    token = desk.settings.internal_api_token.get_secret_value()
    opened = desk.client.post(
        f"{INTERNAL}/internal/handoffs",
        json={"sender_id": sender, "reason": "asked", "language": "fr", "channel": "sms"},
        headers={"Authorization": f"Bearer {token}"},
    )
    handoff_id = opened.json()["id"]
    login(desk, "ana@a.example")
    claim = desk.client.post(
        f"/console/handoffs/{handoff_id}/claim",
        data={"csrf": csrf_of(desk, "/console/")},
        follow_redirects=False,
    )
    assert claim.status_code == 303
    return handoff_id


READING = ("password_ok", "login", "logout", "view", "signals_view")  # signing in, reading


def state(desk, handoff_id: int) -> tuple:
    """Everything a refused form could have changed."""
    with desk.sessions() as session:
        handoff = session.get(Handoff, handoff_id)
        return (
            handoff.status,
            handoff.claimed_by,
            handoff.joined_notice_sent,
            session.scalar(select(func.count()).select_from(OutboxMessage)),
            session.scalar(select(func.count()).select_from(HandoffEntry)),
            sorted(
                action
                for action in session.scalars(select(AuditEvent.action))
                if action not in READING  # reading pages is audited too
            ),
        )


def staff_id(desk, email: str) -> int:
    with desk.sessions() as session:
        return session.scalar(select(StaffUser.id).where(StaffUser.email == email))


def forms(desk, handoff_id: int) -> dict[str, dict[str, str]]:
    return {
        "release": {},
        "reassign": {"colleague": str(staff_id(desk, "bob@a.example"))},
        "reply": {"message": "Bonjour"},
        "close": {"reason": "done", "hand_back": "true"},
    }


@pytest.mark.parametrize("email", ["dirk@a.example", "cora@a.example"])
def test_auditors_and_coordinators_may_not_release_hand_over_answer_or_close(desk, email):
    handoff_id = claimed_by_ana(desk)
    before = state(desk, handoff_id)
    login(desk, email)
    token = csrf_of(desk, "/console/signals" if "cora" in email else "/console/")
    for action, form in forms(desk, handoff_id).items():
        answer = desk.client.post(
            f"/console/handoffs/{handoff_id}/{action}",
            data={**form, "csrf": token},
            follow_redirects=False,
        )
        assert answer.status_code == 403, (action, answer.text)
    # an empty reply is refused too (it used to slip through as "nothing to send")
    empty = desk.client.post(
        f"/console/handoffs/{handoff_id}/reply", data={"message": " ", "csrf": token}
    )
    assert empty.status_code == 403
    assert state(desk, handoff_id) == before
    time.sleep(0.3)  # a close would have resumed Rasa in the background
    with desk.sessions() as session:
        assert "resume" not in desk.rasa.appended(session.scalar(select(Contact.pseudonym)))


def test_a_caseworker_who_does_not_hold_it_is_refused_and_a_supervisor_may_act(desk):
    handoff_id = claimed_by_ana(desk)
    before = state(desk, handoff_id)
    login(desk, "bob@a.example")
    token = csrf_of(desk, "/console/")
    expected = {"release": 409, "reassign": 403, "reply": 409, "close": 409}
    for action, form in forms(desk, handoff_id).items():
        answer = desk.client.post(
            f"/console/handoffs/{handoff_id}/{action}",
            data={**form, "csrf": token},
            follow_redirects=False,
        )
        assert answer.status_code == expected[action], (action, answer.text)
    assert state(desk, handoff_id) == before

    login(desk, "sue@a.example")
    released = desk.client.post(
        f"/console/handoffs/{handoff_id}/release",
        data={"csrf": csrf_of(desk, "/console/")},
        follow_redirects=False,
    )
    assert released.status_code == 303
    with desk.sessions() as session:
        handoff = session.get(Handoff, handoff_id)
        assert (handoff.status, handoff.claimed_by) == ("waiting", None)
        assert "release" in session.scalars(select(AuditEvent.action)).all()


def test_the_csrf_token_is_checked_before_anything_else(desk):
    # not logged in, no token: refused for the token (as before), not sent to the login page
    assert desk.client.post("/console/handoffs/1/claim", follow_redirects=False).status_code == 403
    assert desk.client.post("/console/logout", follow_redirects=False).status_code == 403
    token = csrf_of(desk)
    anonymous = desk.client.post(
        "/console/handoffs/1/claim", data={"csrf": token}, follow_redirects=False
    )
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/console/login"


def test_a_disabled_account_is_logged_out_on_its_next_page(desk):
    login(desk, "ana@a.example")
    assert desk.client.get("/console/", follow_redirects=False).status_code == 200
    with desk.sessions() as session:
        session.get(StaffUser, staff_id(desk, "ana@a.example")).active = False
        session.commit()
    gone = desk.client.get("/console/", follow_redirects=False)
    assert gone.status_code == 303 and gone.headers["location"] == "/console/login"
