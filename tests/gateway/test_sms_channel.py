"""SMS over Twilio, with real signatures made by the twilio library and a loopback server
that speaks Twilio's REST API for what the outbox sends."""

from __future__ import annotations

import logging
import time

import pytest
import yaml
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from bot.channels.sms_render import render_turn
from bot.contacts.models import Contact
from bot.outbox import store as outbox
from bot.outbox import worker as outbox_worker
from bot.outbox.models import OutboxMessage
from bot.sms_rules import MAX_SEGMENTS, measure, to_gsm7
from tests.gateway.channel_fixtures import TENANT, replies, running_channels
from tests.gateway.conftest import ROOT


def contacts(channels) -> list[Contact]:
    with channels.sessions() as session:
        return list(session.scalars(select(Contact)))


def test_a_signed_message_gets_the_reply_in_twiml_and_rasa_never_sees_the_number(channels):
    assert replies(channels.sms("bonjour")) == ["echo: bonjour"]
    (sent,) = channels.rasa.messages()
    assert sent["message"] == "bonjour" and TENANT not in str(sent)
    assert sent["sender"].startswith("sms-") and sent["metadata"]["channel"] == "sms"


@pytest.mark.parametrize("how", ["unsigned", "tampered"])
def test_unsigned_or_tampered_requests_are_refused_and_not_processed(channels, how):
    response = channels.sms("bonjour", signed=how != "unsigned", tamper=how == "tampered")
    assert response.status_code == 403
    assert channels.rasa.messages() == [] and contacts(channels) == []


def test_garbage_bodies_get_a_clear_refusal(channels):
    assert channels.client.post("/webhooks/sms", content=b"\xff\xfe not a form").status_code == 403
    assert channels.client.post("/webhooks/sms", json={"Body": "x"}).status_code == 403


def test_a_retried_webhook_makes_no_second_turn(channels):
    first = channels.sms("bonjour", sid="SM" + "a" * 32)
    again = channels.sms("bonjour", sid="SM" + "a" * 32)
    assert replies(first) == ["echo: bonjour"] and replies(again) == []
    assert len(channels.rasa.messages()) == 1


@pytest.mark.parametrize(
    "word",
    ["STOP", "stop", "Arret", "ARRÊT", "arrêt.", "STOPPEN", "uit", "Unsubscribe", "  stop  "],
)
def test_every_opt_out_word_stops_everything_until_start(channels, word):
    (confirmation,) = replies(channels.sms(word))
    assert "STOP" not in confirmation and "START" in confirmation
    assert contacts(channels)[0].opted_out
    assert replies(channels.sms("bonjour")) == []  # silent, and Rasa is not asked
    assert replies(channels.sms("STOP")) == []  # confirmed once only
    assert channels.rasa.messages() == []
    assert "menu" in replies(channels.sms("start"))[0]
    assert replies(channels.sms("bonjour")) == ["echo: bonjour"]


@pytest.mark.parametrize("word", ["START", "debut", "DÉBUT", "Begin", "unstop"])
def test_every_opt_in_word_restarts(channels, word):
    channels.sms("STOP")
    assert replies(channels.sms(word))
    assert not contacts(channels)[0].opted_out


@pytest.mark.parametrize(
    "text",
    [
        "please stop the noise",
        "arrêt de bus près de chez moi",
        "ik wil stoppen met roken",
        "info sur le loyer",
        "start de cursus wanneer?",
    ],
)
def test_keywords_inside_a_sentence_are_just_words(channels, text):
    assert replies(channels.sms(text)) == [to_gsm7(f"echo: {text}")]
    assert not contacts(channels)[0].opted_out


@pytest.mark.parametrize("word", ["AIDE", "hulp", "Help", "INFO"])
def test_help_words_say_what_this_is_how_to_reach_a_person_and_how_to_stop(channels, word):
    (answer,) = replies(channels.sms(word))
    assert "112" in answer and "STOP" in answer and "0" in answer
    assert channels.rasa.messages() == []


def test_keyword_answers_follow_the_contacts_language(channels):
    channels.sms("goeiedag")
    sender = channels.rasa.messages()[0]["sender"]
    channels.rasa.languages[sender] = "nl"
    channels.sms("hallo")  # the gateway reads the conversation's language after a turn
    deadline = time.monotonic() + 5
    while contacts(channels)[0].language != "nl" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "Genoteerd" in replies(channels.sms("STOP"))[0]


def test_fr_nl_go_to_rasa_and_set_the_language_and_0_or_menu_shows_the_menu(channels):
    channels.sms("NL")
    assert channels.rasa.messages()[-1]["message"] == "NL"
    assert contacts(channels)[0].language == "nl"
    channels.sms("0")
    channels.sms("Menu")
    assert [m["message"] for m in channels.rasa.messages()[-2:]] == ["/ask_capabilities"] * 2
    assert channels.rasa.messages()[-1]["metadata"]["language_hint"] == "nl"


def test_numbered_menu_round_trip(channels):
    (menu,) = replies(channels.sms("choices please"))
    assert menu.endswith("1 Oui\n2 Non")
    for typed, payload in [("2", "/deny"), (" 1. ", "/affirm"), ("1.", "/affirm")]:
        channels.sms(typed)
        assert channels.rasa.messages()[-1]["message"] == payload
    (results,) = replies(channels.sms("results?"))
    assert results.endswith("9 Plus de résultats")
    channels.sms("9")
    assert channels.rasa.messages()[-1]["message"] == "/more_results"
    channels.sms("7")  # no such option: the digit goes as it is
    assert channels.rasa.messages()[-1]["message"] == "7"


@pytest.mark.parametrize(
    "typed, words",
    [
        ("/urgent_help", "urgent_help"),
        ('/inform{"site":"sample-company-b"}', 'inform{"site":"sample-company-b"}'),
        ('  // urgent_help{"danger":"co"}', 'urgent_help{"danger":"co"}'),
        ("/ 2", "2"),  # not a menu digit: the tenant's text, as words
    ],
)
def test_text_that_looks_like_a_rasa_command_goes_to_rasa_as_words(channels, typed, words):
    replies(channels.sms("choices please"))  # a menu is open: its payloads are "/..."
    channels.sms(typed)
    assert channels.rasa.messages()[-1]["message"] == words


def test_a_message_of_only_slashes_gets_the_empty_answer_and_no_turn(channels):
    (answer,) = replies(channels.sms(" / / "))
    assert answer == replies(channels.sms("   "))[0]
    assert channels.rasa.messages() == []


def test_media_and_empty_messages_get_a_short_answer_in_words(channels):
    (answer,) = replies(channels.sms("", media=1))
    assert "texte" in answer
    assert "vide" in replies(channels.sms("   "))[0]
    assert channels.rasa.messages() == []
    with_text = replies(channels.sms("voici ma facture", media=2))
    assert "texte" in with_text[0] and with_text[1] == "echo: voici ma facture"


@pytest.mark.parametrize("text", ["👍🙏", "é" * 2000, "a" * 5000])
def test_odd_messages_are_answered_and_cut_to_a_sane_length(channels, text):
    assert replies(channels.sms(text))
    assert len(channels.rasa.messages()[-1]["message"]) <= 2000


def test_a_long_turn_is_split_at_sentence_ends_into_at_most_three_sms(channels):
    parts = replies(channels.sms("long"))
    assert len(parts) == 3
    assert all(part.endswith("courte.") for part in parts)  # whole sentences only
    assert all(measure(part).segments == 1 for part in parts[:2])
    assert sum(part.count("courte.") for part in parts) == 30  # nothing lost


def test_a_slow_rasa_gets_an_empty_twiml_and_the_reply_comes_through_the_outbox(channels):
    channels.rasa.delay_seconds = 3  # past the 2 s deadline of this test's settings
    assert replies(channels.sms("bonjour")) == []
    (sent,) = channels.twilio.wait_for(1, "Messages.json")
    assert sent.body["Body"] == "echo: bonjour" and sent.body["To"] == TENANT
    assert sent.body["StatusCallback"].endswith("/webhooks/sms/status")


def test_outbox_retries_5xx_then_succeeds_and_records_delivery(channels, monkeypatch):
    monkeypatch.setattr(outbox_worker, "FIRST_BACKOFF_SECONDS", 0.05)
    channels.sms("bonjour")
    contact_id = contacts(channels)[0].id
    channels.twilio.fail_next = 2
    with channels.sessions() as session:
        outbox.enqueue(session, contact_id, "sms", "Une personne vous répond demain.")
        session.commit()
    channels.client.app.state.services.outbox.wake()
    channels.twilio.wait_for(3, "Messages.json")
    time.sleep(0.3)
    with channels.sessions() as session:
        message = session.scalar(select(OutboxMessage))
        assert (message.status, message.attempts) == ("sent", 3)
    status = {
        "MessageSid": message.provider_id,
        "MessageStatus": "delivered",
        "AccountSid": "AC" + "1" * 32,
    }
    url = "https://assistant.example.org/webhooks/sms/status"
    token = channels.settings.twilio_auth_token.get_secret_value()
    unsigned = channels.client.post("/webhooks/sms/status", data=status)
    assert unsigned.status_code == 403
    signed = channels.client.post(
        "/webhooks/sms/status",
        data=status,
        headers={"X-Twilio-Signature": RequestValidator(token).compute_signature(url, status)},
    )
    assert signed.status_code == 204
    with channels.sessions() as session:
        assert session.scalar(select(OutboxMessage.delivery_status)) == "delivered"


def test_nothing_is_sent_to_an_opted_out_number(channels):
    channels.sms("STOP")
    contact_id = contacts(channels)[0].id
    with channels.sessions() as session:
        outbox.enqueue(session, contact_id, "sms", "Un rappel.")
        session.commit()
    channels.client.app.state.services.outbox.wake()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        with channels.sessions() as session:
            message = session.scalar(select(OutboxMessage))
        if message.status != "pending":
            break
        time.sleep(0.05)
    assert (message.status, message.last_error) == ("cancelled", "opted out")
    assert channels.twilio.sent() == []


def test_logs_hold_no_number_and_no_message_text(channels, caplog):
    caplog.set_level(logging.DEBUG)
    channels.sms("mon fils a des mauvaises notes")
    channels.sms("choices please")
    channels.sms("2")
    channels.sms("STOP")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert logged  # the gateway did log the turns
    for secret in (TENANT, TENANT.lstrip("+"), "mauvaises notes", "Voulez-vous"):
        assert secret not in logged


DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
# The reminder replies' placeholders, at the length of a long sample activity.
REMINDER_VALUES = {
    "activity": "Ecole de devoirs et de jeux - Le Colibri de Saint-Gilles",
    "session_when": "Mercredi 30/12, 13h30-16h30",
    "send_when": "mardi 29/12 à 18h00",
    "number": "2",
}


@pytest.mark.parametrize("name", sorted(DOMAIN["responses"]))
def test_every_domain_response_renders_as_sms_within_budget(name):
    for variation in DOMAIN["responses"][name]:
        message = {
            "text": variation["text"].format(
                activity_label="Cours de néerlandais",
                commune_name="Berchem-Sainte-Agathe",
                results="",
                noted="le chauffage, depuis une semaine, 5e étage, Berchem-Sainte-Agathe",
                **REMINDER_VALUES,
            ),
            "buttons": variation.get("buttons", []),
        }
        reply = render_turn([message])
        assert len(reply.parts) == 1 and measure(reply.parts[0]).segments <= MAX_SEGMENTS
        payloads = [button["payload"] for button in variation.get("buttons", [])]
        assert [payload for _, payload, _ in reply.options] == payloads
        for key, _, title in reply.options:
            assert f"{key} {to_gsm7(title)}" in reply.parts[0]


def test_search_results_are_split_between_results_not_inside_one():
    results = "\n".join(
        f"{n}. Ecole de devoirs - Le Colibri numero {n}\nLundi 30/11, 15h30-17h30\n"
        f"Rue des Lucioles 83, Schaerbeek\nTel. 02 000 01 25, Gratuit"
        for n in (1, 2, 3)
    )
    reply = render_turn(
        [
            {
                "text": f"Sport à Schaerbeek :\n{results}",
                "buttons": [{"title": "Plus de résultats", "payload": "/more_results"}],
            }
        ]
    )
    assert 1 < len(reply.parts) <= 3
    for part in reply.parts:
        for n in (1, 2, 3):  # a result's four lines stay in one SMS
            assert (f"{n}. Ecole" in part) == (f"numero {n}\nLundi" in part)
    assert reply.parts[-1].endswith("9 Plus de résultats")


def test_a_flood_from_one_number_slows_that_number_only(tmp_path):
    with running_channels(tmp_path, rate_limit="5/minute") as desk:
        answers = [replies(desk.sms(f"message {n}")) for n in range(8)]
        assert all(answer == [f"echo: message {n}"] for n, answer in enumerate(answers[:5]))
        assert "Attendez une minute" in answers[5][0]  # told once
        assert answers[6:] == [[], []]  # then silence, and Rasa is spared
        assert len(desk.rasa.messages()) == 5
        other = replies(desk.sms("bonjour", sender="+32470111222"))
        assert other == ["echo: bonjour"]  # another tenant is not slowed
