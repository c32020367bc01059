"""Console sessions in the database: what can still open the console, and what retention
deletes (revoked or past their 12 hours; login failures too old for the throttle)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from bot.console.sessions import end_every_session, live_staff_id, open_session
from bot.handoff.models import HousingCompany, LoginFailure, StaffSession, StaffUser
from bot.privacy.retention import purge_console_sign_in

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)
IDLE = timedelta(minutes=30)


def staff(session) -> StaffUser:
    session.add(HousingCompany(id="c", name="C", office_hours={}, holidays=[], sites=[]))
    user = StaffUser(
        email="a@example.org", name="A", password_hash="x", role="caseworker", company_id="c"
    )
    session.add(user)
    session.flush()
    return user


def test_a_background_refresh_does_not_keep_a_session_alive(sessions):
    with sessions() as session:
        user = staff(session)
        token = open_session(session, user.id)
        row = session.scalars(select(StaffSession)).one()
        row.created_at = row.last_active_at = NOW
        later = NOW + timedelta(minutes=20)
        assert live_staff_id(session, token, IDLE, activity=False, now=later) == user.id
        # 20 minutes of polls did not move the last activity: 35 minutes after it, it is over.
        assert live_staff_id(session, token, IDLE, False, NOW + timedelta(minutes=35)) is None
        assert row.revoked_at is not None


def test_retention_deletes_dead_sessions_and_old_failures_only(sessions):
    with sessions() as session:
        user = staff(session)
        rows = {
            "live": StaffSession(id="1" * 64, created_at=NOW - timedelta(hours=1)),
            "revoked": StaffSession(
                id="2" * 64, created_at=NOW - timedelta(hours=1), revoked_at=NOW
            ),
            "too_old": StaffSession(id="3" * 64, created_at=NOW - timedelta(hours=13)),
        }
        for row in rows.values():
            row.staff_id, row.last_active_at = user.id, NOW
            session.add(row)
        session.add(LoginFailure(scope="client", key="k", at=NOW - timedelta(minutes=5)))
        session.add(LoginFailure(scope="client", key="k", at=NOW - timedelta(days=2)))
        session.flush()
        assert purge_console_sign_in(session, NOW) == (2, 1)
        assert list(session.scalars(select(StaffSession.id))) == ["1" * 64]
        assert session.scalar(select(LoginFailure.at)) is not None


def test_ending_every_session_can_spare_the_current_one(sessions):
    with sessions() as session:
        user = staff(session)
        mine, other = open_session(session, user.id), open_session(session, user.id)
        session.flush()
        assert end_every_session(session, user.id, keep_token=mine) == 1
        assert live_staff_id(session, mine, IDLE, True) == user.id
        assert live_staff_id(session, other, IDLE, True) is None
