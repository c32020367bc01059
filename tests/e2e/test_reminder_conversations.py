"""Reminders in whole SMS conversations (real gateway, Rasa and action server): search,
"8" (or words) asks for a reminder, the gateway stores it for that activity's session, and
STOP RAPPEL cancels it."""

from __future__ import annotations

import sqlite3

from bot.core.pseudonyms import pseudonym
from bot.dev_defaults import DEV_PSEUDONYM_KEY
from tests.e2e.test_channels import SmsTenant


def reminders(gateway_directory, number: str) -> list[tuple[str, str | None]]:
    sender = pseudonym(DEV_PSEUDONYM_KEY, "sms", number)
    with sqlite3.connect(gateway_directory / "gateway.db") as db:
        query = (
            "SELECT r.status, r.reason FROM reminder r JOIN contact c "
            "ON c.id = r.contact_id WHERE c.pseudonym = ?"
        )
        return db.execute(query, (sender,)).fetchall()


def test_search_then_8_then_stop_rappel_over_sms(assistant, gateway_url, gateway_directory):
    number = "+32470555101"
    tenant = SmsTenant(gateway_url, number)
    results = "\n".join(tenant.say("école de devoirs à Schaerbeek"))
    assert "\n8 Me le rappeler" in results
    first = results.split("\n1. ", 1)[1].split("\n", 1)[0]  # the first result's name
    answer = "\n".join(tenant.say("8"))
    if "trop tard" in answer:  # the session is in a few hours: said, nothing stored
        assert reminders(gateway_directory, number) == []
        return
    assert answer.startswith("C'est noté. Je vous envoie un rappel ")
    assert f"Activité : {first}." in answer and "STOP RAPPEL" in answer
    assert reminders(gateway_directory, number) == [("pending", None)]
    assert tenant.say("stop rappel") == ["C'est noté. Vous ne recevrez plus de rappel."]
    assert reminders(gateway_directory, number) == [("cancelled", "stopped")]


def test_herinner_me_in_dutch_and_a_call_back_is_still_a_person(
    assistant, gateway_url, gateway_directory
):
    number = "+32470555102"
    tenant = SmsTenant(gateway_url, number)
    results = "\n".join(tenant.say("huiswerkbegeleiding in Molenbeek"))
    assert "\n8 Herinner me" in results
    answer = "\n".join(tenant.say("herinner me aan 2"))
    assert answer.startswith("Genoteerd. Ik stuur u een bericht ") or "te laat" in answer
    other = SmsTenant(gateway_url, "+32470555103")
    other.say("bonjour")
    assert "personne" in " ".join(other.say("rappelez-moi svp")).lower()
