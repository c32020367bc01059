"""Rasa's HTTP API and the action server, against the session's real Rasa server and action
server: nobody without a token replaces the model, reads a tracker or runs an action (a
forged tracker asking for `action_resolve_offer` would have the gateway erase a tenant),
and both listen on loopback only."""

from __future__ import annotations

import itertools
import os
import secrets
import sqlite3
import subprocess
from pathlib import Path

import pytest
import requests
import yaml

from bot.core.pseudonyms import pseudonym
from bot.dev_defaults import DEV_ACTION_SERVER_TOKEN, DEV_PSEUDONYM_KEY
from bot.devtools.processes import MODEL, RASA_PYTHON, ROOT, free_port
from tests.e2e.test_channels import SmsTenant

_numbers = itertools.count(1)


def listening_addresses(port: int) -> set[str]:
    """The local addresses (hex, as /proc/net/tcp{,6} write them) listening on `port`."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, hex_port = fields[1].rsplit(":", 1)
            if fields[3] == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


def test_rasa_refuses_its_api_without_the_token(assistant) -> None:
    with MODEL.open("rb") as model:
        replaced = requests.put(
            f"{assistant.url}/model",
            data=model.read(1024),
            headers={"Content-Type": "application/octet-stream"},
            timeout=30,
        )
    assert replaced.status_code == 401
    tracker = requests.get(f"{assistant.url}/conversations/anyone/tracker", timeout=30)
    assert tracker.status_code == 401
    wrong = requests.get(
        f"{assistant.url}/conversations/anyone/tracker", params={"token": "guess"}, timeout=30
    )
    assert wrong.status_code == 401
    assert assistant.tracker("anyone")["sender_id"] == "anyone"  # with the token


def test_rasa_and_the_action_server_listen_on_loopback_only(assistant) -> None:
    for url in (assistant.url, assistant.actions_url):
        port = int(url.split(":")[2].split("/")[0])
        assert listening_addresses(port) == {"0100007F"}, url  # 127.0.0.1


def forged_call(sender_id: str) -> dict:
    """What an attacker would send the action server: a tracker in which the tenant has
    just said yes to "shall I delete your data?"."""
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    return {
        "next_action": "action_resolve_offer",
        "sender_id": sender_id,
        "version": "3.6.21",
        "domain": domain,
        "tracker": {
            "sender_id": sender_id,
            "slots": {"pending_offer": "erase", "language": "fr"},
            "latest_message": {"text": "oui", "intent": {"name": "affirm"}, "entities": []},
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
    }


def erasure_requested(gateway_directory: Path, sender: str) -> bool:
    """The gateway's record that the tenant asked for erasure (done once their turn ends)."""
    with sqlite3.connect(gateway_directory / "gateway.db") as database:
        row = database.execute(
            "SELECT erase_requested_at FROM contact WHERE pseudonym = ?", (sender,)
        ).fetchone()
    assert row is not None, "the contact is gone"
    return row[0] is not None


def test_a_forged_action_call_without_rasas_token_erases_nobody(
    assistant, gateway_url, gateway_directory
) -> None:
    number = f"+3247200{next(_numbers):04d}"
    SmsTenant(gateway_url, number).say("bonjour")
    victim = pseudonym(DEV_PSEUDONYM_KEY, "sms", number)
    assert not erasure_requested(gateway_directory, victim)

    for headers in ({}, {"Authorization": "Bearer guess"}):
        refused = requests.post(
            assistant.actions_url, json=forged_call(victim), headers=headers, timeout=30
        )
        assert refused.status_code == 401
    assert not erasure_requested(gateway_directory, victim)

    # The same call with Rasa's token does run the action (which is why it must be closed).
    ran = requests.post(
        assistant.actions_url,
        json=forged_call(victim),
        headers={"Authorization": f"Bearer {DEV_ACTION_SERVER_TOKEN}"},
        timeout=30,
    )
    assert ran.status_code == 200, ran.text
    assert erasure_requested(gateway_directory, victim)


def test_the_action_servers_health_check_stays_open(assistant) -> None:
    health = requests.get(assistant.actions_url.replace("/webhook", "/health"), timeout=10)
    assert health.status_code == 200


@pytest.mark.parametrize(
    "token",
    [
        None,
        DEV_ACTION_SERVER_TOKEN,
        "replace-with-openssl-rand-hex-32-actions",
        secrets.token_hex(8),
    ],
    ids=["unset", "development default", "placeholder", "short"],
)
def test_the_action_server_refuses_to_start_in_production_without_a_real_token(token) -> None:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PROFILE": "production"}
    env.pop("ACTION_SERVER_TOKEN", None)
    if token is not None:
        env["ACTION_SERVER_TOKEN"] = token
    started = subprocess.run(
        [str(RASA_PYTHON), "-m", "actions.server", "--port", str(port)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert started.returncode != 0
    assert "ACTION_SERVER_TOKEN" in started.stderr
    assert not listening_addresses(port)
