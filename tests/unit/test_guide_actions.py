"""The step-by-step digital-help guides as the action server runs them (actions/guides.py):
the list, start, next, repeat, the end, stopping, and what the SMS channel makes of each
message, in French and Dutch."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.nlu.classifiers.regex_message_handler import RegexMessageHandler
from rasa.shared.core.domain import Domain
from rasa.shared.nlu.training_data.message import Message

from actions.activities import ActionSearchActivities
from actions.guide_step import ActionGuideStep
from actions.guides import (
    FIND_HELP_PAYLOAD,
    ActionGuideList,
    start_payload,
)
from actions.handoff import ActionResolveOffer
from actions.turn import ActionSessionStart, ActionTrackTurn
from bot.channels.sms_render import render_turn
from bot.guides import find_guide, guides, step_count, step_text, ui_text
from bot.sms_rules import MAX_SEGMENTS
from tests.unit.test_actions import DOMAIN, make_tracker, run, slot_events

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("fr", "nl")
STEP_PAYLOADS = ["/guide_next", "/guide_repeat", "/ask_capabilities"]


def guide_entity(guide_id: str) -> list[dict]:
    return [{"entity": "guide", "value": guide_id}]


def open_at(guide_id: str, index: int, lang: str, intent: str, **extra) -> object:
    slots = {"language": lang, "guide": guide_id, "guide_step": float(index), **extra}
    return make_tracker(slots=slots, intent=intent)


def only_message(messages: list[dict]) -> dict:
    assert len(messages) == 1, messages
    return messages[0]


def start_guide(guide_id: str, lang: str):
    """The tenant picks a guide from the list: (messages, events) of the bot's answer."""
    tracker = make_tracker(
        slots={"language": lang}, intent="guide_list", entities=guide_entity(guide_id)
    )
    _, messages, events = run(ActionGuideList(), tracker)
    return messages, events


def progress(lang: str, step: int, total: int) -> str:
    return ui_text("progress", lang).format(step=step, total=total)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("guide_id", sorted(guides()))
def test_a_chosen_guide_starts_at_its_first_step_with_next_repeat_and_menu(guide_id, lang):
    messages, events = start_guide(guide_id, lang)
    message = only_message(messages)
    total = step_count(guide_id)
    assert message["text"] == f"{progress(lang, 1, total)}\n{step_text(guide_id, 0, lang)}"
    assert [b["payload"] for b in message["buttons"]] == STEP_PAYLOADS
    assert [b["title"] for b in message["buttons"]] == [
        ui_text(name, lang) for name in ("button_next", "button_repeat", "button_menu")
    ]
    assert slot_events(events) == {"guide": guide_id, "guide_step": 0.0, "pending_offer": None}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_list_offers_every_guide_by_its_title(lang):
    tracker = make_tracker(
        slots={"language": lang, "guide": "fraud", "guide_step": 2.0},
        intent="guide_list",
        text="/guide_list",
    )
    _, messages, events = run(ActionGuideList(), tracker)
    message = only_message(messages)
    assert message["text"] == ui_text("intro", lang)
    assert [b["title"] for b in message["buttons"]] == [g.title(lang) for g in guides().values()]
    assert [b["payload"] for b in message["buttons"]] == [start_payload(g) for g in guides()]
    assert slot_events(events) == {"guide": None, "guide_step": None}  # a new choice


def test_the_list_buttons_are_payloads_rasa_reads_as_a_guide_entity():
    domain = Domain.load(str(ROOT / "domain.yml"))
    for guide_id in guides():
        [parsed] = RegexMessageHandler().process(
            [Message(data={"text": start_payload(guide_id)})], domain
        )
        assert parsed.get("intent")["name"] == "guide_list"
        assert [(e["entity"], e["value"]) for e in parsed.get("entities")] == [("guide", guide_id)]


@pytest.mark.parametrize(
    ("lang", "text", "guide_id"),
    [
        ("fr", "je veux apprendre à faire un appel vidéo", "video_call"),
        ("fr", "explique moi les faux SMS", "fraud"),
        ("fr", "je veux apprendre à envoyer un document", "photo_document"),
        ("nl", "uitleg over valse sms", "fraud"),
        ("nl", "leg uit hoe ik een e-mailadres maak", "email_address"),
        ("nl", "leg uit wat een openbare computerruimte is", "public_computer"),
    ],
)
def test_words_that_name_one_guide_open_it(lang, text, guide_id):
    tracker = make_tracker(slots={"language": lang}, intent="guide_list", text=text)
    _, messages, events = run(ActionGuideList(), tracker)
    assert step_text(guide_id, 0, lang) in only_message(messages)["text"]
    assert slot_events(events)["guide"] == guide_id


@pytest.mark.parametrize("text", ["explique moi pas à pas", "uitleg over video en fraude"])
def test_words_that_name_no_guide_or_several_get_the_list(text):
    assert find_guide(text) is None
    tracker = make_tracker(slots={"language": "fr"}, intent="guide_list", text=text)
    _, messages, _ = run(ActionGuideList(), tracker)
    assert len(only_message(messages)["buttons"]) == len(guides())


def test_an_unknown_guide_gets_the_list():
    tracker = make_tracker(
        slots={"language": "nl"}, intent="guide_list", entities=guide_entity("no_such_guide")
    )
    _, messages, events = run(ActionGuideList(), tracker)
    message = only_message(messages)
    assert message["text"] == ui_text("intro", "nl")
    assert len(message["buttons"]) == len(guides())
    assert slot_events(events) == {"guide": None, "guide_step": None}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_next_shows_the_following_step(lang):
    _, messages, events = run(ActionGuideStep(), open_at("video_call", 2, lang, "guide_next"))
    total = step_count("video_call")
    text = only_message(messages)["text"]
    assert text == f"{progress(lang, 4, total)}\n{step_text('video_call', 3, lang)}"
    assert slot_events(events)["guide_step"] == 3.0


@pytest.mark.parametrize("lang", LANGUAGES)
def test_repeat_shows_the_same_step_again(lang):
    _, messages, events = run(ActionGuideStep(), open_at("fraud", 4, lang, "guide_repeat"))
    assert step_text("fraud", 4, lang) in only_message(messages)["text"]
    assert progress(lang, 5, step_count("fraud")) in only_message(messages)["text"]
    assert slot_events(events) == {"guide": "fraud", "guide_step": 4.0, "pending_offer": None}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("guide_id", sorted(guides()))
def test_next_after_the_last_step_ends_and_offers_digital_help_nearby(guide_id, lang):
    last = step_count(guide_id) - 1
    _, messages, events = run(ActionGuideStep(), open_at(guide_id, last, lang, "guide_next"))
    message = only_message(messages)
    assert message["text"] == ui_text("end", lang)
    assert [(b["title"], b["payload"]) for b in message["buttons"]] == [
        (ui_text("button_find_help", lang), FIND_HELP_PAYLOAD),
        (ui_text("button_menu", lang), "/ask_capabilities"),
    ]
    assert slot_events(events) == {"guide": None, "guide_step": None}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("guide_id", sorted(guides()))
def test_walking_through_a_guide_shows_each_step_once_then_the_end(guide_id, lang):
    messages, events = start_guide(guide_id, lang)
    shown = [messages[0]["text"]]
    slots = {"language": lang, **slot_events(events)}
    while slots.get("guide"):
        tracker = make_tracker(slots=slots, intent="guide_next")
        _, messages, events = run(ActionGuideStep(), tracker)
        shown.append(only_message(messages)["text"])
        slots.update(slot_events(events))
    total = step_count(guide_id)
    assert shown[-1] == ui_text("end", lang)
    assert shown[:-1] == [
        f"{progress(lang, n + 1, total)}\n{step_text(guide_id, n, lang)}" for n in range(total)
    ]


@pytest.mark.parametrize("intent", ["guide_next", "guide_repeat"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_next_or_repeat_without_an_open_guide_says_so_and_lists_the_guides(intent, lang):
    tracker = make_tracker(slots={"language": lang}, intent=intent)
    _, messages, events = run(ActionGuideStep(), tracker)
    message = only_message(messages)
    assert message["text"] == f"{ui_text('no_guide', lang)}\n{ui_text('intro', lang)}"
    assert [b["payload"] for b in message["buttons"]] == [start_payload(g) for g in guides()]
    assert slot_events(events) == {"guide": None, "guide_step": None}


def test_a_step_slot_from_another_guide_version_is_clamped_on_repeat():
    tracker = open_at("public_computer", 9, "fr", "guide_repeat")
    _, messages, _ = run(ActionGuideStep(), tracker)
    last = step_count("public_computer") - 1
    assert step_text("public_computer", last, "fr") in only_message(messages)["text"]


# --- what the SMS channel sends -------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("guide_id", sorted(guides()))
def test_every_step_is_one_sms_reply_with_1_next_2_repeat_0_menu(guide_id, lang):
    for index in range(step_count(guide_id)):
        tracker = open_at(guide_id, index, lang, "guide_repeat")
        _, messages, _ = run(ActionGuideStep(), tracker)
        reply = render_turn(messages)
        assert len(reply.parts) == 1 and reply.segments <= MAX_SEGMENTS, reply
        assert reply.parts[0].startswith(progress(lang, index + 1, step_count(guide_id)))
        assert [(key, payload) for key, payload, _ in reply.options] == [
            ("1", "/guide_next"),
            ("2", "/guide_repeat"),
            ("0", "/ask_capabilities"),
        ]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_list_the_end_and_the_no_guide_notice_fit_the_sms_budget(lang):
    turns = [
        run(ActionGuideList(), make_tracker(slots={"language": lang}, intent="guide_list"))[1],
        run(ActionGuideStep(), make_tracker(slots={"language": lang}, intent="guide_next"))[1],
        run(ActionGuideStep(), open_at("fraud", 6, lang, "guide_next"))[1],
    ]
    for messages in turns:
        reply = render_turn(messages)
        assert len(reply.parts) == 1 and reply.segments <= MAX_SEGMENTS, reply
    assert [key for key, _, _ in render_turn(turns[0]).options] == ["1", "2", "3", "4", "5", "6"]


# --- stopping, and the other turns inside a guide -----------------------------------------


@pytest.mark.parametrize(
    "intent", ["ask_capabilities", "find_activity", "rent_question", "human_handoff", "greet"]
)
def test_the_menu_or_another_topic_closes_the_guide(intent):
    tracker = open_at("email_address", 3, "fr", intent)
    _, _, events = run(ActionTrackTurn(), tracker)
    assert slot_events(events)["guide"] is None
    assert slot_events(events)["guide_step"] is None


@pytest.mark.parametrize(
    "intent",
    [
        "guide_next",
        "guide_repeat",
        "guide_list",
        "more_results",
        "affirm",
        "deny",
        "thank",
        "change_language",
    ],
)
def test_the_guide_stays_open_for_its_own_moves_yes_no_and_thanks(intent):
    tracker = open_at("email_address", 3, "fr", intent)
    _, _, events = run(ActionTrackTurn(), tracker)
    assert "guide" not in slot_events(events)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_ok_inside_a_guide_goes_on_and_no_stops_it(lang):
    _, messages, events = run(ActionResolveOffer(), open_at("online_form", 1, lang, "affirm"))
    assert step_text("online_form", 2, lang) in only_message(messages)["text"]
    assert slot_events(events)["guide_step"] == 2.0
    _, messages, events = run(ActionResolveOffer(), open_at("online_form", 1, lang, "deny"))
    message = only_message(messages)
    assert message["text"] == ui_text("stopped", lang)
    assert [b["payload"] for b in message["buttons"]] == ["/ask_capabilities"]
    assert slot_events(events) == {"guide": None, "guide_step": None}


def test_an_offer_made_after_the_guide_step_is_answered_first():
    tracker = open_at("online_form", 1, "fr", "deny", pending_offer="handoff")
    responses, _, events = run(ActionResolveOffer(), tracker)
    assert responses == ["utter_ok", "utter_menu"]
    assert "guide" not in slot_events(events)


@pytest.mark.parametrize(
    ("lang", "text", "step"), [("fr", "la suite", 3), ("nl", "verder", 3), ("fr", "encore", 2)]
)
def test_more_inside_a_guide_is_its_next_step_and_encore_the_same_again(lang, text, step):
    tracker = make_tracker(
        slots={
            "language": lang,
            "guide": "photo_document",
            "guide_step": 2.0,
            "commune": "jette",
            "activity_category": "sport",
        },
        intent="more_results",
        text=text,
    )
    _, messages, events = run(ActionSearchActivities(), tracker)  # no gateway needed
    assert step_text("photo_document", step, lang) in only_message(messages)["text"]
    assert slot_events(events)["guide_step"] == float(step)


def test_a_new_session_does_not_reopen_an_old_guide():
    tracker = make_tracker(
        slots={"language": "nl", "guide": "fraud", "guide_step": 3.0, "commune": "jette"}
    )
    _, _, events = run(ActionSessionStart(), tracker)
    carried = slot_events(events)
    assert carried["commune"] == "jette"
    assert "guide" not in carried and "guide_step" not in carried


def test_next_with_no_guide_open_right_after_search_results_is_more(gateway_url, monkeypatch):
    """After results, "volgende" is "more", whichever of the two intents the words got."""
    monkeypatch.setenv("GATEWAY_URL", gateway_url)
    monkeypatch.setenv("GATEWAY_INTERNAL_URL", gateway_url.internal)  # the services shown
    after_results = [
        {"event": "action", "name": "action_search_activities"},
        {"event": "action", "name": "action_listen"},
    ]
    slots = {
        "language": "nl",
        "commune": "molenbeek-saint-jean",
        "activity_category": "homework_help",
        "search_offset": 2.0,
    }
    tracker = make_tracker(slots=slots, intent="guide_next", events_after=after_results)
    responses, messages, events = run(ActionGuideStep(), tracker, DOMAIN)
    assert responses[-1] in ("utter_search_results", "utter_search_results_more")
    assert messages[-1]["results"].startswith("3. ")
    assert slot_events(events)["search_offset"] > 2
    # elsewhere, "next" with no guide open says so and lists the guides
    tracker = make_tracker(slots=slots, intent="guide_next")
    _, messages, _ = run(ActionGuideStep(), tracker, DOMAIN)
    assert only_message(messages)["text"].startswith(ui_text("no_guide", "nl"))
