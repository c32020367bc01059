"""Every form of the console that changes something (tests/security/console_routes.py,
checked against the app's routes), against the real gateway process: an auditor, a
coordinator, and a caseworker and an admin of another housing company each get 403, and
the database is exactly as before (every table compared)."""

from __future__ import annotations

import sqlite3

import pytest

from tests.security.console_client import database_of
from tests.security.console_routes import STATE_CHANGING

FORMS = {
    "/console/handoffs/{handoff_id}/reassign": {"colleague": "{staff_id}"},
    "/console/handoffs/{handoff_id}/reply": {"message": "Bonjour, ici le service social."},
    "/console/handoffs/{handoff_id}/note": {"message": "note"},
    "/console/handoffs/{handoff_id}/close": {"reason": "done"},
    "/console/canned": {"language": "fr", "title": "X", "text": "Un texte."},
}


def everything(gateway) -> dict[str, list[tuple]]:
    """Every row of every table of the gateway's database."""
    with sqlite3.connect(database_of(gateway)) as database:
        tables = [
            row[0]
            for row in database.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        return {
            table: sorted(map(repr, database.execute(f'SELECT * FROM "{table}"')))
            for table in tables
        }


@pytest.mark.parametrize("route", sorted(STATE_CHANGING))
@pytest.mark.parametrize(
    "who", ["aud@own.example", "coo@own.example", "cw@other.example", "adm@other.example"]
)
def test_a_refused_form_answers_403_and_changes_nothing(desk, route, who) -> None:
    gateway, ids, refused = desk
    browser = refused[who]
    if who == "adm@other.example" and "{" not in route:
        pytest.skip("an admin's own company's canned replies are theirs to write")
    path = route.format(**ids)
    form = {name: value.format(**ids) for name, value in FORMS.get(route, {}).items()}
    form["csrf"] = browser.csrf()  # a real token of the staff member's own session
    before = everything(gateway)
    answer = browser.http.post(gateway.url + path, data=form, allow_redirects=False, timeout=30)
    assert answer.status_code == 403, (path, who, answer.status_code, answer.text[:200])
    assert everything(gateway) == before
