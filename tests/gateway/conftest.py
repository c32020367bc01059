"""Fixtures of the gateway tests: a migrated SQLite database per test, and the sample
directory imported once per session (read-only tests share it); `desk`, the console with
two housing companies and their staff."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import sessionmaker

from bot.core.db import make_engine, make_session_factory
from bot.directory.importer import import_records, read_source
from bot.gateway.migrate import upgrade_to_head

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "activities" / "sample-directory.json"


def migrated_sessions(path: Path) -> tuple[str, sessionmaker]:
    url = f"sqlite:///{path}"
    upgrade_to_head(url)
    return url, make_session_factory(make_engine(url))


@pytest.fixture
def sessions(tmp_path: Path) -> sessionmaker:
    return migrated_sessions(tmp_path / "gateway.db")[1]


POSTGRES_SERVER = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432"
)


@pytest.fixture
def postgres_url():
    """A fresh, empty database on the machine's PostgreSQL, dropped after the test."""
    name = f"gateway_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(f"{POSTGRES_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{POSTGRES_SERVER}/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def sample_services() -> list[dict]:
    return json.loads(SAMPLE.read_text(encoding="utf-8"))["services"]


@pytest.fixture(scope="session")
def sample_database(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, sessionmaker]:
    """The sample directory in a database of its own; tests must not write to it."""
    url, factory = migrated_sessions(tmp_path_factory.mktemp("sample") / "gateway.db")
    _, records, _ = read_source(SAMPLE)
    report = import_records(factory, records)
    assert report.imported == len(records) and not report.rejected
    return url, factory


from tests.gateway.channel_fixtures import channels  # noqa: E402, F401  (a fixture)


@pytest.fixture
def desk(tmp_path):
    """The gateway with two always-open housing companies and a staff member in each."""
    from tests.gateway.channel_fixtures import console_with_staff  # it imports this module

    with console_with_staff(
        tmp_path,
        [
            ("ana@a.example", "company-a", "caseworker", "fr"),
            ("bob@a.example", "company-a", "caseworker", "fr"),
            ("carla@b.example", "company-b", "caseworker", "fr"),
            ("dirk@a.example", "company-a", "auditor", "fr"),
        ],
    ) as running:
        yield running
