"""The phone line end to end (issue 17): signed Twilio Voice webhooks to the real gateway,
which talks to the session's real Rasa server and action server; the TwiML answers parsed
as Twilio would read them, and the loopback Twilio shows the SMS a caller asked for."""

from __future__ import annotations

import itertools
import sqlite3
import time
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass

import requests
from twilio.request_validator import RequestValidator

from bot.dev_defaults import DEV_TWILIO_AUTH_TOKEN
from tests.conftest import CLOSED_COMPANY_NUMBER, OPEN_COMPANY, OPEN_COMPANY_NUMBER, PUBLIC_URL

SAMPLE_LINE = "+32460000000"  # the sample company's number (data/housing_companies.yml)
_calls = itertools.count(int(time.time()))
_callers = itertools.count(1)


def _say_text(element: ElementTree.Element) -> str:
    return " ".join("".join(element.itertext()).split())


@dataclass
class Heard:
    """A TwiML answer as the caller hears it."""

    root: ElementTree.Element

    def spoken(self) -> str:
        return " ".join(_say_text(element) for element in self.root.iter("Say"))

    def slow(self) -> list[ElementTree.Element]:
        return [say for say in self.root.findall("Say") if say.find("prosody") is not None]

    def action(self) -> str:
        gather = self.root.find("Gather")
        assert gather is not None, f"the call does not listen: {self.spoken()}"
        return gather.get("action", "").removeprefix(PUBLIC_URL)


class Caller:
    """A tenant on the phone: every step a webhook signed as Twilio signs it, posted where
    the last TwiML said (the Gather's action)."""

    def __init__(self, gateway: str, line: str) -> None:
        self.gateway, self.line = gateway, line
        self.number = f"+324700{next(_callers):05d}"  # a Belgian mobile
        self.call_sid = f"CA{next(_calls):032x}"
        self.next = "/webhooks/voice"

    def post(self, path: str, **fields: str) -> Heard:
        params = {
            "AccountSid": "AC" + "2" * 32,
            "CallSid": self.call_sid,
            "From": self.number,
            "To": self.line,
            "CallStatus": "in-progress",
            "Direction": "inbound",
            **fields,
        }
        signature = RequestValidator(DEV_TWILIO_AUTH_TOKEN).compute_signature(
            f"{PUBLIC_URL}{path}", params
        )
        response = requests.post(
            f"{self.gateway}{path}",
            data=params,
            headers={"X-Twilio-Signature": signature},
            timeout=60,
        )
        response.raise_for_status()
        heard = Heard(ElementTree.fromstring(response.text))
        gather = heard.root.find("Gather")
        self.next = gather.get("action", "").removeprefix(PUBLIC_URL) if gather is not None else ""
        return heard

    def call(self, language: str) -> Heard:
        choice = self.post("/webhooks/voice")
        assert "Pour le français, tapez 1." in choice.spoken()
        return self.press("1" if language == "fr" else "2")

    def press(self, key: str) -> Heard:
        return self.post(self.next, Digits=key)

    def say(self, words: str) -> Heard:
        return self.post(self.next, SpeechResult=words, Confidence="0.93")


def _sms_to(fake_twilio, number: str, timeout: float = 15.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [
            request.body.get("Body", "")
            for request in fake_twilio.requests
            if request.path.endswith("/Messages.json") and request.body.get("To") == number
        ]
        if found:
            return "\n".join(found)
        time.sleep(0.2)
    return ""


def _handoff(gateway_directory, channel: str = "voice") -> tuple[str, str, int, str]:
    with sqlite3.connect(gateway_directory / "gateway.db") as db:
        row = db.execute(
            "SELECT reason, status, urgent, summary FROM handoff WHERE channel = ? "
            "ORDER BY id DESC LIMIT 1",
            (channel,),
        ).fetchone()
    assert row is not None, "no handoff was opened"
    return row


def test_a_french_caller_finds_a_homework_school_in_schaerbeek_by_speech_and_gets_it_by_sms(
    assistant, gateway_url, fake_twilio
):
    caller = Caller(gateway_url, SAMPLE_LINE)
    greeting = caller.call("fr")
    assert "Cet appel n'est pas enregistré." in greeting.spoken()
    heard = caller.say("je cherche une école de devoirs à Schaerbeek")
    spoken = heard.spoken()
    assert "École de devoirs" in spoken
    assert "Voici la première." in spoken, spoken
    assert "Pour la suivante, tapez 1." in spoken
    assert "http" not in spoken and "/" not in spoken
    first = caller.press("2")  # again: the same first result
    assert "Pour la suivante, tapez 1." in first.spoken()
    sent = caller.press("3")
    assert "Je vous envoie un SMS." in sent.spoken()
    sms = _sms_to(fake_twilio, caller.number)
    assert "1. École de devoirs" in sms and "Schaerbeek" in sms, sms
    assert "8 " not in sms.splitlines()[-1][:2]  # no menu line of a screen


def test_a_dutch_caller_reaches_a_person_by_keypad_only_in_office_hours(
    assistant, gateway_url, gateway_directory
):
    caller = Caller(gateway_url, OPEN_COMPANY_NUMBER)
    greeting = caller.call("nl")
    assert "Dit gesprek wordt niet opgenomen." in greeting.spoken()
    menu = caller.press("0")
    assert "Voor praten met een mens, druk op 4. Of zeg: praten met een mens." in menu.spoken()
    assert "FRANÇAIS" not in menu.spoken() and "tapez" not in menu.spoken()
    transfer = caller.press("4")
    dial = transfer.root.find("Dial")
    assert dial is not None, transfer.spoken()
    assert dial.findtext("Number") == OPEN_COMPANY["transfer_number"]
    assert dial.get("callerId") == OPEN_COMPANY_NUMBER
    assert "Ik verbind u door met de sociale dienst." in transfer.spoken()


def test_a_dutch_caller_out_of_hours_by_keypad_leaves_a_callback_request(
    assistant, gateway_url, gateway_directory
):
    caller = Caller(gateway_url, CLOSED_COMPANY_NUMBER)
    caller.call("nl")
    caller.press("0")
    answer = caller.press("4")
    assert answer.root.find("Dial") is None
    assert "De sociale dienst belt u terug op dit nummer." in answer.spoken()
    reason, status, urgent, _ = _handoff(gateway_directory)
    assert (reason, status, urgent) == ("callback", "waiting", 0)


def test_a_danger_sentence_in_french_gets_the_numbers_slowly_twice_and_an_urgent_callback(
    assistant, gateway_url, gateway_directory
):
    caller = Caller(gateway_url, CLOSED_COMPANY_NUMBER)
    caller.call("fr")
    heard = caller.say("je veux mourir ce soir")
    slow = heard.slow()
    assert len(slow) == 2, heard.spoken()
    numbers = [element.text for element in slow[0].iter("say-as")]
    assert "112" in numbers and "0800" in numbers
    assert "Le service social vous rappellera dès que possible." in heard.spoken()
    reason, status, urgent, summary = _handoff(gateway_directory)
    assert urgent == 1 and status == "waiting" and '"callback": true' in summary


def test_a_danger_sentence_in_dutch_gets_the_suicide_line(assistant, gateway_url):
    caller = Caller(gateway_url, CLOSED_COMPANY_NUMBER)
    caller.call("nl")
    heard = caller.say("ik wil niet meer leven")
    slow = heard.slow()
    assert len(slow) == 2, heard.spoken()
    assert "Zelfmoordlijn" in _say_text(slow[0])
    assert [e.text for e in slow[0].iter("say-as")][:3] == ["112", "18", "13"]
    assert "De sociale dienst belt u zo snel mogelijk terug." in heard.spoken()
