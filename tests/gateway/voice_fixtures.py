"""Helpers of the phone-line tests: real signed Twilio Voice webhooks, and the TwiML of the
answers parsed (never string-compared)."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass

import httpx
from twilio.request_validator import RequestValidator

from tests.gateway.channel_fixtures import PUBLIC_URL, Channels

CALLER = "+32470123456"  # a Belgian mobile
LANDLINE = "+3225550101"  # a Brussels landline
LINE = "+32460000000"  # the housing company's number
_calls = itertools.count(1)


def new_call_sid() -> str:
    return f"CA{next(_calls):032x}"


def voice(
    desk: Channels,
    path: str = "/webhooks/voice",
    *,
    call_sid: str,
    caller: str = CALLER,
    signed: bool = True,
    tamper: bool = False,
    query: str = "",
    **fields: str,
) -> httpx.Response:
    """A Twilio Voice webhook as Twilio posts it (form fields, X-Twilio-Signature over
    the public URL and the fields)."""
    params = {
        "AccountSid": "AC" + "1" * 32,
        "ApiVersion": "2010-04-01",
        "CallSid": call_sid,
        "CallStatus": "in-progress",
        "Direction": "inbound",
        "From": caller,
        "To": LINE,
        "Caller": caller,
        "Called": LINE,
        **fields,
    }
    url = f"{PUBLIC_URL}{path}{query}"
    signature = RequestValidator(desk.settings.twilio_auth_token.get_secret_value())
    headers = {"X-Twilio-Signature": signature.compute_signature(url, params)} if signed else {}
    if tamper:
        params["SpeechResult"] = params.get("SpeechResult", "") + " (changed on the way)"
    return desk.client.post(f"{path}{query}", data=params, headers=headers)


def say_text(element: ElementTree.Element) -> str:
    """What a <Say> speaks: its text with the SSML's words, as one string."""
    return " ".join("".join(element.itertext()).split())


@dataclass
class Twiml:
    root: ElementTree.Element

    @classmethod
    def of(cls, response: httpx.Response) -> Twiml:
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/xml")
        root = ElementTree.fromstring(response.text)
        assert root.tag == "Response"
        return cls(root)

    @property
    def gather(self) -> ElementTree.Element | None:
        return self.root.find("Gather")

    def says(self) -> list[ElementTree.Element]:
        return list(self.root.iter("Say"))

    def spoken(self) -> str:
        return " ".join(say_text(element) for element in self.says())

    def listened(self) -> str:
        """What is said inside the <Gather> (the caller may answer while it is said)."""
        gather = self.gather
        assert gather is not None, "the call does not listen"
        return " ".join(say_text(element) for element in gather.iter("Say"))

    def hangs_up(self) -> bool:
        return self.root.find("Hangup") is not None


def start_call(desk: Channels, caller: str = CALLER, language: str | None = "fr") -> str:
    """A call with its language chosen by key (None: only the first webhook)."""
    call_sid = new_call_sid()
    first = Twiml.of(voice(desk, call_sid=call_sid, caller=caller))
    if (
        language is not None
        and first.gather is not None
        and "language" in first.gather.get("action", "")
    ):
        key = "1" if language == "fr" else "2"
        Twiml.of(
            voice(desk, "/webhooks/voice/language", call_sid=call_sid, caller=caller, Digits=key)
        )
    return call_sid


def said(desk: Channels, call_sid: str, words: str, confidence: str = "0.92", **more: str) -> Twiml:
    return Twiml.of(
        voice(
            desk,
            "/webhooks/voice/turn",
            call_sid=call_sid,
            SpeechResult=words,
            Confidence=confidence,
            **more,
        )
    )


def pressed(desk: Channels, call_sid: str, key: str, **more: str) -> Twiml:
    return Twiml.of(voice(desk, "/webhooks/voice/turn", call_sid=call_sid, Digits=key, **more))


def silence(desk: Channels, call_sid: str) -> Twiml:
    return Twiml.of(voice(desk, "/webhooks/voice/turn", call_sid=call_sid))
