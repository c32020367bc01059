"""From Rasa's event stream to tenant turns, and from a turn to the fields of its signal.

A turn is a `user` event and what the bot did after it, up to its `action_listen`. Only
the fields a signal needs are kept from each event, as soon as it arrives: never the text.

- topic: the intent (an empty one counts as `nlu_fallback`).
- understood: the intent is neither `nlu_fallback` nor `out_of_scope`, as for the bot's own
  fallback (actions/turn.py): both are turns the bot could not serve.
- language: the `language` slot the turn set (actions/turn.py sets it on every turn), else
  the language identified in the parse data.
- channel: the gateway's `channel` metadata, else Rasa's input channel (`rest`).
- commune: the `commune` slot or entity of the turn, else the conversation's last one.
- site: the gateway's `site` metadata or slot; the recorder maps it to a housing company.
- urgent: the safety layer or the classifier said `urgent_help`, or the safety action ran.
- handoff_reason: when the bot asked the gateway for a person in this turn (the safety
  action, or the "a person will answer" / "unavailable" messages), the `handoff_reason`
  slot (actions/handoff.py), else `danger` for an urgent turn, else `asked`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.lexicon import communes

NOT_UNDERSTOOD = ("nlu_fallback", "out_of_scope")
LANGUAGES = ("fr", "nl")
HANDOFF_UTTERANCES = ("utter_handoff_opened", "utter_handoff_unavailable", "utter_urgent_handoff")
HANDOFF_ACTIONS = ("action_urgent_help",)
# Values that reach a row are names from our own vocabulary, never free text.
NAME = re.compile(r"[a-z][a-z0-9_/]{0,63}")


def name_or_none(value: Any, length: int) -> str | None:
    if isinstance(value, str) and NAME.fullmatch(value) and len(value) <= length:
        return value
    return None


def commune_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value in communes() else None


@dataclass
class Context:
    """What a conversation told earlier and a later turn may still be about."""

    commune: str | None = None
    site: str | None = None
    language: str | None = None
    handoff_reason: str | None = None  # of the person offered earlier, when the tenant accepts


@dataclass
class Turn:
    """One tenant turn, as far as it has arrived. `conversation` and `digest` are the
    weekly-keyed tokens of the sender and of Rasa's message id."""

    week: Any  # datetime.date
    conversation: str
    digest: str | None
    intent: str | None
    parsed_language: str | None
    entity_commune: str | None
    channel: str | None
    site: str | None
    slots: dict[str, Any] = field(default_factory=dict)
    actions: list[str] = field(default_factory=list)
    utterances: list[str] = field(default_factory=list)
    ended: bool = False

    def add(self, event: dict[str, Any]) -> None:
        kind = event.get("event")
        if kind == "slot" and event.get("name") in SLOTS_READ:
            self.slots[event["name"]] = event.get("value")
        elif kind == "action":
            name = event.get("name")
            if name == "action_listen":
                self.ended = True
            elif name in HANDOFF_ACTIONS:
                self.actions.append(name)
        elif kind == "bot":
            utterance = (event.get("metadata") or {}).get("utter_action")
            if utterance in HANDOFF_UTTERANCES:
                self.utterances.append(utterance)


SLOTS_READ = ("language", "commune", "site", "handoff_reason", "urgent")


def open_turn(user_event: dict[str, Any], week: Any, conversation: str, digest: str | None) -> Turn:
    """A turn from its `user` event: the intent, entities and metadata, not the text."""
    parse = user_event.get("parse_data") or {}
    metadata = user_event.get("metadata") or parse.get("metadata") or {}
    entities = [
        row.get("value") for row in parse.get("entities") or [] if row.get("entity") == "commune"
    ]
    language = (parse.get("language") or {}).get("code")
    return Turn(
        week=week,
        conversation=conversation,
        digest=digest,
        intent=name_or_none((parse.get("intent") or {}).get("name"), 64),
        parsed_language=language if language in LANGUAGES else None,
        entity_commune=commune_or_none(entities[-1]) if entities else None,
        channel=name_or_none(metadata.get("channel") or user_event.get("input_channel"), 16),
        site=str(metadata["site"])[:64] if metadata.get("site") else None,
    )


@dataclass(frozen=True)
class Signal:
    """The fields of one signal row, before the site becomes a housing company."""

    topic: str
    understood: bool
    language: str | None
    channel: str | None
    commune: str | None
    site: str | None
    urgent: bool
    handoff_reason: str | None


def signal_of(turn: Turn, context: Context) -> Signal:
    """The turn's signal; `context` (the conversation's earlier turns) is updated."""
    topic = turn.intent or "nlu_fallback"
    slot_language = turn.slots.get("language")
    language = (
        (slot_language if slot_language in LANGUAGES else None)
        or turn.parsed_language
        or context.language
    )
    commune = commune_or_none(turn.slots.get("commune")) or turn.entity_commune or context.commune
    slot_site = turn.slots.get("site")
    site = turn.site or (str(slot_site)[:64] if slot_site else None) or context.site
    urgent = (
        topic == "urgent_help"
        or turn.slots.get("urgent") is True
        or "action_urgent_help" in turn.actions
    )
    handoff_reason = None
    if turn.actions or turn.utterances:
        handoff_reason = name_or_none(turn.slots.get("handoff_reason"), 32) or (
            "danger" if urgent else context.handoff_reason or "asked"
        )
    context.commune, context.site, context.language = commune, site, language
    if "handoff_reason" in turn.slots:
        context.handoff_reason = name_or_none(turn.slots["handoff_reason"], 32)
    return Signal(
        topic=topic,
        understood=topic not in NOT_UNDERSTOOD,
        language=language,
        channel=turn.channel,
        commune=commune,
        site=site,
        urgent=urgent,
        handoff_reason=handoff_reason,
    )


def remember(context: Context, event: dict[str, Any]) -> None:
    """A slot set outside a turn (a new session carries the slots over) still counts."""
    if event.get("event") != "slot":
        return
    name, value = event.get("name"), event.get("value")
    if name == "commune" and commune_or_none(value):
        context.commune = value
    elif name == "site" and value:
        context.site = str(value)[:64]
    elif name == "language" and value in LANGUAGES:
        context.language = value
    elif name == "handoff_reason":
        context.handoff_reason = name_or_none(value, 32)
