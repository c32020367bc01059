"""Turns taken over: an SMS (or WhatsApp message) whose slow turn was cut by the death of
its gateway worker (Twilio had its 200, so it does not send it again) is run again by any
worker once its pending turn's lease runs out (bot/contacts/pending_turns.py). Rasa answers
a message id it already ran with that turn's replies, so the tenant gets the reply once,
late but not lost.
A turn that keeps failing is given up after MAX_ATTEMPTS runs with the apology and the
offer of a person, never silence."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from starlette.concurrency import run_in_threadpool

from bot.channels.rasa_turn import without_the_bot
from bot.channels.sms import CHANNEL, WHATSAPP, Incoming, finish_late_turn, run_turn
from bot.channels.sms_render import SmsReply
from bot.contacts import store as contacts
from bot.contacts.pending_turns import ClaimedTurn, claim_expired, release_claimed
from bot.core.clock import utcnow
from bot.core.services import Services
from bot.core.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


class PendingTurnRecovery:
    def __init__(self, services: Services, lease_seconds: float, poll_seconds: float) -> None:
        self.services = services
        self.lease_seconds = lease_seconds
        self.poll_seconds = poll_seconds
        self._stopping = asyncio.Event()

    async def run(self) -> None:
        while not self._stopping.is_set():
            try:
                await self.recover_once()
            except Exception:  # a database hiccup: tried again at the next poll
                log.exception("pending turns: a pass failed")
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.poll_seconds)

    def stop(self) -> None:
        self._stopping.set()

    async def recover_once(self) -> int:
        """Run again every turn whose worker stopped; returns how many were claimed."""

        def claim() -> list[ClaimedTurn]:
            with self.services.sessions() as session:
                claimed = claim_expired(session, utcnow(), self.lease_seconds)
                session.commit()
                return claimed

        claimed = await run_in_threadpool(claim)
        for turn in claimed:
            try:
                await self._recover(turn)
            except Exception:  # left pending: its new lease runs out and it is tried again
                log.exception("pending turns: turn %s could not be run again", turn.id)
        return len(claimed)

    async def _recover(self, turn: ClaimedTurn) -> None:
        work = UnitOfWork(self.services.sessions)
        try:
            contact = await work.run(contacts.view_by_id, turn.contact_id)
            done = await work.run(contacts.seen_before, turn.channel, turn.external_id)
            if contact is None or done or turn.channel not in (CHANNEL, WHATSAPP):
                await work.run(release_claimed, turn)  # handled, or nobody left to answer
                await work.commit()
                return
            log.warning("pending turns: turn %s taken over (run %d)", turn.id, turn.attempts)
            message_id = f"{turn.channel}:{turn.external_id}"
            if turn.attempts > MAX_ATTEMPTS:
                failed = await without_the_bot(
                    self.services, work, contact, turn.message, "bot_failed"
                )
                reply = SmsReply(failed)
            else:
                reply = await run_turn(self.services, work, contact, turn.message, message_id)
            incoming = Incoming(
                turn.external_id, contact.address, turn.message, 0, channel=turn.channel
            )
            await finish_late_turn(
                self.services,
                work,
                contact,
                incoming,
                reply,
                lambda session: release_claimed(session, turn),
            )
        except Exception:
            await work.rollback()
            raise
        finally:
            await work.close()
