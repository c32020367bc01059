"""`action_guide_step`: the next step (guide_next) or the same step again (guide_repeat) of
the open guide, or more search results when "next" comes right after them. Its own module
because it leads to both the guides and the search (which also leads to the guides)."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import guides
from actions.activities import ActionSearchActivities
from actions.guides import NEXT, REPEAT
from actions.tracker_utils import latest_intent, previous_answer


class ActionGuideStep(Action):
    """Next step (guide_next) or the same step again (guide_repeat) of the open guide.
    "Next" with no guide open, right after search results ("volgende graag"), is "more"."""

    def name(self) -> str:
        return "action_guide_step"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        how = REPEAT if latest_intent(tracker) == "guide_repeat" else NEXT
        after_results = previous_answer(tracker) == "action_search_activities"
        if how == NEXT and after_results and guides.open_guide(tracker) is None:
            return await ActionSearchActivities().run(dispatcher, tracker, domain)
        return guides.move(dispatcher, tracker, how)
