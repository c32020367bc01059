"""The custom actions, run as the action server runs them, against a loopback server that
stands in for the gateway's internal API (or nothing, for "gateway down")."""

from __future__ import annotations

import asyncio
import re
import socket
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from aiohttp import web
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import gateway
from actions.activities import ActionSearchActivities, ValidateActivityForm, search_parameters
from actions.fallback import ActionCoreFallback, ActionNotUnderstood
from actions.handoff import ActionHumanHandoff, ActionOfferHandoff, ActionResolveOffer
from actions.safety import ActionUrgentHelp
from actions.tracker_utils import response_text
from actions.turn import ActionSessionStart, ActionTrackTurn
from bot import texts
from bot.dev_defaults import DEV_INTERNAL_API_TOKEN
from bot.language_id import identify
from bot.sms_rules import measure, to_gsm7
from bot.third_languages import unsupported_text


def make_tracker(
    *,
    slots: dict[str, Any] | None = None,
    intent: str = "greet",
    text: str = "",
    entities: list[dict] | None = None,
    ranking: list[dict] | None = None,
    metadata: dict | None = None,
    user_messages: int = 2,
    events_after: list[dict] | None = None,
) -> Tracker:
    latest = {
        "intent": {"name": intent, "confidence": 1.0},
        "intent_ranking": ranking or [],
        "entities": entities or [],
        "text": text,
        "metadata": metadata or {},
        "language": identify(text).as_dict() if text else {},
    }
    events = [{"event": "user", "text": "x"} for _ in range(user_messages)]
    events += events_after or []
    return Tracker("sender-hmac-123", slots or {}, latest, events, False, None, {}, "action_listen")


def run(action, tracker: Tracker, domain: dict | None = None) -> tuple[list[str], list[dict], list]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, domain or {}))
    return [m.get("response") for m in dispatcher.messages], dispatcher.messages, events


def slot_events(events: list) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def gateway_down(monkeypatch):
    monkeypatch.setenv("GATEWAY_URL", f"http://127.0.0.1:{closed_port()}")
    monkeypatch.setenv("GATEWAY_INTERNAL_URL", f"http://127.0.0.1:{closed_port()}")


@asynccontextmanager
async def loopback_gateway(
    received: list[dict],
    status: int = 201,
    answer: dict | None = None,
    path: str = "/internal/handoffs",
):
    """The gateway's internal API at `path`: records each request, gives `answer`."""

    async def endpoint(request: web.Request) -> web.Response:
        received.append({"auth": request.headers.get("Authorization"), **await request.json()})
        return web.json_response(answer or {"id": 1}, status=status)

    app = web.Application()
    app.router.add_post(path, endpoint)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


def run_with_gateway(
    action,
    tracker,
    monkeypatch,
    status: int = 201,
    answer: dict | None = None,
    messages: list | None = None,
    path: str = "/internal/handoffs",
):
    received: list[dict] = []

    async def scenario():
        async with loopback_gateway(received, status, answer, path) as url:
            monkeypatch.setenv("GATEWAY_URL", url)
            monkeypatch.setenv("GATEWAY_INTERNAL_URL", url)
            dispatcher = CollectingDispatcher()
            events = await action.run(dispatcher, tracker, {})
            received_messages.extend(dispatcher.messages)
            return [m.get("response") for m in dispatcher.messages], events

    received_messages = messages if messages is not None else []
    responses, events = asyncio.run(scenario())
    return responses, events, received


# --- language and turn bookkeeping -------------------------------------------------


def test_track_turn_keeps_the_language_on_a_short_message():
    _, _, events = run(ActionTrackTurn(), make_tracker(slots={"language": "nl"}, text="ok"))
    assert slot_events(events)["language"] == "nl"


def test_track_turn_switches_on_a_long_clear_message():
    tracker = make_tracker(slots={"language": "fr"}, text="ik heb een vraag over mijn huur")
    _, _, events = run(ActionTrackTurn(), tracker)
    assert slot_events(events)["language"] == "nl"


def test_track_turn_uses_the_hint_on_the_first_message():
    tracker = make_tracker(text="ok", metadata={"language_hint": "nl"}, user_messages=1)
    _, _, events = run(ActionTrackTurn(), tracker)
    assert slot_events(events)["language"] == "nl"


def test_track_turn_resets_the_failure_count_on_an_understood_turn():
    tracker = make_tracker(slots={"failed_turns": 1.0}, intent="rent_question", text="loyer")
    _, _, events = run(ActionTrackTurn(), tracker)
    assert slot_events(events)["failed_turns"] == 0.0
    tracker = make_tracker(slots={"failed_turns": 1.0}, intent="nlu_fallback", text="xyz")
    _, _, events = run(ActionTrackTurn(), tracker)
    assert "failed_turns" not in slot_events(events)


def test_a_message_in_another_language_is_answered_in_ours():
    """Said in English (tests/unit/test_third_language_answers.py has the seven languages);
    the conversation stays in French."""
    tracker = make_tracker(text="hello I need some help with my rent please")
    _, sent, events = run(ActionTrackTurn(), tracker)
    assert [m["text"] for m in sent] == [unsupported_text("en")]
    assert "French and Dutch" in sent[0]["text"]
    assert slot_events(events)["language"] == "fr"


def test_session_start_takes_language_and_site_from_metadata():
    tracker = make_tracker(
        slots={"session_started_metadata": {"language_hint": "nl", "site": "X1"}}
    )
    _, _, events = run(ActionSessionStart(), tracker)
    assert slot_events(events)["language"] == "nl"
    assert slot_events(events)["site"] == "X1"
    assert events[0]["event"] == "session_started"
    assert (events[-1]["event"], events[-1]["name"]) == ("action", "action_listen")


# --- safety -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("danger", "response"),
    [
        ("gas", "utter_urgent_gas"),
        ("suicide", "utter_urgent_suicide"),
        (None, "utter_urgent_other"),
        ("nonsense", "utter_urgent_other"),
    ],
)
def test_urgent_help_sends_the_message_for_the_situation(gateway_down, danger, response):
    entities = [{"entity": "danger", "value": danger}] if danger else []
    responses, _, events = run(
        ActionUrgentHelp(), make_tracker(intent="urgent_help", entities=entities)
    )
    assert responses[0] == response
    assert slot_events(events)["urgent"] is True


def test_urgent_help_opens_an_urgent_handoff_when_the_gateway_answers(monkeypatch):
    tracker = make_tracker(
        intent="urgent_help",
        entities=[{"entity": "danger", "value": "fire"}],
        text="au feu",
        slots={"language": "fr"},
    )
    responses, _, received = run_with_gateway(ActionUrgentHelp(), tracker, monkeypatch)
    assert responses == ["utter_urgent_fire", "utter_urgent_handoff"]
    assert received[0]["urgent"] is True
    assert received[0]["reason"] == "danger"
    assert received[0]["auth"].startswith("Bearer ")


# --- handoff and offers ---------------------------------------------------------------


def test_handoff_payload_carries_what_the_bot_collected_but_no_message_text(monkeypatch):
    tracker = make_tracker(
        intent="human_handoff",
        text="je veux parler à mon assistante sociale",
        slots={"language": "fr", "commune": "jette"},
        metadata={"channel": "sms"},
    )
    responses, _, received = run_with_gateway(ActionHumanHandoff(), tracker, monkeypatch)
    assert responses == ["utter_handoff_opened"]
    payload = received[0]
    assert payload["sender_id"] == "sender-hmac-123"
    assert payload["channel"] == "sms" and payload["language"] == "fr"
    assert payload["summary"] == {"commune": "jette"}
    assert "assistante" not in str(payload)


def test_handoff_tells_how_to_reach_a_person_when_the_gateway_is_down(gateway_down):
    responses, _, _ = run(ActionHumanHandoff(), make_tracker(intent="human_handoff"))
    assert responses == ["utter_handoff_unavailable"]


def test_handoff_error_status_counts_as_unavailable(monkeypatch):
    responses, _, _ = run_with_gateway(ActionHumanHandoff(), make_tracker(), monkeypatch, 500)
    assert responses == ["utter_handoff_unavailable"]


def test_an_offer_remembers_the_topic_and_a_yes_hands_over(monkeypatch):
    _, _, events = run(ActionOfferHandoff(), make_tracker(intent="rent_question"))
    assert slot_events(events) == {"pending_offer": "handoff", "handoff_reason": "rent_question"}
    tracker = make_tracker(
        intent="affirm", slots={"pending_offer": "handoff", "handoff_reason": "rent_question"}
    )
    responses, events, received = run_with_gateway(ActionResolveOffer(), tracker, monkeypatch)
    assert responses == ["utter_handoff_opened"]
    assert received[0]["reason"] == "rent_question"
    assert slot_events(events)["pending_offer"] is None
    assert slot_events(events)["handoff_reason"] == "rent_question"  # in the turn's signal


def test_a_no_to_the_offer_shows_the_menu():
    tracker = make_tracker(intent="deny", slots={"pending_offer": "handoff"})
    responses, _, _ = run(ActionResolveOffer(), tracker)
    assert responses == ["utter_ok", "utter_menu"]


def test_erasure_needs_a_yes_and_reports_honestly(gateway_down):
    no = make_tracker(intent="deny", slots={"pending_offer": "erase"})
    assert run(ActionResolveOffer(), no)[0] == ["utter_delete_cancelled"]
    yes = make_tracker(intent="affirm", slots={"pending_offer": "erase"})
    assert run(ActionResolveOffer(), yes)[0] == ["utter_delete_unavailable"]


# --- two-stage fallback ------------------------------------------------------------


def test_first_failure_offers_the_likeliest_topics_in_the_tenant_language():
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.45},
        {"name": "rent_question", "confidence": 0.3},
        {"name": "affirm", "confidence": 0.2},
        {"name": "payment_difficulty", "confidence": 0.2},
        {"name": "report_repair", "confidence": 0.1},
        {"name": "housing_transfer", "confidence": 0.06},
    ]
    tracker = make_tracker(intent="nlu_fallback", ranking=ranking, slots={"language": "nl"})
    responses, messages, events = run(ActionNotUnderstood(), tracker)
    assert responses == ["utter_fallback_choices"]
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert payloads == ["/rent_question", "/payment_difficulty", "/report_repair", "/human_handoff"]
    assert messages[0]["buttons"][0]["title"] == "De huur"
    assert slot_events(events)["failed_turns"] == 1.0


def test_out_of_scope_says_so_shows_the_menu_and_counts_as_a_failure():
    tracker = make_tracker(intent="out_of_scope", slots={"failed_turns": 0.0})
    responses, _, events = run(ActionNotUnderstood(), tracker)
    assert responses == ["utter_out_of_scope", "utter_menu"]
    assert slot_events(events)["failed_turns"] == 1.0
    again = make_tracker(intent="out_of_scope", slots={"failed_turns": 1.0})
    assert run(ActionNotUnderstood(), again)[0] == ["utter_offer_person_after_failures"]


def test_second_failure_offers_a_person():
    tracker = make_tracker(intent="nlu_fallback", slots={"failed_turns": 1.0})
    responses, _, events = run(ActionNotUnderstood(), tracker)
    assert responses == ["utter_offer_person_after_failures"]
    assert slot_events(events) == {
        "failed_turns": 0.0,
        "pending_offer": "handoff",
        "handoff_reason": "not_understood",
    }


def test_a_step_nothing_decides_gets_choices_not_silence_and_counts_as_a_failure():
    ranking = [{"name": "rent_question", "confidence": 0.4}]
    tracker = make_tracker(intent="greet", ranking=ranking, slots={"failed_turns": 0.0})
    responses, messages, events = run(ActionCoreFallback(), tracker)
    assert ActionCoreFallback().name() == "action_default_fallback"  # replaces stock's
    assert responses == ["utter_fallback_choices"]
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/rent_question", "/human_handoff"]
    assert events[0] == {"event": "rewind", "timestamp": None}  # taken back first, as stock
    assert slot_events(events[1:])["failed_turns"] == 1.0  # then counted: it survives


def test_a_second_step_nothing_decides_offers_a_person():
    tracker = make_tracker(intent="greet", slots={"failed_turns": 1.0})
    responses, _, events = run(ActionCoreFallback(), tracker)
    assert responses == ["utter_offer_person_after_failures"]
    assert slot_events(events[1:])["handoff_reason"] == "not_understood"


# --- activity form ------------------------------------------------------------------


def validate(tracker: Tracker) -> tuple[list[str], dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(
        ValidateActivityForm().run(
            dispatcher,
            tracker,
            {"forms": {"activity_form": {"required_slots": ["commune", "activity_category"]}}},
        )
    )
    return [m.get("response") for m in dispatcher.messages], slot_events(events)


def test_an_answer_without_a_brussels_commune_is_refused_and_asked_again():
    tracker = make_tracker(intent="inform", text="Paris", slots={"requested_slot": "commune"})
    responses, slots = validate(tracker)
    assert responses == ["utter_unknown_commune"]
    assert slots["commune"] is None


def test_a_correction_keeps_the_last_commune_named():
    tracker = make_tracker(
        intent="inform",
        text="pas Jette, Evere",
        slots={"requested_slot": "activity_category", "commune": ["jette", "evere"]},
        entities=[{"entity": "commune", "value": "jette"}, {"entity": "commune", "value": "evere"}],
        events_after=[{"event": "slot", "name": "commune", "value": ["jette", "evere"]}],
    )
    _, slots = validate(tracker)
    assert slots["commune"] == "evere"


def test_search_parameters_follow_the_collected_slots():
    tracker = make_tracker(
        slots={
            "commune": "jette",
            "activity_category": "sport",
            "weekday": ["SA", "SU"],
            "language": "nl",
        }
    )
    assert search_parameters(tracker) == {
        "commune": "jette",
        "taxonomy_term": "sport",
        "weekday": "SA,SU",
        "full": "true",
        "per_page": "30",
    }


# --- activity search, against the real gateway serving the sample directory ----------

DOMAIN = yaml.safe_load((Path(__file__).resolve().parents[2] / "domain.yml").read_text())


def search_in(
    gateway_url, monkeypatch, *, intent: str = "find_activity", channel: str = "sms", **slots: Any
) -> tuple[list[str], list[dict], dict[str, Any]]:
    monkeypatch.setenv("GATEWAY_URL", gateway_url)
    monkeypatch.setenv("GATEWAY_INTERNAL_URL", gateway_url.internal)
    tracker = make_tracker(
        slots={"language": "fr", **slots}, intent=intent, metadata={"channel": channel}
    )
    responses, messages, events = run(ActionSearchActivities(), tracker, DOMAIN)
    return responses, messages, slot_events(events)


def test_results_show_name_next_session_place_phone_and_price(gateway_url, monkeypatch):
    responses, messages, slots = search_in(
        gateway_url, monkeypatch, commune="schaerbeek", activity_category="homework_help"
    )
    assert responses[-1] in ("utter_search_results", "utter_search_results_more")
    results = messages[-1]["results"]
    assert results.startswith("1. ")
    assert re.search(
        r"(Lundi|Mardi|Mercredi|Jeudi|Vendredi|Samedi|Dimanche) \d+/\d+, \d+h\d\d", results
    )
    assert "Tél. 02 000 " in results and "Schaerbeek" in results
    assert "Gratuit" in results or "euros" in results
    assert messages[-1]["commune_name"] == "Schaerbeek"
    assert slots["search_offset"] == results.count("Tél.")


def test_results_fit_two_sms_segments_in_both_languages(gateway_url, monkeypatch):
    for language, commune, category in [
        ("fr", "schaerbeek", "sport"),
        ("nl", "molenbeek-saint-jean", "homework_help"),
        ("fr", "anderlecht", "language_courses"),
    ]:
        _, messages, _ = search_in(
            gateway_url, monkeypatch, language=language, commune=commune, activity_category=category
        )
        # the SMS channel joins the turn's messages and writes data text in GSM-7 letters
        reply = to_gsm7(
            "\n".join(response_text(DOMAIN, m["response"], language, **m) for m in messages)
        )
        assert "{" not in reply and "1. " in reply
        # two segments; the third only to show a second result rather than one alone
        size = measure(reply).segments
        assert size <= 2 or (size == 3 and "\n2. " in reply and "\n3. " not in reply), reply


def test_whatsapp_and_telegram_pages_are_not_cut_to_the_sms_budget(gateway_url, monkeypatch):
    searches = [
        ("fr", "schaerbeek", "sport"),
        ("nl", "molenbeek-saint-jean", "homework_help"),
        ("fr", "anderlecht", "language_courses"),
    ]
    shown: dict[str, list[int]] = {}
    for channel in ("sms", "whatsapp", "telegram"):
        for language, commune, category in searches:
            _, _, slots = search_in(
                gateway_url,
                monkeypatch,
                channel=channel,
                language=language,
                commune=commune,
                activity_category=category,
            )
            shown.setdefault(channel, []).append(int(slots["search_offset"]))
    assert shown["whatsapp"] == shown["telegram"]
    assert all(chat >= sms for chat, sms in zip(shown["whatsapp"], shown["sms"], strict=True))
    assert sum(shown["whatsapp"]) > sum(shown["sms"]), shown  # the budget cut some SMS pages


def test_more_goes_on_where_the_last_page_stopped(gateway_url, monkeypatch):
    _, first, slots = search_in(
        gateway_url, monkeypatch, commune="molenbeek-saint-jean", activity_category="homework_help"
    )
    shown = int(slots["search_offset"])
    responses, more, slots = search_in(
        gateway_url,
        monkeypatch,
        intent="more_results",
        commune="molenbeek-saint-jean",
        activity_category="homework_help",
        search_offset=shown,
    )
    assert more[-1]["results"].startswith(f"{shown + 1}. ")
    assert more[-1]["results"].split("\n")[0] not in first[-1]["results"]
    assert slots["search_offset"] > shown
    responses, _, slots = search_in(
        gateway_url,
        monkeypatch,
        intent="more_results",
        commune="molenbeek-saint-jean",
        activity_category="homework_help",
        search_offset=99,
    )
    assert responses == ["utter_no_more_results"] and slots["search_offset"] == 0


def test_no_result_on_that_day_shows_other_days(gateway_url, monkeypatch):
    responses, messages, _ = search_in(
        gateway_url,
        monkeypatch,
        commune="molenbeek-saint-jean",
        activity_category="homework_help",
        weekday=["SU"],
    )
    assert responses[0] == "utter_search_other_days"
    assert messages[-1]["results"].startswith("1. ")


def test_nothing_nearby_says_so_and_offers_a_person(gateway_url, monkeypatch):
    # the sample has no homework school in Auderghem nor in the communes around it
    responses, messages, slots = search_in(
        gateway_url,
        monkeypatch,
        language="nl",
        commune="auderghem",
        activity_category="homework_help",
    )
    assert responses == ["utter_search_no_results", "utter_offer_person"]
    assert messages[0]["commune_name"] == "Oudergem"
    assert slots["pending_offer"] == "handoff" and slots["handoff_reason"] == "no_results"


def test_few_results_in_the_commune_bring_the_neighbours_and_say_so(gateway_url, monkeypatch):
    # the sample has fewer than three homework schools in Anderlecht
    responses, messages, _ = search_in(
        gateway_url, monkeypatch, commune="anderlecht", activity_category="homework_help"
    )
    assert responses[0] == "utter_search_nearby"
    assert "Anderlecht" in messages[-1]["results"].split("\n2. ")[0]  # its own come first


def test_an_audience_is_enough_to_search(gateway_url, monkeypatch):
    responses, messages, _ = search_in(
        gateway_url, monkeypatch, commune="schaerbeek", audience="children"
    )
    assert responses[-1].startswith("utter_search_results")
    assert messages[-1]["activity_label"] == "Activités pour enfants"
    assert messages[-1]["results"].startswith("1. ")


def search_reported(
    gateway_url, monkeypatch, internal: str | int = 200, **slots: Any
) -> tuple[list[dict], dict[str, Any], list[dict], list[dict]]:
    """A search against the real gateway's directory, the services shown reported to a
    loopback internal API answering `internal` (a status), or to nothing ("down"):
    (messages, slots, the reports the internal API received, the search's full list)."""
    received: list[dict] = []

    async def scenario():
        tracker = make_tracker(
            slots={"language": "fr", **slots},
            intent="more_results" if slots.get("search_offset") else "find_activity",
            metadata={"channel": "sms"},
        )
        async with loopback_gateway(
            received, int(internal) if internal != "down" else 200, {"recorded": 1}, SHOWN
        ) as url:
            monkeypatch.setenv("GATEWAY_URL", gateway_url)
            down = f"http://127.0.0.1:{closed_port()}"
            monkeypatch.setenv("GATEWAY_INTERNAL_URL", down if internal == "down" else url)
            dispatcher = CollectingDispatcher()
            events = await ActionSearchActivities().run(dispatcher, tracker, DOMAIN)
            everything = await gateway.search_services(search_parameters(tracker))
        return dispatcher.messages, slot_events(events), everything["contents"]

    messages, slots_set, contents = asyncio.run(scenario())
    return messages, slots_set, received, contents


SHOWN = "/internal/directory/shown"
MOLENBEEK_HOMEWORK = {"commune": "molenbeek-saint-jean", "activity_category": "homework_help"}


def test_the_services_shown_and_only_those_are_reported(gateway_url, monkeypatch):
    _, slots, received, contents = search_reported(gateway_url, monkeypatch, **MOLENBEEK_HOMEWORK)
    seen = int(slots["search_offset"])
    assert 0 < seen < len(contents)  # a page: not every result found
    assert received == [
        {
            "auth": f"Bearer {DEV_INTERNAL_API_TOKEN}",
            "sender_id": "sender-hmac-123",
            "service_ids": [service["id"] for service in contents[:seen]],
        }
    ]
    # "more": the next page's, not the first page's again
    _, slots, received, contents = search_reported(
        gateway_url, monkeypatch, search_offset=float(seen), **MOLENBEEK_HOMEWORK
    )
    later = int(slots["search_offset"])
    assert later > seen
    assert [r["service_ids"] for r in received] == [[s["id"] for s in contents[seen:later]]]


def test_no_results_no_more_results_report_nothing(gateway_url, monkeypatch):
    _, _, received, _ = search_reported(
        gateway_url, monkeypatch, commune="auderghem", activity_category="homework_help"
    )
    assert received == []
    _, _, received, _ = search_reported(
        gateway_url, monkeypatch, search_offset=99.0, **MOLENBEEK_HOMEWORK
    )
    assert received == []


@pytest.mark.parametrize("internal", [500, 422, "down"])
def test_a_failed_report_still_gives_the_tenant_their_results(gateway_url, monkeypatch, internal):
    expected, expected_slots, _, _ = search_reported(gateway_url, monkeypatch, **MOLENBEEK_HOMEWORK)
    messages, slots, received, _ = search_reported(
        gateway_url, monkeypatch, internal, **MOLENBEEK_HOMEWORK
    )
    assert len(received) == (0 if internal == "down" else 1)  # it was tried, and refused
    assert messages == expected and slots == expected_slots
    assert messages[-1]["results"].startswith("1. ")


def test_the_form_needs_no_category_when_an_audience_is_known():
    form = ValidateActivityForm()
    slots = ["commune", "activity_category"]
    with_audience = make_tracker(slots={"audience": "children"})
    required = asyncio.run(form.required_slots(slots, CollectingDispatcher(), with_audience, {}))
    assert required == ["commune"]
    nothing = make_tracker(slots={})
    assert asyncio.run(form.required_slots(slots, CollectingDispatcher(), nothing, {})) == slots


def test_none_in_the_commune_says_so_before_the_neighbours(gateway_url, monkeypatch):
    # no Dutch course in Auderghem in the sample, one in Etterbeek next door
    responses, messages, _ = search_in(
        gateway_url, monkeypatch, commune="auderghem", activity_category="dutch_courses"
    )
    assert responses[0] == "utter_search_only_nearby"
    assert "Etterbeek" in messages[-1]["results"]


def test_out_of_office_hours_the_tenant_is_told_when_a_person_answers(monkeypatch):
    tracker = make_tracker(slots={"language": "nl"}, intent="human_handoff")
    answer = {  # as the gateway's /internal/handoffs answers out of office hours
        "id": 7,
        "open_now": False,
        "out_of_hours_text": {
            "fr": texts.text("out_of_hours", "fr", when="lundi 30/11 à 9h00"),
            "nl": texts.text("out_of_hours", "nl", when="maandag 30/11 om 9.00"),
        },
    }
    messages: list[dict] = []
    responses, _, _ = run_with_gateway(
        ActionHumanHandoff(), tracker, monkeypatch, answer=answer, messages=messages
    )
    assert responses == ["utter_handoff_opened", None]
    later = messages[1]["text"]
    assert "maandag 30/11 om 9.00" in later and "112" in later and "106" in later


def test_a_message_in_a_language_we_do_not_speak_gets_no_french_choices():
    # action_track_turn already answered it in one line in that language
    tracker = make_tracker(
        intent="nlu_fallback", text="Bu ay kira ödemek için yardıma ihtiyacım var lütfen"
    )
    tracker.latest_message["language"] = {"code": "tr", "reliable": True}
    responses, _, events = run(ActionNotUnderstood(), tracker)
    assert responses == []
    assert slot_events(events)["failed_turns"] == 1.0
