"""Rasa's `pause` while a caseworker holds a conversation (a safety net: the gateway does
not send the tenant's messages to Rasa then), and `resume` once nobody does. A handoff
that waits in the queue leaves Rasa running: the assistant still answers the tenant
meanwhile (bot/handoff/routing.py).

A paused Rasa with no handoff open is a tenant the bot never answers again, so the two
events are not sent fire-and-forget. Each is a step towards the state the database says
(paused while the sender has a claimed handoff, resumed otherwise), taken under a lock per
conversation (one in flight at a time in this process), retried with backoff until Rasa
acknowledges, and checked against the database again once Rasa took it: a handoff closed
while a `pause` was on its way is followed by a `resume` (and one claimed while a `resume`
was on its way by a `pause`). Across processes the re-check is what orders them: whoever
lands last read the database after the other's commit.

And a conversation found paused with nobody holding it (a tenant's message got no answer:
Rasa records it and says nothing) is resumed, see `ensure_not_paused`."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Literal
from weakref import WeakKeyDictionary

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.rasa_client import RasaUnavailable
from bot.core.services import Services, in_session
from bot.handoff.models import Handoff

log = logging.getLogger(__name__)
State = Literal["pause", "resume"]

PAUSE_DELAY_SECONDS = 0.5  # the action that asked for a person holds Rasa's lock meanwhile
FIRST_RETRY_SECONDS = 0.5
MAX_RETRY_SECONDS = 30.0
SETTLE_SECONDS = 600.0  # then ensure_not_paused is the net
ENSURE_SECONDS = 10.0  # a tenant is waiting for the answer


@dataclass
class _Gate:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0


# Per event loop (each app, each test client has its own), per Rasa sender id.
_gates: WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, _Gate]] = WeakKeyDictionary()


@asynccontextmanager
async def _one_at_a_time(sender_id: str) -> AsyncIterator[None]:
    gates = _gates.setdefault(asyncio.get_running_loop(), {})
    gate = gates.setdefault(sender_id, _Gate())
    gate.users += 1
    try:
        async with gate.lock:
            yield
    finally:
        gate.users -= 1
        if gate.users == 0:
            gates.pop(sender_id, None)


def _still_open(session: Session, handoff_id: int) -> bool:
    handoff = session.get(Handoff, handoff_id)
    return handoff is not None and handoff.status == "claimed"


def _wanted(session: Session, sender_id: str) -> State:
    """`pause` while a caseworker holds one of the sender's handoffs, else `resume`."""
    held = session.scalar(
        select(Handoff.id)
        .where(Handoff.sender_id == sender_id, Handoff.status == "claimed")
        .limit(1)
    )
    return "pause" if held is not None else "resume"


async def _append(services: Services, sender_id: str, event: State, deadline: float) -> bool:
    """Append `event` until Rasa acknowledges it (True) or the deadline passes (False).
    Appending twice is harmless: a pause or resume is a state, not a count."""
    loop = asyncio.get_running_loop()
    delay = FIRST_RETRY_SECONDS
    while True:
        try:
            await services.rasa.append_event(sender_id, {"event": event})
            return True
        except RasaUnavailable as error:
            if loop.time() + delay > deadline:
                log.error("rasa: gave up appending %s to a conversation (%s)", event, error)
                return False
            log.warning("rasa: %s not appended (%s); again in %.1fs", event, error, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, MAX_RETRY_SECONDS)


async def _settle(services: Services, sender_id: str, seconds: float) -> State | None:
    """Bring Rasa to the state the database wants for this sender; the state it is left
    in, or None when Rasa did not acknowledge in time."""
    deadline = asyncio.get_running_loop().time() + seconds
    async with _one_at_a_time(sender_id):
        while True:
            wanted = await in_session(services, _wanted, sender_id)
            if not await _append(services, sender_id, wanted, deadline):
                return None
            if await in_session(services, _wanted, sender_id) == wanted:
                return wanted
            log.info("rasa: a handoff changed while %s was on its way; once more", wanted)


async def pause_rasa(services: Services, sender_id: str, handoff_id: int) -> None:
    """Once a claim is committed: `pause`, unless the handoff is no longer held (its
    release or closing resumes Rasa), and `resume` after all if it is released or closed
    while the pause is on its way."""
    await asyncio.sleep(PAUSE_DELAY_SECONDS)
    if not await in_session(services, _still_open, handoff_id):
        return
    if await _settle(services, sender_id, SETTLE_SECONDS) is None:
        log.warning("could not pause the Rasa conversation of handoff %s", handoff_id)


async def resume_rasa(services: Services, sender_id: str) -> bool:
    """Once a handoff is closed or back in the queue: `resume`, retried until Rasa
    acknowledges (True); False when it did not for SETTLE_SECONDS. If a caseworker holds
    a handoff of the tenant by then, Rasa is left paused for it instead."""
    return await _settle(services, sender_id, SETTLE_SECONDS) is not None


def _paused(events: list[dict[str, Any]]) -> bool:
    paused = False
    for event in events:
        kind = event.get("event")
        if kind == "pause":
            paused = True
        elif kind in ("resume", "restart"):
            paused = False
    return paused


async def ensure_not_paused(services: Services, sender_id: str) -> bool:
    """For a tenant's message that got no answer while no caseworker holds it: when Rasa holds
    the conversation paused (a `resume` that never landed, a `pause` that landed late),
    resume it. True when it did (the message is worth sending once more), False when
    there was nothing to resume or Rasa could not be asked."""
    if await in_session(services, _wanted, sender_id) == "pause":
        return False  # a caseworker holds the conversation: paused is right
    try:
        events = await services.rasa.events(sender_id)
    except RasaUnavailable:
        return False
    if not _paused(events):
        return False
    log.warning("rasa: a conversation was paused with no handoff open; resuming it")
    try:
        state = await asyncio.wait_for(_settle(services, sender_id, ENSURE_SECONDS), ENSURE_SECONDS)
    except asyncio.TimeoutError:
        return False
    return state == "resume"
