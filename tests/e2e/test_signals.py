"""A real conversation with the real Rasa server and action server becomes the expected
anonymous signal rows: Rasa's SQL event broker (as endpoints.yml) feeds the consumer,
`python -m bot.signals consume` in the gateway's environment, which empties the table."""

from __future__ import annotations

import hashlib
import hmac
import os
import sqlite3
import subprocess
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.devtools.processes import GATEWAY_PYTHON, ROOT


def consume(events_db, signals_db) -> str:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": f"sqlite:///{signals_db}",
        "SIGNALS_SOURCE": "sql",
        "RASA_EVENT_BROKER_URL": f"sqlite:///{events_db}",
    }
    migrate = [str(GATEWAY_PYTHON), "-m", "bot.gateway", "migrate"]  # the consumer refuses a
    subprocess.run(migrate, cwd=ROOT, env=env, check=True, capture_output=True)  # missing schema
    command = [str(GATEWAY_PYTHON), "-m", "bot.signals", "consume", "--until-empty"]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stderr


def test_a_conversation_becomes_anonymous_signal_rows(assistant, rasa_directory, tmp_path):
    sender = assistant.new_sender()
    assistant.say(
        sender,
        "je cherche une école de devoirs à Schaerbeek",
        channel="sms",
        site="foyer-schaerbeek",
    )
    assistant.say(sender, "pour les enfants", channel="sms")
    assistant.say(sender, "ik wil dood, ik wil zelfmoord plegen", channel="sms")
    signals_db = tmp_path / "signals.db"
    log = consume(rasa_directory / "events.db", signals_db)
    with sqlite3.connect(signals_db) as connection:
        today = datetime.now(ZoneInfo("Europe/Brussels")).date()
        monday = (today - timedelta(days=today.weekday())).isoformat()
        key = connection.execute(
            "SELECT key FROM signal_week_key WHERE week = ?", (monday,)
        ).fetchone()[0]
        token = hmac.new(
            bytes.fromhex(key), f"conversation:{sender}".encode(), hashlib.sha256
        ).hexdigest()[:32]
        found = connection.execute(
            "SELECT week, topic, language, channel, commune, company_id, understood, urgent, "
            "handoff_reason FROM signal_event WHERE conversation = ? ORDER BY id",
            (token,),
        ).fetchall()
        everything = connection.execute("SELECT * FROM signal_event").fetchall()
    assert found == [
        (monday, "find_activity", "fr", "sms", "schaerbeek", "sample-company", 1, 0, None),
        (monday, "inform", "fr", "sms", "schaerbeek", "sample-company", 1, 0, None),
        (monday, "urgent_help", "nl", "sms", "schaerbeek", "sample-company", 1, 1, "danger"),
    ]
    shown = repr(everything) + log
    assert sender not in shown and "Schaerbeek" not in shown and "zelfmoord" not in shown
    with sqlite3.connect(rasa_directory / "events.db") as connection:
        assert connection.execute("SELECT count(*) FROM events").fetchone()[0] == 0
