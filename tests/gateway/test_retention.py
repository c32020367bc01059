"""Retention: bot conversations and working data after 30 days, closed handoffs after 12
months, Rasa's tracker events too (kept while a handoff needs them), opt-outs forever."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from bot.contacts.models import Contact, InboundMessage, MenuOption, VoiceCall
from bot.gateway.migrate import upgrade_to_head
from bot.handoff.models import Handoff, HandoffEntry, HousingCompany
from bot.outbox.models import OutboxMessage
from bot.privacy.retention import purge
from tests.gateway.conftest import ROOT

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)
DAY = timedelta(days=1)


def rasa_store(path) -> str:
    """A tracker store with the `events` table of Rasa's SQLTrackerStore."""
    with sqlite3.connect(path) as connection:
        connection.execute(
            "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, "
            "type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), "
            "action_name VARCHAR(255), data TEXT)"
        )
        rows = [
            ("sms-old", (NOW - 40 * DAY).timestamp()),
            ("sms-old", (NOW - DAY).timestamp()),
            ("sms-handoff", (NOW - 40 * DAY).timestamp()),
            ("sms-closed-long-ago", (NOW - 40 * DAY).timestamp()),
        ]
        connection.executemany(
            "INSERT INTO events (sender_id, type_name, timestamp, data) "
            "VALUES (?, 'user', ?, '{}')",
            rows,
        )
    return f"sqlite:///{path}"


def contact(session, address: str, last_seen: datetime, opted_out: bool = False) -> Contact:
    row = Contact(
        channel="sms",
        address=address,
        pseudonym=f"sms-{address}",
        last_seen_at=last_seen,
        created_at=last_seen,
        opted_out_at=last_seen if opted_out else None,
    )
    session.add(row)
    session.flush()
    return row


def test_retention_keeps_what_is_needed_and_deletes_the_rest(sessions, tmp_path):
    store = rasa_store(tmp_path / "tracker.db")
    with sessions() as session:
        session.add(HousingCompany(id="c", name="C", office_hours={}, holidays=[], sites=[]))
        recent = contact(session, "+1", NOW - DAY)
        idle = contact(session, "+2", NOW - 400 * DAY)
        stopped = contact(session, "+3", NOW - 400 * DAY, opted_out=True)
        waiting = Handoff(
            contact_id=recent.id,
            company_id="c",
            sender_id="sms-handoff",
            reason="asked",
            channel="sms",
            opened_at=NOW - 40 * DAY,
        )
        closed_old = Handoff(
            contact_id=recent.id,
            company_id="c",
            sender_id="sms-closed-long-ago",
            reason="asked",
            channel="sms",
            status="closed",
            closed_at=NOW - 400 * DAY,
        )
        session.add_all([waiting, closed_old])
        session.flush()
        session.add_all(
            [
                HandoffEntry(handoff_id=closed_old.id, author="tenant", text="vieux"),
                HandoffEntry(handoff_id=waiting.id, author="tenant", text="en cours"),
                OutboxMessage(
                    contact_id=recent.id,
                    channel="sms",
                    body="old",
                    status="sent",
                    created_at=NOW - 40 * DAY,
                ),
                OutboxMessage(
                    contact_id=recent.id,
                    channel="sms",
                    body="new",
                    status="sent",
                    created_at=NOW - DAY,
                ),
                MenuOption(
                    contact_id=recent.id, key="1", payload="/affirm", created_at=NOW - 40 * DAY
                ),
                InboundMessage(channel="sms", external_id="SMold", received_at=NOW - 40 * DAY),
                InboundMessage(channel="sms", external_id="SMnew", received_at=NOW - DAY),
            ]
        )
        session.commit()
        stopped_id, idle_id = stopped.id, idle.id

        dry = purge(session, store, 30, 365, now=NOW, dry_run=True)
        session.rollback()
        assert dry.rasa_events == 2
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 2

        purged = purge(session, store, 30, 365, now=NOW)
        session.commit()
        assert (
            purged.handoffs,
            purged.outbox,
            purged.menus,
            purged.inbound,
            purged.contacts,
            purged.rasa_events,
        ) == (1, 1, 1, 1, 1, 2)
        assert [h.sender_id for h in session.scalars(select(Handoff))] == ["sms-handoff"]
        assert list(session.scalars(select(HandoffEntry.text))) == ["en cours"]
        assert list(session.scalars(select(OutboxMessage.body))) == ["new"]
        assert session.get(Contact, idle_id) is None
        assert session.get(Contact, stopped_id) is not None  # an opt-out outlives the rest
    with sqlite3.connect(tmp_path / "tracker.db") as connection:
        left = connection.execute("SELECT sender_id FROM events ORDER BY id").fetchall()
    # the recent event stays; the open handoff's bot part stays; the rest is gone
    assert left == [("sms-old",), ("sms-handoff",)]


def test_a_whatsapp_message_held_for_a_tenant_who_never_wrote_again_is_not_kept_forever(
    sessions, tmp_path
):
    """Held outside WhatsApp's window, a reply waits for the tenant; if they never write
    again, its text goes with the bot's data, unless its conversation's transcript is kept."""
    store = rasa_store(tmp_path / "tracker.db")
    with sessions() as session:
        session.add(HousingCompany(id="c", name="C", office_hours={}, holidays=[], sites=[]))
        tenant = contact(session, "whatsapp:+1", NOW - 40 * DAY)
        handoff = Handoff(
            contact_id=tenant.id,
            company_id="c",
            sender_id="whatsapp-open",
            reason="asked",
            channel="whatsapp",
            opened_at=NOW - 40 * DAY,
        )
        session.add(handoff)
        session.flush()
        old = dict(contact_id=tenant.id, channel="whatsapp", status="held")
        in_transcript = OutboxMessage(body="reply", created_at=NOW - 35 * DAY, **old)
        stray = OutboxMessage(body="late bot answer", created_at=NOW - 35 * DAY, **old)
        recent = OutboxMessage(body="this week", created_at=NOW - DAY, **old)
        session.add_all([in_transcript, stray, recent])
        session.flush()
        session.add(
            HandoffEntry(
                handoff_id=handoff.id, author="caseworker", text="reply", outbox_id=in_transcript.id
            )
        )
        session.commit()
        purge(session, store, 30, 365, now=NOW)
        session.commit()
        kept = sorted(session.scalars(select(OutboxMessage.body)))
    assert kept == ["reply", "this week"]


def test_the_purge_command_reports_and_a_dry_run_deletes_nothing(tmp_path):
    store = rasa_store(tmp_path / "tracker.db")
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "RASA_TRACKER_STORE_URL": store,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'gateway.db'}",
        "RASA_EVENT_BROKER_URL": f"sqlite:///{tmp_path / 'events.db'}",
    }
    # `python -m bot.gateway migrate` first: the command refuses an old or missing schema
    upgrade_to_head(env["DATABASE_URL"])
    command = [sys.executable, "-m", "bot.privacy", "purge"]
    dry = subprocess.run([*command, "--dry-run"], env=env, capture_output=True, text=True)
    assert dry.returncode == 0 and "would delete" in dry.stdout and "3 Rasa events" in dry.stdout
    real = subprocess.run(command, env=env, capture_output=True, text=True)
    assert "deleted:" in real.stdout and "3 Rasa events" in real.stdout
    with sqlite3.connect(tmp_path / "tracker.db") as connection:
        assert connection.execute("SELECT count(*) FROM events").fetchone() == (1,)


def broker_table(path, ages_in_days: list[float]) -> str:
    """Rasa's SQL event broker table (`events`: id, sender_id, data) with one user event,
    and its text, per age."""
    with sqlite3.connect(path) as connection:
        connection.execute(
            "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255), data TEXT)"
        )
        connection.executemany(
            "INSERT INTO events (sender_id, data) VALUES ('sms-x', ?)",
            [
                (
                    json.dumps(
                        {
                            "event": "user",
                            "text": "je cherche du sport",
                            "timestamp": (NOW - age * DAY).timestamp(),
                        }
                    ),
                )
                for age in ages_in_days
            ],
        )
        connection.execute("INSERT INTO events (sender_id, data) VALUES ('sms-x', 'not json')")
    return f"sqlite:///{path}"


def test_events_the_signals_consumer_never_read_are_deleted_after_the_bot_retention(
    sessions, tmp_path
):
    broker = broker_table(tmp_path / "events.db", [40, 31, 29, 0])
    with sessions() as session:
        dry = purge(
            session,
            rasa_store(tmp_path / "rasa.db"),
            30,
            365,
            now=NOW,
            dry_run=True,
            event_broker_url=broker,
        )
        purged = purge(
            session, rasa_store(tmp_path / "rasa2.db"), 30, 365, now=NOW, event_broker_url=broker
        )
    assert dry.broker_events == purged.broker_events == 3  # 40 and 31 days old, and unreadable
    with sqlite3.connect(tmp_path / "events.db") as connection:
        ages = [
            round((NOW.timestamp() - json.loads(data)["timestamp"]) / DAY.total_seconds())
            for (data,) in connection.execute("SELECT data FROM events")
        ]
    assert ages == [29, 0]


def test_a_broker_rasa_has_not_written_to_yet_is_no_error(sessions, tmp_path):
    with sessions() as session:
        purged = purge(
            session,
            rasa_store(tmp_path / "rasa.db"),
            30,
            365,
            now=NOW,
            event_broker_url=f"sqlite:///{tmp_path / 'empty.db'}",
        )
    assert purged.broker_events == 0


def test_a_busy_rasa_store_never_keeps_the_gateway_waiting(sessions, tmp_path):
    """Rasa writes to its tracker store all the time. While the retention run waits for
    that store, tenant messages must still get the gateway's database: its part of the
    run is committed before another store is touched."""
    store = rasa_store(tmp_path / "tracker.db")
    rasa_busy = sqlite3.connect(tmp_path / "tracker.db", isolation_level=None)
    rasa_busy.execute("BEGIN EXCLUSIVE")  # Rasa in the middle of saving a turn
    with sessions() as session:
        session.add(HousingCompany(id="c", name="C", office_hours={}, holidays=[], sites=[]))
        session.add(contact(session, "+2", NOW - 400 * DAY))
        session.commit()
    gateway_db = sessions.kw["bind"].url.database
    outcome: list[BaseException | None] = []

    def retention() -> None:
        with sessions() as session:
            try:
                purge(session, store, 30, 365, now=NOW)
                outcome.append(None)
            except BaseException as error:  # the locked store: this run fails, next one works
                outcome.append(error)

    run = threading.Thread(target=retention)
    run.start()
    time.sleep(1.0)  # the run is now waiting for Rasa's store
    assert run.is_alive()
    tenant = sqlite3.connect(gateway_db, timeout=0.5, isolation_level=None)
    tenant.execute("BEGIN IMMEDIATE")  # a tenant message's unit of work gets the write lock
    tenant.execute("ROLLBACK")
    rasa_busy.execute("ROLLBACK")
    run.join(timeout=30)
    assert outcome == [None]
    with sessions() as session:  # the idle contact is gone (the gateway part was committed)
        assert session.scalar(select(func.count()).select_from(Contact)) == 0


def test_a_phone_call_state_is_kept_a_day_only(sessions, tmp_path):
    """The phone line's state of a call (its counts, the results being read) serves while
    the call lasts: after a day it goes, though its caller's data stay."""
    store = rasa_store(tmp_path / "tracker.db")
    with sessions() as session:
        caller = contact(session, "+32470000001", NOW - DAY)
        session.add_all(
            [
                VoiceCall(call_sid="CA-old", contact_id=caller.id, created_at=NOW - 2 * DAY),
                VoiceCall(call_sid="CA-now", contact_id=caller.id, created_at=NOW - DAY / 2),
            ]
        )
        session.commit()
        purge(session, store, 30, 365, now=NOW)
        session.commit()
        kept = sorted(session.scalars(select(VoiceCall.call_sid)))
        assert session.get(Contact, caller.id) is not None
    assert kept == ["CA-now"]
