"""What the phone line says and listens for (bot/channels/voice_flow.py decides when), as
TwiML: the choices of a first call, the greeting, a Rasa turn spoken (safety first, then a
transfer or the answer with its options), one search result at a time, the goodbye."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from twilio.twiml.voice_response import VoiceResponse

from bot.channels.sms_company import company_name
from bot.channels.voice_person import PersonStep
from bot.channels.voice_render import SpokenTurn, option_sentences
from bot.channels.voice_speech import Sentence, segments, sentences
from bot.channels.voice_texts import voice_text
from bot.channels.voice_twiml import VoiceSetup, gather, say
from bot.core.settings import Settings
from bot.handoff.models import HousingCompany
from bot.lexicon import categories, communes


@dataclass(frozen=True)
class Urls:
    language: str
    turn: str
    transferred: str
    company: str


def urls(settings: Settings) -> Urls:
    base = settings.public_url.rstrip("/") + "/webhooks/voice"
    return Urls(f"{base}/language", f"{base}/turn", f"{base}/transferred", f"{base}/company")


def _sentences(texts: list[str], language: str) -> list[Sentence]:
    return [segments(sentence) for text in texts for sentence in sentences(text, language)]


@cache
def hints(language: str) -> tuple[str, ...]:
    """Words the recogniser should expect: the communes and the activity categories."""
    names = [commune.name(language) for commune in communes().values()]
    labels = [
        re.sub(r"\s*\(.*?\)", "", category.label(language)) for category in categories().values()
    ]
    return tuple(dict.fromkeys(names + labels))


def language_choice(urls: Urls, setup: VoiceSetup) -> VoiceResponse:
    """The first call of a number: each sentence in its own language's voice."""
    response = VoiceResponse()
    listen = gather(response, urls.language, "fr", setup, speech=False)
    for language in ("fr", "nl"):
        say(
            listen, _sentences([voice_text("choose_language", language)], language), language, setup
        )
    return response


def company_choice(
    companies: list[HousingCompany], language: str, urls: Urls, setup: VoiceSetup
) -> VoiceResponse:
    """A number several housing companies share: which one the caller rents from, by key
    (asked once; the handoffs then go to that company's queue)."""
    response = VoiceResponse()
    listen = gather(response, urls.company, language, setup, speech=False)
    texts = [voice_text("company_question", language)] + [
        voice_text("company_option", language, company=company_name(company, language), key=key)
        for key, company in enumerate(companies, start=1)
    ]
    say(listen, _sentences(texts, language), language, setup)
    return response


def greeting(language: str, urls: Urls, setup: VoiceSetup) -> VoiceResponse:
    response = VoiceResponse()
    listen = gather(response, urls.turn, language, setup, hints(language))
    texts = [
        voice_text(name, language)
        for name in ("welcome", "not_recorded", "danger_first", "ask", "menu_hint")
    ]
    say(listen, _sentences(texts, language), language, setup)
    return response


def listening(
    language: str, texts: list[str], urls: Urls, setup: VoiceSetup, speech: bool = True
) -> VoiceResponse:
    response = VoiceResponse()
    listen = gather(response, urls.turn, language, setup, hints(language), speech=speech)
    say(listen, _sentences(texts, language), language, setup)
    return response


def farewell(
    language: str | None, phone: str | None, setup: VoiceSetup, before: list[str] | None = None
) -> VoiceResponse:
    """Goodbye with how to reach a person: the housing company's `phone` when it has one
    (in both languages when the caller chose none)."""
    response = VoiceResponse()
    for each in [language] if language else ["fr", "nl"]:
        words = (
            voice_text("goodbye_number", each, phone=phone)
            if phone
            else voice_text("goodbye", each)
        )
        say(response, _sentences((before or []) + [words], each), each, setup)
    response.hangup()
    return response


def reading(
    language: str,
    item: list[str],
    position: int,
    count: int,
    options: list[tuple[str, str, str]],
    setup: VoiceSetup,
    links: Urls,
    before: list[str] | None = None,
) -> VoiceResponse:
    """One result, then what the caller can do: next, again, by SMS, the answer's own
    options (more results, a reminder)."""
    response = VoiceResponse()
    listen = gather(response, links.turn, language, setup, hints(language))
    if before:
        say(listen, _sentences(before, language), language, setup)
    say(listen, [segments(sentence) for sentence in item], language, setup)
    moves = [voice_text("result_next", language)] if position + 1 < count else []
    moves += [voice_text("result_repeat", language), voice_text("result_sms", language)]
    moves += option_sentences([o for o in options if o[0] not in "123"], language)
    say(listen, _sentences(moves, language), language, setup)
    return response


def speak_turn(
    spoken: SpokenTurn,
    step: PersonStep | None,
    language: str,
    setup: VoiceSetup,
    links: Urls,
    before: list[str] | None,
    caller_id: str | None,
) -> VoiceResponse:
    """The turn as TwiML: safety first (slowly, twice, not interruptible), then a transfer,
    or the answer with its options while listening."""
    response = VoiceResponse()
    safety = [block for block, is_safety in spoken.said if is_safety]
    for block in safety:  # not interruptible, slowly, twice
        said = [segments(sentence) for sentence in block]
        say(response, said, language, setup, slow=True)
        say(
            response,
            _sentences([voice_text("repeat_numbers", language)], language),
            language,
            setup,
        )
        say(response, said, language, setup, slow=True)
    others = [block for block, is_safety in spoken.said if not is_safety]
    if step is not None and step.kind == "transfer":
        say(response, _sentences([voice_text("transfer", language)], language), language, setup)
        # the number the tenant called shows, never the tenant's own
        dial = response.dial(
            action=f"{links.transferred}?handoff={step.handoff_id}", timeout=30, caller_id=caller_id
        )
        dial.number(step.number)
        return response
    texts = list(before or [])
    person = {
        "callback": "callback",
        "callback_urgent": "callback_urgent",
        "callback_hidden": "hidden_number",
    }
    spoken_blocks = (
        [sentence for block in others for sentence in block if not _says_here(sentence)]
        if step is not None
        else [sentence for block in others for sentence in block]
    )
    if step is not None:
        spoken_blocks.append(voice_text(person[step.kind], language))
    if spoken.items:
        return reading(
            language,
            spoken.items[0],
            0,
            len(spoken.items),
            spoken.options,
            setup,
            links,
            before=texts
            + spoken_blocks
            + [voice_text("result_count", language, count=len(spoken.items))],
        )
    texts += spoken_blocks
    texts += option_sentences(spoken.options, language)
    if spoken.worth_keeping and not any(key == "3" for key, _, _ in spoken.options):
        texts.append(voice_text("keep_sms", language))
    listen = gather(response, links.turn, language, setup, hints(language))
    say(listen, _sentences(texts, language), language, setup)
    return response


HERE = re.compile(r"\b(ici|hier)\b|PERSONNE|MENS\b", re.IGNORECASE)


def _says_here(sentence: str) -> bool:
    """A sentence written for a chat ("a person answers you here", "send PERSONNE"): the
    call says what happens on the phone instead."""
    return bool(HERE.search(sentence))
