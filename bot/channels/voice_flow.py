"""The call flow of the phone line (bot/channels/voice.py has the webhooks): what each
thing a caller does leads to (a Rasa turn, the next result, an SMS, asked again, a
goodbye), with the call's state; what is then said is bot/channels/voice_prompts.py."""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, replace

import phonenumbers
from sqlalchemy.orm import Session
from twilio.twiml.voice_response import VoiceResponse

from bot.channels import voice_prompts as prompts
from bot.channels.rasa_turn import ask_rasa
from bot.channels.tenant_text import as_tenant_text
from bot.channels.voice_person import (
    PersonStep,
    after_turn,
    handoff_state,
    transfer_ended,
)
from bot.channels.voice_prompts import Urls
from bot.channels.voice_render import SpokenTurn, option_sentences, spoken_turn
from bot.channels.voice_speech import sentences
from bot.channels.voice_texts import voice_text
from bot.channels.voice_twiml import VoiceSetup, voice_setup
from bot.contacts import store as contacts
from bot.contacts import voice_calls
from bot.contacts.store import ContactView
from bot.core.clock import utcnow
from bot.core.rasa_client import RasaUnavailable
from bot.core.services import Services
from bot.core.unit_of_work import UnitOfWork
from bot.handoff.direct import open_from_gateway
from bot.handoff.routing import record_waiting_turn, route_to_caseworker
from bot.handoff.safety_texts import danger_reply
from bot.handoff.store import company_for
from bot.outbox.rendering import split_sms
from bot.outbox.store import enqueue
from bot.privacy.erasure import erase_if_requested
from bot.sms_rules import MENU_PAYLOAD, to_gsm7

log = logging.getLogger(__name__)
PERSON_PAYLOAD = "/human_handoff"
# Words a caller says to move through results, in both languages (folded, no accents).
NEXT_WORDS = {"suivant", "suivante", "la suivante", "apres", "volgende", "verder", "de volgende"}
REPEAT_WORDS = {"repeter", "repete", "encore", "reecouter", "herhaal", "herhalen", "opnieuw"}
SMS_WORDS = {"sms", "par sms", "texto", "envoyer", "envoyez", "per sms", "stuur", "sturen"}


@dataclass(frozen=True)
class Heard:
    digits: str
    speech: str
    confidence: float


async def goodbye(
    services: Services,
    work: UnitOfWork,
    contact: ContactView,
    language: str | None,
    setup: VoiceSetup,
    before: list[str] | None = None,
) -> VoiceResponse:
    """The call ends with how to reach a person (prompts.farewell)."""
    phone = await work.run(_company_phone, contact.site)
    return prompts.farewell(language, phone, setup, before)


def _company_phone(session: Session, site: str | None) -> str | None:
    company = company_for(session, site)
    if company is None or not company.phone:
        return None
    return re.sub(r"\s*\(.*?\)", "", company.phone).strip() or None


async def answer(
    services: Services, work: UnitOfWork, contact: ContactView, call_sid: str, heard: Heard
) -> VoiceResponse:
    """What the call does with what the caller said or typed."""
    setup, links = voice_setup(services.settings), prompts.urls(services.settings)
    language = contact.language or "fr"
    if not heard.digits and not heard.speech:
        silences = await work.run(voice_calls.count, call_sid, "silences")
        if silences >= 2:
            return await goodbye(services, work, contact, language, setup)
        return prompts.listening(language, [voice_text("silence", language)], links, setup)
    await work.run(voice_calls.reset, call_sid, "silences")
    call = await work.run(voice_calls.find, call_sid)
    move = _results_move(heard, bool(call and call.items))
    if move is not None:
        return await _results_step(services, work, contact, call_sid, move, setup, links)
    three_free = heard.digits == "3" and not await work.run(contacts.menu_payload, contact.id, "3")
    if three_free or (heard.speech and _folded(heard.speech) in SMS_WORDS):
        return await _send_by_sms(services, work, contact, call_sid, setup, links)
    unsure = heard.speech and heard.confidence < services.settings.voice_min_confidence
    if unsure and danger_reply(heard.speech, language) is None:  # danger is never asked again
        return await _not_understood(services, work, contact, call_sid, setup, links)
    message = await _message(work, contact, heard)
    if message is None:
        return await _not_understood(services, work, contact, call_sid, setup, links)
    await work.run(voice_calls.reset, call_sid, "not_understood")
    return await turn(services, work, contact, call_sid, message, heard.speech, setup, links)


def _folded(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w\s]", " ", plain).split())


def _results_move(heard: Heard, reading: bool) -> str | None:
    if not reading:
        return None
    if heard.digits:
        return {"1": "next", "2": "repeat", "3": "sms"}.get(heard.digits)
    words = _folded(heard.speech)
    if words in NEXT_WORDS:
        return "next"
    if words in REPEAT_WORDS:
        return "repeat"
    if words in SMS_WORDS:
        return "sms"
    return None


async def _message(work: UnitOfWork, contact: ContactView, heard: Heard) -> str | None:
    """The message for Rasa: a key's option (0 the menu), an option's title said aloud,
    or the caller's words (never a command of their own making)."""
    if heard.digits:
        if heard.digits == "0":
            return MENU_PAYLOAD
        return await work.run(contacts.menu_payload, contact.id, heard.digits)
    said = _folded(heard.speech)
    for _, payload, title in await work.run(contacts.menu_options, contact.id):
        if title and _folded(title) == said:
            return payload
    words = as_tenant_text(heard.speech)
    return words if words.strip() else None


async def _not_understood(
    services: Services,
    work: UnitOfWork,
    contact: ContactView,
    call_sid: str,
    setup: VoiceSetup,
    links: Urls,
) -> VoiceResponse:
    """Asked again once in other words; then the keypad menu; then the offer of a person."""
    language = contact.language or "fr"
    times = await work.run(voice_calls.count, call_sid, "not_understood")
    if times == 1:
        return prompts.listening(language, [voice_text("again", language)], links, setup)
    if times == 2:
        return await turn(
            services,
            work,
            contact,
            call_sid,
            MENU_PAYLOAD,
            "",
            setup,
            links,
            before=[voice_text("keypad", language)],
        )
    title = voice_text("person_words", language)
    await work.run(contacts.replace_menu, contact.id, [("1", PERSON_PAYLOAD, title)])
    await work.run(voice_calls.reset, call_sid, "not_understood")
    offer = option_sentences([("1", PERSON_PAYLOAD, title)], language)
    return prompts.listening(language, offer, links, setup)


async def _results_step(
    services: Services,
    work: UnitOfWork,
    contact: ContactView,
    call_sid: str,
    move: str,
    setup: VoiceSetup,
    links: Urls,
) -> VoiceResponse:
    if move == "sms":
        return await _send_by_sms(services, work, contact, call_sid, setup, links)
    call = await work.run(voice_calls.find, call_sid)
    items = list(call.items or []) if call else []
    position = call.position if call else 0
    if move == "next":
        position += 1
    language = contact.language or "fr"
    if position >= len(items):
        options = await work.run(contacts.menu_options, contact.id)
        texts = [voice_text("result_last", language)] + option_sentences(options, language)
        texts.append(voice_text("result_sms", language))
        return prompts.listening(language, texts, links, setup)
    await work.run(voice_calls.move_to, call_sid, position)
    options = await work.run(contacts.menu_options, contact.id)
    return prompts.reading(language, items[position], position, len(items), options, setup, links)


async def _send_by_sms(
    services: Services,
    work: UnitOfWork,
    contact: ContactView,
    call_sid: str,
    setup: VoiceSetup,
    links: Urls,
) -> VoiceResponse:
    """What was said last, by SMS to the number the caller calls from, through the outbox;
    a landline cannot receive it, and a number that sent STOP gets nothing."""
    language = contact.language or "fr"
    call = await work.run(voice_calls.find, call_sid)
    text = str((call.last_said or {}).get("sms") or "") if call else ""
    if not text:
        reply = voice_text("sms_nothing", language)
    elif voice_calls.is_hidden(contact.address):
        reply = voice_text("sms_hidden", language)
    elif not can_receive_sms(contact.address):
        reply = voice_text("sms_landline", language)
    elif await work.run(voice_calls.stopped_sms, contact.address):
        reply = voice_text("sms_stopped", language)
    else:
        for part in split_sms(to_gsm7(text)):
            await work.run(enqueue, contact.id, contact.channel, part)
        work.after_commit(services.outbox.wake)
        log.info("voice: %s gets what was said by SMS", contact.pseudonym)
        reply = voice_text("sms_sent", language)
    return prompts.listening(language, [reply, voice_text("ask", language)], links, setup)


def can_receive_sms(number: str) -> bool:
    """A mobile number (libphonenumber's numbering plans); a landline cannot get an SMS."""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return False
    kind = phonenumbers.number_type(parsed)
    return kind in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


async def turn(
    services: Services,
    work: UnitOfWork,
    contact: ContactView,
    call_sid: str,
    message: str,
    words: str,
    setup: VoiceSetup,
    links: Urls,
    before: list[str] | None = None,
) -> VoiceResponse:
    """One Rasa turn, spoken: the caller's `words` (empty for a key) as `message`."""
    before_handoff = await work.run(handoff_state, contact.id)
    routed = await route_to_caseworker(work, contact, words) if words else None
    language = contact.language or "fr"
    if routed is not None and not routed.bot_answers:  # a caseworker holds the request
        # what the gateway says itself (a safety message first: slowly, twice)
        held = spoken_turn([{"text": reply} for reply in routed.replies], language)
        return prompts.speak_turn(held, None, language, setup, links, None, None)
    number = await work.run(voice_calls.count, call_sid, "turns")
    await work.commit()  # no write may wait on Rasa (bot/core/unit_of_work.py)
    try:
        replies = await ask_rasa(services, work, contact, message, f"voice:{call_sid}:{number}")
    except RasaUnavailable as error:
        log.error("voice: Rasa unavailable: %s", error)
        return await _without_the_bot(services, work, contact, words, setup, links)
    if not replies:
        log.error("voice: Rasa answered nothing")
        return await _without_the_bot(services, work, contact, words, setup, links)
    if await erase_if_requested(services, work, contact.id, contact.pseudonym):
        return await goodbye(services, work, contact, language, setup)
    fresh = await work.run(contacts.view_by_id, contact.id)
    language = (fresh.language if fresh else None) or language
    spoken = spoken_turn(replies, language)
    if routed is not None:
        await record_waiting_turn(work, routed, words, [spoken.sms])
    await work.run(contacts.replace_menu, contact.id, spoken.options)
    step = await work.run(after_turn, contact.id, before_handoff, utcnow())
    if step is not None and step.kind != "transfer" and voice_calls.is_hidden(contact.address):
        step = replace(step, kind="callback_hidden")  # nobody can call a hidden number
    await work.run(voice_calls.remember, call_sid, {"sms": spoken.sms}, spoken.items)
    call = await work.run(voice_calls.find, call_sid)
    caller_id = call.company_number if call is not None else None
    return prompts.speak_turn(spoken, step, language, setup, links, before, caller_id)


async def _without_the_bot(
    services: Services,
    work: UnitOfWork,
    contact: ContactView,
    words: str,
    setup: VoiceSetup,
    links: Urls,
) -> VoiceResponse:
    """Rasa down or silent: safety does not depend on it (a danger sentence still gets its
    numbers, slowly and twice, and an urgent callback); anything else gets the apology and
    a goodbye that says how to reach a person."""
    language = contact.language or "fr"
    found = danger_reply(words, language) if words else None
    if found is None:
        return await goodbye(
            services, work, contact, language, setup, before=[voice_text("unavailable", language)]
        )
    await open_from_gateway(services, work, contact, "danger", urgent=True, language=language)
    spoken = SpokenTurn(said=[(sentences(found[1], language), True)])
    return prompts.speak_turn(
        spoken, PersonStep("callback_urgent", 0), language, setup, links, None, None
    )


async def after_transfer(
    services: Services,
    work: UnitOfWork,
    contact: ContactView,
    handoff_id: int,
    answered: bool,
    setup: VoiceSetup,
) -> VoiceResponse:
    await work.run(transfer_ended, handoff_id, answered)
    language = contact.language or "fr"
    if answered:
        response = VoiceResponse()
        response.hangup()
        return response
    return await goodbye(
        services, work, contact, language, setup, before=[voice_text("transfer_failed", language)]
    )
