"""The reminder action, run as the action server runs it: against a loopback server that
stands in for the gateway's internal API (what it sends, what it says for each answer), and
against the real gateway serving the sample directory (search, then "remind me")."""

from __future__ import annotations

import asyncio
import sqlite3
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.activities import ActionSearchActivities
from actions.reminders import ActionRemindMe
from bot.channels.sms_render import render_turn
from bot.dev_defaults import DEV_INTERNAL_API_TOKEN
from tests.unit.test_actions import closed_port, loopback_gateway

DOMAIN = yaml.safe_load((Path(__file__).resolve().parents[2] / "domain.yml").read_text())
SHOWN = [
    {
        "number": 1,
        "service_id": "svc-1",
        "location_id": "loc-1",
        "name": "Club de sport",
        "start": "2026-03-29T10:00:00+02:00",
        "end": "2026-03-29T12:00:00+02:00",
    },
    {
        "number": 2,
        "service_id": "svc-2",
        "location_id": "loc-2",
        "name": "Atelier couture",
        "start": "2026-03-30T16:00:00+02:00",
        "end": None,
    },
]
SET = {
    "scheduled": True,
    "created": True,
    "session_start": "2026-03-29T10:00:00+02:00",
    "session_end": "2026-03-29T12:00:00+02:00",
    "send_at": "2026-03-28T18:00:00+01:00",
    "day_before": True,
}


def tracker(
    text: str,
    shown: list[dict] | None = SHOWN,
    lang: str = "fr",
    sender: str = "sender-hmac-123",
    intent: str = "remind_me",
) -> Tracker:
    latest = {
        "intent": {"name": intent, "confidence": 1.0},
        "entities": [],
        "text": text,
        "metadata": {"channel": "sms"},
    }
    slots = {"language": lang, "shown_activities": shown}
    return Tracker(
        sender, slots, latest, [{"event": "user", "text": text}], False, None, {}, "action_listen"
    )


def remind(
    monkeypatch, the_tracker: Tracker, answer: dict | None = None, status: int = 201
) -> tuple[list[dict], list[dict]]:
    """(messages the action uttered, requests the gateway received)"""
    received: list[dict] = []

    async def scenario() -> list[dict]:
        async with loopback_gateway(received, status, answer or SET, "/internal/reminders") as url:
            monkeypatch.setenv("GATEWAY_URL", url)
            monkeypatch.setenv("GATEWAY_INTERNAL_URL", url)
            dispatcher = CollectingDispatcher()
            await ActionRemindMe().run(dispatcher, the_tracker, DOMAIN)
            return dispatcher.messages

    return asyncio.run(scenario()), received


def test_the_button_reminds_of_the_first_result_and_says_which_and_when(monkeypatch):
    messages, received = remind(monkeypatch, tracker("/remind_me"))
    assert received == [
        {
            "auth": f"Bearer {DEV_INTERNAL_API_TOKEN}",
            "sender_id": "sender-hmac-123",
            "service_id": "svc-1",
            "location_id": "loc-1",
            "session_start": "2026-03-29T10:00:00+02:00",
            "language": "fr",
        }
    ]
    assert [m["response"] for m in messages] == ["utter_reminder_set", "utter_reminder_other"]
    assert messages[0]["activity"] == "Club de sport"
    assert messages[0]["session_when"] == "Dimanche 29/3, 10h00-12h00"
    assert messages[0]["send_when"] == "samedi 28/3 à 18h00"
    assert messages[1]["number"] == "2"


def test_a_number_picks_that_result(monkeypatch):
    answer = {
        **SET,
        "session_start": "2026-03-30T16:00:00+02:00",
        "session_end": None,
        "send_at": "2026-03-29T18:00:00+02:00",
    }
    messages, received = remind(monkeypatch, tracker("herinner me aan 2", lang="nl"), answer)
    assert received[0]["service_id"] == "svc-2" and received[0]["language"] == "nl"
    assert [m["response"] for m in messages] == ["utter_reminder_set"]
    assert messages[0]["session_when"] == "Maandag 30/3, 16.00"
    assert messages[0]["send_when"] == "zondag 29/3 om 18.00"


def test_too_soon_is_said_plainly(monkeypatch):
    answer = {**SET, "scheduled": False, "created": False, "send_at": None}
    messages, _ = remind(monkeypatch, tracker("rappel 1"), answer, status=200)
    assert [m["response"] for m in messages] == ["utter_reminder_too_soon"]
    assert messages[0]["session_when"] == "Dimanche 29/3, 10h00-12h00"


def test_without_a_search_it_says_to_search_first_and_asks_nothing(monkeypatch):
    messages, received = remind(monkeypatch, tracker("rappelle-moi", shown=None))
    assert [m["response"] for m in messages] == ["utter_reminder_search_first"]
    assert received == []


def test_a_result_without_a_known_session(monkeypatch):
    shown = [{**SHOWN[0], "start": None, "end": None}]
    messages, received = remind(monkeypatch, tracker("/remind_me", shown=shown))
    assert [m["response"] for m in messages] == ["utter_reminder_no_date"]
    assert received == []


@pytest.mark.parametrize("status", [404, 409, 422, 500])
def test_a_refusal_is_not_called_done(monkeypatch, status):
    messages, _ = remind(monkeypatch, tracker("/remind_me"), {"detail": "no"}, status)
    assert [m["response"] for m in messages] == ["utter_reminder_failed"]


def test_gateway_down(monkeypatch):
    monkeypatch.setenv("GATEWAY_URL", f"http://127.0.0.1:{closed_port()}")
    monkeypatch.setenv("GATEWAY_INTERNAL_URL", f"http://127.0.0.1:{closed_port()}")
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionRemindMe().run(dispatcher, tracker("/remind_me"), DOMAIN))
    assert [m["response"] for m in dispatcher.messages] == ["utter_reminder_failed"]


def test_on_sms_the_reminder_is_8_next_to_9_for_more():
    reply = render_turn(
        [
            {
                "text": "Sport à Jette :\n1. Club",
                "buttons": [
                    {"title": "Plus de résultats", "payload": "/more_results"},
                    {"title": "Me le rappeler", "payload": "/remind_me"},
                ],
            }
        ]
    )
    assert reply.parts[0].endswith("9 Plus de résultats\n8 Me le rappeler")
    assert ("8", "/remind_me", "Me le rappeler") in reply.options


# --- against the real gateway and the sample directory ----------------------------------------


def add_contact(gateway_directory: Path, pseudonym: str) -> None:
    """A tenant the gateway knows (as a first SMS would create it)."""
    now = datetime.now(timezone.utc).isoformat(sep=" ")
    with sqlite3.connect(gateway_directory / "gateway.db") as db:
        db.execute(
            "INSERT INTO contact (channel, address, pseudonym, language, created_at, "
            "last_seen_at) VALUES ('sms', ?, ?, 'fr', ?, ?)",
            (f"+3247{uuid.uuid4().int % 10**7:07d}", pseudonym, now, now),
        )


def reminders_of(gateway_directory: Path, pseudonym: str) -> list[tuple]:
    with sqlite3.connect(gateway_directory / "gateway.db") as db:
        return db.execute(
            "SELECT r.service_id, r.status FROM reminder r JOIN contact c ON "
            "c.id = r.contact_id WHERE c.pseudonym = ?",
            (pseudonym,),
        ).fetchall()


def run_action(action: Any, the_tracker: Tracker) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, the_tracker, DOMAIN))
    return dispatcher.messages, events


def test_search_then_remind_me_against_the_real_gateway(
    gateway_url, gateway_directory, monkeypatch
):
    monkeypatch.setenv("GATEWAY_URL", gateway_url)
    monkeypatch.setenv("GATEWAY_INTERNAL_URL", gateway_url.internal)
    sender = f"sms-{uuid.uuid4().hex[:12]}"
    add_contact(gateway_directory, sender)
    slots = {"language": "fr", "commune": "schaerbeek", "activity_category": "homework_help"}
    latest = {
        "intent": {"name": "find_activity"},
        "entities": [],
        "text": "",
        "metadata": {"channel": "sms"},
    }
    search = Tracker(sender, slots, latest, [], False, None, {}, "action_listen")
    messages, events = run_action(ActionSearchActivities(), search)
    results = messages[-1]
    assert {"title": "Me le rappeler", "payload": "/remind_me"} in results["buttons"]
    shown = next(e["value"] for e in events if e.get("name") == "shown_activities")
    assert [item["number"] for item in shown] == list(range(1, len(shown) + 1))
    assert shown[0]["name"] in results["results"] and shown[0]["start"]

    messages, _ = run_action(ActionRemindMe(), tracker("/remind_me", shown=shown, sender=sender))
    said = messages[0]
    assert said["response"] in ("utter_reminder_set", "utter_reminder_too_soon")
    assert said["activity"] == shown[0]["name"]
    assert said["session_when"].split(",")[0] in results["results"]  # the day it showed
    stored = reminders_of(gateway_directory, sender)
    if said["response"] == "utter_reminder_set":
        assert stored == [(shown[0]["service_id"], "pending")]
        assert said["send_when"].endswith(("à 18h00", "à 9h00"))
    else:
        assert stored == []
