"""The phone line over Twilio Voice: POST /webhooks/voice (a call comes in), /language (the
first call's language choice), /turn (what the caller said or typed), /transferred (the
end of a transfer to the social service), all signed by Twilio like the SMS webhook.

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
import re
import unicodedata
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from twilio.twiml.voice_response import VoiceResponse

from bot.channels import voice_flow as flow
from bot.channels.sms import services_of, signed_form
from bot.channels.sms_company import companies_of_number, needs_company_choice, site_for_number
from bot.channels.voice_twiml import voice_setup
from bot.contacts import store as contacts
from bot.contacts import voice_calls
from bot.contacts.store import ContactView
from bot.core.deps import UnitOfWorkDep
from bot.handoff.store import normalised_number

log = logging.getLogger(__name__)
router = APIRouter()
CHANNEL = "voice"
CALL_SID = re.compile(r"CA[0-9a-fA-F]{32}")
MAX_ADDRESS = 40  # E.164 is at most 16 characters; longer is no caller's number


def xml(response: VoiceResponse) -> Response:
    return Response(str(response), media_type="application/xml")


def refused() -> Response:
    log.warning("voice: rejected a request without a valid Twilio signature")
    return PlainTextResponse("invalid signature", status_code=403)


async def call_form(request: Request) -> dict[str, str] | Response:
    """The webhook's fields if Twilio signed them and they name the call and the caller;
    else the refusal to answer with."""
    params = await signed_form(request)
    if params is None:
        return refused()
    if not CALL_SID.fullmatch(params.get("CallSid", "")):
        return PlainTextResponse("CallSid must be a Twilio call id (CA...)", status_code=400)
    caller = params.get("From", "")
    if not caller or len(caller) > MAX_ADDRESS:
        return PlainTextResponse("From is required (a phone number)", status_code=400)
    if len(params.get("To", "")) > MAX_ADDRESS:
        params["To"] = ""  # not one of our numbers: the company is found as for SMS
    return params


async def _caller(
    request: Request, work: UnitOfWorkDep, params: dict[str, str]
) -> tuple[ContactView, str]:
    """The caller's contact (registered on the first call) and the call's row."""
    services = services_of(request)
    call_sid, caller, called = params["CallSid"], params["From"], params.get("To", "")
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
    return contact, call_sid


@router.post("/webhooks/voice")
async def incoming_call(request: Request, work: UnitOfWorkDep) -> Response:
    params = await call_form(request)
    if isinstance(params, Response):
        return params
    services = services_of(request)
    services.metrics.messages_in.labels(CHANNEL).inc()
    contact, _ = await _caller(request, work, params)
    language = contact.language or await work.run(voice_calls.language_known_for, params["From"])
    if language is None:
        return xml(
            flow.language_choice(flow.urls(services.settings), voice_setup(services.settings))
        )
    if contact.language is None:
        await work.run(contacts.set_language, contact.id, language)
    log.info("voice: %s called", contact.pseudonym)
    return xml(await _welcome(request, work, contact, language, params))


async def _welcome(
    request: Request,
    work: UnitOfWorkDep,
    contact: ContactView,
    language: str,
    params: dict[str, str],
) -> VoiceResponse:
    """The greeting, or first, on a number several companies share, which company."""
    settings = services_of(request).settings
    called = params.get("To", "")
    if await work.run(needs_company_choice, contact.id, called):
        companies = await work.run(companies_of_number, called)
        return flow.company_choice(companies, language, flow.urls(settings), voice_setup(settings))
    return flow.greeting(language, flow.urls(settings), voice_setup(settings))


@router.post("/webhooks/voice/language")
async def language_chosen(request: Request, work: UnitOfWorkDep) -> Response:
    params = await call_form(request)
    if isinstance(params, Response):
        return params
    services = services_of(request)
    setup, urls = voice_setup(services.settings), flow.urls(services.settings)
    contact, call_sid = await _caller(request, work, params)
    chosen = {"1": "fr", "2": "nl"}.get(params.get("Digits", "").strip())
    if chosen is not None:
        await work.run(contacts.set_language, contact.id, chosen)
        await work.run(voice_calls.reset, call_sid, "silences", "not_understood")
        return xml(await _welcome(request, work, contact, chosen, params))
    if not params.get("Digits") and await work.run(voice_calls.count, call_sid, "silences") >= 2:
        return xml(await flow.goodbye(services, work, contact, None, setup))
    return xml(flow.language_choice(urls, setup))


@router.post("/webhooks/voice/company")
async def company_chosen(request: Request, work: UnitOfWorkDep) -> Response:
    """The key of the caller's housing company on a shared number; no valid key twice:
    the call goes on without it (as an SMS tenant's, the request then goes to the first
    company), never stuck on the question."""
    params = await call_form(request)
    if isinstance(params, Response):
        return params
    services = services_of(request)
    setup, urls = voice_setup(services.settings), flow.urls(services.settings)
    contact, call_sid = await _caller(request, work, params)
    language = contact.language or "fr"
    companies = await work.run(companies_of_number, params.get("To", ""))
    key = params.get("Digits", "").strip()
    if key.isdigit() and 1 <= int(key) <= len(companies):
        await work.run(contacts.touch, contact.id, companies[int(key) - 1].id)
        return xml(flow.greeting(language, urls, setup))
    if await work.run(voice_calls.count, call_sid, "not_understood") >= 2 or not companies:
        await work.run(voice_calls.reset, call_sid, "not_understood")
        return xml(flow.greeting(language, urls, setup))
    return xml(flow.company_choice(companies, language, urls, setup))


@router.post("/webhooks/voice/turn")
async def caller_turn(request: Request, work: UnitOfWorkDep) -> Response:
    params = await call_form(request)
    if isinstance(params, Response):
        return params
    services = services_of(request)
    contact, call_sid = await _caller(request, work, params)
    heard = flow.Heard(
        digits=params.get("Digits", "").strip()[:1],
        speech=_clean(params.get("SpeechResult", ""))[:500],
        confidence=_confidence(params.get("Confidence")),
    )
    return xml(await flow.answer(services, work, contact, call_sid, heard))


@router.post("/webhooks/voice/transferred")
async def transfer_over(request: Request, work: UnitOfWorkDep) -> Response:
    """The `<Dial>`'s action: the transfer ended (answered or not)."""
    params = await call_form(request)
    if isinstance(params, Response):
        return params
    services = services_of(request)
    contact, _ = await _caller(request, work, params)
    handoff_id = _int(request.query_params.get("handoff"))
    answered = params.get("DialCallStatus") == "completed"
    return xml(
        await flow.after_transfer(
            services, work, contact, handoff_id, answered, voice_setup(services.settings)
        )
    )


def _clean(text: str) -> str:
    """Speech as text: control characters out, spaces folded."""
    kept = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" or ch == " ")
    return " ".join(kept.split())


def _confidence(value: Any) -> float:
    """Twilio's 0..1 confidence; absent (some recognisers give none): taken as sure."""
    try:
        return float(value) if value not in (None, "") else 1.0
    except ValueError:
        return 1.0


def _int(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0
