"""Groups the event stream into turns, per conversation, in bounded memory.

Conversations are keyed by a keyed hash under a random per-process key, never by the
sender id; a turn holds its weekly tokens and the fields it needs, not the events. Each
event comes with a `handle` (a delivery tag, a row id) that the source acknowledges once
the turn's row is committed (or at once, for events outside any turn)."""

from __future__ import annotations

import hashlib
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.signals.turns import Context, Signal, Turn, open_turn, remember, signal_of
from bot.signals.weeks import week_of

# (sender id, Rasa's message id, week) -> (conversation token, turn digest), from the week's key
Tokenizer = Callable[[str, str | None, date], tuple[str, str | None]]


@dataclass
class Done:
    """Handles to acknowledge, with the signal to record first (None: nothing to record)."""

    handles: list[Any]
    signal: Signal | None = None
    week: date | None = None
    conversation: str | None = None
    digest: str | None = None


@dataclass
class _Open:
    turn: Turn
    handles: list[Any] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)


class TurnAssembler:
    def __init__(
        self,
        tokenizer: Tokenizer,
        max_open: int = 2000,
        max_events: int = 500,
        idle_seconds: float = 120.0,
        max_contexts: int = 20000,
    ) -> None:
        self.tokenizer = tokenizer
        self.max_open, self.max_events, self.idle_seconds = max_open, max_events, idle_seconds
        self.max_contexts = max_contexts
        self._key = secrets.token_bytes(32)
        self._open: OrderedDict[bytes, _Open] = OrderedDict()
        self._contexts: OrderedDict[bytes, Context] = OrderedDict()

    def _slot(self, sender_id: str) -> bytes:
        return hashlib.blake2b(sender_id.encode("utf-8"), key=self._key, digest_size=16).digest()

    def _context(self, slot: bytes) -> Context:
        context = self._contexts.pop(slot, None) or Context()
        self._contexts[slot] = context
        while len(self._contexts) > self.max_contexts:
            self._contexts.popitem(last=False)
        return context

    def add(self, event: dict[str, Any], handle: Any) -> list[Done]:
        """Take one event; the turns it completes (or forces out), in order."""
        sender = event.get("sender_id")
        if not isinstance(sender, str) or not sender:
            return [Done([handle])]
        slot = self._slot(sender)
        done: list[Done] = []
        if event.get("event") == "user":
            if slot in self._open:  # the previous turn never reached its action_listen
                done.append(self._close(slot))
            timestamp = event.get("timestamp") or time.time()
            week = week_of(float(timestamp))
            message_id = event.get("message_id")
            conversation, digest = self.tokenizer(
                sender, message_id if isinstance(message_id, str) else None, week
            )
            self._open[slot] = _Open(open_turn(event, week, conversation, digest), [handle])
            while len(self._open) > self.max_open:
                done.append(self._close(next(iter(self._open))))
            return done
        current = self._open.get(slot)
        if current is None:
            remember(self._context(slot), event)
            return [Done([handle])]
        current.turn.add(event)
        current.handles.append(handle)
        if current.turn.ended or len(current.handles) >= self.max_events:
            done.append(self._close(slot))
        return done

    def expire(self, now: float | None = None) -> list[Done]:
        """Turns that stayed open too long (Rasa paused, or an event lost): recorded as they are."""
        now = time.monotonic() if now is None else now
        stale = [
            slot for slot, item in self._open.items() if now - item.started >= self.idle_seconds
        ]
        return [self._close(slot) for slot in stale]

    def flush(self) -> list[Done]:
        return [self._close(slot) for slot in list(self._open)]

    def reset(self) -> None:
        """Forget the open turns (their events will be delivered again)."""
        self._open.clear()

    def _close(self, slot: bytes) -> Done:
        item = self._open.pop(slot)
        signal = signal_of(item.turn, self._context(slot))
        return Done(item.handles, signal, item.turn.week, item.turn.conversation, item.turn.digest)

    @property
    def open_turns(self) -> int:
        return len(self._open)
