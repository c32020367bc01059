"""One tenant message is one database transaction in the gateway, from signature check to
reply: the provider's message id is committed with the turn's outcome (menu, language,
outbox rows), and no transaction is open while Rasa runs the turn (the action server
writes to the gateway during it). The outbox worker's own transactions come on top.

Transactions are counted at the database engine: every committed transaction that wrote
(INSERT, UPDATE, DELETE) is recorded with the tables it wrote to."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, make_url

from tests.gateway.channel_fixtures import (
    TELEGRAM_DATA,
    Channels,
    replies,
    running_channels,
    scripted_reply,
)

WRITES = ("INSERT", "UPDATE", "DELETE")


@dataclass
class Committed:
    """The tables each committed transaction wrote to, in commit order."""

    writes: list[set[str]] = field(default_factory=list)
    _open: dict[int, set[str]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def watch(self, engine: Engine) -> None:
        @event.listens_for(engine, "before_cursor_execute")
        def _statement(connection: Any, cursor: Any, statement: str, *_: Any) -> None:
            words = statement.split()
            verb = words[0].upper() if words else ""
            if verb in WRITES:
                table = words[2] if verb in ("INSERT", "DELETE") else words[1]
                with self._lock:
                    self._open.setdefault(id(connection), set()).add(table.strip('"'))

        @event.listens_for(engine, "commit")
        def _commit(connection: Any) -> None:
            with self._lock:
                tables = self._open.pop(id(connection), set())
                if tables:
                    self.writes.append(tables)

        @event.listens_for(engine, "rollback")
        def _rollback(connection: Any) -> None:
            with self._lock:
                self._open.pop(id(connection), None)

    def since(self, mark: int) -> list[set[str]]:
        with self._lock:
            return list(self.writes[mark:])

    def mark(self) -> int:
        with self._lock:
            return len(self.writes)


def of_the_message(transactions: list[set[str]]) -> list[set[str]]:
    """Leave out the outbox worker's own transactions (it only updates outbox rows)."""
    return [tables for tables in transactions if tables != {"outbox_message"}]


@pytest.fixture
def gateway(tmp_path: Path) -> Iterator[tuple[Channels, Committed, list[bool]]]:
    """The gateway whose Rasa, during each turn, checks that the gateway's database can be
    written by someone else (as the action server's calls to /internal do)."""
    with running_channels(tmp_path, reminder_poll_seconds=3600) as channels:
        committed = Committed()
        committed.watch(channels.client.app.state.engine)
        database = make_url(channels.settings.database_url).database
        free_during_turns: list[bool] = []

        def reply(sender: str, text: str) -> list[dict[str, Any]]:
            free_during_turns.append(_writable(database))
            return scripted_reply(sender, text)

        channels.rasa.reply = reply
        yield channels, committed, free_during_turns


def _writable(database: str) -> bool:
    """Another connection can take the write lock (waiting out brief ones)."""
    connection = sqlite3.connect(database, timeout=3, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        connection.close()


def test_an_sms_from_a_known_tenant_is_one_transaction(gateway):
    channels, committed, free = gateway
    replies(channels.sms("bonjour"))  # the first message registers the tenant
    mark = committed.mark()
    (answer,) = replies(channels.sms("choices please"))  # a turn that leaves a menu
    assert "1" in answer
    (transaction,) = of_the_message(committed.since(mark))
    assert {"inbound_message", "contact", "menu_option"} <= transaction
    assert free == [True, True]  # no transaction held while Rasa ran either turn


def test_an_sms_that_only_the_gateway_answers_is_one_transaction(gateway):
    channels, committed, _ = gateway
    replies(channels.sms("bonjour"))
    mark = committed.mark()
    (stopped,) = replies(channels.sms("STOP"))
    assert stopped
    (transaction,) = of_the_message(committed.since(mark))
    assert {"inbound_message", "contact"} <= transaction


def test_a_tenants_first_message_commits_the_registration_before_the_turn(gateway):
    """The action server looks the tenant up during the turn (a handoff, a reminder), so a
    new tenant's contact row is committed first: registration, then the message."""
    channels, committed, free = gateway
    mark = committed.mark()
    replies(channels.sms("bonjour"))
    registration, message = of_the_message(committed.since(mark))
    assert registration == {"contact"}
    assert "inbound_message" in message
    assert free == [True]


def test_a_telegram_update_is_one_transaction_plus_the_outbox_workers_own(gateway):
    channels, committed, free = gateway
    message = json.loads((TELEGRAM_DATA / "text.json").read_text())["message"]
    channels.telegram_update("text", update_id=9001, message={**message, "text": "bonjour"})
    _wait_for_sent(channels, 1)
    mark = committed.mark()
    channels.telegram_update("text", update_id=9002, message={**message, "text": "encore"})
    _wait_for_sent(channels, 2)
    transactions = committed.since(mark)
    (transaction,) = of_the_message(transactions)
    assert {"inbound_message", "contact", "outbox_message"} <= transaction
    assert {"outbox_message"} in transactions  # the worker marked the reply sent
    assert free == [True, True]


def _wait_for_sent(channels: Channels, count: int) -> None:
    deadline = time.monotonic() + 10
    while len(channels.telegram.sent()) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(channels.telegram.sent()) >= count
