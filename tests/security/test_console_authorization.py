"""Every form of the console that changes something (tests/security/console_routes.py,
checked against the app's routes), against the real gateway process: an auditor, a
coordinator, and a caseworker and an admin of another housing company each get 403, and
the database is exactly as before (every table compared)."""

from __future__ import annotations

import json
import sqlite3

import pytest

from bot.directory.synthetic import service as synthetic_service
from tests.security.console_client import ConsoleClient, create_staff, database_of, sql
from tests.security.console_routes import PHONE_LINE_ONLY, STATE_CHANGING
from tests.security.tenants import failed_message, open_conversation

# A whole activity as a curator fills in the directory's form (bot/console/curation.py).
ACTIVITY = {
    "name_fr": "Atelier couture",
    "name_nl": "Naaiatelier",
    "description_fr": "On coud ensemble.",
    "description_nl": "Samen naaien.",
    "organization_fr": "Fil ASBL",
    "organization_nl": "Draad vzw",
    "street_fr": "Rue du Curé 12",
    "street_nl": "Pastoorstraat 12",
    "postcode": "1190",
    "commune": "forest",
    "phone": "02 000 12 34",
    "price": "0",
    "categories": "crafts",
    "languages": "fr",
    "status": "active",
    "frequency": "weekly",
    "weekdays": "TU",
    "opens_at": "14:00",
    "closes_at": "16:00",
    "action": "save",
}
FORMS = {
    "/console/directory/new": ACTIVITY,
    "/console/directory/services/{service_id}": ACTIVITY,
    "/console/handoffs/{handoff_id}/closed-place": {"service_id": "{service_id}"},
    "/console/handoffs/{handoff_id}/reassign": {"colleague": "{staff_id}"},
    "/console/handoffs/{handoff_id}/reply": {"message": "Bonjour, ici le service social."},
    "/console/handoffs/{handoff_id}/note": {"message": "note"},
    "/console/handoffs/{handoff_id}/close": {"reason": "done"},
    "/console/canned": {"language": "fr", "title": "X", "text": "Un texte."},
    "/console/labels": {"name": "travaux"},
    "/console/handoffs/{handoff_id}/labels": {"label": "{label_id}"},
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
    "who",
    [
        "aud@own.example",
        "coo@own.example",
        "cw@other.example",
        "adm@other.example",
        "cur@other.example",
    ],
)
def test_a_refused_form_answers_403_and_changes_nothing(desk, route, who) -> None:
    gateway, ids, refused = desk
    browser = refused[who]
    if who == "adm@other.example" and "{" not in route:
        pytest.skip("an admin's own company's canned replies are theirs to write")
    if who == "cur@other.example" and route == "/console/directory/new":
        pytest.skip("a curator adds activities for their own company")
    path = route.format(**ids)
    form = {name: value.format(**ids) for name, value in FORMS.get(route, {}).items()}
    form["csrf"] = browser.csrf()  # a real token of the staff member's own session
    before = everything(gateway)
    answer = browser.http.post(gateway.url + path, data=form, allow_redirects=False, timeout=30)
    assert answer.status_code == 403, (path, who, answer.status_code, answer.text[:200])
    assert everything(gateway) == before


@pytest.mark.parametrize("who", ["coo@own.example", "cw@other.example", "adm@other.example"])
def test_a_conversation_is_not_shown_to_who_may_not_read_it(desk, who) -> None:
    """Another housing company's staff, whatever their role, and a coordinator (who reads
    only the anonymous signals) get 403 and no transcript; the company's own auditor
    reads it."""
    gateway, ids, browsers = desk
    page = f"/console/handoffs/{ids['handoff_id']}"
    assert 'id="transcript"' in browsers["aud@own.example"].get(page).text
    answer = browsers[who].get(page)
    assert answer.status_code == 403, (who, answer.status_code)
    assert 'id="transcript"' not in answer.text


# What each form changes, read by the handoff's and the staff member's ids.
CONVERSATION = "SELECT status, claimed_by FROM handoff WHERE id = :handoff_id"
ENTRIES = "SELECT count(*) FROM handoff_entry WHERE handoff_id = :handoff_id"
CANNED = "SELECT count(*) FROM canned_reply"
SESSIONS = "SELECT count(*) FROM staff_session WHERE staff_id = :staff_id AND revoked_at IS NULL"
SECOND_FACTOR = "SELECT totp_secret, totp_confirmed_at FROM staff_user WHERE id = :staff_id"
OUTBOX = "SELECT status FROM outbox_message WHERE id = :message_id"
LABELS = "SELECT count(*) FROM label"
LABELLED = "SELECT label_id FROM handoff_label WHERE handoff_id = :handoff_id"
SERVICES = "SELECT count(*) FROM hsds_service"
SERVICE = "SELECT document FROM hsds_service WHERE id = :service_id"
VERSIONS = "SELECT count(*) FROM service_version WHERE service_id = :service_id"
REPORTS = "SELECT count(*) FROM service_closed_report"
IMPORTED = "SELECT count(*) FROM service_version WHERE action = 'imported'"
# The file each upload form sends: one activity (tests/ data made by the directory's builder)
UPLOADS = {
    "/console/directory/import": (
        "directory.json",
        json.dumps({"services": [synthetic_service("security-import")]}).encode(),
        "application/json",
    )
}


def read(gateway, query: str, what: dict[str, int]) -> list[tuple]:  # noqa: ANN001
    with sqlite3.connect(database_of(gateway)) as database:
        return database.execute(query, what).fetchall()


def test_the_same_forms_from_the_right_staff_change_what_they_should(desk) -> None:
    """The control of the refusals above: the same forms, posted the same way with a token
    read from a page, by the company's own staff of a role the route allows, go through
    and change the database, so a 403 above is about who asks and nothing else. On a
    second tenant's conversation and a caseworker of its own, so that the desk the other
    tests share keeps its state (this test runs last in the module: its reply leaves an
    SMS in the outbox)."""
    gateway, ids, browsers = desk
    handoff_id = open_conversation(gateway, "+32470123457")
    (company,) = sql(gateway, "SELECT company_id FROM handoff WHERE id = ?", handoff_id)[0]
    create_staff(gateway, "cw2@own.example", "caseworker", company)
    caseworker, admin = ConsoleClient(gateway.url), browsers["adm@own.example"]
    curator = browsers["cur@own.example"]
    # the assistant showed the tenant the curator's service (as the action server says)
    sql(
        gateway,
        "INSERT INTO service_shown_to (sender_id, service_id, shown_at)"
        " SELECT sender_id, ?, CURRENT_TIMESTAMP FROM handoff WHERE id = ?",
        ids["service_id"],
        handoff_id,
    )
    caseworker.login("cw2@own.example")
    (colleague,) = sql(gateway, "SELECT id FROM staff_user WHERE email = 'cw2@own.example'")[0]
    failed = failed_message(gateway, handoff_id)
    h = "/console/handoffs/{handoff_id}"
    holder = str(ids["staff_id"])  # the desk's caseworker of the same company
    # (who, route, form, what must change: a query on the gateway's database)
    steps = [
        (caseworker, h + "/claim", {}, CONVERSATION),
        (caseworker, h + "/note", FORMS[h + "/note"], ENTRIES),
        (caseworker, h + "/reply", FORMS[h + "/reply"], ENTRIES),
        (caseworker, h + "/undelivered/{message_id}/retry", {}, OUTBOX),
        (admin, h + "/reassign", {"colleague": holder}, CONVERSATION),
        (admin, h + "/release", {}, CONVERSATION),
        (caseworker, h + "/claim", {}, CONVERSATION),
        (caseworker, h + "/close", FORMS[h + "/close"], CONVERSATION),
        (admin, "/console/canned", FORMS["/console/canned"], CANNED),
        (admin, "/console/canned/{reply_id}/delete", {}, CANNED),
        (admin, "/console/labels", FORMS["/console/labels"], LABELS),
        (caseworker, h + "/labels", {"label": "{label_id}"}, LABELLED),
        (caseworker, h + "/closed-place", {"service_id": "{service_id}"}, REPORTS),
        (curator, "/console/directory/new", ACTIVITY, SERVICES),
        (curator, "/console/directory/services/{service_id}", ACTIVITY, SERVICE),
        (curator, "/console/directory/services/{service_id}/confirm", {}, VERSIONS),
        (curator, "/console/directory/services/{service_id}/revert/{number}", {}, VERSIONS),
        (browsers["reg@own.example"], "/console/directory/import", {}, IMPORTED),
        (admin, "/console/labels/{label_id}/delete", {}, LABELS),
        (admin, "/console/staff/{staff_id}/sign-out", {}, SESSIONS),
        (admin, "/console/staff/{staff_id}/second-factor/reset", {}, SECOND_FACTOR),
    ]
    assert {route for _, route, *_ in steps} == set(STATE_CHANGING) - PHONE_LINE_ONLY
    for browser, route, form, query in steps:
        newest_reply = sql(gateway, "SELECT max(id) FROM canned_reply")[0][0]
        newest_label = sql(gateway, "SELECT max(id) FROM label")[0][0]
        path = route.format(
            handoff_id=handoff_id,
            reply_id=newest_reply,
            staff_id=colleague,
            message_id=failed,
            label_id=newest_label,
            service_id=ids["service_id"],
            number=1,
        )
        form = {
            name: str(value).format(label_id=newest_label, service_id=ids["service_id"])
            for name, value in form.items()
        }
        what = {
            "handoff_id": handoff_id,
            "staff_id": colleague,
            "message_id": failed,
            "service_id": ids["service_id"],
        }
        before = read(gateway, query, what)
        upload = UPLOADS.get(route)
        answer = browser.http.post(
            gateway.url + path,
            data={**form, "csrf": browser.csrf()},
            files={"file": upload} if upload else None,
            allow_redirects=False,
            timeout=30,
        )
        # an upload answers with its report; every other form redirects
        assert answer.status_code == (200 if upload else 303), (path, answer.status_code)
        assert read(gateway, query, what) != before, path
