"""What the assistant says (../shared/CONTENT.md): every response in French and Dutch, in
short sentences, within the SMS budget, and with exactly the emergency numbers allowed."""

from __future__ import annotations

import re
from itertools import product
from pathlib import Path

import pytest
import yaml

from bot import lexicon
from bot.sms_rules import FORBIDDEN_TYPOGRAPHY, MAX_SEGMENTS, measure, render

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
RESPONSES: dict[str, list[dict]] = DOMAIN["responses"]
LANGUAGES = ("fr", "nl")

# The six rows of CONTENT.md, written as in the responses.
ALLOWED_NUMBERS = {"112", "101", "0800 32 123", "1813", "107", "106", "0800 19 400", "070 245 245"}
PHONE_NUMBER = re.compile(r"\b0\d{2,3}(?: \d{2,3}){2}\b|\b1\d{2,3}\b")
MAX_WORDS_PER_SENTENCE = 15
# The longest values the placeholders can take.
LONGEST_LABEL = max(
    (c.label(lang) for c in lexicon.categories().values() for lang in LANGUAGES), key=len
)
LONGEST_COMMUNE = max(
    (c.name(lang) for c in lexicon.communes().values() for lang in LANGUAGES), key=len
)


# The reminder replies' placeholders (actions/reminders.py), at a long activity's length.
REMINDER_VALUES = {
    "activity": "Ecole de devoirs et de jeux - Le Colibri de Saint-Gilles",
    "session_when": "Mercredi 30/12, 13h30-16h30",
    "send_when": "mardi 29/12 à 18h00",
    "number": "2",
}


# What the tenant added, said back (actions/topics.py), long: several details at once.
NOTED = {
    "noted": "la porte ou la serrure, depuis plusieurs semaines, 1250,50 €, en septembre, "
    "12e étage, Woluwe-Saint-Lambert"
}


def variation(name: str, language: str) -> dict:
    matches = [
        v
        for v in RESPONSES[name]
        if {"type": "slot", "name": "language", "value": language} in v.get("condition", [])
    ]
    assert len(matches) == 1, f"{name} needs exactly one '{language}' variation"
    return matches[0]


def shown(name: str, language: str) -> str:
    """The response as the SMS channel renders it, placeholders at their longest."""
    chosen = variation(name, language)
    # results: the action fits them in what is left (tests/unit/test_actions.py)
    text = chosen["text"].format(
        activity_label=LONGEST_LABEL,
        commune_name=LONGEST_COMMUNE,
        results="",
        **REMINDER_VALUES,
        **NOTED,
    )
    return render(text, [button["title"] for button in chosen.get("buttons", [])])


ALL = sorted(product(RESPONSES, LANGUAGES))


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_every_response_has_a_french_and_a_dutch_variation(name):
    for language in LANGUAGES:
        variation(name, language)
    assert len(RESPONSES[name]) == 2, f"{name}: one variation per language, no unconditioned one"


@pytest.mark.parametrize(("name", "language"), ALL)
def test_no_typographic_characters_that_break_gsm7(name, language):
    chosen = variation(name, language)
    texts = [chosen["text"], *(b["title"] for b in chosen.get("buttons", []))]
    for text in texts:
        assert not set(text) & FORBIDDEN_TYPOGRAPHY, f"{name}/{language}: {text!r}"


@pytest.mark.parametrize(("name", "language"), ALL)
def test_every_response_fits_the_sms_budget(name, language):
    size = measure(shown(name, language))
    assert size.segments <= MAX_SEGMENTS, f"{name}/{language}: {size}"


@pytest.mark.parametrize(("name", "language"), ALL)
def test_sentences_are_short(name, language):
    text = variation(name, language)["text"]
    for sentence in re.split(r"(?<=[.?!:])\s+", text):
        words = [w for w in re.split(r"\s+", sentence) if re.search(r"\w", w)]
        assert len(words) <= MAX_WORDS_PER_SENTENCE, f"{name}/{language}: {sentence!r}"


@pytest.mark.parametrize(("name", "language"), ALL)
def test_only_the_allowed_emergency_and_help_numbers(name, language):
    text = variation(name, language)["text"]
    for number in PHONE_NUMBER.findall(text):
        assert number in ALLOWED_NUMBERS, f"{name}/{language}: {number}"


SAFETY_LINES = {
    "utter_urgent_suicide": {"fr": "0800 32 123", "nl": "1813"},
    "utter_urgent_violence": {"fr": "101", "nl": "101"},
    "utter_urgent_gas": {"fr": "0800 19 400", "nl": "0800 19 400"},
    "utter_urgent_poison": {"fr": "070 245 245", "nl": "070 245 245"},
    "utter_urgent_other": {"fr": "107", "nl": "106"},
}


@pytest.mark.parametrize(
    "name",
    sorted(n for n in RESPONSES if n.startswith("utter_urgent_") and n != "utter_urgent_handoff"),
)
def test_safety_messages_name_112_first_then_the_right_line(name):
    for language in LANGUAGES:
        text = variation(name, language)["text"]
        numbers = PHONE_NUMBER.findall(text)
        assert numbers and numbers[0] == "112", f"{name}/{language}: {numbers}"
        expected = SAFETY_LINES.get(name, {}).get(language)
        if expected:
            assert expected in numbers[1:], f"{name}/{language}: {numbers}"
        assert "Tele-Onthaal" not in text or language == "nl"
        assert "Zelfmoordlijn" not in text or language == "nl"


# What one tenant message can make the assistant say in one turn (rules and actions).
TURNS = [
    ["utter_greet", "utter_menu"],
    ["utter_capabilities", "utter_menu"],
    ["utter_out_of_scope", "utter_menu"],
    ["utter_ok", "utter_menu"],
    ["utter_form_stopped", "utter_menu"],
    ["utter_language_changed", "utter_ask_commune"],
    ["utter_unknown_commune", "utter_ask_commune"],
    ["utter_search_unavailable", "utter_offer_person"],
    ["utter_search_no_results", "utter_offer_person"],
    ["utter_search_nearby", "utter_search_results_more"],
    ["utter_search_only_nearby", "utter_search_results_more"],
    ["utter_search_other_days", "utter_search_results_more"],
    ["utter_no_more_results"],
    *[
        [f"utter_{topic}", "utter_offer_handoff"]
        for topic in (
            "rent_question",
            "payment_difficulty",
            "report_repair",
            "housing_transfer",
            "housing_application",
            "income_documents",
            "neighbour_conflict",
            "tenant_participation",
            "contact_landlord",
        )
    ],
    *[
        [name, "utter_urgent_handoff"]
        for name in RESPONSES
        if name.startswith("utter_urgent_") and name != "utter_urgent_handoff"
    ],
]


@pytest.mark.parametrize(("turn", "language"), list(product(TURNS, LANGUAGES)))
def test_one_turn_fits_two_sms_segments(turn, language):
    joined = "\n".join(shown(name, language) for name in turn)
    size = measure(joined)
    assert size.segments <= MAX_SEGMENTS, f"{turn}/{language}: {size.segments} segments"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_fallback_choices_fit_with_the_longest_topics(language):
    labels = sorted((row[language] for row in lexicon.topic_labels().values()), key=len)
    text = variation("utter_fallback_choices", language)["text"]
    size = measure(render(text, labels[-4:]))
    assert size.segments <= MAX_SEGMENTS
    assert all(not set(label) & FORBIDDEN_TYPOGRAPHY for label in labels)


def test_topic_labels_are_bilingual_and_name_real_intents():
    intents = set(DOMAIN["intents"])
    for intent, labels in lexicon.topic_labels().items():
        assert intent in intents
        assert set(labels) == set(LANGUAGES)


def test_the_first_greeting_says_it_is_automatic_and_how_to_reach_a_person():
    for language in LANGUAGES:
        greeting = variation("utter_greet", language)["text"].lower()
        assert "automati" in greeting
        assert "112" in greeting
        menu = [b["payload"] for b in variation("utter_menu", language)["buttons"]]
        assert "/human_handoff" in menu
