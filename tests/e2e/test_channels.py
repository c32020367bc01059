"""Whole conversations over each channel: signed Twilio webhooks and Telegram updates to the
real gateway, which talks to the real Rasa server and action server; what the gateway sends
later arrives at loopback servers that speak Twilio's and Telegram's APIs."""

from __future__ import annotations

import itertools
import json
import sqlite3
import time
import xml.etree.ElementTree as ElementTree

import requests
from twilio.request_validator import RequestValidator

from bot.core.pseudonyms import pseudonym
from bot.dev_defaults import (
    DEV_PSEUDONYM_KEY,
    DEV_TELEGRAM_SECRET_TOKEN,
    DEV_TWILIO_AUTH_TOKEN,
)
from bot.sms_rules import measure
from tests.conftest import PUBLIC_URL

_ids = itertools.count(int(time.time()))


class SmsTenant:
    def __init__(self, gateway: str, number: str, to: str = "+32460000000") -> None:
        self.gateway, self.number, self.to = gateway, number, to

    def say(self, body: str) -> list[str]:
        params = {
            "MessageSid": f"SM{next(_ids):032x}",
            "AccountSid": "AC" + "2" * 32,
            "From": self.number,
            "To": self.to,
            "Body": body,
            "NumMedia": "0",
        }
        signature = RequestValidator(DEV_TWILIO_AUTH_TOKEN).compute_signature(
            f"{PUBLIC_URL}/webhooks/sms", params
        )
        response = requests.post(
            f"{self.gateway}/webhooks/sms",
            data=params,
            headers={"X-Twilio-Signature": signature},
            timeout=30,
        )
        response.raise_for_status()
        return [m.text or "" for m in ElementTree.fromstring(response.text).iter("Message")]


class TelegramTenant:
    def __init__(self, gateway: str, api, chat_id: int, language: str) -> None:  # noqa: ANN001
        self.gateway, self.api, self.chat_id = gateway, api, chat_id
        self.user = {"id": chat_id, "is_bot": False, "first_name": "T", "language_code": language}
        self.chat = {"id": chat_id, "type": "private", "first_name": "T"}

    def _post(self, update: dict) -> None:
        response = requests.post(
            f"{self.gateway}/webhooks/telegram",
            json=update,
            timeout=30,
            headers={"X-Telegram-Bot-Api-Secret-Token": DEV_TELEGRAM_SECRET_TOKEN},
        )
        response.raise_for_status()

    def _received(self, before: int) -> list[dict]:
        """What the gateway sent this chat after the first `before` messages."""
        time.sleep(0.2)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            mine = [m for m in self.api.sent() if int(m.get("chat_id", 0)) == self.chat_id]
            if len(mine) > before:
                time.sleep(1.2)  # the outbox paces a chat to one message a second
                return [m for m in self.api.sent() if int(m.get("chat_id", 0)) == self.chat_id][
                    before:
                ]
            time.sleep(0.1)
        raise TimeoutError("no Telegram message arrived")

    def _count(self) -> int:
        return sum(1 for m in self.api.sent() if int(m.get("chat_id", 0)) == self.chat_id)

    def say(self, text: str) -> list[dict]:
        before = self._count()
        self._post(
            {
                "update_id": next(_ids),
                "message": {
                    "message_id": next(_ids),
                    "date": int(time.time()),
                    "from": self.user,
                    "chat": self.chat,
                    "text": text,
                },
            }
        )
        return self._received(before)

    def press(self, message: dict, title: str) -> list[dict]:
        markup = message["reply_markup"]
        rows = (json.loads(markup) if isinstance(markup, str) else markup)["inline_keyboard"]
        token = next(row[0]["callback_data"] for row in rows if row[0]["text"] == title)
        before = self._count()
        origin = {"message_id": 1, "date": int(time.time()), "chat": self.chat}
        self._post(
            {
                "update_id": next(_ids),
                "callback_query": {
                    "id": str(next(_ids)),
                    "from": self.user,
                    "chat_instance": "1",
                    "data": token,
                    "message": origin,
                },
            }
        )
        return self._received(before)


def test_an_sms_conversation_from_greeting_to_results_and_stop(assistant, gateway_url):
    tenant = SmsTenant(gateway_url, "+32470555001")
    (greeting,) = tenant.say("bonjour")
    assert "assistant automatique" in greeting and "\n1 Activités" in greeting
    assert measure(greeting).gsm7 and measure(greeting).segments <= 2
    assert "Dans quelle commune" in tenant.say("1")[0]  # the menu's digit
    (categories,) = tenant.say("1080")  # a postcode
    assert "\n1 Devoirs" in categories
    results = "\n".join(tenant.say("1"))
    assert "Molenbeek-Saint-Jean :\n1. " in results and "Tél. 02 000 " in results
    assert results.endswith("9 Plus de résultats\n8 Me le rappeler")  # 8: a reminder
    more = "\n".join(tenant.say("9"))
    assert "\n3. " in more or "C'est tout" in more
    assert "START" in tenant.say("STOP")[0]
    assert tenant.say("bonjour") == []


def test_an_sms_conversation_in_dutch(assistant, gateway_url):
    tenant = SmsTenant(gateway_url, "+32470555002")
    answer = "\n".join(tenant.say("huiswerkbegeleiding in Molenbeek"))
    assert "Huiswerkbegeleiding in Sint-Jans-Molenbeek:\n1. " in answer
    assert "Genoteerd" in tenant.say("STOP")[0]  # the contact's language followed Rasa's


def test_a_telegram_conversation_with_a_deep_link_and_buttons(
    assistant, gateway_url, fake_telegram
):
    tenant = TelegramTenant(gateway_url, fake_telegram, 700000042, "nl")
    greeting = tenant.say("/start foyer-anderlecht")
    assert "automatische assistent" in greeting[0]["text"]
    menu = next(message for message in greeting if message.get("reply_markup"))
    asked = tenant.press(menu, "Activiteiten in de buurt")
    assert "In welke gemeente" in asked[-1]["text"]
    categories = tenant.say("Molenbeek")
    results = tenant.press(categories[-1], "Huiswerk")
    assert "Huiswerkbegeleiding in Sint-Jans-Molenbeek:\n1. " in results[-1]["text"]
    # Rasa knows the tenant only by a pseudonym, and got the deep link's site
    sender = pseudonym(DEV_PSEUDONYM_KEY, "telegram", "700000042")
    assert assistant.tracker(sender)["slots"]["site"] == "foyer-anderlecht"


def test_danger_over_sms_opens_an_urgent_handoff_and_the_waiting_tenant_is_not_left_alone(
    assistant, gateway_url, gateway_directory
):
    tenant = SmsTenant(gateway_url, "+32470555003")
    sender = pseudonym(DEV_PSEUDONYM_KEY, "sms", "+32470555003")
    answer = "\n".join(tenant.say("je veux mourir"))
    assert answer.index("112") < answer.index("0800 32 123")
    database = sqlite3.connect(gateway_directory / "gateway.db")
    deadline = time.monotonic() + 10
    row = None
    while row is None and time.monotonic() < deadline:
        row = database.execute(
            "SELECT reason, urgent, status FROM handoff WHERE sender_id = ?", (sender,)
        ).fetchone()
        time.sleep(0.2)
    assert row == ("danger", 1, "waiting")
    # nobody has taken it yet: the assistant still answers, under the queue note, and the
    # caseworker will read the message
    replies = tenant.say("allo ?")
    assert replies[0].startswith("(Votre demande pour une personne reste dans la file.")
    assert len(replies) > 1
    assert not any(event["event"] == "pause" for event in assistant.tracker(sender)["events"])
    texts = [t for (t,) in database.execute("SELECT text FROM handoff_entry")]
    assert "allo ?" in texts


def test_delete_my_data_over_sms_leaves_nothing_of_the_tenant(
    assistant, gateway_url, gateway_directory, rasa_directory
):
    number = "+32470555004"
    tenant = SmsTenant(gateway_url, number)
    tenant.say("bonjour")  # a menu is stored for the contact
    tenant.say("c'est pour mon loyer, je ne peux pas payer")
    assert "effacer" in tenant.say("EFFACER")[0]  # the keyword asks for a confirmation
    assert "effacés" in " ".join(tenant.say("oui"))
    sender = pseudonym(DEV_PSEUDONYM_KEY, "sms", number)
    gateway = sqlite3.connect(gateway_directory / "gateway.db")
    assert gateway.execute(
        "SELECT count(*) FROM contact WHERE address = ?", (number,)
    ).fetchone() == (0,)
    for table in ("handoff", "outbox_message", "menu_option"):
        orphans = gateway.execute(
            f"SELECT count(*) FROM {table} WHERE contact_id NOT IN (SELECT id FROM contact)"
        ).fetchone()
        assert orphans == (0,), table
    rasa = sqlite3.connect(rasa_directory / "tracker.db")
    assert rasa.execute(
        "SELECT count(*) FROM events WHERE sender_id = ?", (sender,)
    ).fetchone() == (0,)
    assert not [e for e in assistant.tracker(sender)["events"] if e["event"] == "user"]
