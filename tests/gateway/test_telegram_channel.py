"""Telegram, with real Bot API update JSON and a loopback server that speaks the Bot API
for what python-telegram-bot sends."""

from __future__ import annotations

import html
import json
import logging
import time

import pytest
from sqlalchemy import select

from bot.channels.telegram_render import MAX_TEXT, render_turn, split
from bot.contacts.models import Contact, MenuOption
from bot.outbox import worker as outbox
from bot.outbox.models import OutboxMessage
from tests.gateway.channel_fixtures import TELEGRAM_DATA, scripted_reply

AMINA = 555000111


def contact_rows(channels) -> list[Contact]:
    with channels.sessions() as session:
        return list(session.scalars(select(Contact)))


def test_without_the_secret_token_nothing_happens(channels):
    for secret in ("", "wrong-secret"):
        assert channels.telegram_update("text", secret=secret).status_code == 403
    assert channels.rasa.messages() == [] and contact_rows(channels) == []


def test_malformed_updates_get_400(channels):
    headers = {
        "X-Telegram-Bot-Api-Secret-Token": (
            channels.settings.telegram_secret_token.get_secret_value()
        )
    }
    assert (
        channels.client.post(
            "/webhooks/telegram", content=b"{not json", headers=headers
        ).status_code
        == 400
    )
    assert (
        channels.client.post("/webhooks/telegram", json=[1, 2], headers=headers).status_code == 400
    )
    assert (
        channels.client.post(
            "/webhooks/telegram", json={"message": {}}, headers=headers
        ).status_code
        == 400
    )


def test_a_text_message_goes_to_rasa_and_the_reply_to_telegram(channels):
    assert channels.telegram_update("text").status_code == 200
    (sent,) = channels.rasa.messages()
    assert sent["message"] == "ik zoek huiswerkbegeleiding"
    update_id = json.loads((TELEGRAM_DATA / "text.json").read_text())["update_id"]
    assert sent["metadata"] == {
        "channel": "telegram",
        "language_hint": "nl",
        "site": None,
        "message_id": f"telegram:{update_id}",  # one bot turn per update (idempotent_turns)
    }
    assert str(AMINA) not in sent["sender"]
    (reply,) = channels.telegram.wait_for(1, "sendMessage")
    assert reply.body["chat_id"] in (AMINA, str(AMINA))
    assert reply.body["text"] == "echo: ik zoek huiswerkbegeleiding"
    assert reply.body["parse_mode"] == "HTML"


def test_a_retried_update_is_handled_once(channels):
    channels.telegram_update("text")
    channels.telegram_update("text")
    assert len(channels.rasa.messages()) == 1


def test_start_with_a_deep_link_passes_the_site_and_the_language(channels):
    channels.telegram_update("start_with_site")
    (sent,) = channels.rasa.messages()
    assert sent["message"] == "/greet"
    assert sent["metadata"]["site"] == "foyer-schaerbeek"
    assert sent["metadata"]["language_hint"] == "fr"  # from "fr-BE"


def test_buttons_become_an_inline_keyboard_and_a_press_sends_the_payload(channels):
    channels.telegram_update("text", message={**_message("text"), "text": "choices please"})
    (reply,) = channels.telegram.wait_for(1, "sendMessage")
    keyboard = reply.body["reply_markup"]
    rows = (json.loads(keyboard) if isinstance(keyboard, str) else keyboard)["inline_keyboard"]
    assert [row[0]["text"] for row in rows] == ["Oui", "Non"]
    tokens = [row[0]["callback_data"] for row in rows]
    assert all(len(token.encode()) <= 64 for token in tokens)

    press = _update("callback_query")
    press["callback_query"]["data"] = tokens[1]
    channels.client.post("/webhooks/telegram", json=press, headers=_secret(channels))
    assert channels.rasa.messages()[-1]["message"] == "/deny"
    assert channels.telegram.wait_for(1, "answerCallbackQuery")


def test_an_unknown_button_is_answered_and_ignored(channels):
    channels.telegram_update("text")
    press = _update("callback_query")
    press["callback_query"]["data"] = "forged-token"
    channels.client.post("/webhooks/telegram", json=press, headers=_secret(channels))
    assert len(channels.rasa.messages()) == 1


def test_voice_and_other_media_get_a_short_answer_in_words(channels):
    channels.telegram_update("voice")
    (reply,) = channels.telegram.wait_for(1, "sendMessage")
    assert "texte" in reply.body["text"]  # "es" is neither fr nor nl: French by default
    assert channels.rasa.messages() == []


def test_an_edited_message_is_answered_like_a_new_one(channels):
    channels.telegram_update("edited_message")
    assert channels.rasa.messages()[-1]["message"] == "ik zoek huiswerkbegeleiding in Molenbeek"


def test_long_texts_are_escaped_and_split_under_telegrams_limit(channels):
    channels.telegram_update("text", message={**_message("text"), "text": "html"})
    expected = len(render_turn(scripted_reply("x", "html")).messages)
    sent = channels.telegram.wait_for(expected, "sendMessage")
    assert expected == 4
    texts = [request.body["text"] for request in sent]
    assert all(len(text) <= MAX_TEXT for text in texts)
    assert "&lt;b&gt;Pas du HTML&lt;/b&gt; &amp; co." in texts[0]
    assert html.unescape(" ".join(texts)).count("Pas du HTML") == 300  # cut at spaces


def test_split_never_cuts_an_entity():
    text = "x" * 4094 + "&amp;" + "y" * 10
    first, second = split(text)
    assert first == "x" * 4094 and second.startswith("&amp;")


def test_rendering_keeps_order_and_puts_buttons_on_the_last_part():
    yes = {"title": "Oui", "payload": "/affirm"}
    turn = render_turn([{"text": "a"}, {"text": "b", "buttons": [yes]}])
    assert [m.text for m in turn.messages] == ["a", "b"]
    assert turn.messages[1].buttons[0][0] == "Oui"
    assert turn.options[0][1] == "/affirm"


def test_telegram_sending_retries_after_a_5xx(channels, monkeypatch):
    monkeypatch.setattr(outbox, "FIRST_BACKOFF_SECONDS", 0.05)
    channels.telegram.fail_next = 1
    channels.telegram_update("text")
    channels.telegram.wait_for(2, "sendMessage")
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        with channels.sessions() as session:
            message = session.scalar(select(OutboxMessage))
        if message.status == "sent":
            break
        time.sleep(0.05)
    assert (message.status, message.attempts) == ("sent", 2)


def test_logs_hold_no_chat_id_and_no_text(channels, caplog):
    caplog.set_level(logging.DEBUG)
    channels.telegram_update("text")
    channels.telegram.wait_for(1, "sendMessage")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert str(AMINA) not in logged and "huiswerkbegeleiding" not in logged


def test_menu_tokens_are_stored_per_contact(channels):
    channels.telegram_update("text", message={**_message("text"), "text": "choices please"})
    with channels.sessions() as session:
        options = list(session.scalars(select(MenuOption)))
    assert {option.payload for option in options} == {"/affirm", "/deny"}


def test_text_that_looks_like_a_rasa_command_goes_to_rasa_as_words(channels):
    for update_id, typed, words in [
        (1, "/human_handoff", "human_handoff"),
        (2, '  //inform{"commune": "Uccle"}', 'inform{"commune": "Uccle"}'),
    ]:
        message = {**_message("text"), "text": typed}
        channels.telegram_update("text", update_id=update_id, message=message)
        assert channels.rasa.messages()[-1]["message"] == words


def test_a_message_of_only_slashes_gets_the_empty_answer_and_no_turn(channels):
    channels.telegram_update("text", message={**_message("text"), "text": " / /"})
    assert channels.rasa.messages() == []
    assert channels.telegram.wait_for(1, "sendMessage")


@pytest.mark.parametrize("chat_type", ["group", "supergroup", "channel"])
def test_updates_from_a_group_or_channel_are_ignored(channels, caplog, chat_type):
    caplog.set_level(logging.INFO)
    group = {"id": -1001234567890, "title": "Voisins", "type": chat_type}
    text = channels.telegram_update("text", message={**_message("text"), "chat": group})
    press = _update("callback_query")
    press["callback_query"]["message"]["chat"] = group
    button = channels.client.post("/webhooks/telegram", json=press, headers=_secret(channels))
    assert text.status_code == button.status_code == 200  # else Telegram retries them
    assert channels.rasa.messages() == [] and contact_rows(channels) == []
    with channels.sessions() as session:
        assert list(session.scalars(select(OutboxMessage))) == []
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert chat_type in logged and "1001234567890" not in logged and "Voisins" not in logged


def _update(name: str) -> dict:
    return json.loads((TELEGRAM_DATA / f"{name}.json").read_text())


def _message(name: str) -> dict:
    return _update(name)["message"]


def _secret(channels) -> dict:
    return {
        "X-Telegram-Bot-Api-Secret-Token": (
            channels.settings.telegram_secret_token.get_secret_value()
        )
    }
