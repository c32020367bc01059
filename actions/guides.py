"""The step-by-step digital-help guides (bot/guides): the list of guides, and one
step per message with next / repeat / menu (1 / 2 / 0 on SMS, buttons on Telegram).

The open guide lives in two slots: `guide` (its id) and `guide_step` (the index, from 0,
of the step shown last). They are reset at the end of a guide and when the list is shown;
the menu (`0`) and a turn that starts something else reset them too (actions/turn.py), a
"no" closes the guide with a word (actions/handoff.py), and a new session does not carry
them over. "Next" and "more" are the same word to a tenant, and the classifier may give
either intent: "la suite" (more_results) while a guide is open is its next step
(actions/activities.py), and "volgende" (guide_next) right after search results, with no
guide open, shows more results."""

from __future__ import annotations

import json

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.tracker_utils import language, latest_entity
from bot.guides import find_guide, guides, step_count, step_text, ui_text
from bot.lexicon.folding import fold
from bot.sms_rules import MAX_SEGMENTS, MENU_PAYLOAD, measure, menu_keys, render

GUIDE_SLOTS = ("guide", "guide_step")
NEXT, REPEAT = "next", "repeat"
NEXT_PAYLOAD, REPEAT_PAYLOAD = "/guide_next", "/guide_repeat"
FIND_HELP_PAYLOAD = '/find_activity{"activity_category": "digital_help"}'
# "encore" is "more" elsewhere (more_results); inside a guide it asks for the step again.
AGAIN = {"encore", "encore une fois"}


def start_payload(guide_id: str) -> str:
    """The list's button for a guide. Built here, not in the domain, so single braces."""
    return f"/guide_list{json.dumps({'guide': guide_id})}"


def open_guide(tracker: Tracker) -> tuple[str, int] | None:
    """(guide id, index of the step shown last) while a guide is open, else None."""
    guide_id, step = tracker.get_slot("guide"), tracker.get_slot("guide_step")
    if guide_id not in guides() or step is None:
        return None
    return guide_id, int(step)


def closed() -> list[EventType]:
    return [SlotSet(slot, None) for slot in GUIDE_SLOTS]


def _sms_size(text: str, buttons: list[dict[str, str]]) -> int:
    """Segments of the message as the SMS channel renders it (numbered menu, keys 0 and 9)."""
    keys = menu_keys(button["payload"] for button in buttons)
    return measure(render(text, [button["title"] for button in buttons], keys)).segments


def show_list(dispatcher: CollectingDispatcher, lang: str, notice: str | None = None) -> list:
    """The intro and one button per guide, in the file's order; closes any open guide."""
    text = ui_text("intro", lang)
    if notice:
        text = f"{notice}\n{text}"
    buttons = [{"title": g.title(lang), "payload": start_payload(g.id)} for g in guides().values()]
    dispatcher.utter_message(text=text, buttons=buttons)
    return closed()


def step_buttons(lang: str) -> list[dict[str, str]]:
    return [
        {"title": ui_text("button_next", lang), "payload": NEXT_PAYLOAD},
        {"title": ui_text("button_repeat", lang), "payload": REPEAT_PAYLOAD},
        {"title": ui_text("button_menu", lang), "payload": MENU_PAYLOAD},
    ]


def show_step(dispatcher: CollectingDispatcher, guide_id: str, index: int, lang: str) -> list:
    """One step, with "Étape 2 sur 7" first when the SMS still fits its budget."""
    buttons = step_buttons(lang)
    text = step_text(guide_id, index, lang)
    progress = ui_text("progress", lang).format(step=index + 1, total=step_count(guide_id))
    if _sms_size(f"{progress}\n{text}", buttons) <= MAX_SEGMENTS:
        text = f"{progress}\n{text}"
    dispatcher.utter_message(text=text, buttons=buttons)
    # a yes or a no now answers the guide, not an offer made before it
    return [
        SlotSet("guide", guide_id),
        SlotSet("guide_step", float(index)),
        SlotSet("pending_offer", None),
    ]


def show_end(dispatcher: CollectingDispatcher, lang: str) -> list:
    """The end of a guide: the offer to search digital help nearby; closes the guide."""
    buttons = [
        {"title": ui_text("button_find_help", lang), "payload": FIND_HELP_PAYLOAD},
        {"title": ui_text("button_menu", lang), "payload": MENU_PAYLOAD},
    ]
    dispatcher.utter_message(text=ui_text("end", lang), buttons=buttons)
    return closed()


def move(dispatcher: CollectingDispatcher, tracker: Tracker, how: str) -> list[EventType]:
    """The next step (or the end), or the same step again; no open guide: say so, list."""
    lang = language(tracker)
    opened = open_guide(tracker)
    if opened is None:
        return show_list(dispatcher, lang, notice=ui_text("no_guide", lang))
    guide_id, index = opened
    if how == REPEAT:
        return show_step(dispatcher, guide_id, min(index, step_count(guide_id) - 1), lang)
    if index + 1 >= step_count(guide_id):
        return show_end(dispatcher, lang)
    return show_step(dispatcher, guide_id, index + 1, lang)


def stop(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """The tenant ends the guide ("no", "non merci"): say so, offer the menu."""
    lang = language(tracker)
    menu = [{"title": ui_text("button_menu", lang), "payload": MENU_PAYLOAD}]
    dispatcher.utter_message(text=ui_text("stopped", lang), buttons=menu)
    return closed()


def more_means(tracker: Tracker) -> str:
    """What "more" says inside a guide: the next step, or the same again for "encore"."""
    return REPEAT if fold(tracker.latest_message.get("text") or "") in AGAIN else NEXT


class ActionGuideList(Action):
    """The list of guides, or the guide the tenant chose (a button of the list, or words
    that name one guide: "uitleg over valse sms"), from its first step."""

    def name(self) -> str:
        return "action_guide_list"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        lang = language(tracker)
        chosen = latest_entity(tracker, "guide")
        if chosen is None:
            chosen = find_guide(tracker.latest_message.get("text") or "")
        if chosen in guides():
            return show_step(dispatcher, chosen, 0, lang)
        return show_list(dispatcher, lang)
