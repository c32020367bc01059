"""A tenant says a place the assistant proposed was closed (issue 23): the action, run as
the action server runs it, against a loopback server standing in for the gateway's
internal API (which place it reports, what it says), and against the real gateway serving
the sample directory (search, then "c'était fermé": the curators' report is stored)."""

from __future__ import annotations

import asyncio
import sqlite3
import uuid
from pathlib import Path

import pytest
import requests
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.activities import ActionSearchActivities
from actions.closed_place import ActionReportClosedPlace
from bot.channels.sms_render import render_turn
from bot.dev_defaults import DEV_INTERNAL_API_TOKEN
from tests.unit.test_actions import closed_port, run_with_gateway
from tests.unit.test_reminder_actions import SHOWN, add_contact

DOMAIN = yaml.safe_load((Path(__file__).resolve().parents[2] / "domain.yml").read_text())
PATH = "/internal/directory/closed"


def tracker(text: str, shown: list[dict] | None = SHOWN, lang: str = "fr", sender: str = "s-1"):
    latest = {
        "intent": {"name": "report_place_closed", "confidence": 1.0},
        "entities": [],
        "text": text,
        "metadata": {"channel": "sms"},
    }
    slots = {"language": lang, "shown_activities": shown}
    return Tracker(
        sender, slots, latest, [{"event": "user", "text": text}], False, None, {}, "action_listen"
    )


def report(monkeypatch, the_tracker: Tracker, status: int = 200) -> tuple[list[dict], list[dict]]:
    """(messages the action uttered, requests the gateway received)"""
    messages: list[dict] = []
    action = ActionReportClosedPlace()
    answer = {"reported": True}
    _, _, received = run_with_gateway(
        action, the_tracker, monkeypatch, status, answer, messages, path=PATH
    )
    return messages, received


def test_the_place_named_by_its_number_is_reported_and_named_back(monkeypatch):
    messages, received = report(monkeypatch, tracker("le 2 était fermé"))
    assert received == [
        {"auth": f"Bearer {DEV_INTERNAL_API_TOKEN}", "sender_id": "s-1", "service_id": "svc-2"}
    ]
    assert [(m["response"], m.get("activity")) for m in messages] == [
        ("utter_place_closed_thanks", "Atelier couture")
    ]


def test_with_several_places_shown_the_tenant_is_asked_which(monkeypatch):
    messages, received = report(monkeypatch, tracker("c'était fermé"))
    assert received == []
    assert [m["response"] for m in messages] == ["utter_place_closed_which"]
    assert messages[0]["buttons"] == [
        {"title": "Club de sport", "payload": '/report_place_closed{"place_number":"1"}'},
        {"title": "Atelier couture", "payload": '/report_place_closed{"place_number":"2"}'},
    ]
    # on SMS the choice is a numbered menu, whose press comes back as the payload
    reply = render_turn([{"text": "Quel lieu était fermé ?", "buttons": messages[0]["buttons"]}])
    assert ("2", '/report_place_closed{"place_number":"2"}', "Atelier couture") in reply.options
    messages, received = report(monkeypatch, tracker('/report_place_closed{"place_number":"2"}'))
    assert [r["service_id"] for r in received] == ["svc-2"]
    assert messages[0]["response"] == "utter_place_closed_thanks"


def test_the_only_place_shown_is_reported_without_a_question(monkeypatch):
    messages, received = report(monkeypatch, tracker("het was dicht", shown=SHOWN[:1], lang="nl"))
    assert [r["service_id"] for r in received] == ["svc-1"]
    assert messages[0]["response"] == "utter_place_closed_thanks"


def test_before_any_search_nothing_is_reported_and_the_tenant_is_told_who_to_tell(monkeypatch):
    messages, received = report(monkeypatch, tracker("c'était fermé", shown=None))
    assert received == []
    assert [m["response"] for m in messages] == ["utter_place_closed_search_first"]


@pytest.mark.parametrize("status", [404, 500])
def test_a_gateway_that_refuses_gets_an_honest_failure(monkeypatch, status):
    messages, _ = report(monkeypatch, tracker("le 1 était fermé"), status)
    assert [m["response"] for m in messages] == ["utter_place_closed_failed"]


def test_a_gateway_that_is_down_gets_an_honest_failure(monkeypatch):
    monkeypatch.setenv("GATEWAY_INTERNAL_URL", f"http://127.0.0.1:{closed_port()}")
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionReportClosedPlace().run(dispatcher, tracker("le 1 était fermé"), DOMAIN))
    assert [m["response"] for m in dispatcher.messages] == ["utter_place_closed_failed"]


# --- against the real gateway and the sample directory ----------------------------------------


def closed_reports(gateway_directory: Path) -> list[tuple]:
    with sqlite3.connect(gateway_directory / "gateway.db") as db:
        return db.execute("SELECT service_id, source FROM service_closed_report").fetchall()


def test_search_then_closed_reaches_the_curators_against_the_real_gateway(
    gateway_url, gateway_directory, monkeypatch
):
    monkeypatch.setenv("GATEWAY_URL", gateway_url)
    monkeypatch.setenv("GATEWAY_INTERNAL_URL", gateway_url.internal)
    sender = f"sms-{uuid.uuid4().hex[:12]}"
    add_contact(gateway_directory, sender)
    slots = {"language": "fr", "commune": "jette", "activity_category": "sport"}
    latest = {"intent": {"name": "find_activity"}, "entities": [], "text": "", "metadata": {}}
    search = Tracker(sender, slots, latest, [], False, None, {}, "action_listen")
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionSearchActivities().run(dispatcher, search, DOMAIN))
    shown = next(e["value"] for e in events if e.get("name") == "shown_activities")
    assert shown
    before = closed_reports(gateway_directory)
    dispatcher = CollectingDispatcher()
    the_tracker = tracker("le 1 était fermé", shown=shown, sender=sender)
    asyncio.run(ActionReportClosedPlace().run(dispatcher, the_tracker, DOMAIN))
    assert dispatcher.messages[0]["response"] == "utter_place_closed_thanks"
    assert set(closed_reports(gateway_directory)) - set(before) == {
        (shown[0]["service_id"], "tenant")
    }
    # a place the assistant never showed this tenant is refused, and nothing is stored
    token = {"Authorization": f"Bearer {DEV_INTERNAL_API_TOKEN}"}
    refused = requests.post(
        f"{gateway_url.internal}{PATH}",
        json={"sender_id": sender, "service_id": str(uuid.uuid4())},
        headers=token,
        timeout=30,
    )
    assert refused.status_code == 404
    unauthenticated = requests.post(
        f"{gateway_url.internal}{PATH}",
        json={"sender_id": sender, "service_id": shown[0]["service_id"]},
        timeout=30,
    )
    assert unauthenticated.status_code == 401
    assert len(closed_reports(gateway_directory)) == len(before) + 1
