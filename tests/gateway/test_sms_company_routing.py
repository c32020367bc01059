"""SMS tenants reach their own housing company: Twilio's `To` (the number the tenant wrote
to) sets the contact's company, so each company's caseworkers see only their SMS tenants'
handoffs and each coordinator their SMS signals; a number shared by several companies asks
the tenant once which company they rent from (a numbered list, one SMS), holds the message
meanwhile, and never guesses. Real signed Twilio webhooks (bot/channels/sms_company.py)."""

from __future__ import annotations

import copy
import csv
import io
import itertools
import re
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from bot.channels import sms_company
from bot.contacts.models import Contact
from bot.handoff import store
from bot.handoff.models import Handoff, HousingCompany
from bot.signals.weeks import week_of
from bot.sms_rules import measure
from tests.gateway.channel_fixtures import (
    COMPANIES,
    INTERNAL,
    PUBLIC_URL,
    Channels,
    enrolled_staff,
    replies,
    running_channels,
    sign_in,
)
from tests.gateway.signals_fixtures import of_sender, rasa_events, record_all

NUMBERS = COMPANIES / "sms_numbers.yml"
LINE_A, LINE_B, SHARED = "+3225550101", "+3225550102", "+3225550100"
UNKNOWN_LINE = "+32460000000"  # listed by no company in NUMBERS
_sids = itertools.count(1)
_tenants = itertools.count(1)


def new_tenant() -> str:
    return f"+324711{next(_tenants):05d}"


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Channels]:
    """The gateway with NUMBERS' two companies, a caseworker and a coordinator in each."""
    staff = [
        ("ana@a.example", "company-a", "caseworker"),
        ("cora@a.example", "company-a", "coordinator"),
        ("carla@b.example", "company-b", "caseworker"),
        ("bea@b.example", "company-b", "coordinator"),
    ]
    with running_channels(
        tmp_path, housing_companies_file=str(NUMBERS), console_idle_minutes=30
    ) as running:
        with running.sessions() as session:
            for email, company, role in staff:
                session.add(
                    enrolled_staff(
                        email=email,
                        name=email.split("@")[0].capitalize(),
                        company_id=company,
                        role=role,
                        language="fr",
                    )
                )
            session.commit()
        yield running


def sms(desk: Channels, body: str, *, to: str, sender: str) -> httpx.Response:
    """A Twilio webhook to the number `to`, signed as Twilio signs it."""
    params = {
        "MessageSid": f"SM{next(_sids):032x}",
        "AccountSid": "AC" + "1" * 32,
        "From": sender,
        "To": to,
        "Body": body,
        "NumMedia": "0",
    }
    token = desk.settings.twilio_auth_token.get_secret_value()
    signature = RequestValidator(token).compute_signature(f"{PUBLIC_URL}/webhooks/sms", params)
    return desk.client.post("/webhooks/sms", data=params, headers={"X-Twilio-Signature": signature})


def said(desk: Channels, body: str, *, to: str, sender: str) -> list[str]:
    return replies(sms(desk, body, to=to, sender=sender))


def contact_of(desk: Channels, sender: str) -> Contact:
    with desk.sessions() as session:
        return session.scalars(select(Contact).where(Contact.address == sender)).one()


def handoffs_of(desk: Channels, sender: str) -> list[Handoff]:
    contact = contact_of(desk, sender)
    with desk.sessions() as session:
        return list(session.scalars(select(Handoff).where(Handoff.contact_id == contact.id)))


def sent_to_rasa(desk: Channels, sender: str) -> list[dict]:
    pseudonym = contact_of(desk, sender).pseudonym
    return [body for body in desk.rasa.messages() if body["sender"] == pseudonym]


def internal_handoff(desk: Channels, sender: str, urgent: bool = False) -> httpx.Response:
    """The action server's request for a person (POST /internal/handoffs)."""
    token = desk.settings.internal_api_token.get_secret_value()
    payload = {
        "sender_id": contact_of(desk, sender).pseudonym,
        "reason": "danger" if urgent else "asked",
        "urgent": urgent,
        "language": "fr",
        "channel": "sms",
    }
    return desk.client.post(
        f"{INTERNAL}/internal/handoffs", json=payload, headers={"Authorization": f"Bearer {token}"}
    )


def _csrf(desk: Channels, path: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', desk.client.get(path).text)
    assert found, path
    return found.group(1)


def login(desk: Channels, email: str) -> None:
    answer = sign_in(desk, email)
    assert answer.status_code == 303, answer.text


def queue_ids(desk: Channels) -> set[int]:
    page = desk.client.get("/console/")
    assert page.status_code == 200
    return {int(found) for found in re.findall(r'data-handoff="(\d+)"', page.text)}


# --- the companies' numbers ---------------------------------------------------------------


def test_numbers_are_loaded_with_the_sites_and_a_number_finds_its_company(sessions):
    with sessions() as session:
        store.load_companies(session, NUMBERS)
        session.flush()
        a = session.get_one(HousingCompany, "company-a")
        b = session.get_one(HousingCompany, "company-b")
        assert a.sites == ["site-a", LINE_A, SHARED]
        assert b.sites == ["site-b", LINE_B, SHARED, "whatsapp:+3225550102"]
        assert sms_company.site_for_number(session, LINE_A) == "company-a"
        assert sms_company.site_for_number(session, "+32 2 555 01 02") == "company-b"
        assert sms_company.site_for_number(session, "whatsapp:+3225550102") == "company-b"
        assert sms_company.site_for_number(session, SHARED) is None  # shared: ask
        assert sms_company.site_for_number(session, UNKNOWN_LINE) is None
        assert sms_company.site_for_number(session, "") is None
        assert [c.id for c in sms_company.companies_of_number(session, SHARED)] == [
            "company-a",
            "company-b",
        ]
        # a company's id is a site too: an SMS contact's site is its company's id
        assert store.company_for(session, "company-b") is b
        assert store.company_for(session, LINE_B) is b
        assert store.company_for(session, None) is a  # unknown: the first, as before


def test_a_number_that_is_not_e164_stops_the_loading(sessions, tmp_path):
    wrong = tmp_path / "companies.yml"
    wrong.write_text('- {id: x, name: X, sms_numbers: ["02 555 01 01"]}\n', encoding="utf-8")
    with sessions() as session, pytest.raises(ValueError, match="x: '02 555 01 01'"):
        store.load_companies(session, wrong)


def test_the_sample_companies_have_their_numbers_and_a_shared_line(sessions):
    sample = Path(__file__).resolve().parents[2] / "data" / "housing_companies.yml"
    with sessions() as session:
        store.load_companies(session, sample)
        session.flush()
        assert sms_company.site_for_number(session, "+32460000000") == "sample-company"
        assert sms_company.site_for_number(session, "+32460000001") == "sample-company-b"
        assert len(sms_company.companies_of_number(session, "+32460000009")) == 2
        # the development WhatsApp sender reaches the first company, as its SMS number does
        assert sms_company.site_for_number(session, "whatsapp:+32460000000") == "sample-company"
        assert sms_company.site_for_number(session, "whatsapp:+32460000001") == "sample-company-b"


@pytest.mark.parametrize("language", ["fr", "nl", None])
def test_the_question_is_plain_numbered_and_one_gsm7_sms(sessions, language):
    with sessions() as session:
        store.load_companies(session, NUMBERS)
        session.flush()
        companies = sms_company.companies_of_number(session, SHARED)
        question = sms_company.choice_prompt(companies, language)
    size = measure(question)
    assert size.gsm7 and size.segments == 1, question
    lines = question.splitlines()
    expected = {
        "fr": ["1 Logis Alpha", "2 Foyer Beta"],
        "nl": ["1 Woning Alfa", "2 Haard Beta"],
        None: ["1 Logis Alpha", "2 Foyer Beta"],  # not known yet: both languages
    }
    assert lines[-2:] == expected[language]
    if language is None:
        assert lines[0].startswith("Quelle") and lines[1].startswith("Wat is")
    assert "(test)" not in question


# --- one company per number: handoffs ----------------------------------------------------


def test_each_company_sees_only_the_handoffs_of_its_own_sms_tenants(desk):
    alice, bram, chris = new_tenant(), new_tenant(), new_tenant()
    said(desk, "PERSONNE", to=LINE_A, sender=alice)  # the gateway opens it (keyword)
    said(desk, "bonjour", to=LINE_B, sender=bram)
    assert internal_handoff(desk, bram, urgent=True).status_code == 201  # the action server
    said(desk, "bonjour", to=LINE_B, sender=chris)
    assert internal_handoff(desk, chris).status_code == 201
    (of_alice,), (of_bram,), (of_chris,) = (handoffs_of(desk, t) for t in (alice, bram, chris))
    assert (of_alice.company_id, of_bram.company_id, of_chris.company_id) == (
        "company-a",
        "company-b",
        "company-b",
    )
    assert of_bram.urgent
    assert contact_of(desk, alice).site == "company-a"
    assert contact_of(desk, bram).site == "company-b"
    assert sent_to_rasa(desk, bram)[-1]["metadata"]["site"] == "company-b"  # Rasa's `site`

    login(desk, "ana@a.example")
    assert queue_ids(desk) == {of_alice.id}
    assert desk.client.get(f"/console/handoffs/{of_bram.id}").status_code == 403
    login(desk, "carla@b.example")
    assert queue_ids(desk) == {of_bram.id, of_chris.id}
    assert desk.client.get(f"/console/handoffs/{of_alice.id}").status_code == 403
    assert desk.client.get(f"/console/handoffs/{of_bram.id}").status_code == 200


def test_a_number_listed_by_no_company_keeps_the_old_way(desk):
    tenant = new_tenant()
    assert said(desk, "bonjour", to=UNKNOWN_LINE, sender=tenant) == ["echo: bonjour"]
    assert contact_of(desk, tenant).site is None
    assert internal_handoff(desk, tenant).json()["company"] == "company-a"  # the first


# --- a shared number asks, once ------------------------------------------------------------


def test_a_shared_number_asks_the_company_once_then_answers_the_held_message(desk):
    tenant = new_tenant()
    (question,) = said(desk, "ma chaudière ne marche plus", to=SHARED, sender=tenant)
    assert question.startswith("Quelle est votre société de logement ?")
    assert question.splitlines()[-2:] == ["1 Logis Alpha", "2 Foyer Beta"]
    assert measure(question).segments == 1
    assert desk.rasa.messages() == []  # nothing went on before the answer
    assert contact_of(desk, tenant).site is None

    # the answer: the held message goes to Rasa now, with the company as its site
    assert said(desk, "2", to=SHARED, sender=tenant) == ["echo: ma chaudière ne marche plus"]
    assert contact_of(desk, tenant).site == "company-b"
    (first,) = sent_to_rasa(desk, tenant)
    assert first["message"] == "ma chaudière ne marche plus"
    assert first["metadata"]["site"] == "company-b"

    # remembered: never asked again, and a person is in company B's queue
    assert said(desk, "1", to=SHARED, sender=tenant) == ["echo: 1"]
    said(desk, "PERSONNE", to=SHARED, sender=tenant)
    (handoff,) = handoffs_of(desk, tenant)
    assert handoff.company_id == "company-b"
    login(desk, "carla@b.example")
    assert queue_ids(desk) == {handoff.id}
    login(desk, "ana@a.example")
    assert queue_ids(desk) == set()


def test_the_person_keyword_on_a_shared_number_waits_for_the_company(desk):
    tenant = new_tenant()
    (question,) = said(desk, "PERSONNE", to=SHARED, sender=tenant)
    assert question.splitlines()[-1] == "2 Foyer Beta"
    assert handoffs_of(desk, tenant) == []  # no handoff before the company is known
    answer = said(desk, "1", to=SHARED, sender=tenant)
    assert answer[0].startswith("C'est noté. Une personne du service social")
    (handoff,) = handoffs_of(desk, tenant)
    assert handoff.company_id == "company-a"


def test_a_name_answers_too_and_an_unclear_answer_gets_the_question_again(desk):
    tenant = new_tenant()
    (question,) = said(desk, "Ik heb een vraag over mijn huur", to=SHARED, sender=tenant)
    assert question.startswith("Wat is uw huisvestingsmaatschappij?")  # in the tenant's language
    assert question.splitlines()[-2:] == ["1 Woning Alfa", "2 Haard Beta"]
    assert said(desk, "weet ik niet", to=SHARED, sender=tenant) == [question]  # no guess
    assert said(desk, "7", to=SHARED, sender=tenant) == [question]
    assert said(desk, "Haard Bèta", to=SHARED, sender=tenant) == [
        "echo: Ik heb een vraag over mijn huur"  # the first message, held all along
    ]
    assert contact_of(desk, tenant).site == "company-b"


def test_a_digit_before_any_question_is_no_answer(desk):
    tenant = new_tenant()
    (question,) = said(desk, "1", to=SHARED, sender=tenant)  # an old menu's digit, say
    assert "Logis Alpha" in question
    assert contact_of(desk, tenant).site is None
    assert said(desk, "Logis Alpha", to=SHARED, sender=tenant) == ["echo: 1"]


def test_an_answer_without_a_held_message_is_thanked(desk):
    tenant = new_tenant()
    said(desk, "   ", to=SHARED, sender=tenant)
    assert said(desk, "1", to=SHARED, sender=tenant) == [
        "Merci. C'est noté : Logis Alpha. Posez votre question, ou envoyez 0 pour le menu."
    ]


def test_a_company_known_from_its_own_number_is_not_asked_for_on_the_shared_one(desk):
    tenant = new_tenant()
    said(desk, "bonjour", to=LINE_B, sender=tenant)
    assert said(desk, "encore moi", to=SHARED, sender=tenant) == ["echo: encore moi"]
    assert contact_of(desk, tenant).site == "company-b"


def test_danger_is_never_held_and_the_urgent_handoff_moves_to_the_chosen_company(desk):
    tenant = new_tenant()
    answer = said(desk, "je veux mourir", to=SHARED, sender=tenant)
    assert "Quelle est votre" not in " ".join(answer)  # the bot's safety turn, at once
    assert [m["message"] for m in sent_to_rasa(desk, tenant)] == ["je veux mourir"]
    # the action server's urgent handoff: never refused, nor delayed by the question
    opened = internal_handoff(desk, tenant, urgent=True)
    assert opened.status_code == 201
    # the next message asks the company; the answer moves the handoff to that company
    (question,) = said(desk, "aidez moi svp", to=SHARED, sender=tenant)
    assert question.splitlines()[-1] == "2 Foyer Beta"
    said(desk, "2", to=SHARED, sender=tenant)
    (handoff,) = handoffs_of(desk, tenant)
    assert (handoff.company_id, handoff.status, handoff.urgent) == ("company-b", "waiting", True)
    login(desk, "carla@b.example")
    assert handoff.id in queue_ids(desk)
    login(desk, "ana@a.example")
    assert handoff.id not in queue_ids(desk)


def test_stop_and_help_are_answered_without_the_question(desk):
    tenant = new_tenant()
    (help_text,) = said(desk, "AIDE", to=SHARED, sender=tenant)
    assert "112" in help_text and "Quelle est votre" not in help_text
    (stopped,) = said(desk, "STOP", to=SHARED, sender=tenant)
    assert "START" in stopped


# --- signals: each coordinator sees their SMS conversations ---------------------------------


def rasa_turns_of(desk: Channels, sender: str, at: float) -> list[dict]:
    """What Rasa's event broker would publish for this tenant: a captured conversation
    (tests/data/signals) with the metadata the gateway really sent to Rasa for them."""
    (body, *_) = sent_to_rasa(desk, sender)
    metadata = body["metadata"]
    events = []
    for event in of_sender(rasa_events(), "capture-rent"):
        event = copy.deepcopy(event)
        event["sender_id"], event["timestamp"] = body["sender"], at
        if event["event"] == "user":
            event["metadata"] = dict(metadata)
            event["parse_data"]["metadata"] = dict(metadata)
            event["message_id"] = event["parse_data"]["message_id"] = (
                f"{body['sender']}-{event['message_id']}"
            )
        elif event["event"] == "slot" and event["name"] == "session_started_metadata":
            event["value"] = dict(metadata)
        elif event["event"] == "slot" and event["name"] == "site":
            event["value"] = metadata.get("site")
        events.append(event)
    return events


def test_each_coordinator_sees_the_sms_signals_of_their_own_company(desk):
    tenants = {
        "company-a": [new_tenant() for _ in range(5)],
        "company-b": [new_tenant() for _ in range(7)],
    }
    for tenant in tenants["company-a"]:
        said(desk, "bonjour", to=LINE_A, sender=tenant)
    for tenant in tenants["company-b"][:5]:
        said(desk, "bonjour", to=LINE_B, sender=tenant)
    for tenant in tenants["company-b"][5:]:  # the shared line, company B chosen
        said(desk, "bonjour", to=SHARED, sender=tenant)
        said(desk, "Foyer Beta", to=SHARED, sender=tenant)
    now = time.time()
    events = [e for ts in tenants.values() for t in ts for e in rasa_turns_of(desk, t, now)]
    assert record_all(desk.sessions, events) > 0

    week = week_of(now).isoformat()
    start, end = date.fromisoformat(week), date.fromisoformat(week) + timedelta(days=6)
    for email, expected in (("cora@a.example", "5"), ("bea@b.example", "7")):
        login(desk, email)
        answer = desk.client.get(f"/console/signals.csv?from={start}&to={end}")
        assert answer.status_code == 200, answer.text
        rows = {
            (r["section"], r["item"], r["week"]): r["conversations"]
            for r in csv.DictReader(io.StringIO(answer.text))
        }
        assert rows[("conversations", "all", week)] == expected, email
        assert rows[("channel", "sms", week)] == expected, email
