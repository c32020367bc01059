"""Telegram: POST /webhooks/telegram. Telegram sends the secret token we gave it in
X-Telegram-Bot-Api-Secret-Token; anything else gets 403. Updates are parsed with
python-telegram-bot and handled once per update_id; replies go out through the outbox.

One update is one unit of work (bot/core/unit_of_work.py): its update_id is recorded in
the same commit as the turn's outcome and the replies put in the outbox."""

from __future__ import annotations

import hmac
import logging
from dataclasses import replace

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from telegram import Bot, Update, User

from bot.channels.keywords import Keyword, keyword
from bot.channels.rasa_turn import ask_rasa, without_the_bot
from bot.channels.telegram_render import (
    TelegramMessage,
    TelegramTurn,
    render_turn,
)
from bot.channels.tenant_text import as_tenant_text
from bot.contacts import store as contacts
from bot.contacts.store import ContactView
from bot.core.deps import UnitOfWorkDep
from bot.core.rasa_client import RasaUnavailable
from bot.core.services import Services, in_background
from bot.core.unit_of_work import UnitOfWork
from bot.handoff.direct import open_from_gateway
from bot.handoff.routing import record_waiting_turn, route_to_caseworker
from bot.outbox.rendering import telegram_html
from bot.outbox.store import enqueue
from bot.privacy.erasure import erase_if_requested, erasure_keyword
from bot.reminders.stopping import stop_reminders
from bot.texts import text

log = logging.getLogger(__name__)
router = APIRouter()
CHANNEL = "telegram"
START_PAYLOAD = "/greet"
MAX_TEXT_IN = 2000


def _services(request: Request) -> Services:
    return request.app.state.services


def _bot(request: Request) -> Bot:
    return request.app.state.telegram_bot


@router.post("/webhooks/telegram")
async def incoming_update(request: Request, work: UnitOfWorkDep) -> Response:
    services = _services(request)
    expected = services.settings.telegram_secret_token.get_secret_value()
    given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
    if not hmac.compare_digest(given.encode(), expected.encode()):
        log.warning("telegram: rejected an update without the secret token")
        return PlainTextResponse("invalid secret token", status_code=403)
    try:
        data = await request.json()
        update = Update.de_json(data, _bot(request))
    except Exception:  # not JSON, or not an Update: say so, keep nothing
        return PlainTextResponse("not a Telegram update", status_code=400)
    if update is None or not isinstance(data, dict) or "update_id" not in data:
        return PlainTextResponse("not a Telegram update", status_code=400)
    await handle_update(services, work, _bot(request), update)
    return JSONResponse({})


async def handle_update(services: Services, work: UnitOfWork, bot: Bot, update: Update) -> None:
    """The same for the webhook and for polling (python -m bot.telegram poll, which posts
    each update to the webhook)."""
    services.metrics.messages_in.labels(CHANNEL).inc()
    update_id = str(update.update_id)
    if await work.run(contacts.seen_before, CHANNEL, update_id):
        log.info("telegram: duplicate update ignored")
        return
    contact = await _handle(services, work, bot, update)
    if not await work.run(contacts.record_inbound, CHANNEL, update_id):
        log.warning("telegram: a concurrent delivery of the same update was handled first")
    if contact is not None:
        await work.run(contacts.touch, contact.id, contact.site)


async def _handle(
    services: Services, work: UnitOfWork, bot: Bot, update: Update
) -> ContactView | None:
    """What the update asks for; the contact it came from, if any."""
    if update.callback_query is not None:
        return await _callback(services, work, update)
    message = update.message or update.edited_message
    if message is None or message.chat is None:
        return None  # channel posts, polls...: nothing for the assistant
    if message.chat.type != "private":
        # a group, supergroup or channel the bot was added to: tenants' conversations are
        # one to one (a reply there would show one tenant's conversation to the group)
        log.info("telegram: an update from a %s chat ignored", message.chat.type)
        return None
    if not services.limiter.allow(CHANNEL, str(message.chat.id)):
        log.warning("telegram: a chat is over the rate limit")
        if not services.limiter.first_refusal(CHANNEL, str(message.chat.id)):
            return None
        contact = await _contact(services, work, message.chat.id, message.from_user, site=None)
        await _send(services, work, contact, [text("slow_down", contact.language)])
        return contact
    site = None
    body = (message.text or "")[:MAX_TEXT_IN]
    if body.startswith("/start"):
        site = body.split(maxsplit=1)[1][:64] if " " in body.strip() else None
        body = START_PAYLOAD
    else:
        body = as_tenant_text(body)  # never a command of the tenant's own making
    contact = await _contact(services, work, message.chat.id, message.from_user, site=site)
    if not message.text:
        await _send(services, work, contact, [text("text_only", contact.language)])
        return contact
    if not body.strip():  # only slashes
        await _send(services, work, contact, [text("empty", contact.language)])
        return contact
    await _turn(services, work, contact, body, f"{CHANNEL}:{update.update_id}")
    return contact


async def _callback(services: Services, work: UnitOfWork, update: Update) -> ContactView | None:
    query = update.callback_query
    assert query is not None  # _handle's check
    try:
        await work.outside(query.answer())  # stops the button's spinner
    except Exception:  # an answer that fails changes nothing for the conversation
        log.warning("telegram: could not answer a callback query")
    message = query.message
    if message is None or not query.data:
        return None
    if message.chat.type != "private":
        log.info("telegram: a button from a %s chat ignored", message.chat.type)
        return None
    contact = await _contact(services, work, message.chat.id, query.from_user, site=None)
    payload = await work.run(contacts.menu_payload, contact.id, query.data)
    if payload is None:
        log.info("telegram: unknown or expired button")
        return contact
    await _turn(services, work, contact, payload, f"{CHANNEL}:{update.update_id}")
    return contact


async def _contact(
    services: Services, work: UnitOfWork, chat_id: int, user: User | None, site: str | None
) -> ContactView:
    """The chat's contact; a site code (from /start) is this turn's and stored with it."""
    code = (getattr(user, "language_code", None) or "")[:2].lower()
    contact = await work.run(
        contacts.find_or_register,
        services.settings.pseudonym_key.get_secret_value(),
        CHANNEL,
        str(chat_id),
        code or None,
        site,
    )
    return replace(contact, site=site) if site else contact


async def _turn(
    services: Services, work: UnitOfWork, contact: ContactView, body: str, message_id: str
) -> None:
    found = keyword(body)
    if found is Keyword.STOP_REMINDERS:
        await _send(services, work, contact, [await stop_reminders(work, contact)])
        return
    if found is Keyword.PERSON:
        person_coming = await open_from_gateway(services, work, contact, "asked")
        await _send(services, work, contact, person_coming)
        return
    if found in (Keyword.ERASE, Keyword.ERASE_CONFIRMED):
        said = await erasure_keyword(
            services, work, contact.id, contact.pseudonym, found is Keyword.ERASE_CONFIRMED
        )
        if said == "confirm":
            await _send(services, work, contact, [text("erase_confirm", contact.language)])
            return
        if said == "erased":  # nothing of the contact is left, not even in the outbox
            done = TelegramMessage(telegram_html(text("erased", contact.language)))
            _send_direct_after_commit(services, work, contact, TelegramTurn([done], []))
            return
    routed = await route_to_caseworker(work, contact, body)
    if routed is not None and not routed.bot_answers:  # a caseworker holds it: bot silent
        await _send(services, work, contact, routed.replies)
        return
    # waiting in the queue: the note first, then the assistant (sent after the turn: no
    # write may wait on Rasa)
    note = routed.replies if routed is not None else []
    try:
        replies = await ask_rasa(services, work, contact, body, message_id)
    except RasaUnavailable as error:  # its message names a replica and an error, no tenant data
        log.error("telegram: Rasa unavailable: %s", error)
        apology = await without_the_bot(services, work, contact, body, "unavailable")
        replies = [{"text": each} for each in apology]
    if not replies:  # the bot failed (an action that could not run): a person is offered
        log.error("telegram: Rasa answered nothing")
        apology = await without_the_bot(services, work, contact, body, "bot_failed")
        replies = [{"text": each} for each in apology]
    turn = render_turn(replies)
    if await erase_if_requested(services, work, contact.id, contact.pseudonym):
        _send_direct_after_commit(services, work, contact, turn)
        return
    if routed is not None:  # the caseworker reads the message and what was answered
        answered = [str(reply["text"]) for reply in replies if reply.get("text")]
        await record_waiting_turn(work, routed, body, answered)
    await _send(services, work, contact, note)
    await _send_turn(services, work, contact, turn)


async def _send_turn(
    services: Services, work: UnitOfWork, contact: ContactView, turn: TelegramTurn
) -> None:
    if turn.options:
        await work.run(contacts.add_menu, contact.id, turn.options)
    for message in turn.messages:
        buttons = [list(button) for button in message.buttons] or None
        await work.run(enqueue, contact.id, CHANNEL, message.text, buttons)
    work.after_commit(services.outbox.wake)


def _send_direct_after_commit(
    services: Services, work: UnitOfWork, contact: ContactView, turn: TelegramTurn
) -> None:
    """After an erasure nothing of the contact may stay, not even in the outbox: the last
    answer ("it is done") goes out directly, once the erasure is committed."""
    work.after_commit(lambda: in_background(services, _send_direct(services, contact, turn)))


async def _send_direct(services: Services, contact: ContactView, turn: TelegramTurn) -> None:
    if services.send_now is None:
        return
    for message in turn.messages:
        try:
            await services.send_now(CHANNEL, contact.address, message.text)
        except Exception:  # the data are gone either way; the tenant may not get the note
            log.warning("telegram: the erasure confirmation could not be sent")


async def _send(
    services: Services, work: UnitOfWork, contact: ContactView, texts: list[str]
) -> None:
    for body in texts:
        await work.run(enqueue, contact.id, CHANNEL, telegram_html(body))
    work.after_commit(services.outbox.wake)
