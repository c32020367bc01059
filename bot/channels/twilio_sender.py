"""Sending SMS and WhatsApp messages through Twilio's REST API (the twilio library, async),
for the outbox. On WhatsApp outside its 24-hour window a message goes as its approved
template (ContentSid and ContentVariables) instead of its body. Also the calls the console
places for a caseworker's callback (bot/console/callbacks.py)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import aiohttp
from twilio.base.exceptions import TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from bot.outbox.delivery import Delivery, PermanentFailure, TemporaryFailure
from bot.outbox.refusals import NO_TEMPLATE, refusal_error, refusal_of

# The ContentSid of an approved template by kind and language (Settings.whatsapp_template).
Templates = Callable[[str, str | None], str | None]

TWILIO_API = "https://api.twilio.com"
SEND_TIMEOUT_SECONDS = 10.0


class RoutedHttpClient(AsyncTwilioHttpClient):
    """Twilio's own async HTTP layer, sending to `api_url` instead of api.twilio.com (a
    regional proxy, or the loopback server that stands in for Twilio in tests)."""

    def __init__(self, api_url: str) -> None:
        super().__init__(timeout=SEND_TIMEOUT_SECONDS)
        self.api_url = api_url.rstrip("/")

    async def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:
        if url.startswith(TWILIO_API):
            url = self.api_url + url[len(TWILIO_API) :]
        return await super().request(method, url, *args, **kwargs)


class TwilioSender:
    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        from_number: str,
        status_callback: str,
        api_url: str = TWILIO_API,
        templates: Templates | None = None,
    ) -> None:
        self.http = RoutedHttpClient(api_url)
        self.client = Client(account_sid, auth_token, http_client=self.http)
        self.from_number = from_number
        self.status_callback = status_callback
        self.templates = templates

    def content(self, delivery: Delivery) -> dict[str, str]:
        """The body, or outside WhatsApp's window the message's approved template."""
        if delivery.window_open or delivery.template is None:
            return {"body": delivery.body}
        sid = self.templates(delivery.template, delivery.language) if self.templates else None
        if sid is None:
            language = "nl" if delivery.language == "nl" else "fr"
            raise PermanentFailure(f"{NO_TEMPLATE}: {delivery.template} ({language})")
        return {"content_sid": sid, "content_variables": json.dumps(delivery.variables or {})}

    async def send(self, delivery: Delivery) -> str:
        content = self.content(delivery)
        try:
            message = await self.client.messages.create_async(
                to=delivery.address,
                from_=self.from_number,
                status_callback=self.status_callback,
                **content,
            )
        except TwilioRestException as error:
            raise _refused(error) from error
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as error:
            raise TemporaryFailure(f"Twilio unreachable: {type(error).__name__}") from error
        except json.JSONDecodeError as error:  # a garbled answer (a proxy's error page)
            raise TemporaryFailure("Twilio: unreadable answer") from error
        except (TypeError, ValueError) as error:  # a malformed address or body
            raise PermanentFailure(f"Twilio: malformed message ({type(error).__name__})") from error
        return str(message.sid)

    async def place_call(self, to: str, from_: str, url: str) -> str:
        """A call Twilio places: it rings `to` showing `from_`, then asks `url` (TwiML) what
        to do once answered; the call's Sid. Errors as `send` maps them."""
        try:
            call = await self.client.calls.create_async(to=to, from_=from_, url=url)
        except TwilioRestException as error:
            raise _refused(error) from error
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as error:
            raise TemporaryFailure(f"Twilio unreachable: {type(error).__name__}") from error
        except json.JSONDecodeError as error:
            raise TemporaryFailure("Twilio: unreadable answer") from error
        except (TypeError, ValueError) as error:  # a malformed number
            raise PermanentFailure(f"Twilio: malformed call ({type(error).__name__})") from error
        return str(call.sid)

    async def find_sent(self, delivery: Delivery, since: datetime) -> str | None:
        """A message with this body that Twilio accepted for this number since `since` (the
        list is filtered by day on Twilio's side, by body here)."""
        try:
            listed = await self.client.messages.list_async(
                to=delivery.address, from_=self.from_number, date_sent_after=since, limit=50
            )
        except TwilioRestException as error:
            raise TemporaryFailure(f"Twilio {error.status} listing messages") from error
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as error:
            raise TemporaryFailure(f"Twilio unreachable: {type(error).__name__}") from error
        for message in listed:
            if message.body == delivery.body:
                return str(message.sid)
        return None

    async def close(self) -> None:
        await self.http.close()


def _refused(error: TwilioRestException) -> PermanentFailure | TemporaryFailure:
    """Twilio's refusal: worth retrying (5xx, rate limit) or not."""
    if refusal_of(error.code) is not None:  # retrying changes nothing
        return PermanentFailure(refusal_error(error.code))
    if error.status >= 500 or error.status == 429:
        return TemporaryFailure(f"Twilio {error.status}")
    return PermanentFailure(f"Twilio {error.status} code {error.code}")
