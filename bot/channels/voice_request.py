"""What every phone-line webhook checks before it does anything, as FastAPI dependencies:
`SignedForm` (Twilio signed the form, else 403) and `VoiceForm` (a signed form that names
its call and its caller, else 400). A refusal is answered in plain text, as Twilio's own
webhooks are; its routers use `VoiceRoute`, which sends the refusal a dependency raised
(FastAPI's default handler would turn it into JSON)."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import PlainTextResponse, Response
from fastapi.routing import APIRoute

from bot.channels.sms import signed_form

log = logging.getLogger(__name__)
CALL_SID = re.compile(r"CA[0-9a-fA-F]{32}")
MAX_ADDRESS = 40  # E.164 is at most 16 characters; longer is no caller's number


class Refused(Exception):
    """Raised by a dependency: the request is answered with `response`, nothing else runs."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


class VoiceRoute(APIRoute):
    """A route whose dependencies may refuse the request with their own response."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except Refused as refusal:
                return refusal.response

        return handle


def refused() -> Response:
    log.warning("voice: rejected a request without a valid Twilio signature")
    return PlainTextResponse("invalid signature", status_code=403)


async def signed_fields(request: Request) -> dict[str, str]:
    """The webhook's fields if Twilio signed them (403 otherwise)."""
    params = await signed_form(request)
    if params is None:
        raise Refused(refused())
    return params


SignedForm = Annotated[dict[str, str], Depends(signed_fields)]


@dataclass(frozen=True)
class CallForm:
    """A signed webhook of a call: its CallSid, the caller's number (Twilio's From) and the
    number called (To; empty when it cannot be one of ours: the company is then found as
    for SMS), with every field for the rest (Digits, SpeechResult, ...)."""

    call_sid: str
    caller: str
    called: str
    fields: Mapping[str, str]

    def get(self, name: str) -> str:
        return self.fields.get(name, "")


async def call_form(params: SignedForm) -> CallForm:
    """The signed fields when they name the call and the caller (400 otherwise)."""
    call_sid = params.get("CallSid", "")
    if not CALL_SID.fullmatch(call_sid):
        raise Refused(
            PlainTextResponse("CallSid must be a Twilio call id (CA...)", status_code=400)
        )
    caller = params.get("From", "")
    if not caller or len(caller) > MAX_ADDRESS:
        raise Refused(PlainTextResponse("From is required (a phone number)", status_code=400))
    called = params.get("To", "")
    if len(called) > MAX_ADDRESS:
        called = ""
    return CallForm(call_sid, caller, called, params)


VoiceForm = Annotated[CallForm, Depends(call_form)]
