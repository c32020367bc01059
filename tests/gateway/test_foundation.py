"""The gateway's foundation: settings, migrations (one command migrates, every other process
refuses an old or missing schema), and /healthz on a real server."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from alembic import command
from alembic.script import ScriptDirectory
from fastapi.testclient import TestClient

from bot.core.schema import require_current_schema, schema_state
from bot.core.settings import InsecureSettings, Settings
from bot.gateway.app import create_app
from bot.gateway.migrate import alembic_config, upgrade_to_head

# The newest migration: what `migrate` brings a database to.
HEAD = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_development_defaults_need_no_configuration():
    settings = Settings(_env_file=None).check()
    assert settings.database_url.startswith("sqlite:///var/")
    assert settings.rasa_url == "http://127.0.0.1:5005"


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "sqlite:////tmp/x.db")
    monkeypatch.setenv("GATEWAY_PORT", "8123")
    settings = Settings(_env_file=None)
    assert (settings.database_url, settings.gateway_port) == ("sqlite:////tmp/x.db", 8123)


def strong_secrets() -> dict[str, str]:
    """Distinct random values for every secret, as `openssl rand -hex 32` makes them."""
    return {
        "pseudonym_key": secrets.token_hex(32),
        "internal_api_token": secrets.token_hex(32),
        "console_secret": secrets.token_urlsafe(32),
        "telegram_secret_token": secrets.token_urlsafe(32),
        "rasa_token": secrets.token_hex(32),
        "twilio_auth_token": secrets.token_hex(16),  # Twilio's own: 32 hex characters
        "telegram_bot_token": "7012345678:AAH" + secrets.token_urlsafe(24),
    }


def production(**values: str) -> Settings:
    return Settings(
        _env_file=None, profile="production", database_url="postgresql://db/gateway", **values
    )


def test_production_starts_with_strong_distinct_secrets():
    production(**strong_secrets()).check()


def test_production_refuses_development_values():
    with pytest.raises(InsecureSettings, match="PSEUDONYM_KEY is the development default"):
        production().check()
    with pytest.raises(InsecureSettings, match="PostgreSQL"):
        Settings(_env_file=None, profile="production", **strong_secrets()).check()


def example_values() -> dict[str, str]:
    """The example env file's values (what an operator copies and may forget to change)."""
    example = Path(__file__).resolve().parents[2] / "deploy" / ".env.production.example"
    pairs = (line.split("=", 1) for line in example.read_text().splitlines() if "=" in line)
    return {name.strip(): value.strip() for name, value in pairs if not name.startswith("#")}


@pytest.mark.parametrize(
    "setting",
    [
        "pseudonym_key",
        "internal_api_token",
        "console_secret",
        "telegram_secret_token",
        "rasa_token",
    ],
)
def test_production_refuses_every_placeholder_of_the_example_env_file(setting):
    placeholder = example_values()[setting.upper()]
    with pytest.raises(InsecureSettings, match=f"{setting.upper()} is a placeholder") as refused:
        production(**{**strong_secrets(), setting: placeholder}).check()
    assert placeholder not in str(refused.value)  # the message names the variable only


def test_production_refuses_third_party_placeholders_too():
    for setting in ("twilio_auth_token", "telegram_bot_token"):
        placeholder = example_values()[setting.upper()]
        with pytest.raises(InsecureSettings, match=f"{setting.upper()} is a placeholder"):
            production(**{**strong_secrets(), setting: placeholder}).check()


def test_production_refuses_a_short_or_repetitive_secret():
    with pytest.raises(InsecureSettings, match="CONSOLE_SECRET is too short"):
        production(**{**strong_secrets(), "console_secret": secrets.token_hex(16)}).check()
    with pytest.raises(InsecureSettings, match="CONSOLE_SECRET is not random"):
        production(**{**strong_secrets(), "console_secret": "ab" * 64}).check()


def test_production_refuses_one_secret_used_twice():
    values = strong_secrets()
    values["internal_api_token"] = values["pseudonym_key"]
    with pytest.raises(InsecureSettings, match="INTERNAL_API_TOKEN is the same as PSEUDONYM_KEY"):
        production(**values).check()


def test_migrations_bring_an_empty_database_to_head(tmp_path):
    database = tmp_path / "nested" / "gateway.db"
    upgrade_to_head(f"sqlite:///{database}")
    upgrade_to_head(f"sqlite:///{database}")  # idempotent
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [(HEAD,)]


def test_healthz_reports_each_part(tmp_path):
    settings = Settings(
        _env_file=None,
        database_url=f"sqlite:///{tmp_path / 'gateway.db'}",
        rasa_url=f"http://127.0.0.1:{free_port()}",  # nothing listens there
        rasa_timeout_seconds=2,
    )
    with TestClient(create_app(settings)) as client:
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "degraded",
        "checks": {"gateway": "ok", "database": "ok", "rasa": "unreachable"},
    }


def test_healthz_reports_a_database_that_stops_answering(tmp_path):
    folder = tmp_path / "db"
    settings = Settings(
        _env_file=None,
        database_url=f"sqlite:///{folder / 'gateway.db'}",
        rasa_url=f"http://127.0.0.1:{free_port()}",
    )
    with TestClient(create_app(settings)) as client:
        assert client.get("/healthz").json()["checks"]["database"] == "ok"
        shutil.rmtree(folder)
        client.app.state.engine.dispose()  # no pooled connection to the deleted file
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "unreachable"


def gateway_env(tmp_path: Path, port: int) -> dict[str, str]:
    return {
        **os.environ,
        "GATEWAY_PORT": str(port),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'gateway.db'}",
        "RASA_URL": f"http://127.0.0.1:{free_port()}",
        "RASA_TIMEOUT_SECONDS": "2",
        "PYTHONPATH": str(ROOT),
    }


def test_the_gateway_starts_migrates_and_serves(tmp_path):
    port = free_port()
    env = gateway_env(tmp_path, port)
    migrated = subprocess.run(
        [sys.executable, "-m", "bot.gateway", "migrate"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert migrated.returncode == 0, migrated.stderr
    assert f"to {HEAD}" in migrated.stdout
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.gateway"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
                break
            except httpx.TransportError:
                assert process.poll() is None, process.stdout.read().decode()
                assert time.monotonic() < deadline, "the gateway did not start"
                time.sleep(0.3)
        assert response.json()["checks"]["database"] == "ok"
        assert (tmp_path / "gateway.db").exists()
    finally:
        process.terminate()
        process.wait(timeout=10)


MIGRATE_FIRST = "Run `python -m bot.gateway migrate`"


def test_the_gateway_refuses_to_serve_an_unmigrated_database(tmp_path):
    env = gateway_env(tmp_path, free_port())
    done = subprocess.run(
        [sys.executable, "-m", "bot.gateway"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "has no schema yet" in done.stderr and MIGRATE_FIRST in done.stderr
    assert "Uvicorn running" not in done.stderr
    assert not (tmp_path / "gateway.db").exists()  # looking did not create it


def test_the_migrate_command_is_idempotent(tmp_path):
    env = gateway_env(tmp_path, free_port())
    command = [sys.executable, "-m", "bot.gateway", "migrate"]
    first = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert first.returncode == again.returncode == 0, first.stderr + again.stderr
    assert f"from no schema to {HEAD}" in first.stdout
    assert f"already at {HEAD}" in again.stdout


def test_a_command_line_tool_refuses_an_old_schema(tmp_path):
    url = f"sqlite:///{tmp_path / 'gateway.db'}"
    command.upgrade(alembic_config(url), "0007")  # a database left by the previous release
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": url}
    done = subprocess.run(
        [sys.executable, "-m", "bot.privacy", "purge", "--dry-run"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert f"is at revision 0007, this code needs {HEAD}" in done.stderr
    assert MIGRATE_FIRST in done.stderr
    assert "would delete" not in done.stdout
    with sqlite3.connect(tmp_path / "gateway.db") as connection:  # nothing was migrated
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [
            ("0007",)
        ]


@pytest.mark.parametrize(
    "args",
    [
        ["bot.directory", "export", "out.json"],
        ["bot.signals", "summary", "--from", "2026-03-02", "--to", "2026-03-20"],
        ["bot.signals", "consume", "--until-empty"],
        [
            "bot.console",
            "create-user",
            "a@b.example",
            "--name",
            "A",
            "--role",
            "caseworker",
            "--company",
            "sample-company",
        ],
    ],
    ids=lambda args: " ".join(args[:2]),
)
def test_every_command_line_tool_refuses_a_missing_schema(tmp_path, args):
    url = f"sqlite:///{tmp_path / 'gateway.db'}"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": url}
    done = subprocess.run(
        [sys.executable, "-m", *args],
        cwd=tmp_path,
        env=env,
        input="a-long-enough-password\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "has no schema yet" in done.stderr and MIGRATE_FIRST in done.stderr


def test_the_schema_check_reports_an_unknown_revision(tmp_path):
    url = f"sqlite:///{tmp_path / 'gateway.db'}"
    upgrade_to_head(url)
    with sqlite3.connect(tmp_path / "gateway.db") as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0099'")
    with pytest.raises(SystemExit, match="0099, which this code does not know") as refused:
        require_current_schema(url)
    assert MIGRATE_FIRST in str(refused.value)
    assert schema_state(url).head == {HEAD}
