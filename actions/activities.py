"""The activity search: the form that collects commune and category, and the search,
which asks the gateway's directory (/hsds/services), never the database."""

from __future__ import annotations

import logging
from typing import Any, TypedDict

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import gateway, guides, reminders
from actions.activity_text import PER_MESSAGE, results_block, what_label
from actions.tracker_utils import (
    language,
    latest_entity,
    latest_intent,
    latest_metadata,
    response_buttons,
    response_text,
)
from bot import lexicon

logger = logging.getLogger(__name__)

MAX_RESULTS = 30  # fetched once per search; "more" pages through them

# "More" of the last search: the words, or "next" (a guide's word) right after results.
MORE_INTENTS = ("more_results", "guide_next")
# Intents whose message answers the form's question even when we find no commune in it.
ANSWER_INTENTS = {"inform", "nlu_fallback", "out_of_scope", "find_activity"}
# What narrows a search besides the commune: said during the form, it updates the search.
REFINING_ENTITIES = ("activity_category", "audience", "weekday", "age")
# Audiences an age says more precisely.
AGE_GROUPS = ("children", "teenagers")


class ResultNames(TypedDict):
    """The placeholders of the search responses (keys the dispatcher cannot mistake for
    its own arguments)."""

    activity_label: str
    commune_name: str


def _last(value: Any) -> Any:
    """A correction names the new value last ("pas Jette, Evere")."""
    return value[-1] if isinstance(value, list) and value else value


class ValidateActivityForm(FormValidationAction):
    def name(self) -> str:
        return "validate_activity_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        """An audience ("for children") is enough to search without a category."""
        if tracker.get_slot("audience") and not tracker.get_slot("activity_category"):
            return [slot for slot in domain_slots if slot != "activity_category"]
        return domain_slots

    async def extract_commune(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """An answer to "which commune?" without a Brussels commune in it: say so, ask again."""
        if tracker.get_slot("requested_slot") != "commune":
            return {}
        if latest_entity(tracker, "commune") or latest_intent(tracker) not in ANSWER_INTENTS:
            return {}
        if any(latest_entity(tracker, entity) for entity in REFINING_ENTITIES):
            # "something for seniors" while we wait for the commune: the search is updated
            noted = _refinement_words(tracker)
            if noted:
                dispatcher.utter_message(response="utter_details_noted", noted=noted)
            return {"commune": None}  # answered: the form asks for the commune again
        dispatcher.utter_message(response="utter_unknown_commune")
        return {"commune": None}

    def validate_commune(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        commune = _last(value)
        if commune is None:  # extract_commune already told the tenant
            return {"commune": None}
        if commune in lexicon.communes():
            return {"commune": commune}
        dispatcher.utter_message(response="utter_unknown_commune")
        return {"commune": None}

    def validate_activity_category(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        category = _last(value)
        return {"activity_category": category if category in lexicon.categories() else None}


def _age_and_days(age: Any, days: list[Any], lang: str) -> list[str]:
    """ "13 ans", "samedi": an age and days as the replies say them."""
    said = [f"{int(float(age))} {'jaar' if lang == 'nl' else 'ans'}"] if age is not None else []
    codes = [str(day).upper() for day in days]
    return said + [
        lexicon.DAY_NAMES[lang][lexicon.WEEKDAY_CODES.index(code)]
        for code in codes
        if code in lexicon.WEEKDAY_CODES
    ]


def _refinement_words(tracker: Tracker) -> str:
    """ "Activités pour seniors", "13 ans", "mercredi": what the latest message added to
    the search."""
    lang = language(tracker)
    label = what_label(
        latest_entity(tracker, "activity_category"), latest_entity(tracker, "audience"), lang
    )
    days = [
        row.get("value")
        for row in tracker.latest_message.get("entities") or []
        if row.get("entity") == "weekday"
    ]
    parts = [label] if label else []
    return ", ".join(parts + _age_and_days(latest_entity(tracker, "age"), days, lang))


def _refined_label(
    label: str, tracker: Tracker, lang: str, other_days: bool, other_ages: bool
) -> str:
    """ "Sport (13 ans, samedi)": the header says what the search was narrowed to (not an
    age or a day the results had to leave out)."""
    age = None if other_ages else tracker.get_slot("age")
    days = [] if other_days or other_ages else tracker.get_slot("weekday") or []
    extras = _age_and_days(age, days, lang)
    return f"{label} ({', '.join(extras)})" if extras else label


async def _report_shown(sender_id: str, page: list[dict[str, Any]]) -> None:
    """Tell the gateway which services the tenant was just shown (the curators count them;
    a caseworker can report one closed). Never at the cost of the tenant's answer."""
    ids = [service["id"] for service in page if service.get("id")]
    if not ids:
        return
    try:
        await gateway.record_shown(sender_id, ids)
    except gateway.GatewayUnavailable:
        logger.warning("the services shown were not recorded: the gateway did not take them")


def _without(params: dict[str, str], *names: str) -> dict[str, str]:
    return {key: value for key, value in params.items() if key not in names}


def search_parameters(tracker: Tracker) -> dict[str, str]:
    """Query parameters for the gateway's /hsds/services."""
    age = tracker.get_slot("age")
    audience = tracker.get_slot("audience")
    if age is not None and audience in AGE_GROUPS:  # "ma fille, elle a 13 ans": the age says it
        audience = None
    params = {
        "commune": tracker.get_slot("commune"),
        "taxonomy_term": tracker.get_slot("activity_category"),
        "audience": audience,
        "age": str(int(age)) if age is not None else None,
        "full": "true",
        "per_page": str(MAX_RESULTS),
    }
    weekdays = tracker.get_slot("weekday") or []
    if weekdays:
        params["weekday"] = ",".join(weekdays)
    return {key: value for key, value in params.items() if value}


class ActionSearchActivities(Action):
    """Searches the directory, or shows the next results when the tenant asks for more
    ("la suite", "verder": while a step-by-step guide is open, its next step instead).

    With no result on the asked days, it searches all days and says so; the gateway adds
    the neighbouring communes when the commune has too few results. Nothing at all: say
    so and offer a person."""

    def name(self) -> str:
        return "action_search_activities"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        more = latest_intent(tracker) in MORE_INTENTS
        if more and guides.open_guide(tracker) is not None:
            return guides.move(dispatcher, tracker, guides.more_means(tracker))
        lang = language(tracker)
        commune = lexicon.communes().get(tracker.get_slot("commune") or "")
        label = what_label(
            tracker.get_slot("activity_category"), tracker.get_slot("audience"), lang
        )
        if commune is None or label is None:  # "more" before any search: ask first
            return [FollowupAction("activity_form")]
        offset = int(tracker.get_slot("search_offset") or 0) if more else 0
        params = search_parameters(tracker)
        try:
            page = await gateway.search_services(params)
            other_days = bool(not page.get("contents") and "weekday" in params)
            if other_days:
                page = await gateway.search_services(_without(params, "weekday"))
            other_ages = bool(not page.get("contents") and "age" in params)
            if other_ages:  # nothing for that age: say so, and show what there is
                page = await gateway.search_services(_without(params, "weekday", "age"))
        except gateway.GatewayUnavailable:
            dispatcher.utter_message(response="utter_search_unavailable")
            dispatcher.utter_message(response="utter_offer_person")
            return [SlotSet("pending_offer", "handoff"), SlotSet("handoff_reason", "search_failed")]
        services = page.get("contents") or []
        label = _refined_label(label, tracker, lang, other_days, other_ages)
        names: ResultNames = {"activity_label": label, "commune_name": commune.name(lang)}
        if not services:
            dispatcher.utter_message(response="utter_search_no_results", **names)
            dispatcher.utter_message(response="utter_offer_person")
            return [
                SlotSet("pending_offer", "handoff"),
                SlotSet("handoff_reason", "no_results"),
                SlotSet("search_offset", 0),
                SlotSet(reminders.SLOT, None),
                SlotSet("topic", "search"),
                SlotSet("in_topic", False),
            ]
        if offset >= len(services):
            dispatcher.utter_message(response="utter_no_more_results")
            return [SlotSet("search_offset", 0)]
        explanation = None if more else self._explanation(page, other_days, other_ages)
        if explanation:
            dispatcher.utter_message(response=explanation, **names)
        header = response_text(domain, "utter_search_results", lang, **names, results="")
        header += "".join(
            f"\n9 {title}" for title in response_buttons(domain, "utter_search_results_more", lang)
        )
        if reminders.remindable(services[offset : offset + PER_MESSAGE]):
            header += f"\n8 {reminders.BUTTON[lang]}"
        if explanation:
            header = f"{response_text(domain, explanation, lang, **names)}\n{header}"
        return await self._show(dispatcher, tracker, services, offset, names, lang, header)

    @staticmethod
    def _explanation(page: dict[str, Any], other_days: bool, other_ages: bool) -> str | None:
        if other_ages:
            return "utter_search_other_ages"
        if other_days:
            return "utter_search_other_days"
        summary = page.get("search") or {}
        if summary.get("neighbours_added"):
            return (
                "utter_search_nearby" if summary.get("in_commune") else "utter_search_only_nearby"
            )
        return None

    @staticmethod
    async def _show(
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        services: list[dict[str, Any]],
        offset: int,
        names: ResultNames,
        lang: str,
        header: str,
    ) -> list[EventType]:
        # WhatsApp and Telegram have no SMS budget (WhatsApp: 4,096 characters a message)
        sms_budget = latest_metadata(tracker).get("channel") not in ("telegram", "whatsapp")
        text, shown = results_block(services[offset:], offset + 1, lang, header, sms_budget)
        seen = offset + shown
        response = "utter_search_results_more" if seen < len(services) else "utter_search_results"
        page = services[offset:seen]
        buttons = [reminders.remind_button(lang)] if reminders.remindable(page) else []
        dispatcher.utter_message(response=response, results=text, buttons=buttons, **names)
        shown_now = reminders.shown_activities(page, offset + 1, lang)
        await _report_shown(tracker.sender_id, page)
        return [
            SlotSet("search_offset", float(seen)),
            SlotSet(reminders.SLOT, shown_now),
            SlotSet("topic", "search"),
            SlotSet("in_topic", False),
        ]
