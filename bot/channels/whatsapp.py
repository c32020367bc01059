"""WhatsApp through Twilio: POST /webhooks/whatsapp (incoming messages) and
/webhooks/whatsapp/status (delivery reports). Twilio posts WhatsApp messages in the SMS
webhook's shape, with `whatsapp:+32...` addresses (and ProfileName, WaId, which are not
kept), signed the same way: bot/channels/sms.py serves both, with WhatsApp's own rendering
(bot/channels/whatsapp_render.py) and its 24-hour window in the outbox
(bot/outbox/whatsapp_window.py). A WhatsApp message posted to the SMS webhook is served
as WhatsApp too."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bot.channels.sms import WHATSAPP, incoming_message, sms_status
from bot.core.deps import UnitOfWorkDep

router = APIRouter()


@router.post("/webhooks/whatsapp")
async def incoming_whatsapp(request: Request, work: UnitOfWorkDep) -> Response:
    return await incoming_message(request, work, WHATSAPP)


@router.post("/webhooks/whatsapp/status")
async def whatsapp_status(request: Request, work: UnitOfWorkDep) -> Response:
    return await sms_status(request, work)
