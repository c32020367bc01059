"""Least privilege in PostgreSQL, on the machine's real server (127.0.0.1): the roles that
deploy/postgres-init.sh creates, as the compose file's postgres service runs it. The
schema's owner migrates; the gateway runs as its own role, which reads and writes rows but
cannot create tables or roles, nor run a program on the server (COPY ... TO PROGRAM)."""

from __future__ import annotations

import os
import secrets
import subprocess
import uuid

import psycopg2
import pytest
import requests

from bot.devtools.gateway_process import running_gateway_process
from bot.devtools.processes import ROOT

ADMIN = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}


@pytest.fixture
def roles():
    """Throwaway databases and roles of the test's own, made by the deployment's script."""
    tag = uuid.uuid4().hex[:8]
    names = {
        "GATEWAY_DB": f"gateway_{tag}",
        "RASA_TRACKER_DB": f"rasa_tracker_{tag}",
        "GATEWAY_DB_USER": f"gateway_app_{tag}",
        "RASA_DB_USER": f"rasa_app_{tag}",
        "GATEWAY_DB_PASSWORD": secrets.token_hex(16),
        "RASA_DB_PASSWORD": secrets.token_hex(16),
    }
    admin = psycopg2.connect(dbname="postgres", **ADMIN)
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{names["GATEWAY_DB"]}"')  # the image's POSTGRES_DB
    env = {**os.environ, **names, "POSTGRES_USER": "postgres", "PGHOST": "127.0.0.1"}
    done = subprocess.run(
        ["sh", str(ROOT / "deploy" / "postgres-init.sh")], env=env, capture_output=True, text=True
    )
    try:
        assert done.returncode == 0, done.stderr
        yield names
    finally:
        for database in (names["GATEWAY_DB"], names["RASA_TRACKER_DB"]):
            admin.cursor().execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        for role in (names["GATEWAY_DB_USER"], names["RASA_DB_USER"]):
            admin.cursor().execute(f'DROP ROLE IF EXISTS "{role}"')
        admin.close()


def url(user: str, password: str, database: str) -> str:
    return f"postgresql+psycopg://{user}:{password}@127.0.0.1:5432/{database}"


def refused(connection, statement: str) -> bool:  # noqa: ANN001
    cursor = connection.cursor()
    try:
        cursor.execute(statement)
    except psycopg2.errors.InsufficientPrivilege:
        connection.rollback()
        return True
    connection.rollback()
    return False


def test_the_gateway_runs_on_a_role_that_changes_rows_only(roles, tmp_path) -> None:
    app = roles["GATEWAY_DB_USER"], roles["GATEWAY_DB_PASSWORD"]
    env = {
        "MIGRATION_DATABASE_URL": url("postgres", "", roles["GATEWAY_DB"]).replace(":@", "@"),
        "DATABASE_URL": url(*app, roles["GATEWAY_DB"]),
        "RASA_TRACKER_STORE_URL": url(*app, roles["RASA_TRACKER_DB"]),
    }
    with running_gateway_process(tmp_path, extra_env=env) as gateway:
        health = requests.get(f"{gateway.url}/healthz", timeout=10).json()
        assert health["checks"]["database"] == "ok"
        assert requests.get(f"{gateway.url}/console/login", timeout=10).status_code == 200

    connection = psycopg2.connect(
        host="127.0.0.1", dbname=roles["GATEWAY_DB"], user=app[0], password=app[1]
    )
    try:
        cursor = connection.cursor()
        cursor.execute("SELECT count(*) FROM housing_company")  # loaded by the gateway
        assert cursor.fetchone()[0] > 0
        connection.rollback()
        assert refused(connection, "CREATE TABLE stolen (x text)")
        assert refused(connection, "DROP TABLE contact")
        assert refused(connection, "ALTER TABLE contact ADD COLUMN x text")
        assert refused(connection, "CREATE ROLE intruder LOGIN SUPERUSER")
        assert refused(connection, "COPY (SELECT 1) TO PROGRAM 'id'")
        cursor = connection.cursor()
        cursor.execute(
            "SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = %s",
            (app[0],),
        )
        assert cursor.fetchone() == (False, False, False)
    finally:
        connection.close()


def test_rasas_role_owns_its_database_and_nothing_else(roles) -> None:
    rasa = roles["RASA_DB_USER"], roles["RASA_DB_PASSWORD"]
    own = psycopg2.connect(
        host="127.0.0.1", dbname=roles["RASA_TRACKER_DB"], user=rasa[0], password=rasa[1]
    )
    try:
        own.cursor().execute("CREATE TABLE events (id serial primary key, sender_id text)")
        own.commit()  # as Rasa's tracker store does at start
        assert refused(own, "CREATE ROLE intruder")
    finally:
        own.close()
    with pytest.raises(psycopg2.OperationalError, match="permission denied"):
        psycopg2.connect(
            host="127.0.0.1", dbname=roles["GATEWAY_DB"], user=rasa[0], password=rasa[1]
        )
    # the gateway may read and delete Rasa's events (erasure, retention), not change them
    app = roles["GATEWAY_DB_USER"], roles["GATEWAY_DB_PASSWORD"]
    gateway = psycopg2.connect(
        host="127.0.0.1", dbname=roles["RASA_TRACKER_DB"], user=app[0], password=app[1]
    )
    try:
        gateway.cursor().execute("DELETE FROM events WHERE sender_id = 'x'")
        gateway.commit()
        assert refused(gateway, "INSERT INTO events (sender_id) VALUES ('forged')")
    finally:
        gateway.close()
