"""What the outbox hands a sender and what comes back: the delivery, the sender's
interface, the two kinds of failure a sender reports, and the outcome of an attempt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, runtime_checkable


class TemporaryFailure(Exception):
    """Worth retrying: timeout, network error, 5xx, rate limit."""


class PermanentFailure(Exception):
    """Retrying will not help: the provider refused the message, or it cannot be addressed."""


@dataclass(frozen=True)
class Delivery:
    """What a sender needs; the address never leaves this object for a log line.

    `attempt` is the claim: the row's attempt count once claimed. The outcome is recorded
    only while the row still carries it (no other worker took the message over).
    `resumed_since`: set when the worker of the previous attempt stopped mid-send (its
    lease ran out): the provider may have accepted the message after that moment."""

    outbox_id: int
    contact_id: int
    channel: str
    address: str
    body: str
    buttons: list[Any] | None
    attempt: int = 0
    resumed_since: datetime | None = None
    # WhatsApp: whether the 24-hour window is open; outside it the template (with its
    # variables, in `language`) goes instead of the body
    window_open: bool = True
    template: str | None = None
    variables: dict[str, str] | None = None
    language: str | None = None


class Sender(Protocol):
    async def send(self, delivery: Delivery) -> str:
        """Send; return the provider's message id."""


@runtime_checkable
class Recalling(Protocol):
    """A sender that can tell whether the provider already holds a message (so that a
    message whose worker died mid-send is not sent twice)."""

    async def find_sent(self, delivery: Delivery, since: datetime) -> str | None:
        """The provider's id of this message if it was accepted since `since`, else None."""


@dataclass(frozen=True)
class Outcome:
    """What became of one attempt, to be written to the row."""

    delivery: Delivery
    status: str  # "sent", "retry" or "failed"
    provider_id: str | None = None
    error: str | None = None
