"""A tenant waiting for a person is never stuck (issue 21), end to end with the real gateway,
Rasa and action server: while the request waits in the queue the assistant still answers,
under a line saying the request stays in the queue, and the caseworker's transcript gets
both; the office is closed (the test company never opens), and the tenant is told so once
per waiting period; a Dutch Telegram tenant whose app speaks French gets every gateway
notice in Dutch."""

from __future__ import annotations

import itertools
import sqlite3
import time

from bot.core.pseudonyms import pseudonym
from bot.dev_defaults import DEV_PSEUDONYM_KEY
from tests.conftest import CLOSED_COMPANY_NUMBER
from tests.e2e.test_channels import SmsTenant, TelegramTenant

QUEUE_NOTE_FR = "(Votre demande pour une personne reste dans la file. L'assistant répond :)"
QUEUE_NOTE_NL = "(Uw vraag voor een mens blijft in de wachtrij. De assistent antwoordt:)"
FRENCH_ONLY = ("Votre", "fermé", "personne", "L'assistant", "Je ")
_numbers = itertools.count(1)


def handoff_rows(gateway_directory, sender: str) -> tuple[list, list]:
    with sqlite3.connect(gateway_directory / "gateway.db") as db:
        handoffs = db.execute(
            "SELECT id, status FROM handoff WHERE sender_id = ?", (sender,)
        ).fetchall()
        entries = db.execute(
            "SELECT author, text FROM handoff_entry WHERE handoff_id IN "
            "(SELECT id FROM handoff WHERE sender_id = ?) ORDER BY id",
            (sender,),
        ).fetchall()
    return handoffs, entries


def test_a_waiting_sms_tenant_gets_answers_and_the_closed_notice_once(
    assistant, gateway_url, gateway_directory
):
    number = f"+3247266{next(_numbers):04d}"
    tenant = SmsTenant(gateway_url, number, to=CLOSED_COMPANY_NUMBER)
    sender = pseudonym(DEV_PSEUDONYM_KEY, "sms", number)
    asked = tenant.say("je veux parler à quelqu'un svp")
    assert sum("Le service social est fermé" in part for part in asked) == 1
    answered = tenant.say("pq mon loyer a augmenté ?")
    assert answered[0] == QUEUE_NOTE_FR
    assert "revenus" in "\n".join(answered[1:])  # the assistant's rent answer
    again = tenant.say("et les charges ?")
    assert again[0] == QUEUE_NOTE_FR and len(again) > 1
    assert not any("fermé" in part for part in answered + again)  # told once
    handoffs, entries = handoff_rows(gateway_directory, sender)
    assert [status for _, status in handoffs] == ["waiting"]  # the request stays in the queue
    tenant_lines = [text for author, text in entries if author == "tenant"]
    assert tenant_lines == ["pq mon loyer a augmenté ?", "et les charges ?"]
    bot_lines = "\n".join(text for author, text in entries if author == "bot")
    assert "revenus" in bot_lines  # the caseworker reads what the assistant answered


def test_a_dutch_telegram_tenant_gets_every_notice_in_dutch(
    assistant, gateway_url, gateway_directory, fake_telegram
):
    chat_id = 830000000 + next(_numbers)
    tenant = TelegramTenant(gateway_url, fake_telegram, chat_id, "fr")  # the app speaks French
    sender = pseudonym(DEV_PSEUDONYM_KEY, "telegram", str(chat_id))
    tenant.say("/start foyer-ferme")
    said: list[str] = []
    for message in (
        "hallo, ik wil graag met iemand van de sociale dienst praten",
        "waarom is mijn huur dit jaar verhoogd?",
        "en de kosten?",
    ):
        said += [str(m.get("text") or "") for m in tenant.say(message)]
        time.sleep(0.5)
    gateway_notices = [text for text in said if "sociale dienst" in text or "wachtrij" in text]
    assert any("gesloten" in text for text in gateway_notices)  # the closed notice, in Dutch
    assert said.count(QUEUE_NOTE_NL) == 2
    assert not [text for text in said if any(word in text for word in FRENCH_ONLY)]
    assert sum("gesloten" in text for text in said) == 1
    handoffs, _ = handoff_rows(gateway_directory, sender)
    assert [status for _, status in handoffs] == ["waiting"]
