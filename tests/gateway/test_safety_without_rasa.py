"""Safety does not depend on Rasa: with Rasa stopped (or answering nothing), a message that
says someone is in danger still gets its situation's safety text, in the tenant's
language, and an urgent handoff that the caseworkers see first in the console."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.handoff.models import Handoff
from bot.handoff.safety_texts import safety_message
from tests.gateway.channel_fixtures import (
    TELEGRAM_DATA,
    Channels,
    console_with_staff,
    replies,
    sign_in,
)


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Channels]:
    with console_with_staff(tmp_path, [("ana@a.example", "company-a", "caseworker", "fr")]) as (
        running
    ):
        yield running


def handoffs(desk: Channels) -> list[Handoff]:
    with desk.sessions() as session:
        return list(session.scalars(select(Handoff)))


def urgent_in_the_console(desk: Channels, handoff_id: int) -> bool:
    sign_in(desk, "ana@a.example")
    queue = desk.client.get("/console/").text
    row = re.search(rf'<li class="([^"]*)" data-handoff="{handoff_id}"', queue)
    return row is not None and "urgent" in row.group(1)


@pytest.mark.parametrize(
    ("message", "language", "category"),
    [
        ("Mon mari me frappe, il a un couteau", "fr", "violence"),
        ("Mijn man slaat mij, hij heeft een mes", "nl", "violence"),
        ("je veux mourir ce soir", "fr", "suicide"),
        ("ik wil niet meer leven", "nl", "suicide"),
    ],
)
def test_with_rasa_stopped_a_danger_sms_gets_its_safety_text_and_an_urgent_handoff(
    desk, message, language, category
):
    desk.rasa.stop()  # Rasa refuses connections now
    answer = replies(desk.sms(message))
    assert answer[0] == safety_message(category, language)
    assert "112" in answer[0]
    assert any(("service social" if language == "fr" else "sociale dienst") in a for a in answer)
    (opened,) = handoffs(desk)
    assert opened.urgent and opened.reason == "danger" and opened.language == language
    assert urgent_in_the_console(desk, opened.id)


def test_when_the_bot_answers_nothing_danger_still_gets_help(desk):
    desk.rasa.reply = lambda sender, text: []  # as when the action server is down
    answer = replies(desk.sms("au secours il y a le feu chez moi"))
    assert answer[0] == safety_message("fire", "fr")
    (opened,) = handoffs(desk)
    assert opened.urgent


def test_a_calm_message_with_rasa_stopped_gets_the_apology_and_no_handoff(desk):
    desk.rasa.stop()
    (answer,) = replies(desk.sms("bonjour, une question sur mon loyer"))
    assert "PERSONNE" in answer and "112" in answer
    assert handoffs(desk) == []


def test_a_dutch_telegram_tenant_in_danger_is_answered_in_dutch_without_rasa(desk):
    desk.rasa.stop()
    message = json.loads((TELEGRAM_DATA / "text.json").read_text())["message"]
    body = "hij slaat me en ik ben bang"
    sent = desk.telegram_update("text", update_id=777, message={**message, "text": body})
    assert sent.status_code == 200
    texts = [call.body["text"] for call in desk.telegram.wait_for(2, "sendMessage")]
    assert texts[0] == safety_message("violence", "nl")
    (opened,) = handoffs(desk)
    assert opened.urgent and opened.channel == "telegram"
