"""Finding a conversation again (issue 18): by label, by the tenant's full number (through
the pseudonym, never shown or kept), by words of a note, by status, urgency, channel and
date, and "mine"; only ever the staff member's own housing company's."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
from sqlalchemy import select, update

from bot.handoff.models import AuditEvent, Handoff
from tests.gateway.channel_fixtures import TENANT, console_with_staff
from tests.gateway.test_handoff import claim_for_ana, csrf_of, login, open_for_tenant


@pytest.fixture
def desk(tmp_path):
    with console_with_staff(
        tmp_path,
        [
            ("ana@a.example", "company-a", "admin", "fr"),
            ("carla@b.example", "company-b", "admin", "fr"),
        ],
    ) as running:
        yield running


def found_ids(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'<li class="request[^"]*" data-handoff="(\d+)"', page)]


def closed_with_label(desk) -> int:  # noqa: ANN001
    """A closed conversation labelled "loyer" with a note, the way staff do it."""
    handoff_id = open_for_tenant(desk)
    claim_for_ana(desk, handoff_id)
    assert desk.client.post(
        "/console/labels", data={"name": "loyer", "csrf": csrf_of(desk)}
    ).is_success
    label = re.search(
        r'name="label" value="(\d+)"', desk.client.get(f"/console/handoffs/{handoff_id}").text
    )
    path = f"/console/handoffs/{handoff_id}"
    desk.client.post(f"{path}/labels", data={"label": label.group(1), "csrf": csrf_of(desk, path)})
    desk.client.post(
        f"{path}/note", data={"message": "dossier Molenbeek rappel", "csrf": csrf_of(desk, path)}
    )
    desk.client.post(f"{path}/close", data={"reason": "réglé", "csrf": csrf_of(desk, path)})
    with desk.sessions() as session:
        assert session.get_one(Handoff, handoff_id).status == "closed"
    return handoff_id


def test_a_closed_conversation_is_found_by_its_label_and_a_note(desk) -> None:
    handoff_id = closed_with_label(desk)
    page = desk.client.get("/console/conversations?q=loyer").text
    assert found_ids(page) == [handoff_id]
    assert "loyer" in page and "réglé" in page  # its label and close reason are listed
    assert found_ids(desk.client.get("/console/conversations?q=molenbeek").text) == [handoff_id]
    assert found_ids(desk.client.get("/console/conversations?q=piscine").text) == []
    label = re.search(r'<option value="(\d+)"[^>]*>loyer</option>', page).group(1)
    assert found_ids(desk.client.get(f"/console/conversations?label={label}").text) == [handoff_id]
    assert found_ids(desk.client.get("/console/conversations?status=closed").text) == [handoff_id]
    assert found_ids(desk.client.get("/console/conversations?status=waiting").text) == []


def test_a_tenant_is_found_by_their_full_number_which_is_never_shown(desk) -> None:
    handoff_id = closed_with_label(desk)
    for typed in (TENANT, "0470 12 34 56", "+32 470 12 34 56"):
        answer = desk.client.post(
            "/console/conversations/by-number", data={"number": typed, "csrf": csrf_of(desk)}
        )
        assert answer.status_code == 200
        assert found_ids(answer.text) == [handoff_id], typed
        assert "470123456" not in answer.text and "12 34 56" not in answer.text
    other = desk.client.post(
        "/console/conversations/by-number", data={"number": "0470 11 11 11", "csrf": csrf_of(desk)}
    )
    assert found_ids(other.text) == []
    bad = desk.client.post(
        "/console/conversations/by-number", data={"number": "470", "csrf": csrf_of(desk)}
    )
    assert bad.status_code == 422 and "pas un numéro de téléphone complet" in bad.text
    with desk.sessions() as session:
        searches = session.scalars(select(AuditEvent).where(AuditEvent.action == "search_number"))
        assert [event.detail for event in searches] == [None, None, None, None]


def test_filters_urgent_mine_and_dates(desk) -> None:
    handoff_id = open_for_tenant(desk, urgent=True)
    login(desk)
    assert found_ids(desk.client.get("/console/conversations?urgent=true").text) == [handoff_id]
    assert found_ids(desk.client.get("/console/conversations?mine=true").text) == []
    claim_for_ana(desk, handoff_id)
    assert found_ids(desk.client.get("/console/conversations?mine=true").text) == [handoff_id]
    assert found_ids(desk.client.get("/console/conversations?channel=telegram").text) == []
    with desk.sessions() as session:
        march = datetime(2026, 3, 10, 9, 0, tzinfo=timezone.utc)
        session.execute(update(Handoff).values(opened_at=march))
        session.commit()
    in_march = "/console/conversations?since=2026-03-01&until=2026-03-10"
    assert found_ids(desk.client.get(in_march).text) == [handoff_id]
    after = "/console/conversations?since=2026-03-11"
    assert found_ids(desk.client.get(after).text) == []
    # a date that is no date is left out, not an error
    assert desk.client.get("/console/conversations?since=yesterday").status_code == 200


def test_another_company_finds_nothing_and_cannot_use_its_labels(desk) -> None:
    handoff_id = closed_with_label(desk)
    label = re.search(
        r'<option value="(\d+)"[^>]*>loyer</option>',
        desk.client.get("/console/conversations").text,
    ).group(1)
    login(desk, "carla@b.example")
    assert found_ids(desk.client.get("/console/conversations?q=loyer").text) == []
    by_number = desk.client.post(
        "/console/conversations/by-number", data={"number": TENANT, "csrf": csrf_of(desk)}
    )
    assert found_ids(by_number.text) == []
    refused = desk.client.post(f"/console/labels/{label}/delete", data={"csrf": csrf_of(desk)})
    assert refused.status_code == 403
    refused = desk.client.post(
        f"/console/handoffs/{handoff_id}/labels", data={"label": label, "csrf": csrf_of(desk)}
    )
    assert refused.status_code == 403
