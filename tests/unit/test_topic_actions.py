"""The conversation's topic (actions/topics.py): a question is answered once; what the
tenant adds is said back with the offer of a person; never the same text twice."""

from __future__ import annotations

from pathlib import Path

import yaml

from actions.topics import ActionAnswerQuestion, ActionDigitalHelp, ActionFollowTopic
from tests.unit.test_actions import make_tracker, run, slot_events

DOMAIN = yaml.safe_load((Path(__file__).parents[2] / "domain.yml").read_text())


def test_a_new_question_gets_its_guidance_and_the_offer():
    tracker = make_tracker(intent="report_repair", text="ma chaudière ne marche plus")
    responses, _, events = run(ActionAnswerQuestion(), tracker, DOMAIN)
    assert responses == ["utter_report_repair", "utter_offer_handoff"]
    slots = slot_events(events)
    assert (slots["topic"], slots["in_topic"], slots["pending_offer"]) == (
        "repair",
        True,
        "handoff",
    )
    assert slots["details"] == ["thing:heating"]


def test_the_same_question_with_details_is_acknowledged_not_answered_again():
    tracker = make_tracker(
        intent="report_repair",
        text="depuis une semaine, les radiateurs sont froids",
        slots={"topic": "repair", "in_topic": True, "details": ["thing:heating"]},
    )
    responses, messages, events = run(ActionAnswerQuestion(), tracker, DOMAIN)
    assert responses == ["utter_details_noted", "utter_offer_handoff_details"]
    assert messages[0]["noted"] == "depuis une semaine"  # the heating was said already
    assert slot_events(events)["details"] == ["thing:heating", "duration:depuis une semaine"]


def test_a_weak_other_question_with_details_stays_on_the_topic():
    tracker = make_tracker(
        intent="housing_transfer",
        text="on a déplacé les meubles, il y a de la moisissure",
        slots={"topic": "repair", "in_topic": True},
    )
    tracker.latest_message["intent"]["confidence"] = 0.55
    responses, _, events = run(ActionAnswerQuestion(), tracker, DOMAIN)
    assert responses[0] == "utter_details_noted"
    assert slot_events(events)["topic"] == "repair"


def test_a_clear_other_question_changes_the_topic():
    tracker = make_tracker(
        intent="rent_question", text="et mon loyer ?", slots={"topic": "repair", "in_topic": True}
    )
    responses, _, events = run(ActionAnswerQuestion(), tracker, DOMAIN)
    assert responses == ["utter_rent_question", "utter_offer_handoff"]
    assert slot_events(events)["topic"] == "rent"


def test_a_commune_during_a_question_is_noted_not_searched():
    tracker = make_tracker(
        intent="inform",
        text="j'habite à Evere au 5e étage",
        entities=[{"entity": "commune", "value": "evere"}],
        slots={"topic": "repair", "in_topic": True},
    )
    responses, messages, events = run(ActionFollowTopic(), tracker, DOMAIN)
    assert responses == ["utter_details_noted", "utter_offer_handoff_details"]
    assert messages[0]["noted"] == "5e étage, Evere"
    assert "commune:evere" in slot_events(events)["details"]


def test_and_then_goes_to_the_next_step_and_never_repeats_itself():
    said = DOMAIN["responses"]["utter_next_step_person"][0]["text"]
    first = make_tracker(
        intent="nlu_fallback", text="et après ?", slots={"topic": "rent", "in_topic": True}
    )
    assert run(ActionFollowTopic(), first, DOMAIN)[0][0] == "utter_next_step_person"
    again = make_tracker(
        intent="nlu_fallback",
        text="et après ?",
        slots={"topic": "rent", "in_topic": True},
        events_after=[{"event": "bot", "text": said}, {"event": "user", "text": "et après ?"}],
    )
    assert run(ActionFollowTopic(), again, DOMAIN)[0][0] == "utter_topic_noted"


def test_a_word_not_understood_during_a_question_is_still_not_understood():
    tracker = make_tracker(
        intent="nlu_fallback", text="xqz", slots={"topic": "rent", "in_topic": True}
    )
    responses, _, _ = run(ActionFollowTopic(), tracker, DOMAIN)
    assert responses == ["utter_fallback_choices"]


def test_digital_help_asked_again_opens_the_guide_the_tenant_named():
    tracker = make_tracker(
        intent="digital_help",
        text="comment on en fait une ?",
        slots={"topic": "digital_help", "in_topic": True},
        events_after=[{"event": "user", "text": "je n'ai pas d'adresse mail"}],
    )
    _, _, events = run(ActionDigitalHelp(), tracker, DOMAIN)
    assert slot_events(events)["guide"] == "email_address"


def test_a_short_question_under_the_results_is_about_them():
    from actions.fallback import ActionNotUnderstood

    shown = {"topic": "search", "shown_activities": [{"number": 1, "name": "Judo"}]}
    tracker = make_tracker(intent="housing_application", text="je peux l'inscrire ?", slots=shown)
    assert run(ActionAnswerQuestion(), tracker, DOMAIN)[0] == ["utter_results_sign_up"]
    tracker = make_tracker(intent="out_of_scope", text="hoeveel kost het?", slots=shown)
    assert run(ActionNotUnderstood(), tracker, DOMAIN)[0] == ["utter_results_price"]
    # without results on screen, the same words are a housing application
    tracker = make_tracker(intent="housing_application", text="je peux l'inscrire ?")
    assert run(ActionAnswerQuestion(), tracker, DOMAIN)[0][0] == "utter_housing_application"


def test_comment_after_a_question_is_a_continuation_not_digital_help():
    tracker = make_tracker(
        intent="digital_help", text="comment ?", slots={"topic": "rent", "in_topic": True}
    )
    tracker.latest_message["intent"]["confidence"] = 0.45
    assert run(ActionDigitalHelp(), tracker, DOMAIN)[0][0] == "utter_next_step_person"
