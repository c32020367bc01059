"""The real gateway process refuses to start in production with a secret an attacker may
know: the example env file's placeholders (with a known CONSOLE_SECRET anyone could sign
an admin's session cookie), a development default, a short value, or one value used for
two purposes. The message names the variable, never its value."""

from __future__ import annotations

import os
import secrets
import subprocess
from pathlib import Path

import pytest

from bot.dev_defaults import DEV_CONSOLE_SECRET
from bot.devtools.processes import GATEWAY_PYTHON, ROOT
from tests.security.production_secrets import strong_secrets

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
    assert "is a placeholder" in started.stderr
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


def test_strong_distinct_secrets_pass_the_check(tmp_path) -> None:
    """The same start with real secrets goes past the check (and stops only at the
    database, which is not there)."""
    started = start_gateway(tmp_path, strong_secrets())
    assert "InsecureSettings" not in started.stderr
    assert "database" in started.stderr.lower()
