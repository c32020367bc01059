"""The bridge of a caseworker's callback: POST /webhooks/voice/callback-bridge?handoff=ID,
signed by Twilio. The console had Twilio ring the caseworker's phone from the housing
company's number (bot/console/callbacks.py); once they answer, Twilio asks here what to do:
a short notice to the caseworker, then a `<Dial>` to the tenant with the company's number
as caller id, so that neither side sees the other's private number. A request that is
closed or gone (erased) is not called: a short notice, then the call hangs up."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from twilio.twiml.voice_response import VoiceResponse

from bot.channels.form_values import int_or_zero
from bot.channels.sms import services_of
from bot.channels.voice import xml
from bot.channels.voice_request import SignedForm, VoiceRoute
from bot.channels.voice_speech import segments, sentences
from bot.channels.voice_texts import voice_text
from bot.channels.voice_twiml import VoiceSetup, say, voice_setup
from bot.contacts import voice_calls
from bot.contacts.models import Contact
from bot.core.deps import UnitOfWorkDep
from bot.handoff.models import OPEN_STATUSES, Handoff, StaffUser

log = logging.getLogger(__name__)
router = APIRouter(route_class=VoiceRoute)
DIAL_TIMEOUT_SECONDS = 30
# What the caseworker hears when the request is no longer there to call back.
GONE = {
    "fr": "Cette demande est clôturée. Le locataire n'est pas appelé. Au revoir.",
    "nl": "Deze aanvraag is afgesloten. De huurder wordt niet gebeld. Tot ziens.",
}


@dataclass(frozen=True)
class Bridge:
    tenant: str  # never logged
    language: str


def bridge_of(session: Session, handoff_id: int) -> Bridge | None:
    """The tenant to ring and the caseworker's language, for an open phone request."""
    handoff = session.get(Handoff, handoff_id)
    if handoff is None or handoff.status not in OPEN_STATUSES or handoff.channel != "voice":
        return None
    contact = session.get(Contact, handoff.contact_id)
    if contact is None or contact.channel != "voice" or voice_calls.is_hidden(contact.address):
        return None
    holder = session.get(StaffUser, handoff.claimed_by) if handoff.claimed_by else None
    return Bridge(contact.address, holder.language if holder else handoff.language)


def bridge_twiml(bridge: Bridge, caller_id: str, setup: VoiceSetup) -> VoiceResponse:
    response = VoiceResponse()
    _say(response, voice_text("callback_bridge", bridge.language), bridge.language, setup)
    # the housing company's number shows to the tenant, never the caseworker's own
    dial = response.dial(caller_id=caller_id, timeout=DIAL_TIMEOUT_SECONDS)
    dial.number(bridge.tenant)
    return response


def gone_twiml(setup: VoiceSetup) -> VoiceResponse:
    response = VoiceResponse()
    for language in ("fr", "nl"):  # whose call it is no longer tells the language
        _say(response, GONE[language], language, setup)
    response.hangup()
    return response


def _say(response: VoiceResponse, text: str, language: str, setup: VoiceSetup) -> None:
    say(response, [segments(each) for each in sentences(text, language)], language, setup)


@router.post("/webhooks/voice/callback-bridge")
async def callback_bridge(params: SignedForm, request: Request, work: UnitOfWorkDep) -> Response:
    settings = services_of(request).settings
    setup = voice_setup(settings)
    handoff_id = int_or_zero(request.query_params.get("handoff"))
    bridge = await work.run(bridge_of, handoff_id) if handoff_id > 0 else None
    if bridge is None:
        log.info("voice: callback bridge for handoff %s: no open phone request", handoff_id)
        return xml(gone_twiml(setup))
    log.info("voice: callback bridge for handoff %s", handoff_id)
    # `From` of this call is the number Twilio rang the caseworker from: the company's
    caller_id = params.get("From") or settings.twilio_number
    return xml(bridge_twiml(bridge, caller_id, setup))
