"""Telegram: POST /webhooks/telegram. Telegram sends the secret token we gave it in
X-Telegram-Bot-Api-Secret-Token; anything else gets 403. Updates are parsed with
python-telegram-bot and handled once per update_id; replies go out through the outbox."""

from __future__ import annotations

import hmac
import html
import logging
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from telegram import Bot, Message, Update

from bot.channels.keywords import Keyword, keyword
from bot.channels.rasa_turn import ask_rasa
from bot.channels.telegram_render import (
    PARSE_MODE,
    TelegramMessage,
    TelegramTurn,
    render_turn,
)
from bot.contacts import store as contacts
from bot.contacts.store import ContactView
from bot.core.rasa_client import RasaUnavailable
from bot.core.services import Services, in_session
from bot.handoff.direct import open_from_gateway
from bot.handoff.routing import route_to_caseworker
from bot.outbox.worker import enqueue
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
async def incoming_update(request: Request) -> Response:
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
    await handle_update(services, _bot(request), update)
    return JSONResponse({})


async def handle_update(services: Services, bot: Bot, update: Update) -> None:
    """The same for the webhook and for polling (python -m bot.telegram poll)."""
    services.metrics.messages_in.labels(CHANNEL).inc()
    if not await in_session(services, contacts.first_time, CHANNEL, str(update.update_id)):
        log.info("telegram: duplicate update ignored")
        return
    if update.callback_query is not None:
        await _callback(services, bot, update)
        return
    message = update.message or update.edited_message
    if message is None or message.chat is None:
        return  # channel posts, polls...: nothing for the assistant
    if not services.limiter.allow(CHANNEL, str(message.chat.id)):
        log.warning("telegram: a chat is over the rate limit")
        if services.limiter.first_refusal(CHANNEL, str(message.chat.id)):
            contact = await _contact(services, message, site=None)
            await _send(services, contact, [text("slow_down", contact.language)])
        return
    contact = await _contact(services, message, site=None)
    if not message.text:
        await _send(services, contact, [text("text_only", contact.language)])
        return
    body = message.text[:MAX_TEXT_IN]
    if body.startswith("/start"):
        site = body.split(maxsplit=1)[1][:64] if " " in body.strip() else None
        contact = await _contact(services, message, site=site)
        body = START_PAYLOAD
    await _turn(services, contact, body)


async def _callback(services: Services, bot: Bot, update: Update) -> None:
    query = update.callback_query
    try:
        await query.answer()  # stops the button's spinner
    except Exception:  # an answer that fails changes nothing for the conversation
        log.warning("telegram: could not answer a callback query")
    message = query.message
    if message is None or not query.data:
        return
    contact = await _contact(services, message, site=None, user=query.from_user)
    payload = await in_session(services, contacts.menu_payload, contact.id, query.data)
    if payload is None:
        log.info("telegram: unknown or expired button")
        return
    await _turn(services, contact, payload)


async def _contact(
    services: Services, message: Message, site: str | None, user: Any = None
) -> ContactView:
    user = user or message.from_user
    code = (getattr(user, "language_code", None) or "")[:2].lower()
    return await in_session(
        services,
        contacts.contact_for,
        services.settings.gateway_secret.get_secret_value(),
        CHANNEL,
        str(message.chat.id),
        code or None,
        site,
    )


async def _turn(services: Services, contact: ContactView, body: str) -> None:
    found = keyword(body)
    if found is Keyword.STOP_REMINDERS:
        await _send(services, contact, [await stop_reminders(services, contact)])
        return
    if found is Keyword.PERSON:
        await _send(services, contact, await open_from_gateway(services, contact, "asked"))
        return
    if found in (Keyword.ERASE, Keyword.ERASE_CONFIRMED):
        said = await erasure_keyword(
            services, contact.id, contact.pseudonym, found is Keyword.ERASE_CONFIRMED
        )
        if said == "confirm":
            await _send(services, contact, [text("erase_confirm", contact.language)])
            return
        if said == "erased":  # nothing of the contact is left, not even in the outbox
            done = TelegramMessage(html.escape(text("erased", contact.language), quote=False))
            await _send_direct(services, contact, TelegramTurn([done], []))
            return
    routed = await route_to_caseworker(services, contact, body)
    if routed is not None:  # a person owns the conversation: the bot stays silent
        await _send(services, contact, routed.replies)
        return
    try:
        replies = await ask_rasa(services, contact, body)
    except RasaUnavailable as error:  # its message names a replica and an error, no tenant data
        log.error("telegram: Rasa unavailable: %s", error)
        await _send(services, contact, [text("unavailable", contact.language)])
        return
    if not replies:  # the bot failed (an action that could not run): a person is offered
        log.error("telegram: Rasa answered nothing")
        await _send(services, contact, [text("bot_failed", contact.language)])
        return
    turn = render_turn(replies)
    if await erase_if_requested(services, contact.id, contact.pseudonym):
        await _send_direct(services, contact, turn)
        return
    await _send_turn(services, contact, turn)


async def _send_turn(services: Services, contact: ContactView, turn: TelegramTurn) -> None:
    if turn.options:
        await in_session(services, contacts.add_menu, contact.id, turn.options)
    for message in turn.messages:
        await in_session(
            services,
            enqueue,
            contact.id,
            CHANNEL,
            message.text,
            [list(button) for button in message.buttons] or None,
        )
    services.outbox.wake()


async def _send_direct(services: Services, contact: ContactView, turn: TelegramTurn) -> None:
    """After an erasure nothing of the contact may stay, not even in the outbox: the last
    answer ("it is done") goes out at once."""
    bot: Bot = services.telegram_bot
    for message in turn.messages:
        try:
            await bot.send_message(
                chat_id=int(contact.address), text=message.text, parse_mode=PARSE_MODE
            )
        except Exception:  # the data are gone either way; the tenant may not get the note
            log.warning("telegram: the erasure confirmation could not be sent")


async def _send(services: Services, contact: ContactView, texts: list[str]) -> None:
    for body in texts:
        await in_session(services, enqueue, contact.id, CHANNEL, html.escape(body, quote=False))
    services.outbox.wake()
