"""Console sessions held by the server, against the real gateway process: a copied cookie
is worth nothing after logout, after a password change, past 12 hours, after 30 minutes
without a request of the staff member's own (the queue's background refresh does not
count), after an admin's "sign out everywhere" or the account's deactivation.

Time is made to pass by moving the session's stored times back in the gateway's database."""

from __future__ import annotations

import requests

from tests.security.console_client import (
    STAFF_PASSWORD,
    ConsoleClient,
    create_staff,
    run_console_command,
    sql,
)

QUEUE = "/console/"
POLL = "/console/?partial=1"  # what the queue page fetches every 10 seconds
NEW_PASSWORD = "seven orange kites over Molenbeek"


def replay(base_url: str, cookies: requests.cookies.RequestsCookieJar) -> int:
    """The status of the queue page for someone holding a copy of these cookies."""
    thief = requests.Session()
    thief.cookies.update(cookies)
    return thief.get(base_url + QUEUE, allow_redirects=False, timeout=30).status_code


def signed_in(gateway, email: str, role: str = "caseworker") -> ConsoleClient:
    create_staff(gateway, email, role)
    browser = ConsoleClient(gateway.url)
    browser.login(email)
    assert browser.get(QUEUE).status_code == 200
    return browser


def move_sessions_back(gateway, email: str, column: str, minutes: int) -> None:
    sql(
        gateway,
        f"UPDATE staff_session SET {column} = datetime({column}, '-{minutes} minutes') "
        "WHERE staff_id = (SELECT id FROM staff_user WHERE email = ?)",
        email,
    )


def test_a_cookie_copied_before_logout_opens_nothing_after(security_gateway) -> None:
    browser = signed_in(security_gateway, "ana@example.org")
    copied = browser.http.cookies.copy()
    assert replay(security_gateway.url, copied) == 200
    browser.logout()
    assert replay(security_gateway.url, copied) == 303


def test_a_password_change_ends_every_other_session(security_gateway) -> None:
    office = signed_in(security_gateway, "bob@example.org")
    home = ConsoleClient(security_gateway.url)
    home.login("bob@example.org")
    office_copy = office.http.cookies.copy()
    changed = office.post(
        "/console/account/password",
        {"current": STAFF_PASSWORD, "new": NEW_PASSWORD, "confirmation": NEW_PASSWORD},
    )
    assert changed.status_code == 303
    assert home.get(QUEUE).status_code == 303  # the other browser is signed out
    assert replay(security_gateway.url, office_copy) == 303  # and the old cookie is dead
    assert office.get(QUEUE).status_code == 200  # this browser goes on, in a new session
    assert ConsoleClient(security_gateway.url).password_step("bob@example.org").status_code == 401


def test_a_common_or_short_new_password_is_refused(security_gateway) -> None:
    browser = signed_in(security_gateway, "cleo@example.org")
    for weak in ("Password1234!", "azertyuiop123", "short"):
        refused = browser.post(
            "/console/account/password",
            {"current": STAFF_PASSWORD, "new": weak, "confirmation": weak},
        )
        assert refused.status_code == 400
    assert browser.get(QUEUE).status_code == 200  # nothing changed


def test_a_session_ends_12_hours_after_login_whatever_it_does(security_gateway) -> None:
    browser = signed_in(security_gateway, "dan@example.org")
    move_sessions_back(security_gateway, "dan@example.org", "created_at", 12 * 60 + 1)
    assert browser.get(QUEUE).status_code == 303


def test_a_session_that_only_polls_expires_after_30_idle_minutes(security_gateway) -> None:
    browser = signed_in(security_gateway, "eve@example.org")
    move_sessions_back(security_gateway, "eve@example.org", "last_active_at", 29)
    (before,) = sql(security_gateway, "SELECT last_active_at FROM staff_session")[0]
    for _ in range(3):  # the queue's refresh, as the page sends it
        assert browser.get(POLL).status_code == 200
    (after,) = sql(security_gateway, "SELECT last_active_at FROM staff_session")[0]
    assert after == before  # polling keeps nothing alive
    move_sessions_back(security_gateway, "eve@example.org", "last_active_at", 2)
    expired = browser.get(POLL)
    assert (expired.status_code, expired.headers["location"]) == (303, "/console/login")


def test_a_request_of_the_staff_members_own_keeps_the_session(security_gateway) -> None:
    browser = signed_in(security_gateway, "fay@example.org")
    move_sessions_back(security_gateway, "fay@example.org", "last_active_at", 29)
    assert browser.get(QUEUE).status_code == 200  # a page they opened themselves
    move_sessions_back(security_gateway, "fay@example.org", "last_active_at", 2)
    assert browser.get(QUEUE).status_code == 200


def test_an_admin_signs_a_colleague_out_everywhere(security_gateway) -> None:
    caseworker = signed_in(security_gateway, "gus@example.org")
    admin = signed_in(security_gateway, "hal@example.org", role="admin")
    (staff_id,) = sql(
        security_gateway, "SELECT id FROM staff_user WHERE email = 'gus@example.org'"
    )[0]
    assert admin.post(f"/console/staff/{staff_id}/sign-out").status_code == 303
    assert caseworker.get(QUEUE).status_code == 303
    audit = sql(security_gateway, "SELECT detail FROM audit_event WHERE action = 'signed_out'")
    assert audit == [("gus@example.org",)]


def test_a_deactivated_account_is_signed_out_at_once(security_gateway) -> None:
    browser = signed_in(security_gateway, "ida@example.org")
    run_console_command(security_gateway, "deactivate", "ida@example.org")
    assert browser.get(QUEUE).status_code == 303
    assert ConsoleClient(security_gateway.url).password_step("ida@example.org").status_code == 401
