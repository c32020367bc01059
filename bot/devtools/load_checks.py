"""What a load run is checked against: every reply delivered once and in order (the
loopback Twilio's sends), and every tenant message stored once and in order in Rasa's
tracker store."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

from bot.core.pseudonyms import pseudonym
from bot.devtools.load import LoadResult
from bot.devtools.loopback import FakeTwilio


@dataclass
class Delivery:
    """What the tenants got: every message needs one bot turn, in the webhook's TwiML or,
    past the reply deadline, through the outbox (the loopback Twilio)."""

    messages: int
    answered: int
    lost: list[tuple[str, int]]
    duplicated: list[tuple[str, int]]
    http_errors: int


def check_delivery(result: LoadResult, twilio: FakeTwilio, settle_seconds: float = 30) -> Delivery:
    """A turn the webhook answered empty (past the reply deadline) must be answered by the
    outbox; the outbox must send nothing to a tenant whose every turn was answered already.
    (A late turn may take several SMS parts, so parts are counted per tenant.)"""
    late_turns = Counter(
        turn.number for turn in result.turns if turn.status == 200 and not turn.replies
    )

    numbers = {turn.number for turn in result.turns}  # this run's tenants only

    def outbox_parts() -> Counter:
        return Counter(message["To"] for message in twilio.sent() if message["To"] in numbers)

    deadline = time.monotonic() + settle_seconds
    while time.monotonic() < deadline and any(
        outbox_parts()[number] < count for number, count in late_turns.items()
    ):
        time.sleep(0.5)
    parts = outbox_parts()
    lost = [(turn.number, turn.index) for turn in result.turns if turn.status != 200]
    lost += [(number, -1) for number, count in late_turns.items() if parts[number] < count]
    duplicated = [(number, count) for number, count in parts.items() if number not in late_turns]
    answered = sum(1 for turn in result.turns if turn.replies) + sum(
        min(count, parts[number]) for number, count in late_turns.items()
    )
    return Delivery(
        len(result.turns),
        answered,
        lost,
        duplicated,
        sum(1 for turn in result.turns if turn.status != 200),
    )


@dataclass
class TrackerCheck:
    conversations: int
    user_events: int
    missing: int  # tenant messages the tracker store lacks
    duplicated: int  # stored more than once
    out_of_order: int  # conversations whose user messages are not in the order sent
    mismatches: list[tuple[list[str], list[str]]]  # a few (sent, stored), to see what went wrong


def check_tracker(result: LoadResult, connection: Any, secret: str) -> TrackerCheck:
    """Rasa's stored user events (`connection`: a DB-API connection to its tracker store)
    against what each tenant sent (digits arrive as the menu's payloads, so order is
    checked on the typed texts). Without retries, a message refused with an error was not
    accepted and is not expected there; with Twilio's retries, every message is: its
    attempts may all have failed after the gateway took it (it is then missing if not)."""
    sent: dict[str, list[str]] = {}
    for turn in sorted(result.turns, key=lambda t: (t.number, t.index)):
        if turn.status == 200 or result.retries is not None:
            sent.setdefault(pseudonym(secret, "sms", turn.number), []).append(turn.sent)
    with connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT sender_id, data::json->>'text', data::json->>'message_id' "
            "FROM events WHERE type_name = 'user' AND sender_id = ANY(%s) "
            "ORDER BY id",
            (list(sent),),
        )
        rows = cursor.fetchall()
    stored: dict[str, list[str]] = {}
    message_ids = Counter(message_id for _, _, message_id in rows)
    for sender, text, _ in rows:
        stored.setdefault(sender, []).append(text)
    missing = sum(
        max(0, len(texts) - len(stored.get(sender, []))) for sender, texts in sent.items()
    )
    extra = sum(max(0, len(stored.get(sender, [])) - len(texts)) for sender, texts in sent.items())
    out_of_order = sum(
        1 for sender, texts in sent.items() if _typed(stored.get(sender, [])) != _typed(texts)
    )
    mismatches = [
        (texts, stored.get(sender, []))
        for sender, texts in sent.items()
        if len(texts) != len(stored.get(sender, []))
    ][:3]
    return TrackerCheck(
        len(sent),
        len(rows),
        missing,
        extra + sum(count - 1 for count in message_ids.values() if count > 1),
        out_of_order,
        mismatches,
    )


def _typed(texts: list[str]) -> list[str]:
    """The free texts, without menu digits and the payloads they became."""
    return [t for t in texts if not t.startswith("/") and not t.strip().isdigit()]
