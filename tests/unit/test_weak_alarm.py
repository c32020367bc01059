"""A weak alarm inside a tenant's question (actions/weak_alarm.py): one 112 line, then the
answer to what the tenant said; anywhere else the full safety message and urgent handoff."""

from __future__ import annotations

from pathlib import Path

import yaml

from actions.safety import ActionUrgentHelp
from actions.turn import ActionTrackTurn
from tests.unit.test_actions import gateway_down, make_tracker, run, run_with_gateway, slot_events

DOMAIN = yaml.safe_load((Path(__file__).parents[2] / "domain.yml").read_text())
WEAK = {"by": "classifier", "weak": True, "confidence": 0.75}
DANGER_OTHER = [{"entity": "danger", "value": "other"}]
REPAIR = {"language": "fr", "topic": "repair", "in_topic": True, "details": ["thing:heating"]}

__all__ = ["gateway_down"]  # the fixture, used by name


def alarm_tracker(slots: dict, text: str, alarm: dict = WEAK, entities: list | None = None):
    tracker = make_tracker(
        intent="urgent_help", text=text, slots=slots, entities=[*DANGER_OTHER, *(entities or [])]
    )
    tracker.latest_message["alarm"] = alarm
    return tracker


def test_a_weak_alarm_during_a_repair_gets_112_then_the_details_noted(monkeypatch):
    tracker = alarm_tracker(REPAIR, "j'ai 2 petits enfants à la maison")
    responses, events, received = run_with_gateway(
        ActionUrgentHelp(), tracker, monkeypatch, messages=[]
    )
    assert responses[0] == "utter_danger_check"
    assert responses[1:] in (
        ["utter_details_noted", "utter_offer_handoff_details"],
        ["utter_topic_noted", "utter_offer_handoff_details"],
    )
    slots = slot_events(events)
    assert slots["topic"] == "repair" and slots["possible_danger"] is True
    assert slots["danger"] is None and "urgent" not in slots
    assert received == []  # no urgent handoff opened


def test_a_weak_alarm_after_search_results_narrows_the_search():
    tracker = alarm_tracker(
        {"language": "nl", "topic": "search", "in_topic": False, "commune": "jette"},
        "op vrijdag, dan heeft hij tijd",
        entities=[{"entity": "weekday", "value": "fr"}],
    )
    responses, _, events = run(ActionUrgentHelp(), tracker, DOMAIN)
    assert responses == ["utter_danger_check"]
    assert slot_events(events)["weekday"] == ["fr"]
    assert [e["name"] for e in events if e["event"] == "followup"] == ["activity_form"]
    assert slot_events(events)["danger"] is None


def test_a_weak_alarm_as_a_first_message_is_a_full_alarm(gateway_down):
    tracker = alarm_tracker({"language": "fr"}, "j'ai 2 petits enfants à la maison")
    responses, _, events = run(ActionUrgentHelp(), tracker, DOMAIN)
    assert responses[0] == "utter_urgent_other"
    assert slot_events(events)["urgent"] is True


def test_a_weak_alarm_after_danger_was_shown_is_a_full_alarm(gateway_down):
    tracker = alarm_tracker({**REPAIR, "urgent": True}, "il fait froid dans tout l'appartement")
    responses, _, _ = run(ActionUrgentHelp(), tracker, DOMAIN)
    assert responses[0] == "utter_urgent_other"


def test_a_sure_alarm_during_a_question_is_a_full_alarm(gateway_down):
    sure = {"by": "classifier", "weak": False, "confidence": 0.93}
    tracker = alarm_tracker(REPAIR, "il fait froid dans tout l'appartement", alarm=sure)
    responses, _, _ = run(ActionUrgentHelp(), tracker, DOMAIN)
    assert responses[0] == "utter_urgent_other"


def test_a_weak_alarm_while_a_form_waits_is_a_full_alarm(gateway_down):
    tracker = alarm_tracker(REPAIR, "j'ai 2 petits enfants à la maison")
    tracker.active_loop = {"name": "activity_form"}
    responses, _, _ = run(ActionUrgentHelp(), tracker, DOMAIN)
    assert responses[0] == "utter_urgent_other"


def test_track_turn_keeps_the_question_topic_on_a_weak_alarm():
    tracker = alarm_tracker(REPAIR, "j'ai 2 petits enfants à la maison")
    _, _, events = run(ActionTrackTurn(), tracker, DOMAIN)
    assert "topic" not in slot_events(events)
    full = alarm_tracker({"language": "fr"}, "j'ai 2 petits enfants à la maison")
    _, _, events = run(ActionTrackTurn(), full, DOMAIN)
    assert slot_events(events)["topic"] == "danger"


def test_the_112_line_names_112_in_both_languages():
    texts = [v["text"] for v in DOMAIN["responses"]["utter_danger_check"]]
    assert len(texts) == 2 and all("112" in text for text in texts)
