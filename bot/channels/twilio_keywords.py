"""The keywords a Twilio number must answer (STOP, START, HELP) and the one that stops
reminders: answered before anything else, and without the assistant."""

from __future__ import annotations

import logging

from bot.channels.keywords import Keyword
from bot.contacts.store import ContactView
from bot.core.unit_of_work import UnitOfWork
from bot.reminders.stopping import set_opted_out, stop_reminders
from bot.texts import text

log = logging.getLogger(__name__)
WHATSAPP = "whatsapp"  # the channel whose texts do not say "SMS"


async def keyword_answer(
    work: UnitOfWork, contact: ContactView, channel: str, found: Keyword | None
) -> list[str] | None:
    """The whole answer when the message is one of these keywords, or when the number
    opted out (then nothing is sent, not even an answer); None for any other message."""
    if contact.opted_out:
        if found is not Keyword.OPT_IN:
            return []
        await work.run(set_opted_out, contact.id, False)
        return [text("opted_in", contact.language)]
    if found is Keyword.OPT_OUT:
        await work.run(set_opted_out, contact.id, True)
        log.info("%s: %s opted out", channel, contact.pseudonym)
        return [text(_worded("opted_out", channel), contact.language)]
    if found is Keyword.HELP:
        return [text(_worded("help", channel), contact.language)]
    if found is Keyword.STOP_REMINDERS:
        return [await stop_reminders(work, contact)]
    return None


def _worded(name: str, channel: str) -> str:
    """The text's WhatsApp wording where the SMS one names SMS."""
    return f"{name}_whatsapp" if channel == WHATSAPP else name
