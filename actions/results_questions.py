"""Questions about the search results just shown (issue 21): "je peux l'inscrire ?", "où
c'est ?", "c'est combien ?" right after a list are about those activities, not a housing
application or words out of scope. The answer says where in the list to look: each
result gives the address, the phone number to call to sign up, and the price."""

from __future__ import annotations

import re

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from bot.lexicon.folding import fold

MAX_WORDS = 8  # a short question; a longer message is a request of its own
ABOUT_RESULTS = {
    "utter_results_sign_up": re.compile(
        r"\b(inscri\w*|s inscrire|reserv\w*|inschrijv\w*|aanmeld\w*|registr\w*|meedoen)\b"
    ),
    "utter_results_price": re.compile(
        r"\b(combien|prix|cout\w*|coute|payer|payant|gratuit|gratis|hoeveel|prijs|kost\w*|betalen)\b"
    ),
    "utter_results_where": re.compile(r"\b(ou|adresse|c est ou|waar|adres|welke straat)\b"),
}


def answer_about_results(
    dispatcher: CollectingDispatcher, tracker: Tracker
) -> list[EventType] | None:
    """The answer when the message is a short question about the results on screen; else
    None (the caller answers as usual)."""
    if tracker.get_slot("topic") != "search" or not tracker.get_slot("shown_activities"):
        return None
    folded = fold(tracker.latest_message.get("text") or "")
    if not folded or len(folded.split()) > MAX_WORDS:
        return None
    for response, words in ABOUT_RESULTS.items():
        if words.search(folded):
            dispatcher.utter_message(response=response)
            return []
    return None
