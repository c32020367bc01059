"""A real gateway process of the security tests' own (no Rasa needed for the console):
migrated, the sample housing companies loaded; staff accounts made per test. `desk`: one
with a tenant's conversation, a canned reply and staff of both sample companies."""

from __future__ import annotations

import pytest

from bot.devtools.gateway_process import GatewayProcess, running_gateway_process
from tests.conftest import PUBLIC_URL
from tests.security.console_client import ConsoleClient, create_staff, sql
from tests.security.tenants import failed_message, open_conversation


@pytest.fixture
def security_gateway(tmp_path) -> GatewayProcess:
    """A new gateway per test: login throttling counts per client, and 127.0.0.1 is every
    test's client."""
    with running_gateway_process(tmp_path) as gateway:
        yield gateway


COMPANIES = ("sample-company", "sample-company-b")


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    """A gateway with one tenant's conversation, claimed by a caseworker of its housing
    company, a canned reply, and signed-in staff of both companies (by e-mail)."""
    with running_gateway_process(
        tmp_path_factory.mktemp("authorization"), extra_env={"PUBLIC_URL": PUBLIC_URL}
    ) as gateway:
        # no Rasa here: the tenant is registered by their SMS, the handoff opened directly
        handoff_id = open_conversation(gateway, "+32470123456")
        (own,) = sql(gateway, "SELECT company_id FROM handoff WHERE id = ?", handoff_id)[0]
        other = next(company for company in COMPANIES if company != own)
        for email, role, company in (
            ("cw@own.example", "caseworker", own),
            ("adm@own.example", "admin", own),
            ("aud@own.example", "auditor", own),
            ("coo@own.example", "coordinator", own),
            ("cw@other.example", "caseworker", other),
            ("adm@other.example", "admin", other),
            ("cur@own.example", "curator", own),
            ("cur@other.example", "curator", other),
            ("reg@own.example", "regional_curator", own),
        ):
            create_staff(gateway, email, role, company)
        # a service of the sample directory that the own company's curator keeps
        (service_id,) = sql(gateway, "SELECT id FROM hsds_service ORDER BY id LIMIT 1")[0]
        sql(gateway, "INSERT INTO curated_service VALUES (?, ?)", service_id, own)
        caseworker, admin = ConsoleClient(gateway.url), ConsoleClient(gateway.url)
        caseworker.login("cw@own.example")
        assert caseworker.post(f"/console/handoffs/{handoff_id}/claim").status_code == 303
        admin.login("adm@own.example")
        canned = {"language": "fr", "title": "Horaires", "text": "Nous sommes ouverts le matin."}
        assert admin.post("/console/canned", canned).status_code == 303
        assert admin.post("/console/labels", {"name": "loyer"}).status_code == 303
        ids = {
            "handoff_id": handoff_id,
            "message_id": failed_message(gateway, handoff_id),
            "reply_id": sql(gateway, "SELECT id FROM canned_reply")[0][0],
            "label_id": sql(gateway, "SELECT id FROM label")[0][0],
            "service_id": service_id,
            "number": 1,
            "staff_id": sql(gateway, "SELECT id FROM staff_user WHERE email = 'cw@own.example'")[0][
                0
            ],
        }
        browsers = {"cw@own.example": caseworker, "adm@own.example": admin}
        for email in (
            "aud@own.example",
            "coo@own.example",
            "cw@other.example",
            "adm@other.example",
            "cur@own.example",
            "cur@other.example",
            "reg@own.example",
        ):
            browsers[email] = ConsoleClient(gateway.url)
            browsers[email].login(email)
        yield gateway, ids, browsers
