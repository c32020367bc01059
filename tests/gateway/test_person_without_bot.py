"""When the bot fails, the tenant is offered a person, and PERSONNE / MENS opens a handoff
from the gateway itself (the bot's own handoff action may be what fails)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.handoff.models import Handoff
from tests.gateway.channel_fixtures import TELEGRAM_DATA, replies, running_channels

COMPANIES = Path(__file__).resolve().parents[1] / "data" / "companies"


@pytest.fixture
def gateway(tmp_path):
    with running_channels(
        tmp_path,
        housing_companies_file=str(COMPANIES / "always_open.yml"),
        sms_reply_deadline_seconds=5,
    ) as running:
        yield running


def handoffs(gateway) -> list[Handoff]:
    with gateway.sessions() as session:
        return list(session.scalars(select(Handoff)))


def test_an_empty_answer_from_the_bot_gets_an_apology_and_the_offer_of_a_person(gateway):
    (answer,) = replies(gateway.sms("say nothing"))
    assert answer.startswith("Désolé") and "PERSONNE" in answer and "112" in answer
    (person,) = replies(gateway.sms("Personne."))
    assert "Une personne du service social va vous répondre" in person
    (opened,) = handoffs(gateway)
    assert opened.status == "waiting" and opened.reason == "asked"
    # while it waits, the tenant's next message goes to the caseworker's transcript and
    # the bot answers it too, under the queue note
    answers = replies(gateway.sms("ma chaudière est en panne"))
    assert answers[0].startswith("(Votre demande pour une personne reste dans la file.")
    assert answers[1:] == ["echo: ma chaudière est en panne"]


def test_rasa_down_offers_a_person_in_dutch_and_mens_reaches_one(gateway):
    gateway.sms("nl")  # the tenant chose Dutch
    gateway.rasa.stop()  # Rasa refuses connections now
    (answer,) = replies(gateway.sms("hallo"))
    assert "MENS" in answer and "Nood: 112" in answer
    (person,) = replies(gateway.sms("mens"))
    assert person.startswith("Genoteerd")
    assert len(handoffs(gateway)) == 1
    replies(gateway.sms("MENS"))  # asking again opens no second handoff
    assert len(handoffs(gateway)) == 1


def telegram_text(gateway, body: str, update_id: int) -> None:
    message = json.loads((TELEGRAM_DATA / "text.json").read_text())["message"]
    sent = gateway.telegram_update("text", update_id=update_id, message={**message, "text": body})
    assert sent.status_code == 200


def test_telegram_tenants_get_the_same_offer_and_reach_a_person(gateway):
    telegram_text(gateway, "say nothing", 1)  # this Telegram user's app speaks Dutch
    (sent,) = gateway.telegram.wait_for(1, "sendMessage")
    assert "stuur MENS" in sent.body["text"]
    telegram_text(gateway, "mens", 2)
    assert "Genoteerd" in gateway.telegram.wait_for(2, "sendMessage")[1].body["text"]
    assert len(handoffs(gateway)) == 1


def test_rasa_down_answers_danger_in_a_third_language_once_in_that_language(gateway):
    """A new tenant (no language yet) writes in English while Rasa is down: one safety
    text in English, not the same one twice, and an urgent handoff."""
    gateway.rasa.stop()
    answer = replies(gateway.sms("My husband is hitting me and I am scared"))
    assert answer[0].startswith("Are you in danger? Call 112. Police: 101.")
    assert sum("Call 112" in part for part in answer) == 1
    (opened,) = handoffs(gateway)
    assert opened.urgent and opened.reason == "danger"
