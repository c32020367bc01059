"""The multi-turn conversation set (tests/conversations/, issue 21) played end to end: each
conversation over its channel (signed Twilio webhooks, Telegram updates) to the real
gateway, Rasa and action server; after each turn, the turn's expectations are checked
against what the tenant received, Rasa's tracker, the gateway's database and the
directory itself. Two measures run over every turn, whatever a conversation expects: an
answer identical to the previous one, and an answer that says "not understood"."""

from __future__ import annotations

import itertools
import re
import sqlite3
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
import yaml

from bot.core.pseudonyms import pseudonym
from bot.dev_defaults import DEV_PSEUDONYM_KEY
from bot.lexicon.folding import fold
from tests.e2e.test_channels import SmsTenant, TelegramTenant

CONVERSATIONS = Path(__file__).parents[1] / "conversations"
DOMAIN = Path(__file__).parents[2] / "domain.yml"
# The answers that tell the tenant they were not understood (both languages).
NOT_UNDERSTOOD_RESPONSES = (
    "utter_fallback_choices",
    "utter_offer_person_after_failures",
    "utter_out_of_scope",
)
# The activity form's questions: a search was started.
SEARCH_QUESTIONS = ("utter_ask_commune", "utter_ask_activity_category")
QUEUE_NOTES = ("reste dans la file", "blijft in de wachtrij")
PARALLEL = 4  # conversations played at once (different tenants)
_numbers = itertools.count(1000)


def _response_texts(names: tuple[str, ...]) -> list[str]:
    """The fixed part of these responses (up to a placeholder), in both languages."""
    responses = yaml.safe_load(DOMAIN.read_text())["responses"]
    return [
        variation["text"].split("{")[0].strip()
        for name in names
        for variation in responses[name]
        if variation.get("text")
    ]


@dataclass
class Turn:
    said: str
    answers: list[str]
    failures: list[str] = field(default_factory=list)
    repeated: bool = False
    not_understood: bool = False


@dataclass
class Played:
    id: str
    channel: str
    language: str
    set_name: str
    turns: list[Turn] = field(default_factory=list)

    @property
    def failures(self) -> list[str]:
        return [
            f"turn {i + 1} ({t.said!r}): {f}" for i, t in enumerate(self.turns) for f in t.failures
        ]


def load(set_name: str) -> list[dict[str, Any]]:
    """The conversations of a set: "main" (tests/conversations/*.yml) or "blind"."""
    folder = CONVERSATIONS / "blind" if set_name == "blind" else CONVERSATIONS
    conversations = []
    for path in sorted(folder.glob("??.yml")):  # fr.yml, nl.yml (not known_failures.yml)
        for row in yaml.safe_load(path.read_text())["conversations"]:
            conversations.append({**row, "language": path.stem, "set": set_name})
    return conversations


class Stage:
    """What the conversations need of the running system."""

    def __init__(self, gateway: str, assistant: Any, telegram: Any, database: Path) -> None:
        self.gateway, self.assistant, self.telegram, self.database = (
            gateway,
            assistant,
            telegram,
            database,
        )
        self.not_understood = _response_texts(NOT_UNDERSTOOD_RESPONSES)
        self.search_questions = _response_texts(SEARCH_QUESTIONS)

    def open_handoff(self, sender: str) -> bool:
        with sqlite3.connect(self.database) as db:
            row = db.execute(
                "SELECT count(*) FROM handoff WHERE sender_id = ? AND status IN "
                "('waiting', 'claimed')",
                (sender,),
            ).fetchone()
        return bool(row[0])

    def directory(self, slots: dict[str, Any]) -> list[dict[str, Any]]:
        """The directory's own answer to the search the tracker's slots describe."""
        params = {
            "commune": slots.get("commune"),
            "taxonomy_term": slots.get("activity_category"),
            "audience": slots.get("audience"),
            "age": str(int(slots["age"])) if slots.get("age") is not None else None,
            "weekday": ",".join(slots.get("weekday") or []) or None,
            "full": "true",
            "per_page": "30",
        }
        response = requests.get(
            f"{self.gateway}/hsds/services",
            params={k: v for k, v in params.items() if v},
            timeout=30,
        )
        response.raise_for_status()
        return list(response.json().get("contents") or [])


def _tenant(stage: Stage, row: dict[str, Any]) -> tuple[Callable[[str], list[str]], str]:
    """A new tenant on the conversation's channel: how they speak, and their Rasa id."""
    number = next(_numbers)
    if row["channel"] == "telegram":
        chat_id = 810000000 + number
        interface = row.get("telegram_language") or row["language"]
        tenant = TelegramTenant(stage.gateway, stage.telegram, chat_id, interface)

        def say_on_telegram(text: str) -> list[str]:
            return [str(message.get("text") or "") for message in tenant.say(text)]

        return say_on_telegram, pseudonym(DEV_PSEUDONYM_KEY, "telegram", str(chat_id))
    address = f"+3247{number:07d}"
    sms = SmsTenant(stage.gateway, address)
    return sms.say, pseudonym(DEV_PSEUDONYM_KEY, "sms", address)


def _has(answers: list[str], fragments: list[str]) -> bool:
    text = fold("\n".join(answers))
    return any(fold(fragment) in text for fragment in fragments if fragment)


def _check(stage: Stage, turn: Turn, expect: dict[str, Any], sender: str) -> None:
    tracker = stage.assistant.tracker(sender)
    slots = tracker.get("slots") or {}
    failures = turn.failures
    if "topic" in expect and slots.get("topic") != expect["topic"]:
        failures.append(f"topic {slots.get('topic')!r}, expected {expect['topic']!r}")
    if "language" in expect and slots.get("language") != expect["language"]:
        failures.append(f"language {slots.get('language')!r}, expected {expect['language']!r}")
    handoff = stage.open_handoff(sender)
    if expect.get("handoff_open") and not handoff:
        failures.append("no handoff open")
    if expect.get("offers_person") and not (handoff or slots.get("pending_offer") == "handoff"):
        failures.append("no offer of a person")
    searching = (tracker.get("active_loop") or {}).get("name") == "activity_form" or _has(
        turn.answers, stage.search_questions
    )
    if expect.get("starts_search") is False and searching:
        failures.append("started an activity search")
    for name, wanted in (expect.get("kept") or {}).items():
        value = slots.get(name)
        if name == "age" and value is not None:
            value = int(value)
        if name == "weekday":
            value = {str(day).lower() for day in value or []}
            wanted = {str(day).lower() for day in wanted or []}
        if value != wanted:
            failures.append(f"{name} {value!r}, expected {wanted!r}")
    if expect.get("results") == "checked":
        failures += _check_results(stage, turn, slots)
    for fragment in expect.get("mentions") or []:
        if not _has(turn.answers, [str(fragment)]):
            failures.append(f"does not mention {fragment!r}")
    if "guide" in expect and slots.get("guide") != expect["guide"]:
        failures.append(f"guide {slots.get('guide')!r}, expected {expect['guide']!r}")
    if expect.get("queue_kept"):
        if not _has(turn.answers, list(QUEUE_NOTES)):
            failures.append("no note that the request stays in the queue")
        elif len(turn.answers) < 2:
            failures.append("the assistant did not answer under the queue note")
    if turn.not_understood and not expect.get("fallback_ok"):
        failures.append("answered 'not understood'")
    if turn.repeated:
        failures.append("the same answer as the turn before")


def _check_results(stage: Stage, turn: Turn, slots: dict[str, Any]) -> list[str]:
    """Results where the directory has some, each one among them; "nothing" only where
    it has none. The directory is asked what the tracker says the search is (as the bot
    does, an age stands for "children"/"teenagers": bot's search_parameters)."""
    if not slots.get("commune"):
        return ["a search answer without a commune"]
    query = dict(slots)
    if query.get("age") is not None and query.get("audience") in ("children", "teenagers"):
        query["audience"] = None
    direct = {service.get("id") for service in stage.directory(query)}
    shown = {row.get("service_id") for row in slots.get("shown_activities") or []}
    said = fold("\n".join(turn.answers))
    honest = any(word in said for word in ("rien", "niets", "geen", "pas trouve"))
    if direct and not shown:
        return [f"the directory has {len(direct)} matches, none shown"]
    if direct and not shown <= direct and not honest:
        return ["results shown that do not match, without saying so"]
    if not direct and not honest:
        return ["the directory has nothing, and the answer does not say so"]
    return []


def play(stage: Stage, row: dict[str, Any]) -> Played:
    say, sender = _tenant(stage, row)
    played = Played(row["id"], row["channel"], row["language"], row["set"])
    previous: list[str] | None = None
    for step in row["turns"]:
        answers = say(step["say"])
        turn = Turn(step["say"], answers)
        turn.repeated = bool(answers) and answers == previous
        turn.not_understood = _has(answers, stage.not_understood)
        time.sleep(0.1)  # the tracker is written once the turn's reply is out
        _check(stage, turn, step.get("expect") or {}, sender)
        played.turns.append(turn)
        previous = answers
    return played


def play_all(stage: Stage, rows: list[dict[str, Any]]) -> list[Played]:
    with ThreadPoolExecutor(PARALLEL) as pool:
        return list(pool.map(lambda row: play(stage, row), rows))


def summary(played: list[Played]) -> dict[str, Any]:
    turns = [turn for conversation in played for turn in conversation.turns]
    passed = [conversation for conversation in played if not conversation.failures]
    return {
        "conversations": len(played),
        "passed": len(passed),
        "pass_rate": round(len(passed) / len(played), 3) if played else 0.0,
        "tenant_turns": len(turns),
        "identical_consecutive_replies": sum(turn.repeated for turn in turns),
        "not_understood_turns": sum(turn.not_understood for turn in turns),
        "not_understood_rate": round(sum(t.not_understood for t in turns) / len(turns), 3)
        if turns
        else 0.0,
    }


def pattern_of(conversation_id: str) -> str:
    return re.sub(r"^(fr|nl)-|-\d+$", "", conversation_id)
