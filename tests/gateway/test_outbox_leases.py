"""The outbox's leases: a message whose worker died mid-send is sent once by another
worker, before the contact's later messages; two workers racing on PostgreSQL send each
message once and in order per contact; every sender error ends as a retry or a failure,
never as a row stuck `sending`; failed messages show on the conversation page and in the
metrics. Real parts: the migrated database, the real Twilio and Telegram senders against
the loopback Twilio and Telegram servers, the gateway app."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.twilio_sender import TwilioSender
from bot.contacts.models import Contact
from bot.core.clock import utcnow
from bot.core.db import make_engine, make_session_factory
from bot.core.metrics import Metrics
from bot.devtools.loopback import FakeTwilio
from bot.gateway.migrate import upgrade_to_head
from bot.outbox import store as outbox_store
from bot.outbox import worker as outbox_worker
from bot.outbox.delivery import Delivery, Outcome
from bot.outbox.models import OutboxMessage
from bot.outbox.store import enqueue
from bot.outbox.worker import MAX_ATTEMPTS, OutboxWorker
from tests.gateway.channel_fixtures import INTERNAL, console_with_staff
from tests.gateway.test_handoff import csrf_of, login, open_for_tenant, wait_for
from tests.gateway.test_metrics import metric


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    server = FakeTwilio()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def twilio_sender(server: FakeTwilio) -> TwilioSender:
    return TwilioSender("AC" + "1" * 32, "token", "+32460000000", "https://x/status", server.url)


def add_contact(sessions: sessionmaker[Session], address: str, channel: str = "sms") -> int:
    with sessions() as session:
        contact = Contact(channel=channel, address=address, pseudonym=f"{channel}-{address}")
        session.add(contact)
        session.commit()
        return contact.id


def add_messages(sessions: sessionmaker[Session], contact_id: int, *bodies: str) -> list[int]:
    with sessions() as session:
        ids = [enqueue(session, contact_id, "sms", body) for body in bodies]
        session.commit()
    return ids


def rows(sessions: sessionmaker[Session]) -> list[OutboxMessage]:
    with sessions() as session:
        found = list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        session.expunge_all()
        return found


def waiting(sessions: sessionmaker[Session]) -> int:
    return sum(1 for row in rows(sessions) if row.status in ("pending", "sending"))


def expire_lease(sessions: sessionmaker[Session], outbox_id: int) -> None:
    """As if the lease's time had passed (its worker died)."""
    with sessions() as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == outbox_id)
            .values(lease_until=utcnow() - timedelta(seconds=1))
        )
        session.commit()


# The scenarios below run the worker on an event loop, as the gateway does; their own
# database reads run in a thread, as the gateway's must (bot/core/db.py refuses otherwise).


async def drain_until_idle(
    worker: OutboxWorker, sessions: sessionmaker[Session], seconds: float = 20
) -> None:
    """Drain as the worker's loop does, until no message waits (retries included)."""
    deadline = time.monotonic() + seconds
    while await asyncio.to_thread(waiting, sessions):
        assert time.monotonic() < deadline, [(r.id, r.status) for r in rows(sessions)]
        if not await worker.drain_once():
            await asyncio.sleep(0.02)


def bodies_sent(server: FakeTwilio) -> list[str]:
    return [message["Body"] for message in server.sent()]


# --- a worker dies mid-send ----------------------------------------------------------


def test_a_message_left_sending_by_a_dead_worker_is_sent_once_by_another_before_later_ones(
    sessions, twilio
):
    contact = add_contact(sessions, "+32470000001")
    first, *_ = add_messages(sessions, contact, "un", "deux", "trois")

    async def scenario() -> None:
        sender = twilio_sender(twilio)
        try:
            dead = OutboxWorker(sessions, {"sms": sender}, lease_seconds=60)
            (claimed,) = await asyncio.to_thread(
                dead._claim_due
            )  # claimed, then killed before sending
            assert claimed.outbox_id == first
            alive = OutboxWorker(sessions, {"sms": sender}, lease_seconds=60)
            assert await alive.drain_once() == 0  # the lease holds: nothing, not even "deux"
            assert twilio.sent() == []
            await asyncio.to_thread(expire_lease, sessions, first)
            await drain_until_idle(alive, sessions)
        finally:
            await sender.close()

    asyncio.run(scenario())
    assert bodies_sent(twilio) == ["un", "deux", "trois"]
    assert [(row.status, row.attempts, row.lease_until) for row in rows(sessions)] == [
        ("sent", 2, None),  # the dead worker's attempt counts
        ("sent", 1, None),
        ("sent", 1, None),
    ]


def test_a_message_twilio_accepted_before_its_worker_died_is_not_sent_again(sessions, twilio):
    contact = add_contact(sessions, "+32470000009")
    first, _ = add_messages(sessions, contact, "déjà parti", "suivant")

    async def scenario() -> None:
        sender = twilio_sender(twilio)
        try:
            dead = OutboxWorker(sessions, {"sms": sender}, lease_seconds=60)
            (claimed,) = await asyncio.to_thread(dead._claim_due)
            sid = await sender.send(claimed)  # Twilio has it; the worker dies before recording
            await asyncio.to_thread(expire_lease, sessions, first)
            alive = OutboxWorker(sessions, {"sms": sender}, lease_seconds=60)
            await drain_until_idle(alive, sessions)
            (row, _) = await asyncio.to_thread(rows, sessions)
            assert row.provider_id == sid
        finally:
            await sender.close()

    asyncio.run(scenario())
    assert bodies_sent(twilio) == ["déjà parti", "suivant"]  # once each
    assert [row.status for row in rows(sessions)] == ["sent", "sent"]


def test_a_worker_that_dies_on_every_attempt_fails_the_message_and_frees_the_contact(
    sessions, twilio
):
    contact = add_contact(sessions, "+32470000002")
    first, _ = add_messages(sessions, contact, "poison", "suivant")

    async def scenario() -> None:
        sender = twilio_sender(twilio)
        try:
            for _ in range(MAX_ATTEMPTS):
                (claimed,) = await asyncio.to_thread(
                    OutboxWorker(sessions, {"sms": sender})._claim_due
                )
                assert claimed.outbox_id == first
                # ... and each time the worker is killed
                await asyncio.to_thread(expire_lease, sessions, first)
            await drain_until_idle(OutboxWorker(sessions, {"sms": sender}), sessions)
        finally:
            await sender.close()

    asyncio.run(scenario())
    poison, following = rows(sessions)
    assert (poison.status, poison.attempts) == ("failed", MAX_ATTEMPTS)
    assert poison.failed_at is not None and "stopped" in (poison.last_error or "")
    assert following.status == "sent" and bodies_sent(twilio) == ["suivant"]


def test_a_database_error_while_recording_the_outcome_is_recorded_later_not_resent(
    sessions, twilio, monkeypatch
):
    monkeypatch.setattr(outbox_worker, "FINISH_TRIES", (0.01,))
    contact = add_contact(sessions, "+32470000003")
    (message,) = add_messages(sessions, contact, "une fois")
    database_down = True

    async def scenario() -> None:
        nonlocal database_down
        sender = twilio_sender(twilio)
        worker_ = OutboxWorker(sessions, {"sms": sender})
        real_finish = worker_._finish_outcome

        def finish(outcome: Outcome) -> None:
            if database_down:
                raise OperationalError("UPDATE outbox_message", {}, Exception("server closed"))
            real_finish(outcome)

        monkeypatch.setattr(worker_, "_finish_outcome", finish)
        try:
            assert await worker_.drain_once() == 1
            (row,) = await asyncio.to_thread(rows, sessions)
            assert row.status == "sending" and row.lease_until is not None  # under its lease
            database_down = False
            assert await worker_.drain_once() == 0  # records the kept outcome first
        finally:
            await sender.close()

    asyncio.run(scenario())
    (row,) = rows(sessions)
    assert (row.status, row.attempts, row.lease_until) == ("sent", 1, None)
    assert row.provider_id and bodies_sent(twilio) == ["une fois"]
    assert message == row.id


def test_an_attempt_that_outlived_its_claim_does_not_overwrite_the_new_one(sessions, twilio):
    contact = add_contact(sessions, "+32470000004")
    (message,) = add_messages(sessions, contact, "repris")
    slow = OutboxWorker(sessions, {})
    (stale,) = slow._claim_due()
    expire_lease(sessions, message)
    (fresh,) = OutboxWorker(sessions, {})._claim_due()
    assert (stale.attempt, fresh.attempt) == (1, 2)
    slow._finish_outcome(Outcome(stale, "failed", error="late"))  # matches nothing
    (row,) = rows(sessions)
    assert (row.status, row.attempts, row.last_error) == ("sending", 2, None)


# --- two workers on PostgreSQL -------------------------------------------------------


def test_two_workers_racing_on_postgresql_send_each_message_once_in_order(postgres_url, twilio):
    upgrade_to_head(postgres_url)
    engines = [make_engine(postgres_url) for _ in range(2)]
    factories = [make_session_factory(engine) for engine in engines]
    numbers = [f"+3247000010{n}" for n in range(5)]
    expected: dict[str, list[str]] = defaultdict(list)
    contacts = {number: add_contact(factories[0], number) for number in numbers}
    for index in range(40):  # interleaved: each contact's messages among the others'
        number = numbers[index % len(numbers)]
        body = f"{number[-1]}-{index:02d}"
        add_messages(factories[0], contacts[number], body)
        expected[number].append(body)
    barrier, errors = threading.Barrier(2), []
    drained: list[int] = []

    def run_worker(factory: sessionmaker[Session]) -> None:
        async def drain() -> None:
            sender = twilio_sender(twilio)
            worker_ = OutboxWorker(factory, {"sms": sender})
            try:
                barrier.wait()
                deadline = time.monotonic() + 60
                while await asyncio.to_thread(waiting, factory) and time.monotonic() < deadline:
                    drained.append(await worker_.drain_once())
            finally:
                await sender.close()

        try:
            asyncio.run(drain())
        except Exception as error:  # reported by the test thread
            errors.append(error)

    threads = [threading.Thread(target=run_worker, args=(f,)) for f in factories]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    final = rows(factories[0])
    for engine in engines:
        engine.dispose()
    assert errors == []
    assert [(row.status, row.attempts) for row in final] == [("sent", 1)] * 40
    sent: dict[str, list[str]] = defaultdict(list)
    for message in twilio.sent():
        sent[message["To"]].append(message["Body"])
    assert sent == expected  # each once, each contact's in the order written
    assert sum(drained) == 40  # no message was attempted twice


# --- sender errors -------------------------------------------------------------------


class Broken:
    """A sender with a bug for one text (an exception it does not translate); the real
    Twilio sender for the rest."""

    def __init__(self, real: TwilioSender, broken_text: str) -> None:
        self.real, self.broken_text, self.calls = real, broken_text, 0

    async def send(self, delivery: Delivery) -> str:
        if delivery.body == self.broken_text:
            self.calls += 1
            raise KeyError("a sender's bug")
        return await self.real.send(delivery)


def test_an_untranslated_sender_exception_is_retried_then_fails_never_stuck(
    sessions, twilio, monkeypatch
):
    monkeypatch.setattr(outbox_worker, "FIRST_BACKOFF_SECONDS", 0.01)
    contact = add_contact(sessions, "+32470000005")
    add_messages(sessions, contact, "bug", "après")
    statuses: list[str] = []

    async def scenario() -> None:
        sender = Broken(twilio_sender(twilio), "bug")
        worker_ = OutboxWorker(sessions, {"sms": sender})
        try:
            deadline = time.monotonic() + 20
            while await asyncio.to_thread(waiting, sessions):
                assert time.monotonic() < deadline
                if await worker_.drain_once():
                    statuses.append((await asyncio.to_thread(rows, sessions))[0].status)
                await asyncio.sleep(0.01)
        finally:
            await sender.real.close()
        assert sender.calls == MAX_ATTEMPTS

    asyncio.run(scenario())
    broken, following = rows(sessions)
    assert statuses[: MAX_ATTEMPTS - 1] == ["pending"] * (MAX_ATTEMPTS - 1)  # retried
    assert "sending" not in statuses
    assert (broken.status, broken.attempts, broken.last_error) == (
        "failed",
        MAX_ATTEMPTS,
        "unexpected KeyError",
    )
    assert following.status == "sent" and bodies_sent(twilio) == ["après"]


def test_a_send_that_hangs_is_abandoned_before_its_lease_ends(sessions, monkeypatch):
    monkeypatch.setattr(outbox_worker, "FIRST_BACKOFF_SECONDS", 60)
    contact = add_contact(sessions, "+32470000006")
    add_messages(sessions, contact, "bloqué")

    class Hanging:
        async def send(self, delivery: Delivery) -> str:
            await asyncio.sleep(3600)
            return "never"

    worker_ = OutboxWorker(sessions, {"sms": Hanging()}, lease_seconds=0.6)
    started = time.monotonic()
    assert asyncio.run(worker_.drain_once()) == 1
    assert time.monotonic() - started < 0.6
    (row,) = rows(sessions)
    assert (row.status, row.lease_until, row.last_error) == (
        "pending",
        None,
        "no answer within 0.3 s",
    )


def test_a_telegram_contact_without_a_chat_id_fails_at_once_and_blocks_nothing(channels):
    with channels.sessions() as session:
        bad = Contact(channel="telegram", address="not-a-chat", pseudonym="tg-bad")
        good = Contact(channel="telegram", address="555000111", pseudonym="tg-good")
        session.add_all([bad, good])
        session.flush()
        for contact in (bad, good):
            enqueue(session, contact.id, "telegram", "Premier message.")
            enqueue(session, contact.id, "telegram", "Deuxième message.")
        session.commit()
        bad_id = bad.id
    channels.client.app.state.services.outbox.wake()
    sent = channels.telegram.wait_for(2, "sendMessage")
    assert [(str(r.body["chat_id"]), r.body["text"]) for r in sent] == [
        ("555000111", "Premier message."),
        ("555000111", "Deuxième message."),
    ]

    def settled() -> list[OutboxMessage] | None:
        found = rows(channels.sessions)
        return found if all(row.status in outbox_store.FINAL for row in found) else None

    found = wait_for(settled)
    assert [(r.contact_id == bad_id, r.status, r.attempts) for r in found] == [
        (True, "failed", 1),
        (True, "failed", 1),  # the contact's next message was not held up
        (False, "sent", 1),
        (False, "sent", 1),
    ]
    assert found[0].last_error == "Telegram: the address is not a chat id"
    assert len(channels.telegram.sent()) == 2


# --- failed messages are visible -----------------------------------------------------


def test_failed_messages_show_on_the_conversation_page_and_in_the_metrics(tmp_path, monkeypatch):
    monkeypatch.setattr(outbox_worker, "FIRST_BACKOFF_SECONDS", 0.01)
    with console_with_staff(
        tmp_path,
        [
            ("ana@a.example", "company-a", "caseworker", "fr"),
            ("bob@a.example", "company-a", "caseworker", "nl"),
        ],
    ) as desk:
        handoff_id = open_for_tenant(desk)
        desk.twilio.fail_next = 1000  # Twilio answers 500, always
        login(desk)
        path = f"/console/handoffs/{handoff_id}"
        desk.client.post(f"{path}/claim", data={"csrf": csrf_of(desk)})
        desk.client.post(
            f"{path}/reply", data={"message": "Bonjour, ici Ana.", "csrf": csrf_of(desk, path)}
        )

        def all_failed() -> bool:
            found = rows(desk.sessions)
            return len(found) == 2 and all(row.status == "failed" for row in found)

        wait_for(all_failed, seconds=20)
        assert len(desk.twilio.sent()) == 2 * MAX_ATTEMPTS
        page = desk.client.get(path).text
        # the alert's title, the reply in the transcript, each message of the list
        assert page.count("n&#39;a pas atteint le locataire") == 1 + 1 + 2
        assert "Un message n&#39;a pas atteint le locataire. Renvoyez-le" in page
        assert page.count("Renvoyer ce message") == 2
        assert page.count("par SMS") == 2 and "Bonjour, ici Ana." in page
        desk.client.cookies.clear()  # another staff member's browser
        login(desk, "bob@a.example")
        page_nl = desk.client.get(path).text
        assert "Een bericht bereikte de huurder niet" in page_nl
        assert page_nl.count("via sms") == 2

        body = desk.client.get(f"{INTERNAL}/metrics").text
        assert metric(body, "gateway_outbox_failed") == 2
        assert metric(body, "gateway_outbox_sending_past_lease") == 0
        assert metric(body, "gateway_outbox_depth") == 0


def test_the_metrics_read_failed_messages_and_lapsed_leases_from_the_database(sessions):
    contact = add_contact(sessions, "+32470000007")
    add_messages(sessions, contact, "a", "b")
    other = add_contact(sessions, "+32470000008")
    add_messages(sessions, other, "c")
    with sessions() as session:
        session.execute(
            update(OutboxMessage).where(OutboxMessage.body == "a").values(status="failed")
        )
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.body == "c")
            .values(status="sending", lease_until=utcnow() - timedelta(seconds=5))
        )
        session.commit()

    def read(function: Callable[[Session], Any]) -> Callable[[], Any]:
        def reader() -> Any:
            with sessions() as session:
                return function(session)

        return reader

    metrics = Metrics(lambda: float(read(outbox_store.depth)()), read(outbox_store.gauges))
    body = metrics.exposition().decode()
    assert metric(body, "gateway_outbox_depth") == 2
    assert metric(body, "gateway_outbox_failed") == 1
    assert metric(body, "gateway_outbox_sending_past_lease") == 1
