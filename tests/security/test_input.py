"""Input an attacker controls, against the real gateway process: a huge body is refused
before it is parsed; tenant text that looks like a Rasa command stays text; a Telegram
group's update is ignored."""

from __future__ import annotations

import itertools
import socket
import sqlite3
import threading
import time
from pathlib import Path

import pytest
import requests

from bot.core.pseudonyms import pseudonym
from bot.dev_defaults import DEV_PSEUDONYM_KEY, DEV_TELEGRAM_SECRET_TOKEN
from bot.devtools.gateway_process import GatewayProcess, running_gateway_process
from tests.e2e.test_channels import SmsTenant

BODY = 300 * 1024 * 1024
CHUNK = 1024 * 1024
_numbers = itertools.count(10)


@pytest.fixture(scope="module")
def lone_gateway(tmp_path_factory) -> GatewayProcess:
    """A gateway of its own (no Rasa needed), so that its memory is this test's alone."""
    with running_gateway_process(tmp_path_factory.mktemp("body-limit")) as gateway:
        yield gateway


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def post_huge_body(url: str, path: str, chunked: bool, method: str = "POST") -> tuple[str, float]:
    """Streams up to 300 MB to `path` while reading the answer; the status line and the
    seconds it took to come."""
    host, port = url.removeprefix("http://").split(":")
    connection = socket.create_connection((host, int(port)), timeout=10)
    framing = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {BODY}"
    head = (
        f"{method} {path} HTTP/1.1\r\nHost: {host}\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\n{framing}\r\n"
        # what makes each route go on to read the body (a signature it must check)
        f"X-Twilio-Signature: c2lnbmF0dXJl\r\n"
        f"X-Telegram-Bot-Api-Secret-Token: {DEV_TELEGRAM_SECRET_TOKEN}\r\n\r\n"
    )
    started = time.monotonic()
    connection.sendall(head.encode())

    def send_body() -> None:
        chunk = b"a" * CHUNK
        try:
            for _ in range(BODY // CHUNK):
                if chunked:
                    connection.sendall(f"{CHUNK:x}\r\n".encode() + chunk + b"\r\n")
                else:
                    connection.sendall(chunk)
        except OSError:  # the gateway closed the connection: what it should do
            pass

    sender = threading.Thread(target=send_body, daemon=True)
    sender.start()
    status = connection.makefile("rb").readline().decode().strip()
    elapsed = time.monotonic() - started
    connection.close()
    return status, elapsed


HUGE_REQUESTS = [
    ("POST", path, chunked)
    for path in ("/webhooks/sms", "/console/login", "/webhooks/telegram")
    for chunked in (False, True)
    # The directory API takes no body: one it would not read is refused when it is declared
    # (a chunked one is never read, so never held in memory either).
] + [("GET", "/hsds/services", False)]


@pytest.mark.parametrize(
    "method, path, chunked",
    HUGE_REQUESTS,
    ids=[f"{p}-{'chunked' if c else 'content-length'}" for _, p, c in HUGE_REQUESTS],
)
def test_a_300_mb_body_is_answered_413_at_once_and_the_memory_stays_flat(
    lone_gateway, method, path, chunked
) -> None:
    pid = lone_gateway.process.pid
    before = rss_bytes(pid)
    status, elapsed = post_huge_body(lone_gateway.url, path, chunked, method)
    assert status.startswith("HTTP/1.1 413"), status
    assert elapsed < 1.0, f"413 after {elapsed:.2f}s"
    time.sleep(0.2)
    grown = rss_bytes(pid) - before
    assert grown < 20 * 1024 * 1024, f"the gateway grew by {grown / 2**20:.0f} MiB"
    # and it still serves
    assert requests.get(f"{lone_gateway.url}/healthz", timeout=10).status_code in (200, 503)


def test_a_body_under_the_limit_still_reaches_the_route(lone_gateway) -> None:
    answer = requests.post(
        f"{lone_gateway.url}/webhooks/sms", data={"Body": "x" * 1000}, timeout=10
    )
    assert answer.status_code == 403  # unsigned: refused by the route itself, not by size


def _tracker(assistant, sender: str) -> dict:
    return assistant.tracker(sender)


def _last_user_event(tracker: dict) -> dict:
    return [event for event in tracker["events"] if event["event"] == "user"][-1]


@pytest.mark.parametrize(
    "command",
    ["/urgent_help", '/inform{"site":"sample-company-b"}', '  //urgent_help{"danger":"violence"}'],
)
def test_sms_text_that_looks_like_a_rasa_command_is_read_as_words(
    assistant, gateway_url, gateway_directory, command
) -> None:
    """The words still count: "urgent help" may well be read as a request for urgent help,
    as any tenant's words would; what the tenant cannot do is set an intent or an entity
    directly, past the NLU and its confidence threshold."""
    number = f"+3247100{next(_numbers):04d}"
    tenant = SmsTenant(gateway_url, number)
    tenant.say("bonjour")
    tenant.say(command)
    sender = pseudonym(DEV_PSEUDONYM_KEY, "sms", number)
    said = _last_user_event(_tracker(assistant, sender))
    assert not said["text"].lstrip().startswith("/"), said["text"]
    parsed = said["parse_data"]
    # A command is "parsed" by Rasa's regex handler alone: one intent, no ranking. Words
    # go through the NLU, which ranks every intent.
    assert len(parsed.get("intent_ranking", [])) > 1, parsed
    # no entity set by the message itself (the NLU's entities name their extractor)
    assert all(entity.get("extractor") for entity in parsed.get("entities", [])), parsed
    assert all(entity["entity"] != "site" for entity in parsed.get("entities", []))
    with sqlite3.connect(gateway_directory / "gateway.db") as database:
        (site,) = database.execute(
            "SELECT site FROM contact WHERE channel = 'sms' AND address = ?", (number,)
        ).fetchone()
    assert site == "sample-company"  # the company of the number the tenant wrote to


def _handoffs(gateway_directory: Path, number: str) -> list[tuple[str, str]]:
    """The gateway's handoffs of the SMS tenant at `number`: (reason, summary)."""
    with sqlite3.connect(gateway_directory / "gateway.db") as database:
        return database.execute(
            "SELECT h.reason, h.summary FROM handoff h JOIN contact c ON c.id = h.contact_id"
            " WHERE c.channel = 'sms' AND c.address = ?",
            (number,),
        ).fetchall()


def test_an_sms_human_handoff_command_opens_no_handoff(
    assistant, gateway_url, gateway_directory
) -> None:
    """As a command, /human_handoff would put the tenant in the social service's queue
    without a word of theirs; as words, "human_handoff" means nothing to the NLU."""
    number = f"+3247100{next(_numbers):04d}"
    tenant = SmsTenant(gateway_url, number)
    tenant.say("bonjour")
    tenant.say("/human_handoff")
    assert _handoffs(gateway_directory, number) == []


def test_an_sms_danger_entity_of_the_tenants_making_is_not_taken(
    assistant, gateway_url, gateway_directory
) -> None:
    """The command sets the `danger` entity (here: poisoning), which picks the advice and
    what the social service reads; as words, the NLU and the safety layer decide. (Not "co":
    as a word, "co" is itself a cue for the carbon monoxide line, danger_cues.yml.)"""
    command = '/urgent_help{"danger":"poison"}'
    as_a_command = [m["text"] for m in assistant.say(assistant.new_sender(), command)]
    number = f"+3247100{next(_numbers):04d}"
    tenant = SmsTenant(gateway_url, number)
    tenant.say("bonjour")
    got = "\n".join(tenant.say(command))
    assert as_a_command and not any(advice in got for advice in as_a_command), got
    assert all('"poison"' not in summary for _, summary in _handoffs(gateway_directory, number))


def test_a_telegram_group_update_is_ignored(gateway_url, gateway_directory, fake_telegram) -> None:
    chat_id = -100123456789
    update = {
        "update_id": 880000001,
        "message": {
            "message_id": 1,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "supergroup", "title": "Voisins"},
            "from": {"id": 4242, "is_bot": False, "first_name": "X", "language_code": "fr"},
            "text": "bonjour, je cherche des cours de français",
        },
    }
    answer = requests.post(
        f"{gateway_url}/webhooks/telegram",
        json=update,
        headers={"X-Telegram-Bot-Api-Secret-Token": DEV_TELEGRAM_SECRET_TOKEN},
        timeout=30,
    )
    assert answer.status_code == 200  # Telegram must not retry it
    time.sleep(2)
    assert not [m for m in fake_telegram.sent() if int(m.get("chat_id", 0)) == chat_id]
    with sqlite3.connect(gateway_directory / "gateway.db") as database:
        stored = database.execute(
            "SELECT count(*) FROM contact WHERE channel = 'telegram' AND address = ?",
            (str(chat_id),),
        ).fetchone()[0]
    assert stored == 0
