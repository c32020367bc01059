"""WhatsApp through Twilio (issue 16), from the tenant's phone to the caseworker's console:
real WhatsApp webhook payloads as Twilio posts them (tests/data/whatsapp/), signed with
Twilio's RequestValidator, against the gateway with a scripted Rasa and the loopback
Twilio. Text keeps its accents and emoji and a long turn stays one message; the numbered
menu's digits map back; voice notes and photos get the "text only" answer and, during a
handoff, a line in the caseworker's transcript (the media itself is never kept);
STOP/START/HELP; retried webhooks; the company of the WhatsApp number written to."""

from __future__ import annotations

import html
import itertools
import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from bot.contacts.models import Contact
from bot.handoff.models import Handoff, HandoffEntry
from bot.outbox.models import OutboxMessage
from bot.outbox.store import enqueue
from bot.sms_rules import to_gsm7
from tests.gateway.channel_fixtures import (
    COMPANIES,
    INTERNAL,
    TENANT,
    WHATSAPP_DATA,
    WHATSAPP_TENANT,
    Channels,
    enrolled_staff,
    replies,
    running_channels,
    sign_in,
)
from tests.gateway.test_handoff import csrf_of, wait_for

WHATSAPP_LINE = "whatsapp:+32460000000"  # Settings.twilio_whatsapp_number
COMPANY_B_WHATSAPP = "whatsapp:+3225550102"  # company-b's whatsapp_numbers (sms_numbers.yml)
_tenants = itertools.count(1)


# --- helpers shared with test_whatsapp_window.py ---------------------------------------------


@contextmanager
def whatsapp_desk(
    tmp_path: Path, companies: str = "always_open.yml", **overrides: Any
) -> Iterator[Channels]:
    """The gateway with two always-open companies, a caseworker in each (ana in company-a,
    carla in company-b, both reading French) and these settings overrides."""
    with running_channels(
        tmp_path,
        housing_companies_file=str(COMPANIES / companies),
        console_idle_minutes=30,
        **overrides,
    ) as running:
        with running.sessions() as session:
            for email, company in (
                ("ana@a.example", "company-a"),
                ("carla@b.example", "company-b"),
            ):
                session.add(
                    enrolled_staff(
                        email=email,
                        name=email.split("@")[0].capitalize(),
                        company_id=company,
                        role="caseworker",
                        language="fr",
                    )
                )
            session.commit()
        yield running


def contact_of(desk: Channels, address: str = WHATSAPP_TENANT) -> Contact:
    with desk.sessions() as session:
        return session.scalars(select(Contact).where(Contact.address == address)).one()


def internal_handoff(desk: Channels, address: str = WHATSAPP_TENANT) -> httpx.Response:
    """The action server's request for a person (POST /internal/handoffs)."""
    token = desk.settings.internal_api_token.get_secret_value()
    payload = {
        "sender_id": contact_of(desk, address).pseudonym,
        "reason": "asked",
        "urgent": False,
        "language": "fr",
        "channel": "whatsapp",
    }
    return desk.client.post(
        f"{INTERNAL}/internal/handoffs", json=payload, headers={"Authorization": f"Bearer {token}"}
    )


def sent_to_tenant(desk: Channels, address: str = WHATSAPP_TENANT) -> list[dict[str, Any]]:
    """What the loopback Twilio accepted for this WhatsApp address, in order."""
    return [sent for sent in desk.twilio.accepted() if sent.get("To") == address]


def claimed_by_ana(desk: Channels) -> str:
    """The tenant wrote on WhatsApp, asked for a person, and Ana took the conversation. The
    conversation page's path."""
    assert replies(desk.whatsapp("bonjour"))
    answer = internal_handoff(desk)
    assert answer.status_code in (200, 201), answer.text
    path = f"/console/handoffs/{answer.json()['id']}"
    assert sign_in(desk, "ana@a.example").status_code == 303
    taken = desk.client.post(f"{path}/claim", data={"csrf": csrf_of(desk)}, follow_redirects=False)
    assert taken.headers["location"] == path
    return path


def reply(desk: Channels, path: str, message: str) -> httpx.Response:
    return desk.client.post(f"{path}/reply", data={"message": message, "csrf": csrf_of(desk, path)})


def page_text(desk: Channels, path: str) -> str:
    page = desk.client.get(path)
    assert page.status_code == 200, page.text
    return html.unescape(page.text)


def outbox_rows(desk: Channels) -> list[OutboxMessage]:
    with desk.sessions() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def stored_bytes(tmp_path: Path) -> bytes:
    """Every byte the gateway's database holds on disk (the file and its journals)."""
    return b"".join(path.read_bytes() for path in tmp_path.glob("gateway.db*"))


@pytest.fixture
def channels(tmp_path: Path) -> Iterator[Channels]:
    with running_channels(tmp_path) as running:
        yield running


# --- text, long turns, button digits ---------------------------------------------------------


def test_text_is_answered_in_the_twiml_with_accents_and_emoji_intact(channels):
    text = "Bonjour, ma chaudière est en panne 😟 — où m'adresser ? Ça presse 🙏"
    assert to_gsm7(text) != text  # SMS would fold these
    assert replies(channels.whatsapp(text)) == [f"echo: {text}"]
    (sent,) = channels.rasa.messages()
    assert sent["message"] == text
    assert sent["metadata"]["channel"] == "whatsapp"
    assert sent["sender"].startswith("whatsapp-") and TENANT.lstrip("+") not in str(sent)
    tenant = contact_of(channels)
    assert (tenant.channel, tenant.pseudonym) == ("whatsapp", sent["sender"])


def test_a_long_turn_is_one_whatsapp_message_where_sms_cuts_it_in_three(channels):
    (whole,) = replies(channels.whatsapp("long"))
    assert whole.count("Une phrase courte.") == 30
    assert len(replies(channels.sms("long"))) == 3  # the same turn on SMS


def test_the_numbered_menu_digits_map_back_to_the_buttons(channels):
    (menu,) = replies(channels.whatsapp("choices please"))
    assert menu == "Voulez-vous qu'une personne vous aide ?\n1 Oui\n2 Non"
    channels.whatsapp("1")
    assert channels.rasa.messages()[-1]["message"] == "/affirm"
    channels.whatsapp("choices please")
    channels.whatsapp("2")
    assert channels.rasa.messages()[-1]["message"] == "/deny"
    channels.whatsapp("7")  # no such option: the digit goes as it is
    assert channels.rasa.messages()[-1]["message"] == "7"


# --- voice notes and photos ------------------------------------------------------------------


def test_a_voice_note_gets_the_text_only_answer_in_the_tenants_language_and_no_turn(
    channels,
):
    (answer,) = replies(channels.whatsapp(payload="voice_note"))
    assert answer == "Je peux lire seulement du texte. Écrivez votre question avec des mots."
    assert channels.rasa.messages() == []
    channels.whatsapp("NL")  # the tenant chose Dutch
    assert contact_of(channels).language == "nl"
    turns = len(channels.rasa.messages())
    (answer,) = replies(channels.whatsapp(payload="voice_note"))
    assert answer == "Ik kan alleen tekst lezen. Schrijf uw vraag in woorden."
    assert len(channels.rasa.messages()) == turns


def test_a_photo_with_text_gets_the_note_and_the_answer_to_the_text(channels):
    answer = replies(channels.whatsapp(payload="photo"))
    assert answer == [
        "Je peux lire seulement du texte. Écrivez votre question avec des mots.",
        "echo: Voici la fuite sous l'évier",
    ]
    (sent,) = channels.rasa.messages()
    assert sent["message"] == "Voici la fuite sous l'évier"
    assert "MediaUrl" not in str(sent) and "api.twilio.com" not in str(sent)


def test_a_photo_during_a_claimed_handoff_shows_in_the_console_and_is_not_stored(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    with whatsapp_desk(tmp_path) as desk:
        path = claimed_by_ana(desk)
        turns = len(desk.rasa.messages())
        photo = desk.whatsapp(payload="photo")
        assert replies(photo) == [
            "Je peux lire seulement du texte. Écrivez votre question avec des mots."
        ]
        replies(desk.whatsapp("", payload="voice_note"))
        assert len(desk.rasa.messages()) == turns  # the caseworker has it: Rasa hears nothing
        page = page_text(desk, path)
        assert "photo reçue (non conservée)" in page
        assert "message vocal reçu (non conservé)" in page
        assert "Voici la fuite sous l'évier" in page  # the text with the photo, for Ana
        with desk.sessions() as session:
            entries = session.execute(
                select(HandoffEntry.author, HandoffEntry.text).order_by(HandoffEntry.id)
            ).all()
        assert ("media", "photo") in entries and ("media", "audio") in entries
        media_urls = [
            json_value
            for name in ("photo", "voice_note")
            for key, json_value in _payload(name).items()
            if key.startswith("MediaUrl")
        ]
        stored = stored_bytes(tmp_path)
        for url in media_urls:
            media_id = url.rsplit("/", 1)[1]
            assert media_id.encode() not in stored and url not in page
        assert b"/Media/" not in stored and b"image/jpeg" not in stored
        assert b"audio/ogg" not in stored
        assert "MediaUrl" not in str(desk.rasa.requests)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "/Media/" not in logged and "api.twilio.com/2010-04-01" not in logged


def _payload(name: str) -> dict[str, str]:
    return json.loads((WHATSAPP_DATA / f"{name}.json").read_text(encoding="utf-8"))


# --- STOP, START, HELP -----------------------------------------------------------------------


def test_after_stop_nothing_goes_out_and_start_brings_it_back(tmp_path):
    with whatsapp_desk(tmp_path) as desk:
        path = claimed_by_ana(desk)
        notices = len(sent_to_tenant(desk))
        (confirmation,) = replies(desk.whatsapp("STOP"))
        assert "START" in confirmation and "sms" not in confirmation.lower()
        assert contact_of(desk).opted_out
        assert "a envoyé STOP" in page_text(desk, path)  # Ana is told why
        assert reply(desk, path, "Bonjour, ici Ana.").status_code == 409
        with desk.sessions() as session:  # something already queued for the tenant
            row = enqueue(session, contact_of(desk).id, "whatsapp", "Un rappel.")
            session.commit()
        desk.client.app.state.services.outbox.wake()

        def cancelled() -> bool:
            return next(r for r in outbox_rows(desk) if r.id == row).status == "cancelled"

        wait_for(cancelled)
        assert len(sent_to_tenant(desk)) == notices  # nothing more reached the phone

        (welcome,) = replies(desk.whatsapp("START"))
        assert welcome.startswith("Bienvenue")
        assert not contact_of(desk).opted_out
        assert reply(desk, path, "Bonjour, ici Ana.").status_code in (200, 303)
        wait_for(lambda: len(sent_to_tenant(desk)) == notices + 2)
        assert [sent["Body"] for sent in sent_to_tenant(desk)[notices:]] == [
            "Une personne du service social a rejoint la conversation.",
            "Bonjour, ici Ana.",
        ]


def test_stop_silences_the_bot_until_start(channels):
    replies(channels.whatsapp("STOP"))
    assert replies(channels.whatsapp("bonjour")) == []  # silent, and Rasa is not asked
    assert replies(channels.whatsapp("STOP")) == []  # confirmed once only
    assert channels.rasa.messages() == []
    assert replies(channels.whatsapp("start"))
    assert replies(channels.whatsapp("bonjour")) == ["echo: bonjour"]


@pytest.mark.parametrize("word", ["HELP", "aide", "Hulp"])
def test_help_answers_in_whatsapp_wording(channels, word):
    (answer,) = replies(channels.whatsapp(word))
    assert "112" in answer and "STOP" in answer and "0" in answer
    assert "sms" not in answer.lower()
    assert channels.rasa.messages() == []


def test_stop_and_help_in_dutch_use_the_whatsapp_wording(channels):
    channels.whatsapp("NL")
    (help_answer,) = replies(channels.whatsapp("HULP"))
    assert help_answer.startswith("Automatische assistent") and "sms" not in help_answer.lower()
    (stopped,) = replies(channels.whatsapp("STOP"))
    assert stopped.startswith("Genoteerd") and "sms" not in stopped.lower()


# --- retries ---------------------------------------------------------------------------------


def test_a_retried_webhook_makes_no_second_turn_and_no_second_reply(channels):
    sid = "SM" + "b" * 32
    first = channels.whatsapp("bonjour", sid=sid)
    again = channels.whatsapp("bonjour", sid=sid)
    assert replies(first) == ["echo: bonjour"] and replies(again) == []
    assert len(channels.rasa.messages()) == 1
    assert sent_to_tenant(channels) == []  # no late copy through the outbox either


def test_a_retried_webhook_after_a_slow_turn_sends_the_reply_once(channels):
    channels.rasa.delay_seconds = 3  # past the 2 s deadline: the reply goes by the outbox
    sid = "SM" + "c" * 32
    assert replies(channels.whatsapp("bonjour", sid=sid)) == []
    wait_for(lambda: sent_to_tenant(channels))
    assert replies(channels.whatsapp("bonjour", sid=sid)) == []  # Twilio retried
    channels.rasa.delay_seconds = 0
    assert replies(channels.whatsapp("encore")) == ["echo: encore"]
    bodies = [sent["Body"] for sent in sent_to_tenant(channels)]
    assert bodies == ["echo: bonjour"]
    assert [m["message"] for m in channels.rasa.messages()] == ["bonjour", "encore"]
    (late,) = sent_to_tenant(channels)
    assert late["From"] == WHATSAPP_LINE
    assert late["StatusCallback"].endswith("/webhooks/whatsapp/status")


# --- the company of the WhatsApp number ------------------------------------------------------


def test_a_whatsapp_number_of_another_company_routes_the_tenant_there(tmp_path):
    with whatsapp_desk(tmp_path, companies="sms_numbers.yml") as desk:
        tenant = f"whatsapp:+324712{next(_tenants):05d}"
        assert replies(desk.whatsapp("bonjour", sender=tenant, to=COMPANY_B_WHATSAPP)) == [
            "echo: bonjour"
        ]
        assert contact_of(desk, tenant).site == "company-b"
        assert desk.rasa.messages()[-1]["metadata"]["site"] == "company-b"
        answer = internal_handoff(desk, tenant)
        assert answer.json()["company"] == "company-b"
        handoff_id = answer.json()["id"]
        with desk.sessions() as session:
            assert session.get_one(Handoff, handoff_id).company_id == "company-b"
        assert sign_in(desk, "ana@a.example").status_code == 303
        assert f'data-handoff="{handoff_id}"' not in desk.client.get("/console/").text
        assert desk.client.get(f"/console/handoffs/{handoff_id}").status_code == 403
        assert sign_in(desk, "carla@b.example").status_code == 303
        assert f'data-handoff="{handoff_id}"' in desk.client.get("/console/").text
        assert desk.client.get(f"/console/handoffs/{handoff_id}").status_code == 200


def test_the_person_keyword_on_another_companys_number_queues_there(tmp_path):
    with whatsapp_desk(tmp_path, companies="sms_numbers.yml") as desk:
        tenant = f"whatsapp:+324712{next(_tenants):05d}"
        answer = replies(desk.whatsapp("PERSONNE", sender=tenant, to=COMPANY_B_WHATSAPP))
        assert answer and "personne" in answer[0].lower()
        with desk.sessions() as session:
            (handoff,) = session.scalars(
                select(Handoff).where(Handoff.contact_id == contact_of(desk, tenant).id)
            )
        assert (handoff.company_id, handoff.channel) == ("company-b", "whatsapp")


# --- signatures, addresses, pseudonyms, logs -------------------------------------------------


@pytest.mark.parametrize("how", ["unsigned", "tampered"])
def test_a_bad_signature_is_refused_and_nothing_is_processed(channels, how):
    response = channels.whatsapp("bonjour", signed=how != "unsigned", tamper=how == "tampered")
    assert response.status_code == 403
    assert channels.rasa.messages() == []
    with channels.sessions() as session:
        assert list(session.scalars(select(Contact))) == []


def test_a_signature_for_the_sms_webhook_does_not_pass_on_the_whatsapp_one(channels):
    params = _payload("text")
    token = channels.settings.twilio_auth_token.get_secret_value()
    signature = RequestValidator(token).compute_signature(
        "https://assistant.example.org/webhooks/sms", params
    )
    response = channels.client.post(
        "/webhooks/whatsapp", data=params, headers={"X-Twilio-Signature": signature}
    )
    assert response.status_code == 403 and channels.rasa.messages() == []


def test_an_sms_sender_on_the_whatsapp_webhook_gets_400(channels):
    response = channels.whatsapp("bonjour", sender=TENANT, to="+32460000000")
    assert response.status_code == 400
    assert channels.rasa.messages() == []
    with channels.sessions() as session:
        assert list(session.scalars(select(Contact))) == []


def test_a_whatsapp_sender_on_the_sms_webhook_is_served_as_whatsapp(channels):
    text = "Merci beaucoup 😊 à bientôt"
    assert replies(channels.whatsapp(text, path="/webhooks/sms")) == [f"echo: {text}"]
    tenant = contact_of(channels)
    assert tenant.channel == "whatsapp" and tenant.pseudonym.startswith("whatsapp-")
    assert channels.rasa.messages()[-1]["metadata"]["channel"] == "whatsapp"
    (long_turn,) = replies(channels.whatsapp("long", path="/webhooks/sms"))  # not cut as SMS
    assert long_turn.count("Une phrase courte.") == 30


def test_the_same_phone_on_sms_and_whatsapp_is_two_contacts_with_their_own_pseudonyms(channels):
    replies(channels.sms("bonjour"))
    replies(channels.whatsapp("bonjour"))
    with channels.sessions() as session:
        found = {c.channel: c for c in session.scalars(select(Contact))}
    assert found["sms"].address == TENANT and found["whatsapp"].address == WHATSAPP_TENANT
    assert found["sms"].pseudonym.startswith("sms-")
    assert found["whatsapp"].pseudonym.startswith("whatsapp-")
    assert found["sms"].pseudonym.split("-", 1)[1] != found["whatsapp"].pseudonym.split("-", 1)[1]


def test_no_phone_number_profile_name_or_text_in_the_logs(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    with whatsapp_desk(tmp_path) as desk:
        path = claimed_by_ana(desk)
        desk.whatsapp("mon fils a des mauvaises notes", payload="photo")
        reply(desk, path, "Bonjour, ici Ana.")
        wait_for(lambda: len(sent_to_tenant(desk)) >= 2)
        desk.whatsapp("STOP")
        desk.whatsapp("x", sender=TENANT)  # refused: an SMS sender on the WhatsApp webhook
        stored = stored_bytes(tmp_path)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "whatsapp" in logged  # the gateway did log the WhatsApp turns
    pseudonyms = re.findall(r"whatsapp-[0-9a-f]{8,}", logged)
    assert pseudonyms, "the opt-out is logged under the pseudonym"
    for secret in (TENANT, TENANT.lstrip("+"), "470123456", "Fatima", "mauvaises notes", "Ana."):
        assert secret not in logged, secret
    assert b"Fatima" not in stored  # Twilio's ProfileName is not kept


def test_a_retried_photo_during_a_handoff_is_noted_once(tmp_path):
    with whatsapp_desk(tmp_path) as desk:
        path = claimed_by_ana(desk)
        sid = "MM" + "d" * 32
        assert replies(desk.whatsapp(payload="photo", sid=sid))
        assert replies(desk.whatsapp(payload="photo", sid=sid)) == []  # Twilio retried
        page = page_text(desk, path)
        assert page.count("photo reçue (non conservée)") == 1
        assert page.count("Voici la fuite sous l'évier") == 1


def test_a_flood_from_one_whatsapp_number_slows_that_number_only(tmp_path):
    with running_channels(tmp_path, rate_limit="5/minute") as desk:
        answers = [replies(desk.whatsapp(f"message {n}")) for n in range(7)]
        assert all(answer == [f"echo: message {n}"] for n, answer in enumerate(answers[:5]))
        assert "Attendez une minute" in answers[5][0]  # told once
        assert answers[6] == []  # then silence, and Rasa is spared
        assert len(desk.rasa.messages()) == 5
        other = replies(desk.whatsapp("bonjour", sender="whatsapp:+32470111222"))
        assert other == ["echo: bonjour"]  # another tenant is not slowed
        (stopped,) = replies(desk.whatsapp("STOP"))  # STOP always works
        assert "START" in stopped


def test_a_document_and_a_video_in_one_message_are_each_noted_by_kind(tmp_path):
    with whatsapp_desk(tmp_path) as desk:
        path = claimed_by_ana(desk)
        media_url = _payload("photo")["MediaUrl0"]
        replies(
            desk.whatsapp(
                "",
                payload="photo",
                MessageType="document",
                NumMedia="2",
                MediaContentType0="application/pdf",
                MediaContentType1="video/mp4",
                MediaUrl1=media_url.replace("ME0a", "ME1b"),
            )
        )
        page = page_text(desk, path)
        assert "fichier reçu (non conservé)" in page and "vidéo reçue (non conservée)" in page
        assert page.index("fichier reçu") < page.index("vidéo reçue")  # in their order
        assert b"application/pdf" not in stored_bytes(tmp_path)
