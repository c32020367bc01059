"""Conversations with the real Rasa server and action server, in French and Dutch."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import buttons, texts


def joined(replies: list[dict]) -> str:
    return "\n".join(texts(replies))


def test_french_greeting_says_automatic_assistant_and_shows_the_menu(assistant):
    replies = assistant.say(assistant.new_sender(), "bonjour")
    assert "assistant automatique" in joined(replies)
    assert "112" in joined(replies)
    assert buttons(replies) == [
        "/find_activity",
        "/digital_help",
        "/housing_question",
        "/human_handoff",
    ]


def test_dutch_greeting_is_answered_in_dutch(assistant):
    replies = assistant.say(assistant.new_sender(), "goeiedag")
    assert "automatische assistent" in joined(replies)


def test_language_stays_on_short_words_and_switches_on_request(assistant):
    sender = assistant.new_sender()
    assert "automatische assistent" in joined(assistant.say(sender, "hallo"))
    # "ok" and "merci" are not reasons to switch back to French
    assert "Oké" in joined(assistant.say(sender, "ok"))
    assert "Graag gedaan" in joined(assistant.say(sender, "merci"))
    assert "je continue en français" in joined(assistant.say(sender, "FR"))
    assert "Avec plaisir" in joined(assistant.say(sender, "merci"))
    # a long, clearly Dutch message switches back
    replies = assistant.say(sender, "waarom is mijn huur dit jaar zo veel hoger geworden")
    assert "huisvestingsmaatschappij" in joined(replies)


def test_a_channel_language_hint_sets_a_new_conversation(assistant):
    # "ok" alone says nothing about the language: the channel's hint decides
    replies = assistant.say(assistant.new_sender(), "ok", language_hint="nl", channel="sms")
    assert "Wat wilt u doen?" in joined(replies)
    replies = assistant.say(assistant.new_sender(), "ok", language_hint="fr", channel="sms")
    assert "Que voulez-vous faire ?" in joined(replies)


def test_a_tenant_question_gets_guidance_then_the_offer_of_a_person(assistant):
    sender = assistant.new_sender()
    replies = assistant.say(sender, "pq mon loyer a augmenté ??")
    assert "revenus" in joined(replies)
    assert buttons(replies) == ["/affirm", "/deny"]
    # the gateway is not running: the tenant is told how to reach a person directly
    assert "Appelez votre société de logement" in joined(assistant.say(sender, "oui"))


DAY = r"(Lundi|Mardi|Mercredi|Jeudi|Vendredi|Samedi|Dimanche) \d+/\d+, \d+h\d\d"
DAG = r"(Maandag|Dinsdag|Woensdag|Donderdag|Vrijdag|Zaterdag|Zondag) \d+/\d+, \d+\.\d\d"


def test_activity_search_collects_commune_then_category(assistant):
    sender = assistant.new_sender()
    assert "Dans quelle commune" in joined(assistant.say(sender, "je cherche une activité"))
    replies = assistant.say(sender, "Paris")
    assert "Je ne trouve pas cette commune" in joined(replies)
    assert "Dans quelle commune" in joined(replies)
    replies = assistant.say(sender, "1030")  # a postcode is a commune
    assert "Quel type d'activité" in joined(replies)
    replies = assistant.say(sender, '/inform{"activity_category": "sport"}')
    answer = joined(replies)
    assert "Sport à Schaerbeek :\n1. " in answer  # from the sample directory
    assert re.search(DAY, answer) and "Tél. 02 000 " in answer
    slots = assistant.tracker(sender)["slots"]
    assert (slots["commune"], slots["activity_category"]) == ("schaerbeek", "sport")


def test_newcomer_asks_for_childrens_activities_in_schaerbeek(assistant):
    sender = assistant.new_sender()
    answer = joined(assistant.say(sender, "activités pour enfants à Schaerbeek"))
    assert "Activités pour enfants à Schaerbeek :\n1. " in answer
    assert re.search(DAY, answer) and "Schaerbeek" in answer.split("1. ", 1)[1]


def test_dutch_search_in_one_message_then_more(assistant):
    sender = assistant.new_sender()
    replies = assistant.say(sender, "huiswerkbegeleiding in Molenbeek")
    answer = joined(replies)
    assert "Huiswerkbegeleiding in Sint-Jans-Molenbeek:\n1. " in answer
    assert re.search(DAG, answer) and "Tel. 02 000 " in answer
    assert buttons(replies) == ["/more_results", "/remind_me"]
    shown = int(assistant.tracker(sender)["slots"]["search_offset"])
    more = joined(assistant.say(sender, "meer"))
    assert f"\n{shown + 1}. " in more and "\n1. " not in more


@pytest.mark.parametrize(
    ("message", "first"),
    [
        (
            "où trouver de l'aide pour l'ordinateur près de chez moi à Schaerbeek",
            "Aide numérique (EPN) à Schaerbeek :\n1. Espace public numérique (EPN) - Les Lucioles",
        ),
        (
            "waar kan ik hulp krijgen met mijn computer in Schaarbeek",
            "Digitale hulp in Schaarbeek:\n1. Digitale hulp: open computerruimte - De Vuurvliegjes",
        ),
    ],
)
def test_help_with_the_computer_near_me_lists_digital_help_services(assistant, message, first):
    answer = joined(assistant.say(assistant.new_sender(), message))
    assert first in answer  # the sample's digital help desk in that commune comes first


def test_a_search_with_no_result_says_so_and_offers_a_person(assistant):
    sender = assistant.new_sender()
    # the sample has no homework school in Auderghem nor next to it
    replies = assistant.say(sender, "une école de devoirs à Auderghem")
    assert "Je n'ai rien trouvé à Auderghem, ni tout près." in joined(replies)
    assert buttons(replies) == ["/affirm", "/deny"]
    assert assistant.tracker(sender)["slots"]["handoff_reason"] == "no_results"


def test_a_form_accepts_a_correction(assistant):
    sender = assistant.new_sender()
    assistant.say(sender, "je cherche une activité")
    assistant.say(sender, "Jette")
    assistant.say(sender, "non plutôt à Evere")
    assert assistant.tracker(sender)["slots"]["commune"] == "evere"


def test_danger_in_the_middle_of_a_form_gets_the_safety_message_at_once(assistant):
    sender = assistant.new_sender()
    assistant.say(sender, "je cherche une activité")
    replies = assistant.say(sender, "attendez ça sent le gaz dans la cuisine")
    first = texts(replies)[0]
    assert "112" in first and "0800 19 400" in first
    tracker = assistant.tracker(sender)
    assert tracker["slots"]["urgent"] is True
    assert tracker["active_loop"] in ({}, None) or not tracker["active_loop"].get("name")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("je veux mourir", "0800 32 123"),
        ("ik wil niet meer leven", "1813"),
        ("mon mari me frappe", "101"),
        ("ik ruik gas in de keuken", "0800 19 400"),
    ],
)
def test_safety_messages_give_112_and_the_right_line(assistant, text, expected):
    first = texts(assistant.say(assistant.new_sender(), text))[0]
    assert first.index("112") < first.index(expected)


# The danger classifier alone, unsure, no cue word (nl-words-1 of the conversation set)
WEAK_ALARM = "hij zit in het 5de leerjaar en hij heeft elke ochtend buikpijn"


def test_a_weak_alarm_inside_a_question_gets_112_then_the_question_goes_on(assistant):
    assert assistant.parse(WEAK_ALARM)["alarm"]["weak"] is True  # what this test is about
    sender = assistant.new_sender()
    assistant.say(sender, "mijn zoon wil niet meer naar school, ze lachen hem uit in de klas")
    replies = texts(assistant.say(sender, WEAK_ALARM))
    assert replies[0] == "Is iemand nu in gevaar? Bel 112."
    assert not any("Tele-Onthaal" in text for text in replies)  # not the safety message
    slots = assistant.tracker(sender)["slots"]
    assert (slots["topic"], slots["urgent"], slots["possible_danger"]) == ("school", False, True)
    assert slots["pending_offer"] == "handoff"  # the offer of a person still stands


def test_the_same_weak_alarm_as_a_first_message_is_a_full_alarm(assistant):
    sender = assistant.new_sender()
    first = texts(assistant.say(sender, WEAK_ALARM))[0]
    assert first.startswith("Bent u in gevaar? Bel 112.")
    assert assistant.tracker(sender)["slots"]["urgent"] is True


def test_two_failures_end_in_the_offer_of_a_person(assistant):
    sender = assistant.new_sender()
    first = assistant.say(sender, "zxqv blorp")
    assert "pas bien compris" in joined(first)
    assert "/human_handoff" in buttons(first)
    second = assistant.say(sender, "qsdfg hjklm")
    assert "parler à une personne" in joined(second)
    assert buttons(second) == ["/affirm", "/deny"]
    assert "Appelez votre société de logement" in joined(assistant.say(sender, "oui"))


def test_erasure_asks_for_confirmation_and_never_pretends(assistant):
    sender = assistant.new_sender()
    assert "effacer" in joined(assistant.say(sender, "supprimez mes données svp"))
    assert "Je ne peux pas effacer" in joined(assistant.say(sender, "oui"))


@pytest.mark.parametrize("text", ["👍", "🙏🙏🙏", "a" * 2000, "?", "ok " * 700])
def test_odd_messages_get_an_answer_not_an_error(assistant, text):
    replies = assistant.say(assistant.new_sender(), text)
    assert replies and all(reply.get("text") for reply in replies)
