"""What the bot showed (issue 23): POST /internal/directory/shown from the action server,
counted per service and Brussels day, and kept per conversation for a short time; the
internal API refuses strangers and bad input and then stores nothing; erasure and
retention delete the conversation's rows (and, much later, the anonymous counts). The
same counts on PostgreSQL, with requests racing to create a day's row."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from bot.contacts.models import Contact
from bot.core.db import make_engine, make_session_factory
from bot.curation import shown
from bot.curation.models import ServiceShownDay, ServiceShownTo
from bot.gateway.migrate import upgrade_to_head
from bot.hsds_profile import TIME_ZONE
from bot.privacy.erasure import erase_gateway_records
from bot.privacy.retention import purge
from tests.gateway.channel_fixtures import INTERNAL, TENANT, Channels, replies
from tests.gateway.test_retention import rasa_store

PATH = f"{INTERNAL}/internal/directory/shown"
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)
DAY = timedelta(days=1)


def secret_header(channels: Channels) -> dict[str, str]:
    return {"Authorization": f"Bearer {channels.settings.internal_api_token.get_secret_value()}"}


def post(channels: Channels, body: object, headers: dict[str, str] | None = None):
    return channels.client.post(
        PATH, json=body, headers=secret_header(channels) if headers is None else headers
    )


def counts(sessions) -> dict[tuple[str, date], int]:
    with sessions() as session:
        return {
            (row.service_id, row.day): row.count for row in session.scalars(select(ServiceShownDay))
        }


def rows_to(sessions) -> list[tuple[str, str]]:
    with sessions() as session:
        return sorted(
            (row.sender_id, row.service_id) for row in session.scalars(select(ServiceShownTo))
        )


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def today() -> date:
    return datetime.now(TIME_ZONE).date()


# --- the internal API, on a real gateway app ------------------------------------------------


def test_two_pages_the_same_day_count_twice_and_keep_one_row_per_service(channels):
    body = {"sender_id": "sms-abc", "service_ids": ["svc-1", "svc-2", "svc-1"]}
    first = post(channels, body)
    assert first.status_code == 200, first.text
    assert first.json() == {"recorded": 2}  # an id repeated in one call counts once
    again = post(channels, {"sender_id": "sms-abc", "service_ids": ["svc-1", "svc-2"]})
    assert again.status_code == 200 and again.json() == {"recorded": 2}
    assert post(channels, {"sender_id": "sms-xyz", "service_ids": ["svc-2"]}).status_code == 200
    assert counts(channels.sessions) == {("svc-1", today()): 2, ("svc-2", today()): 3}
    assert rows_to(channels.sessions) == [
        ("sms-abc", "svc-1"),
        ("sms-abc", "svc-2"),
        ("sms-xyz", "svc-2"),
    ]
    with channels.sessions() as session:
        assert shown.shown_to(session, "sms-abc", NOW - 365 * DAY) == ["svc-2", "svc-1"]
        assert shown.counts_since(session, today()) == {"svc-1": 2, "svc-2": 3}


def test_an_empty_page_records_nothing(channels):
    response = post(channels, {"sender_id": "sms-abc", "service_ids": []})
    assert response.status_code == 200 and response.json() == {"recorded": 0}
    assert counts(channels.sessions) == {} and rows_to(channels.sessions) == []


def test_the_internal_api_wants_the_secret(channels):
    body = {"sender_id": "sms-abc", "service_ids": ["svc-1"]}
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "wrong"}):
        response = post(channels, body, headers)
        assert response.status_code == 401
        assert response.json() == {"detail": "unauthorized"}
    assert counts(channels.sessions) == {} and rows_to(channels.sessions) == []


def test_the_route_is_not_on_the_public_port(channels):
    body = {"sender_id": "sms-abc", "service_ids": ["svc-1"]}
    response = channels.client.post(
        "/internal/directory/shown", json=body, headers=secret_header(channels)
    )
    assert response.status_code == 404
    assert counts(channels.sessions) == {} and rows_to(channels.sessions) == []


@pytest.mark.parametrize(
    "body",
    [
        {"sender_id": "", "service_ids": ["svc-1"]},
        {"sender_id": "x" * 65, "service_ids": ["svc-1"]},
        {"service_ids": ["svc-1"]},
        {"sender_id": "sms-abc"},
        {"sender_id": "sms-abc", "service_ids": "svc-1"},
        {"sender_id": "sms-abc", "service_ids": [f"svc-{n}" for n in range(21)]},
        {"sender_id": "sms-abc", "service_ids": ["svc-1", "s" * 65]},
        {"sender_id": "sms-abc", "service_ids": ["svc-1", ""]},
        {"sender_id": "sms-abc", "service_ids": ["svc-1", 7]},
        {"sender_id": 12, "service_ids": ["svc-1"]},
        ["sms-abc", "svc-1"],
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(channels, body):
    response = post(channels, body)
    assert response.status_code == 422, response.text
    assert response.json()["detail"]
    assert counts(channels.sessions) == {} and rows_to(channels.sessions) == []


def test_the_longest_valid_request_is_taken(channels):
    ids = [f"{n:02d}" + "s" * 62 for n in range(20)]
    response = post(channels, {"sender_id": "x" * 64, "service_ids": ids})
    assert response.status_code == 200 and response.json() == {"recorded": 20}
    assert len(rows_to(channels.sessions)) == 20


def test_erasure_deletes_the_tenants_rows_and_keeps_the_anonymous_counts(channels):
    replies(channels.sms("bonjour"))
    with channels.sessions() as session:
        tenant = session.scalar(select(Contact).where(Contact.address == TENANT))
    for sender, ids in ((tenant.pseudonym, ["svc-1", "svc-2"]), ("sms-else", ["svc-1"])):
        assert post(channels, {"sender_id": sender, "service_ids": ids}).status_code == 200
    with channels.sessions() as session:
        erase_gateway_records(session, tenant.id)
        session.commit()
    assert rows_to(channels.sessions) == [("sms-else", "svc-1")]
    assert counts(channels.sessions) == {("svc-1", today()): 2, ("svc-2", today()): 1}


# --- the store's functions ------------------------------------------------------------------


def test_the_day_is_the_brussels_date(sessions):
    with sessions() as session:
        # 23:30 in Brussels on the 25th, then 00:30 on the 26th (UTC+1 in November)
        shown.record(session, "sms-a", ["svc-1"], utc(2026, 11, 25, 22, 30))
        shown.record(session, "sms-a", ["svc-1"], utc(2026, 11, 25, 23, 30))
        # 00:30 in Brussels on 1 July 2026 is 22:30 UTC the day before (UTC+2)
        shown.record(session, "sms-a", ["svc-2"], utc(2026, 6, 30, 22, 30))
        session.commit()
    assert counts(sessions) == {
        ("svc-1", date(2026, 11, 25)): 1,
        ("svc-1", date(2026, 11, 26)): 1,
        ("svc-2", date(2026, 7, 1)): 1,
    }
    # a new Brussels day: a new row for the conversation
    assert rows_to(sessions) == [("sms-a", "svc-1"), ("sms-a", "svc-1"), ("sms-a", "svc-2")]


def test_shown_again_the_same_day_moves_to_the_front(sessions):
    with sessions() as session:
        shown.record(session, "sms-a", ["svc-1", "svc-2"], NOW)
        shown.record(session, "sms-a", ["svc-3"], NOW + timedelta(hours=1))
        shown.record(session, "sms-a", ["svc-1"], NOW + timedelta(hours=2))
        shown.record(session, "sms-b", ["svc-4"], NOW + timedelta(hours=3))
        session.commit()
    with sessions() as session:
        assert shown.shown_to(session, "sms-a", NOW - DAY) == ["svc-1", "svc-3", "svc-2"]
        assert shown.shown_to(session, "sms-a", NOW + timedelta(minutes=30)) == ["svc-1", "svc-3"]
        assert shown.shown_to(session, "sms-nobody", NOW - DAY) == []
    assert len(rows_to(sessions)) == 4


def test_shown_to_is_unique_across_days(sessions):
    with sessions() as session:
        shown.record(session, "sms-a", ["svc-1"], NOW - 2 * DAY)
        shown.record(session, "sms-a", ["svc-2"], NOW - DAY)
        shown.record(session, "sms-a", ["svc-1"], NOW)
        session.commit()
        assert shown.shown_to(session, "sms-a", NOW - 3 * DAY) == ["svc-1", "svc-2"]
    assert len(rows_to(sessions)) == 3


def test_counts_since_sums_the_days_from_that_day_on(sessions):
    with sessions() as session:
        for days_ago, ids in [
            (40, ["svc-1", "svc-2"]),
            (30, ["svc-1"]),
            (10, ["svc-1", "svc-3"]),
            (10, ["svc-1"]),
            (0, ["svc-2"]),
        ]:
            shown.record(session, "sms-a", ids, NOW - days_ago * DAY)
        session.commit()
        since = shown.local_day(NOW - 30 * DAY)
        assert shown.counts_since(session, since) == {"svc-1": 3, "svc-2": 1, "svc-3": 1}
        assert shown.counts_since(session, since - DAY) == {"svc-1": 3, "svc-2": 1, "svc-3": 1}
        assert shown.counts_since(session, since - 10 * DAY) == {"svc-1": 4, "svc-2": 2, "svc-3": 1}
        assert shown.counts_since(session, shown.local_day(NOW) + DAY) == {}


def test_erase_deletes_one_conversations_rows(sessions):
    with sessions() as session:
        shown.record(session, "sms-a", ["svc-1", "svc-2"], NOW)
        shown.record(session, "sms-a", ["svc-1"], NOW - 5 * DAY)
        shown.record(session, "sms-b", ["svc-1"], NOW)
        session.commit()
        assert shown.erase(session, "sms-a") == 3
        assert shown.erase(session, "sms-a") == 0
        session.commit()
    assert rows_to(sessions) == [("sms-b", "svc-1")]
    assert sum(counts(sessions).values()) == 4


def test_prune_deletes_old_rows_and_very_old_counts(sessions):
    with sessions() as session:
        shown.record(session, "sms-a", ["svc-old"], NOW - 401 * DAY)
        shown.record(session, "sms-a", ["svc-year"], NOW - 399 * DAY)
        shown.record(session, "sms-a", ["svc-1"], NOW - 31 * DAY)
        shown.record(session, "sms-a", ["svc-2"], NOW - 29 * DAY)
        session.commit()
        cutoff = NOW - shown.SHOWN_TO_DAYS * DAY
        deleted = shown.prune(session, cutoff, shown.local_day(NOW) - shown.COUNT_DAYS * DAY)
        session.commit()
        assert deleted == 3 + 1  # three conversation rows, one day's count
        assert shown.shown_to(session, "sms-a", NOW - 1000 * DAY) == ["svc-2"]
        assert set(shown.counts_since(session, date(2000, 1, 1))) == {"svc-year", "svc-1", "svc-2"}
        assert shown.prune(session, cutoff, shown.local_day(NOW) - shown.COUNT_DAYS * DAY) == 0


def test_the_retention_job_prunes_them(sessions, tmp_path):
    store = rasa_store(tmp_path / "tracker.db")
    with sessions() as session:
        shown.record(session, "sms-a", ["svc-old"], NOW - 401 * DAY)
        shown.record(session, "sms-a", ["svc-1"], NOW - 31 * DAY)
        shown.record(session, "sms-a", ["svc-2"], NOW - 29 * DAY)
        session.commit()
        assert purge(session, store, 30, 365, now=NOW, dry_run=True).shown == 3
        purged = purge(session, store, 30, 365, now=NOW)
        assert purged.shown == 3
    with sessions() as session:
        assert shown.shown_to(session, "sms-a", NOW - 1000 * DAY) == ["svc-2"]
        assert shown.counts_since(session, date(2000, 1, 1)) == {"svc-1": 1, "svc-2": 1}


# --- PostgreSQL: requests racing to create a day's row ----------------------------------------


def test_simultaneous_first_showings_count_them_all_on_postgresql(postgres_url):
    upgrade_to_head(postgres_url)
    engine = make_engine(postgres_url)
    sessions = make_session_factory(engine)
    workers, start = 8, threading.Barrier(8)
    errors: list[BaseException] = []

    def show(n: int) -> None:
        try:
            with sessions() as session:
                start.wait()
                ids = ["svc-1", "svc-2"] if n % 2 else ["svc-2", "svc-1"]
                shown.record(session, f"sms-{n}", ids, NOW)
                session.commit()
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=show, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert errors == []
        day = shown.local_day(NOW)
        assert counts(sessions) == {("svc-1", day): workers, ("svc-2", day): workers}
        assert len(rows_to(sessions)) == 2 * workers
    finally:
        engine.dispose()
