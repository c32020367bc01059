"""SMS over Twilio: POST /webhooks/sms (incoming messages) and /webhooks/sms/status
(delivery reports), both signed by Twilio and checked with its RequestValidator against
the gateway's public URL (behind a reverse proxy, PUBLIC_URL is the URL Twilio calls).
WhatsApp through Twilio comes in the same shape (bot/channels/whatsapp.py); it is served
by the same code, told apart by its `whatsapp:` addresses, and rendered its own way.

The reply goes back in the webhook's TwiML when Rasa answers within the deadline; a later
reply goes out through the outbox. A retried webhook (same MessageSid) makes no second turn.

One message is one unit of work (bot/core/unit_of_work.py): its MessageSid is recorded in
the same commit as the turn's outcome (menu, language, handoff entry, outbox rows), so a
message whose turn failed is not taken for a duplicate when Twilio sends it again."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from sqlalchemy.orm import Session
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from bot.channels import sms_company
from bot.channels.form_values import int_or_zero
from bot.channels.keywords import Keyword, keyword
from bot.channels.media import media_kinds
from bot.channels.rasa_turn import ask_rasa, without_the_bot
from bot.channels.sms_render import SmsReply, render_turn
from bot.channels.tenant_text import as_tenant_text
from bot.channels.twilio_keywords import WHATSAPP, keyword_answer
from bot.channels.whatsapp_render import render_whatsapp_turn
from bot.contacts import store as contacts
from bot.contacts.pending_turns import hold, release
from bot.contacts.store import ContactView
from bot.core.clock import utcnow
from bot.core.deps import UnitOfWorkDep
from bot.core.rasa_client import RasaUnavailable
from bot.core.services import Services, in_background, in_session
from bot.core.unit_of_work import UnitOfWork
from bot.handoff.direct import open_from_gateway
from bot.handoff.routing import Routed, note_media, record_waiting_turn, route_to_caseworker
from bot.outbox.store import enqueue, record_delivery_status, release_held
from bot.privacy.erasure import erase_if_requested, erasure_keyword
from bot.sms_rules import MENU_PAYLOAD
from bot.texts import text

log = logging.getLogger(__name__)
router = APIRouter()
CHANNEL = "sms"
ERASE_PAYLOAD = "/delete_my_data"
DIGIT = re.compile(r"^\s*(\d)\s*\.?\s*$")
MAX_BODY = 2000  # longer messages are cut; Twilio's own limit is 1,600 characters


@dataclass(frozen=True)
class Incoming:
    message_sid: str
    sender: str
    body: str
    media: int
    to: str = ""  # the number the tenant wrote to (Twilio's `To`): its housing company
    channel: str = CHANNEL  # "sms", or "whatsapp" (addresses `whatsapp:+32...`)
    media_kinds: tuple[str, ...] = ()  # "photo", "audio", ... of the attached media


def channel_of(sender: str) -> str:
    """WhatsApp's addresses carry their prefix; everything else on Twilio is SMS."""
    return WHATSAPP if sender.lower().startswith("whatsapp:") else CHANNEL


def services_of(request: Request) -> Services:
    return request.app.state.services


def signed_url(request: Request) -> str:
    base = services_of(request).settings.public_url.rstrip("/")
    query = f"?{request.url.query}" if request.url.query else ""
    return f"{base}{request.url.path}{query}"


async def signed_form(request: Request) -> dict[str, str] | None:
    """The form if Twilio signed it, else None."""
    try:
        form = await request.form()
    except Exception:  # a body that is no form at all: treated like a bad signature
        return None
    params = {key: str(value) for key, value in form.multi_items()}
    token = services_of(request).settings.twilio_auth_token.get_secret_value()
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature or not RequestValidator(token).validate(
        signed_url(request), params, signature
    ):
        return None
    return params


def twiml(parts: list[str]) -> Response:
    response = MessagingResponse()
    for part in parts:
        response.message(part)
    return Response(str(response), media_type="application/xml")


@router.post("/webhooks/sms")
async def incoming_sms(request: Request, work: UnitOfWorkDep) -> Response:
    return await incoming_message(request, work, None)


async def incoming_message(request: Request, work: UnitOfWorkDep, only: str | None) -> Response:
    """A signed Twilio message webhook; `only`: the channel this webhook serves (None:
    told by the sender's address)."""
    params = await signed_form(request)
    if params is None:
        log.warning("twilio: rejected a request without a valid Twilio signature")
        return PlainTextResponse("invalid signature", status_code=403)
    if not params.get("MessageSid") or not params.get("From"):
        return PlainTextResponse("MessageSid and From are required", status_code=400)
    channel = channel_of(params["From"])
    if only is not None and channel != only:
        return PlainTextResponse(f"From must be a {only} address", status_code=400)
    incoming = Incoming(
        params["MessageSid"],
        params["From"],
        params.get("Body", "")[:MAX_BODY],
        int_or_zero(params.get("NumMedia")),
        params.get("To", ""),
        channel,
        media_kinds(params),
    )
    services = services_of(request)
    services.metrics.messages_in.labels(channel).inc()
    if await work.run(contacts.seen_before, channel, incoming.message_sid):
        log.info("%s: duplicate webhook ignored", channel)
        return twiml([])
    exempt = keyword(incoming.body) in (Keyword.OPT_OUT, Keyword.OPT_IN)  # STOP always works
    if not exempt and not services.limiter.allow(channel, incoming.sender):
        log.warning("%s: a sender is over the rate limit", channel)
        first = services.limiter.first_refusal(channel, incoming.sender)
        await work.run(contacts.record_inbound, channel, incoming.message_sid)
        return twiml([text("slow_down", None)] if first else [])
    contact = await work.run(
        contacts.find_or_register,
        services.settings.pseudonym_key.get_secret_value(),
        channel,
        incoming.sender,
    )
    with services.metrics.webhook_latency.labels(channel).time():
        parts = await reply_to(services, work, contact, incoming)
    if not work.handed_over:  # else the late reply's unit of work records it
        await _record_outcome(work, contact, incoming)
        if channel == WHATSAPP:  # what the tenant's message released goes once committed
            work.after_commit(services.outbox.wake)
    services.metrics.messages_out.labels(channel, "reply").inc(len(parts))
    return twiml(parts)


async def _record_outcome(work: UnitOfWork, contact: ContactView, incoming: Incoming) -> bool:
    """The message is handled: its MessageSid, and the contact seen now (with a language
    the tenant chose by keyword). False when another delivery of it was handled first."""
    first = await work.run(contacts.record_inbound, incoming.channel, incoming.message_sid)
    if not first:
        log.warning(
            "%s: a concurrent delivery of the same message was handled first", incoming.channel
        )
    await work.run(contacts.touch, contact.id)
    if incoming.channel == WHATSAPP:  # the window is open again: what waited goes now
        await work.run(release_held, contact.id)
    chosen = keyword(incoming.body)
    if chosen in (Keyword.FRENCH, Keyword.DUTCH):
        await work.run(contacts.set_language, contact.id, chosen.value)
    return first


async def reply_to(
    services: Services, work: UnitOfWork, contact: ContactView, incoming: Incoming
) -> list[str]:
    """The SMS parts to answer with now (an empty list: nothing now)."""
    found = keyword(incoming.body)
    answer = await keyword_answer(work, contact, incoming.channel, found)
    if answer is not None:
        return answer
    if found not in (Keyword.ERASE, Keyword.ERASE_CONFIRMED):
        company = await work.run(sms_company.settle, contact.id, incoming.to, incoming.body)
        if company.changed:
            await work.commit()  # before a turn or a handoff looks the company up
        if company.reply is not None:  # the question (shared number), or thanks
            return [company.reply]
        contact = replace(contact, site=company.site, language=company.language)
        if company.held is not None:  # the message that waited for the tenant's answer
            held = replace(incoming, body=company.held, media=0)
            return await reply_to(services, work, contact, held)
    if found is Keyword.PERSON:
        return await open_from_gateway(services, work, contact, "asked")
    if found in (Keyword.ERASE, Keyword.ERASE_CONFIRMED):
        said = await erasure_keyword(
            services, work, contact.id, contact.pseudonym, found is Keyword.ERASE_CONFIRMED
        )
        if said is not None:
            return [text("erase_confirm" if said == "confirm" else "erased", contact.language)]
    if found in (Keyword.FRENCH, Keyword.DUTCH):  # stored with the outcome
        contact = replace(contact, language=found.value)
    notes = [text("text_only", contact.language)] if incoming.media else []
    if incoming.media_kinds:  # a caseworker sees that something came, never what
        await work.run(note_media, contact.id, incoming.media_kinds)
    routed = None
    if incoming.body.strip():
        routed = await route_to_caseworker(work, contact, incoming.body)
        if routed is not None and not routed.bot_answers:  # a caseworker holds it
            return notes + routed.replies
        if routed is not None:  # waiting in the queue: the note, then the assistant
            notes += routed.replies
    message = await _message_for_rasa(work, contact, incoming.body, found)
    if message is None:
        return notes or [text("empty", contact.language)]
    return notes + await _turn_within_deadline(services, work, contact, incoming, message, routed)


async def _message_for_rasa(
    work: UnitOfWork, contact: ContactView, body: str, found: Keyword | None
) -> str | None:
    if found is Keyword.MENU:
        return MENU_PAYLOAD
    if found is Keyword.ERASE:
        return ERASE_PAYLOAD  # the assistant asks for a confirmation first
    digit = DIGIT.match(body)
    if digit:
        payload = await work.run(contacts.menu_payload, contact.id, digit.group(1))
        if payload:
            return payload
    words = as_tenant_text(body)  # never a command of the tenant's own making
    return words if words.strip() else None


async def _turn_within_deadline(
    services: Services,
    work: UnitOfWork,
    contact: ContactView,
    incoming: Incoming,
    message: str,
    waiting: Routed | None,
) -> list[str]:
    message_id = f"{incoming.channel}:{incoming.message_sid}"
    if contact.is_new:  # registered before the turn, so that a pending turn can name it
        await work.commit()
        contact = replace(contact, is_new=False)
    turn = asyncio.create_task(run_turn(services, work, contact, message, message_id))
    if waiting is not None:  # the transcript gets the message and the answers
        turn = asyncio.create_task(_kept_for_caseworker(work, waiting, incoming.body, turn))
    try:
        reply = await asyncio.wait_for(
            asyncio.shield(turn), services.settings.sms_reply_deadline_seconds
        )
    except asyncio.TimeoutError:
        log.warning(
            "%s: Rasa slower than the deadline; the reply goes by the outbox", contact.channel
        )
        work.hand_over()  # the turn is still using it: the late delivery commits it
        in_background(services, _deliver_later(services, work, contact, incoming, turn))
        # kept until its outcome is committed (in its own transaction: the turn's may hold
        # SQLite's write lock until the late delivery, scheduled above, commits it)
        lease_until = utcnow() + timedelta(seconds=services.settings.late_turn_lease_seconds)
        await in_session(
            services, hold, incoming.channel, incoming.message_sid, contact.id, message, lease_until
        )
        return []
    return reply.parts


async def run_turn(
    services: Services,
    work: UnitOfWork,
    contact: ContactView,
    message: str,
    message_id: str,
) -> SmsReply:
    try:
        replies = await ask_rasa(services, work, contact, message, message_id)
    except RasaUnavailable as error:  # its message names a replica and an error, no tenant data
        log.error("%s: Rasa unavailable: %s", contact.channel, error)
        return SmsReply(await without_the_bot(services, work, contact, message, "unavailable"))
    if not replies:  # the bot failed (an action that could not run): a person is offered
        log.error("%s: Rasa answered nothing", contact.channel)
        return SmsReply(await without_the_bot(services, work, contact, message, "bot_failed"))
    reply = render_whatsapp_turn(replies) if contact.channel == WHATSAPP else render_turn(replies)
    if await erase_if_requested(services, work, contact.id, contact.pseudonym):
        return SmsReply(reply.parts, erased=True)  # nothing of the contact is kept, no menu
    if reply.options:
        await work.run(contacts.replace_menu, contact.id, reply.options)
    return reply


async def _kept_for_caseworker(
    work: UnitOfWork, waiting: Routed, body: str, turn: asyncio.Task[SmsReply]
) -> SmsReply:
    reply = await turn
    if not reply.erased:
        await record_waiting_turn(work, waiting, body, reply.parts)
    return reply


async def _deliver_later(
    services: Services,
    work: UnitOfWork,
    contact: ContactView,
    incoming: Incoming,
    turn: asyncio.Task[SmsReply],
) -> None:
    """The rest of a message's unit of work once its slow turn is over: the reply into the
    outbox, with the outcome, in one commit."""
    try:
        reply = await turn
        await finish_late_turn(services, work, contact, incoming, reply)
    except Exception:  # its pending turn is run again once its lease runs out
        log.exception("%s: a late reply could not be stored", contact.channel)
        await work.rollback()
    finally:
        await work.close()


async def finish_late_turn(
    services: Services,
    work: UnitOfWork,
    contact: ContactView,
    incoming: Incoming,
    reply: SmsReply,
    release_held: Callable[[Session], bool] | None = None,
) -> bool:
    """The reply into the outbox with the message's outcome and its pending turn released,
    in one commit; nothing when another run of the same message committed first (or
    `release_held`, the claim of a turn taken over, no longer holds). Returns whether this
    run's outcome was committed."""
    if not reply.erased:
        for part in reply.parts:
            await work.run(enqueue, contact.id, contact.channel, part)
    first = await _record_outcome(work, contact, incoming)
    # an erasure took the pending turn with the contact: no claim left to check
    held = None if reply.erased else release_held
    if not first or (held is not None and not await work.run(held)):
        await work.rollback()  # the other run's replies are the tenant's
        return False
    if release_held is None:
        await work.run(release, incoming.channel, incoming.message_sid)
    await work.commit()
    if reply.erased:  # the erasure is committed: its confirmation goes out directly
        await _send_now(services, contact, reply.parts)
    services.outbox.wake()
    return True


async def _send_now(services: Services, contact: ContactView, parts: list[str]) -> None:
    if services.send_now is None:
        return
    for part in parts:
        try:
            await services.send_now(contact.channel, contact.address, part)
        except Exception:  # the data are gone either way; the tenant may not get the note
            log.warning("%s: the erasure confirmation could not be sent", contact.channel)


@router.post("/webhooks/sms/status")
async def sms_status(request: Request, work: UnitOfWorkDep) -> Response:
    params = await signed_form(request)
    if params is None:
        return PlainTextResponse("invalid signature", status_code=403)
    sid, status = params.get("MessageSid"), params.get("MessageStatus")
    if not sid or not status:
        return PlainTextResponse("MessageSid and MessageStatus are required", status_code=400)
    error_code = int_or_zero(params.get("ErrorCode")) or None
    await work.run(record_delivery_status, sid, status[:32], error_code)
    return Response(status_code=204)
