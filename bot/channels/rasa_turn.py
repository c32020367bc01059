"""One tenant message sent to Rasa with the channel's metadata, and the contact's language
kept in step with the conversation's: the same for every channel.

The turn runs with no database transaction open (bot/core/unit_of_work.py): a tenant's
first message commits the tenant's registration first, because the action server looks
the tenant up (handoffs, reminders, erasure) while the turn runs."""

from __future__ import annotations

import logging
from typing import Any

from bot.contacts.store import ContactView, set_language
from bot.core.rasa_client import RasaUnavailable
from bot.core.services import Services
from bot.core.unit_of_work import UnitOfWork
from bot.handoff.direct import open_from_gateway
from bot.handoff.rasa_pause import ensure_not_paused
from bot.handoff.safety_texts import danger_reply
from bot.language_hint import likely_language
from bot.texts import text

log = logging.getLogger(__name__)


async def ask_rasa(
    services: Services, work: UnitOfWork, contact: ContactView, text: str, message_id: str
) -> list[dict[str, Any]]:
    """One tenant message through Rasa's REST channel; raises RasaUnavailable.

    `message_id` (the channel and the provider's id of the message) goes in the metadata:
    Rasa runs one turn per id, and answers a message sent again (a provider's retry after a
    gateway worker died mid-turn) with that turn's replies (bot/nlu/idempotent_turns.py)."""
    if contact.is_new:
        await work.commit()  # the registration, so the action server finds the tenant
    metadata = {
        "channel": contact.channel,
        "language_hint": contact.language,
        "site": contact.site,
        "message_id": message_id,
    }
    with services.metrics.rasa_latency.time():
        replies = await work.outside(services.rasa.send_message(contact.pseudonym, text, metadata))
    if not replies and await work.outside(ensure_not_paused(services, contact.pseudonym)):
        # Rasa was left paused with no person on the conversation: resumed, asked again
        # (a new id: the paused turn's empty answer is not the one to replay)
        again = {**metadata, "message_id": f"{message_id}/resumed"}
        with services.metrics.rasa_latency.time():
            replies = await work.outside(services.rasa.send_message(contact.pseudonym, text, again))
    log.info("turn: %s sent a message, %d replies", contact.pseudonym, len(replies))
    if not (text.startswith("/") or text.strip().isdigit()):  # only words change language
        await _follow_language(services, work, contact)
    return replies


async def _follow_language(services: Services, work: UnitOfWork, contact: ContactView) -> None:
    """Store the conversation's language with the turn's outcome, so keyword answers and
    the next hint use it."""
    try:
        language = (await work.outside(services.rasa.slots(contact.pseudonym))).get("language")
    except RasaUnavailable:
        return  # the next turn follows it again
    if language and language != contact.language:
        await work.run(set_language, contact.id, language)


async def without_the_bot(
    services: Services, work: UnitOfWork, contact: ContactView, message: str, failure: str
) -> list[str]:
    """What the tenant gets when the bot cannot answer: `failure` is "unavailable" (Rasa
    or the action server down) or "bot_failed" (no answer). Safety does not depend on
    Rasa: a message saying someone is in danger still gets its situation's safety text
    (the domain's own words) and an urgent handoff; anything else gets the apology with
    the offer of a person."""
    language = contact.language or likely_language(message)
    languages = [language] if language else ["fr", "nl"]  # unknown: both, French first
    found = [danger_reply(message, each) for each in languages]
    if found[0] is None:
        return [text(failure, contact.language)]
    # a third language's text is the same in both: said once
    safety = list(dict.fromkeys(reply for _, reply in filter(None, found)))
    log.warning("bot unavailable on a danger message: urgent handoff")
    person = await open_from_gateway(
        services, work, contact, "danger", urgent=True, language=languages[0]
    )
    return safety + person
