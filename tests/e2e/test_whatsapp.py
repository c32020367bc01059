"""A WhatsApp conversation end to end: signed Twilio webhooks with WhatsApp's real form
fields (`whatsapp:` addresses, ProfileName, WaId, MessageType, ...) to the real gateway's
/webhooks/whatsapp, which talks to the session's real Rasa server and action server. What a
tenant sees: one WhatsApp message per turn, in Dutch, with the numbered menu whose digits
map back, the activity results with their accents as written (no GSM-7 folding), and "9"
for more results."""

from __future__ import annotations

import itertools
import re
import sqlite3
import time
import xml.etree.ElementTree as ElementTree

import requests

from bot.core.pseudonyms import pseudonym
from bot.dev_defaults import DEV_PSEUDONYM_KEY, DEV_TWILIO_AUTH_TOKEN
from bot.devtools.whatsapp_form import whatsapp_form, whatsapp_signature
from tests.conftest import PUBLIC_URL

_ids = itertools.count(int(time.time()))
WHATSAPP_SENDER = "whatsapp:+32460000000"  # Settings.twilio_whatsapp_number's default


class WhatsAppTenant:
    """A tenant writing from WhatsApp, as Twilio posts it: each message a signed webhook
    with the fields Twilio sends for a WhatsApp text."""

    def __init__(self, gateway: str, number: str, name: str) -> None:
        self.gateway, self.number, self.name = gateway, number, name

    def params(self, body: str) -> dict[str, str]:
        sid = f"SM{next(_ids):032x}"
        return whatsapp_form(sid, self.number, WHATSAPP_SENDER, body, "AC" + "2" * 32, self.name)

    def post(self, params: dict[str, str]) -> list[str]:
        """The webhook as Twilio signs it; the messages of its TwiML answer."""
        signature = whatsapp_signature(DEV_TWILIO_AUTH_TOKEN, PUBLIC_URL, params)
        response = requests.post(
            f"{self.gateway}/webhooks/whatsapp",
            data=params,
            headers={"X-Twilio-Signature": signature},
            timeout=60,
        )
        response.raise_for_status()
        return [m.text or "" for m in ElementTree.fromstring(response.text).iter("Message")]

    def say(self, body: str) -> str:
        """What the tenant's phone shows for the turn: exactly one WhatsApp message."""
        messages = self.post(self.params(body))
        assert len(messages) == 1, f"{body!r} got {len(messages)} WhatsApp messages: {messages}"
        return messages[0]


def _menu(message: str) -> dict[str, str]:
    """The numbered menu at the end of a message: digit -> option title."""
    options: dict[str, str] = {}
    for line in reversed(message.split("\n")):
        if len(line) > 2 and line[0].isdigit() and line[1] == " ":
            options[line[0]] = line[2:]
        else:
            break
    return options


def _names(message: str) -> list[tuple[int, str]]:
    """The results' numbers and names ("1. Huiswerkbegeleiding ... - De Linde")."""
    found = (re.match(r"^(\d+)\. (.+)$", line) for line in message.split("\n"))
    return [(int(match[1]), match[2]) for match in found if match]


def test_a_whatsapp_conversation_in_dutch_from_greeting_to_results_and_more(
    assistant, gateway_url, gateway_directory
):
    tenant = WhatsAppTenant(gateway_url, "+32470666001", "Fatima")

    greeting = tenant.say("hallo")
    # Rasa's two messages (who speaks, then the question and its menu) in one WhatsApp
    # message, in order, the accent of the language keyword as written
    assert greeting.startswith("Hallo. Ik ben een automatische assistent, geen mens.")
    assert "\n\nWat wilt u doen? (FRANÇAIS: tapez FR)\n1 Activiteiten" in greeting
    assert _menu(greeting)["1"].startswith("Activiteiten")

    asked = tenant.say("1")  # the menu's digit maps back on WhatsApp as on SMS
    assert "In welke gemeente" in asked

    categories = tenant.say("1080")  # a postcode
    kinds = _menu(categories)
    homework = next(digit for digit, title in kinds.items() if title.startswith("Huiswerk"))

    results = tenant.say(homework)
    assert results.startswith("Huiswerkbegeleiding in Sint-Jans-Molenbeek:\n1. ")
    assert "\n2. " in results and "Tel. 02 000 " in results
    assert _menu(results) == {"9": "Meer resultaten", "8": "Herinner me"}
    first_page = _names(results)

    # WhatsApp has no SMS budget: a full page of three results in the one message
    assert [number for number, _ in first_page] == [1, 2, 3], results

    more = tenant.say("9")  # the next results, numbered on, none of them again
    assert more.startswith("Huiswerkbegeleiding in Sint-Jans-Molenbeek:\n4. "), more
    assert not {name for _, name in _names(more)} & {name for _, name in first_page}, more

    # Rasa knows the tenant by a pseudonym of the WhatsApp address, on the whatsapp channel
    sender = pseudonym(DEV_PSEUDONYM_KEY, "whatsapp", "whatsapp:+32470666001")
    assert assistant.tracker(sender)["slots"]["language"] == "nl"
    database = sqlite3.connect(gateway_directory / "gateway.db")
    assert database.execute(
        "SELECT channel, language FROM contact WHERE address = ?", ("whatsapp:+32470666001",)
    ).fetchone() == ("whatsapp", "nl")


def test_whatsapp_keeps_the_letters_sms_would_fold(assistant, gateway_url):
    """The directory's French addresses as written: "Balançoires" (ç is not GSM-7; the
    same result over SMS reads "Balancoires")."""
    tenant = WhatsAppTenant(gateway_url, "+32470666002", "Jean")
    answer = tenant.say("natation pour adultes à Uccle")
    assert "Rue des Balançoires 145, Uccle" in answer, answer
