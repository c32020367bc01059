"""Faults under load, on the production profile (bot/devtools/stack.py): 2 Rasa replicas on
PostgreSQL, Redis and RabbitMQ, one action server, the gateway with 2 workers on
PostgreSQL. Each test runs simulated SMS tenants (signed webhooks) while something breaks,
then checks that every accepted tenant message got exactly one bot turn, in order, and is
stored once in Rasa's tracker store.

Where Twilio retries (TWILIO_RETRIES: its connection overrides `#rc=5&rp=all&rt=5000`),
every message a tenant sent counts: lost is a message that never got its bot turn or
reply, duplicated a second bot turn (or reply) for one MessageSid; both must be 0."""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from collections import Counter

import psycopg2
import pytest
import redis
import requests
from twilio.request_validator import RequestValidator

from bot.devtools.gateway_process import running_gateway, running_gateway_process
from bot.devtools.load import SCRIPTS, LoadResult, TwilioRetries, run_load
from bot.devtools.load_checks import check_delivery, check_tracker
from bot.devtools.loopback import FakeTwilio, ScriptedRasa
from bot.devtools.stack import (
    POSTGRES,
    PSEUDONYM_KEY,
    PUBLIC_URL,
    RASA_TOKEN,
    REDIS_LOCK_DB,
    TWILIO_TOKEN,
    Stack,
    databases,
    production_gateway_env,
    production_stack,
)
from tests.e2e.private_postgres import private_postgres

UNAVAILABLE = ("ne répond pas", "antwoordt nu niet")
# Twilio's webhook connection overrides in these tests: 5 retries on any failure, a 5 s read
# timeout (shorter than the gateway's 8 s reply deadline, so a slow turn is retried while it
# still runs), all within Twilio's 15 s total. Twilio documents no pause between attempts:
# 2 s here, so that five retries span a PostgreSQL restart.
TWILIO_RETRIES = TwilioRetries(count=5, read_timeout=5.0, total_seconds=15.0, pause_seconds=2.0)
NOTHING = {"lost": 0, "duplicated": 0, "tracker_missing": 0, "tracker_duplicated": 0}
# A dead worker's claims (a turn that outlived its webhook, an outbox send) are taken over
# when their lease runs out: short leases here, so that tenants wait seconds, not minutes.
SHORT_LEASES = {"LATE_TURN_LEASE_SECONDS": "10", "OUTBOX_LEASE_SECONDS": "20"}


@pytest.fixture(scope="module")
def twilio():
    server = FakeTwilio().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def stack(tmp_path_factory, twilio):
    workdir = tmp_path_factory.mktemp("faults")
    with production_stack(workdir, twilio.url, gateway_env=SHORT_LEASES) as running:
        yield running


def load(
    gateway: str,
    conversations: int,
    twilio: FakeTwilio,
    during=None,
    max_seconds: float = 300,
    retries: TwilioRetries | None = None,
) -> LoadResult:
    """Tenants write one message at a time; an answer that comes later by SMS (past the
    webhook's deadline, e.g. while a crashed replica's lock expires) is awaited before the
    next message, as a tenant waits for it."""

    def sms_received(number: str) -> int:
        return sum(1 for sent in twilio.sent() if sent["To"] == number)

    return asyncio.run(
        run_load(
            gateway,
            PUBLIC_URL,
            conversations,
            4,
            max_seconds,
            during=during,
            auth_token=TWILIO_TOKEN,
            late_replies=sms_received,
            retries=retries,
        )
    )


def losses(result: LoadResult, twilio: FakeTwilio, stack: Stack) -> dict[str, int]:
    """Lost and duplicated turns, from what the tenants got (webhook answers and outbox
    SMS: check_delivery) and from Rasa's tracker store (check_tracker), as counts."""
    delivery = check_delivery(result, twilio, settle_seconds=60)
    tracker = check_tracker(result, stack.tracker_connection(), PSEUDONYM_KEY)
    return {
        "lost": len(delivery.lost),
        "duplicated": len(delivery.duplicated),
        "tracker_missing": tracker.missing,
        "tracker_duplicated": tracker.duplicated,
    }


def attempts(result: LoadResult, **more: int) -> str:
    """What Twilio's retries went through (a failure's message, in full)."""
    return str(
        {
            "messages": len(result.turns),
            "retried": result.retried,
            "attempts": sum(len(turn.attempts) for turn in result.turns),
            "503": sum(turn.attempts.count(503) for turn in result.turns),
            "no_answer": sum(turn.attempts.count(0) for turn in result.turns),
            "failed_at_last": sum(1 for turn in result.turns if turn.status != 200),
            **more,
        }
    )


def assert_nothing_lost_or_repeated(
    result: LoadResult, twilio: FakeTwilio, stack, accepted_only: bool = False
) -> None:
    delivery = check_delivery(result, twilio, settle_seconds=60)
    if accepted_only:  # a request refused with an error was not accepted: not "lost"
        assert [lost for lost in delivery.lost if lost[1] == -1] == []
    else:
        assert delivery.lost == [] and delivery.http_errors == 0
    assert delivery.duplicated == []
    tracker = check_tracker(result, stack.tracker_connection(), PSEUDONYM_KEY)
    assert (tracker.missing, tracker.duplicated, tracker.out_of_order) == (0, 0, 0), (
        tracker.mismatches,
        [(t.number, t.index, t.sent, t.replies) for t in result.turns if not t.replies][:10],
    )


def sms(gateway: str, number: str, body: str) -> str:
    params = {
        "MessageSid": f"SM{uuid.uuid4().hex}",
        "From": number,
        "To": "+32460000000",
        "Body": body,
        "NumMedia": "0",
        "AccountSid": "AC" + "5" * 32,
    }
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(
        f"{PUBLIC_URL}/webhooks/sms", params
    )
    response = requests.post(
        f"{gateway}/webhooks/sms",
        data=params,
        timeout=60,
        headers={"X-Twilio-Signature": signature},
    )
    assert response.status_code == 200, response.text
    return response.text


def turns_in_progress() -> int:
    """Conversations some replica is running a turn for (their Redis lock exists)."""
    return len(redis.Redis(host="127.0.0.1", port=6379, db=REDIS_LOCK_DB).keys("*lock*"))


def test_a_rasa_replica_killed_and_restarted_during_load_loses_and_repeats_nothing(stack, twilio):
    def crash_and_restart() -> None:
        deadline = time.monotonic() + 10  # crash in the middle of turns, not between them
        while turns_in_progress() < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        stack.replicas[0].kill()
        time.sleep(2)
        stack.replicas[0].start()

    result = load(stack.gateway, 24, twilio, during=crash_and_restart)
    assert len(result.turns) == 240
    assert_nothing_lost_or_repeated(result, twilio, stack)
    assert not [t for t in result.turns if any(u in r for r in t.replies for u in UNAVAILABLE)]
    health = requests.get(f"{stack.gateway}/healthz", timeout=10).json()
    assert health["checks"]["rasa"] == "ok"  # both replicas serve again


def test_the_action_server_down_gets_an_apology_and_the_offer_of_a_person(stack, twilio):
    stack.actions.stop()
    try:
        answer = sms(stack.gateway, "+32491000001", "je cherche du sport à Jette")
        assert "Désolé" in answer and "PERSONNE" in answer and "112" in answer
        assert "Une personne du service social" in sms(stack.gateway, "+32491000001", "personne")
        result = load(stack.gateway, 8, twilio)  # tenants keep writing while it is down
    finally:
        stack.actions.start()
    assert_nothing_lost_or_repeated(result, twilio, stack)
    apologies = [t for t in result.turns if any("PERSONNE" in r or "MENS" in r for r in t.replies)]
    assert apologies, "the searches that need the action server were answered with an apology"
    connection = psycopg2.connect(dbname=stack.gateway_database, **POSTGRES)
    with connection, connection.cursor() as cursor:
        cursor.execute("SELECT reason, status FROM handoff")
        assert ("asked", "waiting") in cursor.fetchall()
    connection.close()


def test_twilio_failing_for_a_while_the_outbox_drains_after(stack, tmp_path):
    """Every reply goes through the outbox here (a reply deadline of almost nothing), while
    Twilio's API answers 500 to the first sends (three per tenant writing at that time; the
    outbox gives up after six). Each tenant waits for the SMS answer before typing again."""
    twilio = FakeTwilio().start()
    twilio.fail_next = 12
    name = f"gateway_outbox_{uuid.uuid4().hex[:8]}"
    env = {
        "DATABASE_URL": f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}",
        "TWILIO_API_URL": twilio.url,
        "PUBLIC_URL": PUBLIC_URL,
        "SMS_REPLY_DEADLINE_SECONDS": "0.01",
        "PSEUDONYM_KEY": PSEUDONYM_KEY,
        "RASA_TOKEN": RASA_TOKEN,
        "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
    }
    try:
        with (
            databases(name),
            running_gateway(tmp_path, ",".join(r.url for r in stack.replicas), env) as gateway,
        ):
            result = load(gateway, 8, twilio)
            assert len(result.turns) == 80
            assert all(turn.status == 200 and turn.replies == [] for turn in result.turns)
            delivery = check_delivery(result, twilio, settle_seconds=90)
            assert delivery.lost == [] and delivery.duplicated == []
            assert twilio.fail_next == 0  # Twilio really failed 12 times first
            metrics = requests.get(f"{gateway.internal}/metrics", timeout=10).text
            assert "gateway_outbox_depth 0.0" in metrics
    finally:
        twilio.stop()
    tracker = check_tracker(result, stack.tracker_connection(), PSEUDONYM_KEY)
    assert (tracker.missing, tracker.duplicated, tracker.out_of_order) == (0, 0, 0)


def replicas_of(stack: Stack) -> str:
    return ",".join(replica.url for replica in stack.replicas)


def tracker_url(stack: Stack) -> str:
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{stack.tracker_database}"


def test_postgresql_restarted_under_a_retrying_twilio_loses_and_repeats_nothing(
    stack, twilio, tmp_path
):
    """The gateway (production profile, 2 workers) on a PostgreSQL of the test's own, so
    that stopping it does not disturb the machine's, which others use: stopped for 3 s and
    started again while tenants write. Requests during the outage get a clear 503 (nothing
    half-done), Twilio sends them again, and the gateway serves again at once after."""
    with private_postgres() as postgres:
        env = production_gateway_env(
            replicas_of(stack), twilio.url, postgres.url, tracker_url(stack)
        )
        back: list[float] = []

        def restart() -> None:
            postgres.restart(down_seconds=3)
            back.append(time.monotonic())

        with running_gateway_process(tmp_path, env["RASA_URL"], env) as gateway:
            gateway.wait_for_workers(2)
            result = load(gateway.url, 16, twilio, during=restart, retries=TWILIO_RETRIES)
            statuses = {status for turn in result.turns for status in turn.attempts}
            assert 503 in statuses and statuses <= {200, 503, 0}, attempts(result)
            later = [turn for turn in result.turns if turn.started > back[0] + 2]
            assert later and all(turn.attempts[0] == 200 for turn in later), attempts(result)
            counts = losses(result, twilio, stack)
            print("postgresql restarted:", counts, attempts(result))  # shown by pytest -rP
            assert counts == NOTHING, attempts(result)
            assert requests.get(f"{gateway.url}/healthz", timeout=10).status_code == 200
            assert "<Message>" in sms(gateway.url, "+32491000002", "bonjour")  # served again


def test_a_gateway_worker_killed_mid_turn_under_a_retrying_twilio_loses_and_repeats_nothing(
    stack, twilio
):
    """SIGKILL to the gateway worker holding the most webhooks, while Rasa runs turns for
    them; uvicorn starts another worker. Twilio sends each dropped webhook again (same
    MessageSid, same signature), and the other worker must neither lose its turn (the dead
    worker's turn may have run in Rasa, its reply never sent) nor run it twice."""
    gateway = stack.gateway_process
    gateway.wait_for_workers(2)
    killed: list[int] = []

    def kill_a_worker() -> None:
        deadline = time.monotonic() + 10  # in the middle of turns, not between them
        while turns_in_progress() < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        killed.append(gateway.kill_worker(gateway.busiest_worker()))
        gateway.wait_for_workers(2, 60)

    result = load(stack.gateway, 24, twilio, during=kill_a_worker, retries=TWILIO_RETRIES)
    assert len(result.turns) == 240
    assert killed and killed[0] not in gateway.workers() and len(gateway.workers()) == 2
    assert any(0 in turn.attempts for turn in result.turns), attempts(result)  # cut mid-turn
    counts = losses(result, twilio, stack)
    print("worker killed mid-turn:", counts, attempts(result))  # shown by pytest -rP
    assert counts == NOTHING, attempts(result)


def outbox_deliveries(
    database: str, twilio: FakeTwilio, result: LoadResult, drain_seconds: float = 200
) -> dict[str, int]:
    """Each tenant's outbox messages (the gateway's rows, in id order) against what Twilio
    accepted for that number, in the order it did: each sent once, in order, all sent.
    Waits first until none is waiting (a dead worker's claim lasts its lease)."""
    numbers = sorted({turn.number for turn in result.turns})
    query = (
        "SELECT contact.address, outbox_message.body, outbox_message.status "
        "FROM outbox_message JOIN contact ON contact.id = outbox_message.contact_id "
        "WHERE contact.address = ANY(%s) ORDER BY outbox_message.id"
    )
    deadline = time.monotonic() + drain_seconds
    while True:
        connection = psycopg2.connect(dbname=database, **POSTGRES)
        with connection, connection.cursor() as cursor:
            cursor.execute(query, (numbers,))
            rows = cursor.fetchall()
        connection.close()
        waiting = [row for row in rows if row[2] in ("pending", "sending")]
        if not waiting or time.monotonic() > deadline:
            break
        time.sleep(1)
    expected: dict[str, list[str]] = {}
    for address, body, _ in rows:
        expected.setdefault(address, []).append(body)
    got: dict[str, list[str]] = {}
    for message in twilio.accepted():
        if message["To"] in numbers:
            got.setdefault(message["To"], []).append(message["Body"])
    counts = {"sends_duplicated": 0, "sends_missing": 0, "out_of_order": 0, "unsent": 0}
    for number in numbers:
        want, have = expected.get(number, []), got.get(number, [])
        counts["sends_duplicated"] += sum((Counter(have) - Counter(want)).values())
        counts["sends_missing"] += sum((Counter(want) - Counter(have)).values())
        counts["out_of_order"] += _once_each(have, want) != _once_each(want, have)
    counts["unsent"] = sum(1 for _, _, status in rows if status != "sent")
    return counts


def _once_each(sequence: list[str], allowed: list[str]) -> list[str]:
    """`sequence` without what `allowed` does not hold that many times (repeats, extras)."""
    left, kept = Counter(allowed), []
    for item in sequence:
        if left[item] > 0:
            left[item] -= 1
            kept.append(item)
    return kept


def test_a_gateway_worker_killed_mid_send_the_other_sends_each_reply_once_in_order(stack, tmp_path):
    """Every reply goes through the outbox (a reply deadline of almost nothing) and Twilio's
    API is slow to accept a send (0.4 s), so that a SIGKILL lands on a worker in the middle
    of one: Twilio has the message (it sends it to the phone) but the worker never hears
    back. The dead worker's turns still running (their webhooks already answered) are run
    again by the other worker once their lease runs out. Every tenant's replies must go out
    once each, in order; webhooks cut by the kill are retried by Twilio."""
    slow = FakeTwilio(accept_delay_seconds=0.4).start()
    name = f"gateway_outbox_kill_{uuid.uuid4().hex[:8]}"
    env = production_gateway_env(
        replicas_of(stack),
        slow.url,
        f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}",
        tracker_url(stack),
    )
    env.update(SHORT_LEASES, SMS_REPLY_DEADLINE_SECONDS="0.01")
    killed: list[int] = []
    turns_running: list[int] = []
    try:
        with databases(name), running_gateway_process(tmp_path, env["RASA_URL"], env) as gateway:
            gateway.wait_for_workers(2)

            def kill_mid_send() -> None:
                """At the first moment a worker is seen in the middle of a send."""
                deadline = time.monotonic() + 90
                while not killed and time.monotonic() < deadline:
                    for port in list(slow.sending_from):
                        pid = gateway.worker_connected_from(port)
                        if pid is not None and port in slow.sending_from:
                            turns_running.append(turns_in_progress())
                            killed.append(gateway.kill_worker(pid))
                            break
                    time.sleep(0.01)
                if killed:
                    gateway.wait_for_workers(2, 60)

            result = load(gateway.url, 8, slow, during=kill_mid_send, retries=TWILIO_RETRIES)
            assert killed, "precondition not met: no send was seen in flight within 90 s"
            sends = outbox_deliveries(name, slow, result)  # once the outbox is drained
            counts = {"messages": len(result.turns), **losses(result, slow, stack), **sends}
            taken_over = gateway.log.read_text(errors="replace").count("taken over")
            more = {"turns_running_at_kill": turns_running[0], "turns_taken_over": taken_over}
            print("worker killed mid-send:", counts, attempts(result, **more))  # pytest -rP
            assert counts == {
                "messages": 80,
                **NOTHING,
                "sends_duplicated": 0,
                "sends_missing": 0,
                "out_of_order": 0,
                "unsent": 0,
            }, attempts(result, **more)
    finally:
        slow.stop()


def test_a_turn_outliving_its_webhook_survives_the_death_of_every_worker(tmp_path):
    """Twilio had its 200 (the turn was slower than the deadline), so it will not send the
    message again; then every gateway worker is killed while Rasa still works on the turn.
    The workers uvicorn starts again take the pending turn over once its lease runs out:
    Rasa is asked again and the tenant gets the reply, once."""

    def slow(sender: str, text: str) -> list[dict]:
        time.sleep(3)  # the turn goes on well past the webhook's answer
        return [{"recipient_id": sender, "text": f"echo: {text}"}]

    rasa, phones = ScriptedRasa(slow).start(), FakeTwilio().start()
    env = {
        "GATEWAY_WORKERS": "2",
        "TWILIO_API_URL": phones.url,
        "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        "PUBLIC_URL": PUBLIC_URL,
        "PSEUDONYM_KEY": PSEUDONYM_KEY,
        "SMS_REPLY_DEADLINE_SECONDS": "0.2",
        "LATE_TURN_LEASE_SECONDS": "4",
    }
    try:
        with running_gateway_process(tmp_path, rasa.url, env) as gateway:
            gateway.wait_for_workers(2)
            assert "<Message>" not in sms(gateway.url, "+32491000003", "ma chaudière")
            time.sleep(0.5)  # the turn is in Rasa now
            assert len(rasa.messages()) == 1
            for pid in gateway.workers():
                gateway.kill_worker(pid)
            gateway.wait_for_workers(2, 60)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not phones.sent():
                time.sleep(0.2)
            time.sleep(5)  # a second lease: nothing more may go out
            bodies = [sent["Body"] for sent in phones.sent() if sent["To"] == "+32491000003"]
            assert bodies == ["echo: ma chaudière"]
            assert len(rasa.messages()) >= 2  # asked again after the death
            assert "taken over" in gateway.log.read_text(errors="replace")
    finally:
        rasa.stop()
        phones.stop()


def test_production_logs_hold_no_message_text_and_no_phone_number(stack, twilio):
    """Runs last in this module: the logs of every process of the stack (gateway workers,
    Rasa replicas, action server) after all the loads above, plus one of its own."""
    load(stack.gateway, 4, twilio)
    logs = {path.name: path.read_text(errors="replace") for path in stack.workdir.glob("*.log")}
    assert {"gateway.log"} < set(logs) and len(logs) >= 4
    free_texts = [text for script in SCRIPTS.values() for text in script if len(text) > 12]
    free_texts.append("je cherche du sport à Jette")
    for name, content in logs.items():
        assert not re.search(r"(?<!\d)3249\d{7,8}(?!\d)", content), f"a phone number in {name}"
        for text in free_texts:
            assert text not in content, f"a tenant's message in {name}"
