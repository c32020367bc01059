"""Signing in to the console, attacked, against the real gateway process: a password flood
is throttled before any argon2 work and locks the right password out too; every role needs
the second factor; a wrong or replayed code, a used recovery code do not open it; an admin's
reset makes the account enrol again."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from tests.security.console_client import (
    SECOND_FACTOR,
    SETUP,
    ConsoleClient,
    create_staff,
    fresh_code,
    run_console_command,
    sql,
)

ROLES_HOME = {
    "caseworker": "/console/",
    "supervisor": "/console/",
    "admin": "/console/",
    "auditor": "/console/",
    "coordinator": "/console/signals",
}


def cpu_seconds(pid: int) -> float:
    """The process's user and system CPU time so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100  # utime, stime in clock ticks (100 Hz)


def let_the_lockout_pass(gateway) -> None:
    sql(gateway, "UPDATE login_failure SET at = datetime(at, '-16 minutes')")


def test_a_password_flood_is_refused_before_any_hashing_and_locks_the_right_password_out(
    security_gateway,
) -> None:
    create_staff(security_gateway, "ana@example.org", "caseworker")
    browser = ConsoleClient(security_gateway.url)
    pid = security_gateway.process.pid

    before = cpu_seconds(pid)
    for attempt in range(5):
        wrong = browser.password_step("ana@example.org", f"wrong password {attempt}")
        assert wrong.status_code == 401
    hashed = (cpu_seconds(pid) - before) / 5

    before = cpu_seconds(pid)
    refused = [browser.password_step("ana@example.org", f"guess {n}") for n in range(30)]
    throttled = (cpu_seconds(pid) - before) / 30
    assert {answer.status_code for answer in refused} == {429}
    assert all(int(answer.headers["Retry-After"]) > 0 for answer in refused)
    # No argon2 verification (64 MiB, tens of ms each) behind a 429: far cheaper per try.
    assert throttled < hashed / 4, (hashed, throttled)

    right = browser.password_step("ana@example.org")
    assert right.status_code == 429  # the right password too, during the lockout
    assert "Trop d'essais" in html.unescape(right.text)
    audit = sql(security_gateway, "SELECT action FROM audit_event WHERE action = 'login_locked'")
    assert audit == [("login_locked",)]

    let_the_lockout_pass(security_gateway)
    assert browser.password_step("ana@example.org").status_code == 303


def test_one_client_trying_many_accounts_is_throttled_too(security_gateway) -> None:
    create_staff(security_gateway, "bob@example.org", "caseworker")
    browser = ConsoleClient(security_gateway.url)
    for n in range(20):  # 4 tries on each of 5 made-up accounts: no account lockout
        assert browser.password_step(f"user{n % 5}@example.org", "nope").status_code == 401
    assert browser.password_step("bob@example.org").status_code == 429


@pytest.mark.parametrize("role", sorted(ROLES_HOME))
def test_every_role_needs_the_second_factor(security_gateway, role) -> None:
    email = f"{role}@example.org"
    create_staff(security_gateway, email, role)
    browser = ConsoleClient(security_gateway.url)
    after_password = browser.password_step(email)
    assert (after_password.status_code, after_password.headers["location"]) == (303, SETUP)
    for page in ("/console/", "/console/signals", "/console/account/password"):
        answer = browser.get(page)  # the password alone opens nothing
        assert (answer.status_code, answer.headers.get("location")) == (303, "/console/login")
    setup = browser.get(SETUP)
    assert "<svg" in setup.text and 'id="totp-secret"' in setup.text  # the QR code, inline
    codes = browser.enrol(email)
    assert codes.status_code == 200 and len(re.findall('class="recovery-code"', codes.text)) == 10
    home = browser.get(ROLES_HOME[role])
    assert home.status_code == 200

    browser.logout()
    second = browser.password_step(email)
    assert second.headers["location"] == SECOND_FACTOR  # enrolled: a code from now on
    assert browser.get("/console/").status_code == 303


def test_a_wrong_or_replayed_code_is_refused(security_gateway) -> None:
    create_staff(security_gateway, "cleo@example.org", "supervisor")
    browser = ConsoleClient(security_gateway.url)
    browser.login("cleo@example.org")
    browser.logout()

    browser.password_step("cleo@example.org")
    wrong = browser.post(SECOND_FACTOR, {"code": "000000"}, csrf_from=SECOND_FACTOR)
    assert wrong.status_code == 401
    code = fresh_code("cleo@example.org")
    assert browser.post(SECOND_FACTOR, {"code": code}, csrf_from=SECOND_FACTOR).status_code == 303
    browser.logout()

    browser.password_step("cleo@example.org")
    replayed = browser.post(SECOND_FACTOR, {"code": code}, csrf_from=SECOND_FACTOR)
    assert replayed.status_code == 401
    assert browser.get("/console/").status_code == 303


def test_a_recovery_code_works_once(security_gateway) -> None:
    create_staff(security_gateway, "dan@example.org", "caseworker")
    browser = ConsoleClient(security_gateway.url)
    codes = re.findall(
        r'class="recovery-code"><code>([a-z0-9-]+)</code>', browser.login("dan@example.org").text
    )
    browser.logout()
    browser.password_step("dan@example.org")
    used = browser.post(SECOND_FACTOR, {"code": codes[0]}, csrf_from=SECOND_FACTOR)
    assert used.status_code == 303
    browser.logout()
    browser.password_step("dan@example.org")
    again = browser.post(SECOND_FACTOR, {"code": codes[0]}, csrf_from=SECOND_FACTOR)
    assert again.status_code == 401


def test_an_admin_reset_ends_the_sessions_and_forces_a_new_enrolment(security_gateway) -> None:
    create_staff(security_gateway, "eve@example.org", "caseworker")
    create_staff(security_gateway, "fay@example.org", "admin")
    create_staff(security_gateway, "gus@example.org", "admin", company="sample-company-b")
    caseworker, admin = ConsoleClient(security_gateway.url), ConsoleClient(security_gateway.url)
    caseworker.login("eve@example.org")
    assert caseworker.get("/console/").status_code == 200
    (staff_id,) = sql(
        security_gateway, "SELECT id FROM staff_user WHERE email = 'eve@example.org'"
    )[0]

    other_company = ConsoleClient(security_gateway.url)
    other_company.login("gus@example.org")
    refused = other_company.post(f"/console/staff/{staff_id}/second-factor/reset")
    assert refused.status_code == 403
    assert caseworker.get("/console/").status_code == 200

    admin.login("fay@example.org")
    assert admin.post(f"/console/staff/{staff_id}/second-factor/reset").status_code == 303
    assert caseworker.get("/console/").status_code == 303  # signed out at once
    again = caseworker.password_step("eve@example.org")
    assert again.headers["location"] == SETUP


def test_the_command_line_reset_does_the_same(security_gateway) -> None:
    create_staff(security_gateway, "hal@example.org", "auditor")
    browser = ConsoleClient(security_gateway.url)
    browser.login("hal@example.org")
    run_console_command(security_gateway, "reset-second-factor", "hal@example.org")
    assert browser.get("/console/").status_code == 303
    assert browser.password_step("hal@example.org").headers["location"] == SETUP
