"""Response targets counted in office time (issue 18): nights, weekends and holidays do
not count; the queue shows each waiting request's wait against its company's target, and
supervisors see how many of the week's requests were taken past it."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from sqlalchemy import select, update

from bot.handoff.hours import office_minutes_between
from bot.handoff.models import Handoff, StaffUser
from bot.hsds_profile import TIME_ZONE
from tests.gateway.test_handoff import login, open_for_tenant

WEEKDAYS = {day: [["09:00", "12:00"], ["13:00", "17:00"]] for day in ("MO", "TU", "WE", "TH", "FR")}


def brussels(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=TIME_ZONE)


def test_office_minutes_leave_out_lunch_nights_weekends_and_holidays() -> None:
    # Thursday 3 December 11:30 to 13:30: 30 minutes before lunch, 30 after
    assert office_minutes_between(WEEKDAYS, [], brussels(3, 11, 30), brussels(3, 13, 30)) == 60
    # Friday 16:00 to Monday 10:00: one hour on Friday, one on Monday
    assert office_minutes_between(WEEKDAYS, [], brussels(4, 16), brussels(7, 10)) == 120
    # a holiday on the Monday: only Friday's hour
    holiday = ["2026-12-07"]
    assert office_minutes_between(WEEKDAYS, holiday, brussels(4, 16), brussels(7, 10)) == 60
    assert office_minutes_between(WEEKDAYS, [], brussels(5, 10), brussels(6, 18)) == 0
    assert office_minutes_between(WEEKDAYS, [], brussels(3, 13), brussels(3, 12)) == 0


def test_the_queue_shows_the_wait_against_the_target(desk) -> None:
    urgent = open_for_tenant(desk, urgent=True)
    with desk.sessions() as session:  # always open: 20 minutes are 20 office minutes
        session.execute(
            update(Handoff).values(opened_at=datetime.now(timezone.utc) - timedelta(minutes=20))
        )
        session.execute(update(StaffUser).values(role="supervisor").where(StaffUser.name == "Ana"))
        session.commit()
    login(desk)
    queue = desk.client.get("/console/").text
    assert "DÉLAI DÉPASSÉ" in queue and "/ 15 min (heures d&#39;ouverture)" in queue
    assert "Ces 7 jours, demandes prises après leur délai : <strong>1</strong> / 1" in queue
    with desk.sessions() as session:
        assert session.scalar(select(Handoff.id)) == urgent


def test_a_request_within_its_target_is_not_marked(desk) -> None:
    open_for_tenant(desk)
    login(desk)
    queue = desk.client.get("/console/").text
    assert "/ 420 min" in queue and "DÉLAI DÉPASSÉ" not in queue
    assert "Ces 7 jours" not in queue  # a caseworker: no summary


def test_the_signals_page_counts_each_weeks_requests_taken_past_their_target(desk) -> None:
    late = open_for_tenant(desk, urgent=True)
    with desk.sessions() as session:
        session.execute(
            update(Handoff)
            .where(Handoff.id == late)
            .values(opened_at=datetime.now(timezone.utc) - timedelta(minutes=30))
        )
        session.execute(update(StaffUser).values(role="admin").where(StaffUser.name == "Ana"))
        session.commit()
    login(desk)
    page = desk.client.get("/console/signals").text
    table = page[page.index('data-table="response-times"') :]
    table = table[: table.index("</table>")]
    rows = {
        name: cells.split("</td><td>")[-1]
        for name, cells in re.findall(r'<th scope="row">([^<]+)</th><td>(.*?)</td></tr>', table)
    }
    assert rows == {"Demandes": "1", "Prises après leur délai": "1"}  # this week's column
