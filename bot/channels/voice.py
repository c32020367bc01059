"""The phone line over Twilio Voice: POST /webhooks/voice (a call comes in), /language (the
first call's language choice), /turn (what the caller said or typed), /transferred (the
end of a transfer to the social service), all signed by Twilio like the SMS webhook
(checked, with the call's fields, by bot/channels/voice_request.py).

A known caller is greeted in their language (the one they chose before, on the phone or
by SMS from the same number); a new caller chooses it by key. Then what the caller says
or types goes to Rasa as the tenant's message (metadata `channel: voice`) and the answer
is spoken (bot/channels/voice_render.py). Search results are read one at a time (1 next,
2 again, 3 by SMS); keys map to the answer's options as SMS digits do, 0 is the menu.
Not understood: asked again once in other words, then the keypad menu, then the offer of
a person; silence: one prompt, then a goodbye that says how to reach a person. Danger:
the situation's numbers at once, slowly and twice, and an urgent callback request.

Nothing is recorded and no transcript is kept beyond the bot's own tracker; the call's
state (bot.contacts.models.VoiceCall) is purged with the bot's data."""

from __future__ import annotations

import logging
import unicodedata

from fastapi import APIRouter, Request
from fastapi.responses import Response
from twilio.twiml.voice_response import VoiceResponse

from bot.channels import voice_flow as flow
from bot.channels import voice_prompts as prompts
from bot.channels.form_values import int_or_zero
from bot.channels.sms import services_of
from bot.channels.sms_company import companies_of_number, needs_company_choice, site_for_number
from bot.channels.voice_request import VoiceForm, VoiceRoute
from bot.channels.voice_twiml import voice_setup
from bot.contacts import store as contacts
from bot.contacts import voice_calls
from bot.contacts.store import ContactView
from bot.core.deps import UnitOfWorkDep
from bot.handoff.store import normalised_number

log = logging.getLogger(__name__)
router = APIRouter(route_class=VoiceRoute)
CHANNEL = "voice"


def xml(response: VoiceResponse) -> Response:
    return Response(str(response), media_type="application/xml")


async def _caller(request: Request, work: UnitOfWorkDep, form: VoiceForm) -> ContactView:
    """The caller's contact (registered on the first call), with the call's row."""
    services = services_of(request)
    call_sid, caller, called = form.call_sid, form.caller, form.called
    if normalised_number(caller) is None:  # a hidden number ("anonymous"): one call, one
        caller = f"{voice_calls.HIDDEN}{call_sid}"  # contact, never another caller's conversation
    site = await work.run(site_for_number, called)
    contact = await work.run(
        contacts.find_or_register,
        services.settings.pseudonym_key.get_secret_value(),
        CHANNEL,
        caller,
        None,
        site,
    )
    await work.run(contacts.touch, contact.id, site)
    await work.run(voice_calls.start, call_sid, contact.id, called or None)
    return contact


@router.post("/webhooks/voice")
async def incoming_call(form: VoiceForm, request: Request, work: UnitOfWorkDep) -> Response:
    services = services_of(request)
    services.metrics.messages_in.labels(CHANNEL).inc()
    contact = await _caller(request, work, form)
    language = contact.language or await work.run(voice_calls.language_known_for, form.caller)
    if language is None:
        return xml(
            prompts.language_choice(prompts.urls(services.settings), voice_setup(services.settings))
        )
    if contact.language is None:
        await work.run(contacts.set_language, contact.id, language)
    log.info("voice: %s called", contact.pseudonym)
    return xml(await _welcome(request, work, contact, language, form))


async def _welcome(
    request: Request,
    work: UnitOfWorkDep,
    contact: ContactView,
    language: str,
    form: VoiceForm,
) -> VoiceResponse:
    """The greeting, or first, on a number several companies share, which company."""
    settings = services_of(request).settings
    links, setup = prompts.urls(settings), voice_setup(settings)
    if await work.run(needs_company_choice, contact.id, form.called):
        companies = await work.run(companies_of_number, form.called)
        return prompts.company_choice(companies, language, links, setup)
    return prompts.greeting(language, links, setup)


@router.post("/webhooks/voice/language")
async def language_chosen(form: VoiceForm, request: Request, work: UnitOfWorkDep) -> Response:
    services = services_of(request)
    setup, links = voice_setup(services.settings), prompts.urls(services.settings)
    contact = await _caller(request, work, form)
    chosen = {"1": "fr", "2": "nl"}.get(form.get("Digits").strip())
    if chosen is not None:
        await work.run(contacts.set_language, contact.id, chosen)
        await work.run(voice_calls.reset, form.call_sid, "silences", "not_understood")
        return xml(await _welcome(request, work, contact, chosen, form))
    if not form.get("Digits") and await work.run(voice_calls.count, form.call_sid, "silences") >= 2:
        return xml(await flow.goodbye(services, work, contact, None, setup))
    return xml(prompts.language_choice(links, setup))


@router.post("/webhooks/voice/company")
async def company_chosen(form: VoiceForm, request: Request, work: UnitOfWorkDep) -> Response:
    """The key of the caller's housing company on a shared number; no valid key twice:
    the call goes on without it (as an SMS tenant's, the request then goes to the first
    company), never stuck on the question."""
    services = services_of(request)
    setup, links = voice_setup(services.settings), prompts.urls(services.settings)
    contact = await _caller(request, work, form)
    language = contact.language or "fr"
    companies = await work.run(companies_of_number, form.called)
    key = form.get("Digits").strip()
    if key.isdigit() and 1 <= int(key) <= len(companies):
        await work.run(contacts.touch, contact.id, companies[int(key) - 1].id)
        return xml(prompts.greeting(language, links, setup))
    if await work.run(voice_calls.count, form.call_sid, "not_understood") >= 2 or not companies:
        await work.run(voice_calls.reset, form.call_sid, "not_understood")
        return xml(prompts.greeting(language, links, setup))
    return xml(prompts.company_choice(companies, language, links, setup))


@router.post("/webhooks/voice/turn")
async def caller_turn(form: VoiceForm, request: Request, work: UnitOfWorkDep) -> Response:
    services = services_of(request)
    contact = await _caller(request, work, form)
    heard = flow.Heard(
        digits=form.get("Digits").strip()[:1],
        speech=_clean(form.get("SpeechResult"))[:500],
        confidence=_confidence(form.get("Confidence")),
    )
    return xml(await flow.answer(services, work, contact, form.call_sid, heard))


@router.post("/webhooks/voice/transferred")
async def transfer_over(form: VoiceForm, request: Request, work: UnitOfWorkDep) -> Response:
    """The `<Dial>`'s action: the transfer ended (answered or not)."""
    services = services_of(request)
    contact = await _caller(request, work, form)
    handoff_id = int_or_zero(request.query_params.get("handoff"))
    answered = form.get("DialCallStatus") == "completed"
    return xml(
        await flow.after_transfer(
            services, work, contact, handoff_id, answered, voice_setup(services.settings)
        )
    )


def _clean(text: str) -> str:
    """Speech as text: control characters out, spaces folded."""
    kept = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" or ch == " ")
    return " ".join(kept.split())


def _confidence(value: str) -> float:
    """Twilio's 0..1 confidence; absent (some recognisers give none): taken as sure."""
    try:
        return float(value) if value else 1.0
    except ValueError:
        return 1.0
