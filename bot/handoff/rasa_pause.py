"""Rasa's `pause` while a person owns a conversation (a safety net: the gateway does not
send the tenant's messages to Rasa then), and `resume` when the caseworker hands back."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.orm import Session

from bot.core.rasa_client import RasaUnavailable
from bot.core.services import Services, in_session
from bot.handoff.models import OPEN_STATUSES, Handoff

log = logging.getLogger(__name__)
PAUSE_ATTEMPTS = 5


def _still_open(session: Session, handoff_id: int) -> bool:
    handoff = session.get(Handoff, handoff_id)
    return handoff is not None and handoff.status in OPEN_STATUSES


async def pause_rasa(services: Services, sender_id: str, handoff_id: int) -> None:
    """Rasa's `pause` as a safety net, retried while the asking action still holds the lock,
    and never after a caseworker already closed the handoff (which resumes Rasa)."""
    for attempt in range(PAUSE_ATTEMPTS):
        await asyncio.sleep(0.5 * 2**attempt)
        if not await in_session(services, _still_open, handoff_id):
            return
        try:
            await services.rasa.append_event(sender_id, {"event": "pause"})
            return
        except RasaUnavailable:
            continue
    log.warning("could not pause the Rasa conversation of a handoff")


async def resume_rasa(services: Services, sender_id: str) -> bool:
    try:
        await services.rasa.append_event(sender_id, {"event": "resume"})
    except RasaUnavailable:
        return False
    return True
