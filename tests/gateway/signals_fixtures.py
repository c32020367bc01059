"""Real Rasa events (tests/data/signals/rasa_events.json, written by Rasa's SQL event broker
for four conversations, see capture.py there) and helpers to turn them into signal rows."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.handoff.store import load_companies
from bot.signals.assembler import TurnAssembler
from bot.signals.models import SignalEvent
from bot.signals.recorder import Recorder
from tests.gateway.conftest import ROOT

EVENTS = ROOT / "tests" / "data" / "signals" / "rasa_events.json"
COMPANIES = ROOT / "data" / "housing_companies.yml"
COLUMNS = (
    "week",
    "conversation",
    "topic",
    "language",
    "channel",
    "commune",
    "company_id",
    "understood",
    "urgent",
    "handoff_reason",
)


def rasa_events(**timestamps: float) -> list[dict[str, Any]]:
    """The captured events; `sender=timestamp` moves a conversation to another moment."""
    events = json.loads(EVENTS.read_text(encoding="utf-8"))
    for event in events:
        sender = event["sender_id"].replace("capture-", "")
        if sender in timestamps:
            event["timestamp"] = timestamps[sender]
    return events


def of_sender(events: Iterable[dict[str, Any]], sender: str) -> list[dict[str, Any]]:
    return [copy.deepcopy(event) for event in events if event["sender_id"] == sender]


def with_companies(sessions: sessionmaker) -> sessionmaker:
    with sessions() as session:
        load_companies(session, COMPANIES)
        session.commit()
    return sessions


def record_all(sessions: sessionmaker, events: Iterable[dict[str, Any]]) -> int:
    """Feed events through the assembler and recorder as the consumer does; rows written."""
    recorder = Recorder(sessions)
    assembler = TurnAssembler(recorder.tokenize)
    written = 0
    for position, event in enumerate(events):
        for done in assembler.add(event, position):
            written += recorder.record(done)
    for done in assembler.flush():
        written += recorder.record(done)
    return written


def rows(sessions: sessionmaker) -> list[dict[str, Any]]:
    with sessions() as session:
        found = session.scalars(select(SignalEvent).order_by(SignalEvent.id)).all()
        return [{column: getattr(row, column) for column in COLUMNS} for row in found]


def identifiers(events: Iterable[dict[str, Any]]) -> set[str]:
    """What must never reach a row: sender ids, message ids, message and reply texts."""
    found: set[str] = set()
    for event in events:
        found.add(event["sender_id"])
        for key in ("message_id", "text"):
            if event.get(key):
                found.add(str(event[key]))
    return found
