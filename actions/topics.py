"""The conversation's topic (issue 21): a tenant question is answered once; what the
tenant adds afterwards (details, "and then?", the same question in other words) is taken
as part of it: acknowledged in one line that names what they said, with the offer of a
person that carries those details to the caseworker. Never the same text twice.

`topic` names the current subject; `in_topic` (featurized) is True while a tenant
question is the subject, so the rules send a bare commune, a day or words not understood
to action_follow_topic instead of the activity search or the fallback."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import guides
from actions.fallback import ActionNotUnderstood
from actions.results_questions import answer_about_results
from actions.tracker_utils import language, latest_entity, latest_intent, response_text
from bot.circumstances import tells_household_situation
from bot.details import Detail, as_slot_values, extract_details, from_slot_values, said_back
from bot.lexicon.folding import fold, folded_words

# Tenant questions: intent -> (topic, its general guidance). The guidance comes first,
# then the offer of a person. Responses named in full: scripts/validate_data.py finds them.
QUESTIONS = {
    "report_repair": ("repair", "utter_report_repair"),
    "rent_question": ("rent", "utter_rent_question"),
    "payment_difficulty": ("payment", "utter_payment_difficulty"),
    "housing_transfer": ("transfer", "utter_housing_transfer"),
    "housing_application": ("application", "utter_housing_application"),
    "income_documents": ("documents", "utter_income_documents"),
    "neighbour_conflict": ("neighbours", "utter_neighbour_conflict"),
    "tenant_participation": ("participation", "utter_tenant_participation"),
    "contact_landlord": ("contact", "utter_contact_landlord"),
}
QUESTION_TOPICS = frozenset(topic for topic, _ in QUESTIONS.values())
DIGITAL_HELP = "digital_help"
SCHOOL = "school"
# Other flows: the topic they start (they end a tenant question). "More" is not one of
# them: during a question, "et après ?" / "hoe nu verder?" continue it.
FLOW_TOPICS = {
    "find_activity": "search",
    "remind_me": "search",
    "loneliness": "loneliness",
    "guide_list": "digital_help",
    "urgent_help": "danger",
    "greet": "greeting",
    "ask_capabilities": "menu",
    "housing_question": "menu",
    "goodbye": "menu",
}
# Questions about the same money matters: details about one during the other stay with it
# ("the letter says 60 euros more" after a rent question is no new payment question).
RELATED_TOPICS = ({"rent", "payment", "documents"},)
# Below this confidence, a different question is taken as more of the current one ("we
# moved the furniture" during a repair is no transfer request).
KEEP_TOPIC_BELOW = 0.8
# A short message with one of these words continues the topic: "how?", "and then?".
CONTINUATION_WORDS = frozenset(
    [
        "comment",
        "quoi",
        "ou",
        "apres",
        "ensuite",
        "alors",
        "maintenant",
        "quand",
        "hoe",
        "wat",
        "waar",
        "wanneer",
        "daarna",
        "dan",
        "nu",
    ]
)
MAX_CONTINUATION_WORDS = 6
# Words not understood, this long or longer, during a question: more of the tenant's story.
MIN_STORY_WORDS = 3


def is_continuation(text: str) -> bool:
    words = folded_words(text)
    return 0 < len(words) <= MAX_CONTINUATION_WORDS and bool(CONTINUATION_WORDS & set(words))


def continues_question(tracker: Tracker) -> bool:
    """ "Comment ?", "en dan?" while a tenant question is the subject."""
    return bool(
        tracker.get_slot("in_topic")
        and tracker.get_slot("topic") in QUESTION_TOPICS
        and is_continuation(tracker.latest_message.get("text") or "")
    )


def intent_is_weak(tracker: Tracker) -> bool:
    return _confidence(tracker) < KEEP_TOPIC_BELOW


def tells_more_of_question(slots: dict[str, Any], text: str) -> bool:
    """During a tenant question, the household's situation told without a new request is
    more of that question, whatever the classifier makes of it ("mijn man is ziek" during
    a payment question is no loneliness)."""
    return bool(
        slots.get("in_topic")
        and slots.get("topic") in QUESTION_TOPICS
        and tells_household_situation(text)
    )


def details_of(tracker: Tracker) -> list[Detail]:
    """The details in the latest message, with a commune named in it."""
    details = extract_details(tracker.latest_message.get("text") or "")
    commune = latest_entity(tracker, "commune")
    if commune:
        details.append(Detail("commune", str(commune)))
    return details


def _previous_bot_texts(tracker: Tracker) -> list[str]:
    """What the assistant said in answer to the tenant's previous message."""
    users = 0
    said: list[str] = []
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "user":
            users += 1
            if users == 2:
                break
        elif kind == "bot" and users == 1:
            said.insert(0, event.get("text") or "")
    return said


def follow_topic(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    domain: DomainDict,
    topic: str,
    new: list[Detail],
) -> list[EventType]:
    """More of the current question: the details said back, or the next step (a person),
    with the offer of a person carrying the details."""
    lang = language(tracker)
    known = from_slot_values(tracker.get_slot("details"))
    fresh = [detail for detail in new if detail not in known]
    if fresh:
        dispatcher.utter_message(response="utter_details_noted", noted=said_back(fresh, lang))
    else:
        said_last = _previous_bot_texts(tracker)[:1]
        candidates = ["utter_topic_noted", "utter_topic_noted_again"]
        if is_continuation(tracker.latest_message.get("text") or ""):
            candidates.insert(0, "utter_next_step_person")
        fresh_words = [c for c in candidates if [response_text(domain, c, lang)] != said_last]
        dispatcher.utter_message(response=fresh_words[0])
    dispatcher.utter_message(response="utter_offer_handoff_details")
    return [
        SlotSet("topic", topic),
        SlotSet("in_topic", True),
        SlotSet("details", as_slot_values(known + fresh)),
        SlotSet("pending_offer", "handoff"),
        SlotSet("handoff_reason", tracker.get_slot("handoff_reason") or topic),
    ]


def _text(tracker: Tracker) -> str:
    return str(tracker.latest_message.get("text") or "")


def _confidence(tracker: Tracker) -> float:
    return float((tracker.latest_message.get("intent") or {}).get("confidence") or 0.0)


class ActionAnswerQuestion(Action):
    """A tenant question: its general guidance and the offer of a person the first time;
    when it is the question already open, what the tenant added."""

    def name(self) -> str:
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        intent = latest_intent(tracker) or ""
        topic, guidance = QUESTIONS.get(intent, QUESTIONS["contact_landlord"])
        current = str(tracker.get_slot("topic") or "")
        about_results = answer_about_results(dispatcher, tracker)
        if about_results is not None:  # "je peux l'inscrire ?" under search results
            return about_results
        if continues_question(tracker) and intent_is_weak(tracker):  # "comment ?"
            return follow_topic(dispatcher, tracker, domain, current, [])
        details = details_of(tracker)
        related = any({current, topic} <= group for group in RELATED_TOPICS)
        told = tells_more_of_question(tracker.current_slot_values(), _text(tracker))
        same = current == topic or related or intent_is_weak(tracker) or told
        if tracker.get_slot("in_topic") and current in QUESTION_TOPICS and same:
            return follow_topic(dispatcher, tracker, domain, current, details)
        dispatcher.utter_message(response=guidance)
        dispatcher.utter_message(response="utter_offer_handoff")
        return [
            SlotSet("topic", topic),
            SlotSet("in_topic", True),
            SlotSet("details", as_slot_values(details)),
            SlotSet("pending_offer", "handoff"),
            SlotSet("handoff_reason", intent),
        ]


class ActionFollowTopic(Action):
    """A message during a tenant question that is not a new request (a commune, a day, a
    floor, words not understood, "and then?"): part of the question, never the start of
    an activity search. Too short to be part of the story: not understood."""

    def name(self) -> str:
        return "action_follow_topic"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        text = tracker.latest_message.get("text") or ""
        details = details_of(tracker)
        understood = latest_intent(tracker) == "inform" or details or is_continuation(text)
        topic = tracker.get_slot("topic") or "contact"
        too_short = not understood and len(folded_words(text)) < MIN_STORY_WORDS
        in_a_guide = topic == DIGITAL_HELP and guides.open_guide(tracker) is not None
        if too_short or in_a_guide:
            return list(await ActionNotUnderstood().run(dispatcher, tracker, domain))
        if topic == DIGITAL_HELP:
            return digital_help_next(dispatcher, tracker)
        return follow_topic(dispatcher, tracker, domain, topic, details)


RECENT_MESSAGES = 3


def _recent_guide(tracker: Tracker) -> str | None:
    """A guide named in the tenant's last few messages ("je n'ai pas d'adresse mail",
    then "comment on en fait une ?")."""
    texts = [e.get("text") or "" for e in tracker.events if e.get("event") == "user"]
    for text in reversed(texts[-RECENT_MESSAGES:]):
        found = guides.find_guide(text)
        if found is not None:
            return found
    return None


def digital_help_next(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """After the digital-help answer: a commune searches an EPN there; anything else
    (\"how?\", the same question again) opens the guide the tenant named, or the list."""
    if latest_entity(tracker, "commune"):
        return [
            SlotSet("activity_category", DIGITAL_HELP),
            SlotSet("topic", "search"),
            SlotSet("in_topic", False),
            FollowupAction("activity_form"),
        ]
    lang = language(tracker)
    chosen = _recent_guide(tracker)
    # in_topic is left as it is: a rule that matched on it must still match after this
    # action, or its "then listen" is lost and Rasa's core fallback undoes the turn
    events: list[EventType] = [SlotSet("topic", DIGITAL_HELP)]
    if chosen is not None:
        return events + guides.show_step(dispatcher, chosen, 0, lang)
    return events + guides.show_list(dispatcher, lang)


# A child who refuses school, is bullied or drops out: not homework help.
SCHOOL_REFUSAL = re.compile(
    r"\b(refuse|veut plus|veut pas|ne va plus|moque|moquent|harcel\w*|decroch\w*|absent\w*|"
    r"brosse|wil niet|niet meer|gepest|pesten|pest|lachen \w+ uit|uitlachen|spijbel\w*|"
    r"schooluitval|afwezig)\b"
)


class ActionSchoolSupport(Action):
    """School: homework help with the offer of a search; a child who refuses school or is
    mocked there gets where to turn (the school's PMS / CLB centre) and the offer of a
    person. Said again: what the tenant added, not the same text."""

    def name(self) -> str:
        return "action_school_support"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        text = tracker.latest_message.get("text") or ""
        if tracker.get_slot("topic") == "search" and latest_entity(tracker, "age"):
            # "c'est pour mon grand, il a 15 ans, il est en secondaire" after results
            return [FollowupAction("activity_form")]
        if tracker.get_slot("topic") == SCHOOL and tracker.get_slot("in_topic"):
            return follow_topic(dispatcher, tracker, domain, SCHOOL, details_of(tracker))
        if SCHOOL_REFUSAL.search(fold(text)):
            dispatcher.utter_message(response="utter_school_refusal")
            dispatcher.utter_message(response="utter_offer_handoff")
            return [
                SlotSet("topic", SCHOOL),
                SlotSet("in_topic", True),
                SlotSet("pending_offer", "handoff"),
                SlotSet("handoff_reason", "school_support"),
            ]
        dispatcher.utter_message(response="utter_school_support")
        return [SlotSet("topic", SCHOOL), SlotSet("in_topic", False)]


class ActionDigitalHelp(Action):
    """What a public digital space (EPN) does, with the offer of a search; when digital
    help is already the subject, the step-by-step guides instead of the same text."""

    def name(self) -> str:
        return "action_digital_help"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if continues_question(tracker) and intent_is_weak(tracker):  # "comment ?" after rent
            topic = str(tracker.get_slot("topic"))
            return follow_topic(dispatcher, tracker, domain, topic, [])
        if tracker.get_slot("topic") == DIGITAL_HELP:
            return digital_help_next(dispatcher, tracker)
        dispatcher.utter_message(response="utter_digital_help")
        return [SlotSet("topic", DIGITAL_HELP), SlotSet("in_topic", True)]
