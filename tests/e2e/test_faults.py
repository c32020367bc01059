"""Faults under load, on the production profile (bot/devtools/stack.py): 2 Rasa replicas on
PostgreSQL, Redis and RabbitMQ, one action server, the gateway with 2 workers on
PostgreSQL. Each test runs simulated SMS tenants (signed webhooks) while something breaks,
then checks that every accepted tenant message got exactly one bot turn, in order, and is
stored once in Rasa's tracker store."""

from __future__ import annotations

import asyncio
import re
import time
import uuid

import psycopg2
import pytest
import redis
import requests
from twilio.request_validator import RequestValidator

from bot.devtools.load import SCRIPTS, LoadResult, check_delivery, check_tracker, run_load
from bot.devtools.loopback import FakeTwilio
from bot.devtools.processes import running_gateway
from bot.devtools.stack import (
    GATEWAY_SECRET,
    POSTGRES,
    PUBLIC_URL,
    REDIS_LOCK_DB,
    TWILIO_TOKEN,
    databases,
    production_stack,
)
from tests.e2e.private_postgres import private_postgres

UNAVAILABLE = ("ne répond pas", "antwoordt nu niet")


@pytest.fixture(scope="module")
def twilio():
    server = FakeTwilio().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def stack(tmp_path_factory, twilio):
    with production_stack(tmp_path_factory.mktemp("faults"), twilio.url) as running:
        yield running


def load(
    gateway: str, conversations: int, twilio: FakeTwilio, during=None, max_seconds: float = 300
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
        )
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
    tracker = check_tracker(result, stack.tracker_connection(), GATEWAY_SECRET)
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
        "GATEWAY_SECRET": GATEWAY_SECRET,
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
            metrics = requests.get(f"{gateway}/metrics", timeout=10).text
            assert "gateway_outbox_depth 0.0" in metrics
    finally:
        twilio.stop()
    tracker = check_tracker(result, stack.tracker_connection(), GATEWAY_SECRET)
    assert (tracker.missing, tracker.duplicated, tracker.out_of_order) == (0, 0, 0)


def test_postgresql_restarted_the_gateway_recovers_losing_no_accepted_message(
    stack, twilio, tmp_path
):
    with private_postgres() as postgres:
        env = {
            "DATABASE_URL": postgres.url,
            "TWILIO_API_URL": twilio.url,
            "PUBLIC_URL": PUBLIC_URL,
            "GATEWAY_SECRET": GATEWAY_SECRET,
            "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        }
        back: list[float] = []

        def restart() -> None:
            postgres.restart(down_seconds=3)
            back.append(time.monotonic())

        with running_gateway(tmp_path, ",".join(r.url for r in stack.replicas), env) as gateway:
            result = load(gateway, 16, twilio, during=restart)
            refused = [turn for turn in result.turns if turn.status != 200]
            assert refused and all(turn.status == 503 for turn in refused)  # clear, retryable
            later = [turn for turn in result.turns if turn.started > back[0] + 2]
            assert later and all(turn.status == 200 for turn in later)  # served again at once
            assert_nothing_lost_or_repeated(result, twilio, stack, accepted_only=True)
            assert requests.get(f"{gateway}/healthz", timeout=10).status_code == 200
            assert "<Message>" in sms(gateway, "+32491000002", "bonjour")  # served again


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
