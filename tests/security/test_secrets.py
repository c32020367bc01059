"""The real gateway process refuses to start in production with a secret an attacker may
know: the example env file's placeholders (with a known CONSOLE_SECRET anyone could sign
an admin's session cookie), a development default, a short value, or one value used for
two purposes. The message names the variable, never its value. With strong, distinct
secrets it starts. The pseudonym key is the gateway's alone (never in the action server's
environment), and rotating it loses no tenant."""

from __future__ import annotations

import os
import secrets
import subprocess
from pathlib import Path

import pytest
import requests

from bot.core.pseudonyms import pseudonym
from bot.dev_defaults import DEV_CONSOLE_SECRET, DEV_INTERNAL_API_TOKEN
from bot.devtools.gateway_process import running_gateway_process
from bot.devtools.processes import GATEWAY_PYTHON, ROOT, GatewayUrl, running_actions
from bot.devtools.stack import databases
from tests.conftest import PUBLIC_URL
from tests.e2e.test_channels import SmsTenant
from tests.security.console_client import sql
from tests.security.production_secrets import strong_secrets
from tests.security.test_private_surfaces import strong_production_env

EXAMPLE_ENV = ROOT / "deploy" / ".env.production.example"


def example_values() -> dict[str, str]:
    lines = EXAMPLE_ENV.read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line and not line.startswith("#"))


def start_gateway(tmp_path: Path, values: dict[str, str]) -> subprocess.CompletedProcess:
    """`python -m bot.gateway` in production with these values (and a PostgreSQL URL that
    is never reached: the settings are checked first)."""
    env = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": str(ROOT),
        "PROFILE": "production",
        "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:9/none",
        **values,
    }
    return subprocess.run(
        [str(GATEWAY_PYTHON), "-m", "bot.gateway"],
        cwd=tmp_path,  # no .env file here
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_example_env_files_values_do_not_start_the_gateway(tmp_path) -> None:
    values = example_values()
    started = start_gateway(tmp_path, values)
    assert started.returncode != 0
    assert "PSEUDONYM_KEY is a placeholder" in started.stderr  # the first one checked
    for name, value in values.items():
        if "replace-with" in value:
            assert value not in started.stderr + started.stdout, f"{name}'s value was printed"


@pytest.mark.parametrize(
    ("name", "value", "why"),
    [
        ("CONSOLE_SECRET", DEV_CONSOLE_SECRET, "is the development default"),
        ("CONSOLE_SECRET", "replace-with-openssl-rand-hex-32-console", "is a placeholder"),
        ("CONSOLE_SECRET", secrets.token_hex(12), "is too short"),
        ("PSEUDONYM_KEY", None, "is the same as"),
    ],
    ids=["development-default", "example-marker", "short", "shared"],
)
def test_a_known_or_weak_console_secret_stops_the_start(tmp_path, name, value, why) -> None:
    values = strong_secrets()
    values[name] = value if value is not None else values["INTERNAL_API_TOKEN"]
    started = start_gateway(tmp_path, values)
    assert started.returncode != 0
    assert why in started.stderr and name in started.stderr
    assert values[name] not in started.stderr


def test_strong_distinct_secrets_start_the_gateway(tmp_path) -> None:
    """The same production start with real secrets (and PostgreSQL) serves."""
    name = f"security_secrets_{secrets.token_hex(4)}"
    with databases(name):
        env = strong_production_env(f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}")
        with running_gateway_process(tmp_path, extra_env=env) as production:
            login = requests.get(f"{production.url}/console/login", timeout=10)
            assert login.status_code == 200 and "<form" in login.text
            assert "InsecureSettings" not in production.log.read_text()


def open_handoff(gateway_internal_url: str, sender_id: str) -> int:
    """The action server's call for a person, with the sender id Rasa knows the tenant by."""
    return requests.post(
        f"{gateway_internal_url}/internal/handoffs",
        json={"sender_id": sender_id, "reason": "asked", "language": "fr", "channel": "sms"},
        headers={"Authorization": f"Bearer {DEV_INTERNAL_API_TOKEN}"},
        timeout=30,
    ).status_code


def test_a_new_pseudonym_key_loses_no_tenant(tmp_path) -> None:
    """Contacts are found by channel and number and keep the pseudonym they were given:
    after a new PSEUDONYM_KEY a known tenant keeps the id Rasa knows them by (so their
    conversation and their requests for a person still reach them), and only new tenants
    get ids under the new key."""
    old_key, new_key = secrets.token_hex(32), secrets.token_hex(32)
    known, newcomer = "+32470111222", "+32470333444"
    env = {"PUBLIC_URL": PUBLIC_URL, "PSEUDONYM_KEY": old_key}
    with running_gateway_process(tmp_path, extra_env=env) as gateway:
        SmsTenant(gateway.url, known).say("bonjour")  # no Rasa here: the tenant is registered
    env["PSEUDONYM_KEY"] = new_key  # the same database, restarted with the new key
    with running_gateway_process(tmp_path, extra_env=env) as gateway:
        SmsTenant(gateway.url, known).say("encore moi")
        SmsTenant(gateway.url, newcomer).say("bonjour")
        assert sql(gateway, "SELECT pseudonym FROM contact WHERE address = ?", known) == [
            (pseudonym(old_key, "sms", known),)
        ]
        assert open_handoff(gateway.internal_url, pseudonym(old_key, "sms", known)) == 201
        assert open_handoff(gateway.internal_url, pseudonym(new_key, "sms", known)) == 404
        assert open_handoff(gateway.internal_url, pseudonym(new_key, "sms", newcomer)) == 201


GATEWAY_ONLY = ("PSEUDONYM_KEY", "CONSOLE_SECRET", "TELEGRAM_SECRET_TOKEN", "TWILIO_AUTH_TOKEN")


def test_the_action_server_never_holds_the_pseudonym_key(tmp_path, monkeypatch) -> None:
    """Started from an environment that holds the gateway's secrets (a developer's shell,
    a .env), the real action server's process has none of them."""
    for name in GATEWAY_ONLY:
        monkeypatch.setenv(name, secrets.token_hex(32))
    gateway = GatewayUrl("http://127.0.0.1:9", "http://127.0.0.1:10")  # never called here
    with running_actions(tmp_path, gateway) as actions:
        assert actions.process is not None
        environ = Path(f"/proc/{actions.process.pid}/environ").read_bytes().split(b"\0")
    names = {entry.split(b"=", 1)[0].decode() for entry in environ if entry}
    assert names.isdisjoint(GATEWAY_ONLY), names & set(GATEWAY_ONLY)
    for name in GATEWAY_ONLY:
        assert os.environ[name].encode() not in b"\0".join(environ)
