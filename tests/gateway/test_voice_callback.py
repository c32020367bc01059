"""A caseworker calls back a tenant who asked for a person on the phone line (issue 17):
the console has Twilio ring the caseworker's own phone from the housing company's number,
then the bridge webhook dials the tenant with that number as caller id. Against a scripted
Rasa and the loopback Twilio, with real signed webhooks; TwiML parsed, never compared as
text. The tenant's number is on no console page, and no number is in the audit trail."""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from bot.contacts.models import Contact
from bot.handoff import store
from bot.handoff.models import AuditEvent, Handoff, HousingCompany, StaffUser
from tests.gateway.channel_fixtures import (
    COMPANIES,
    PUBLIC_URL,
    Channels,
    csrf_in,
    enrolled_staff,
    running_channels,
    sign_in,
)
from tests.gateway.voice_fixtures import CALLER, LINE, Twiml, new_call_sid, said, start_call, voice

CASEWORKER_PHONE = "+32470999001"
OTHER_PHONE = "+32470999002"
BRIDGE = "/webhooks/voice/callback-bridge"
# The tenant's number as it could be written on a page: E.164, national, bare digits.
TENANT_WRITTEN = (CALLER, "0470123456", "470123456", "0470 12 34 56", "+32 470 12 34 56")


class PersonScript:
    """Rasa's answers: a person request opens a handoff as the action server would (as in
    tests/gateway/test_voice_channel.py); anything else is echoed."""

    def __init__(self) -> None:
        self.desk: Channels | None = None

    def __call__(self, sender: str, text: str) -> list[dict[str, Any]]:
        if text == "une personne":
            assert self.desk is not None
            with self.desk.sessions() as session:
                contact = session.scalar(select(Contact).where(Contact.pseudonym == sender))
                store.open_handoff(
                    session, contact, {"reason": "asked", "urgent": False, "language": "fr"}
                )
                session.commit()
            return [{"text": "D'accord. Une personne du service social va vous répondre."}]
        return [{"text": f"Vous avez dit : {text}."}]


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Channels]:
    """The phone line of a company whose service is closed (a person request becomes a
    callback), its caseworkers (with and without a phone, French and Dutch), and a
    caseworker of another company."""
    script = PersonScript()
    with running_channels(
        tmp_path,
        script,
        housing_companies_file=str(COMPANIES / "voice_closed.yml"),
        console_idle_minutes=30,
    ) as running:
        script.desk = running
        with running.sessions() as session:
            session.add(HousingCompany(id="other-company", name="Other company"))
            for email, company, language, phone in (
                ("cw@voice.example", "voice-company", "fr", CASEWORKER_PHONE),
                ("nophone@voice.example", "voice-company", "fr", None),
                ("nl@voice.example", "voice-company", "nl", None),
                ("cw@other.example", "other-company", "fr", OTHER_PHONE),
            ):
                session.add(
                    enrolled_staff(
                        email=email,
                        name=email.split("@")[0].capitalize(),
                        company_id=company,
                        role="caseworker",
                        language=language,
                        phone=phone,
                    )
                )
            session.commit()
        yield running


def callback_request(desk: Channels) -> int:
    """A caller asks for a person out of office hours: the handoff of a callback."""
    call_sid = start_call(desk)
    said(desk, call_sid, "une personne")
    with desk.sessions() as session:
        handoff = session.scalars(select(Handoff)).one()
        assert (handoff.channel, handoff.reason) == ("voice", "callback")
        return handoff.id


def post(desk: Channels, page: str, path: str, **form: str) -> httpx.Response:
    """A console form, with the CSRF token read from `page` as a browser would."""
    token = csrf_in(desk.client.get(page).text)
    return desk.client.post(path, data={**form, "csrf": token}, follow_redirects=False)


def claimed_by(desk: Channels, email: str, handoff_id: int) -> str:
    """Sign in and claim the conversation; its page's path."""
    assert sign_in(desk, email).status_code == 303
    page = f"/console/handoffs/{handoff_id}"
    assert post(desk, page, f"{page}/claim").status_code == 303
    return page


def audits(desk: Channels, *actions: str) -> list[AuditEvent]:
    with desk.sessions() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action.in_(actions))))


def bridge(desk: Channels, handoff_id: int | str, signed: bool = True) -> httpx.Response:
    """Twilio asking what to do once the caseworker answered the call it placed: From is
    the company's number it rang them from, To the caseworker's phone."""
    return voice(
        desk,
        BRIDGE,
        call_sid=new_call_sid(),
        caller=LINE,
        query=f"?handoff={handoff_id}",
        signed=signed,
        To=CASEWORKER_PHONE,
        Called=CASEWORKER_PHONE,
        Direction="outbound-api",
    )


def shows_no_tenant_number(page: str) -> bool:
    shown = html.unescape(page)
    return not any(written in shown for written in TENANT_WRITTEN)


def test_a_caseworker_calls_back_and_the_bridge_dials_the_tenant_from_the_company_number(
    desk: Channels, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    handoff_id = callback_request(desk)
    page = claimed_by(desk, "cw@voice.example", handoff_id)
    shown = desk.client.get(page)
    assert "Rappeler le locataire" in shown.text
    assert f'action="/console/handoffs/{handoff_id}/callback"' in shown.text

    answer = post(desk, page, f"{page}/callback")
    assert answer.status_code == 303
    assert answer.headers["location"] == f"{page}?call=started"
    after = desk.client.get(answer.headers["location"])
    assert "Appel en cours : votre téléphone va sonner." in after.text

    (call,) = desk.twilio.calls()
    assert call["To"] == CASEWORKER_PHONE
    assert call["From"] == LINE
    assert call["Url"] == f"{PUBLIC_URL}{BRIDGE}?handoff={handoff_id}"

    twiml = Twiml.of(bridge(desk, handoff_id))
    children = [child.tag for child in twiml.root]
    assert children == ["Say", "Dial"]  # the caseworker hears who is called, then it rings
    (say,) = twiml.says()
    assert say.get("voice") == "Polly.Isabelle-Neural"
    assert "Rappel d'un locataire. Restez en ligne." in twiml.spoken()
    dial = twiml.root.find("Dial")
    assert dial is not None
    assert dial.get("callerId") == LINE
    numbers = dial.findall("Number")
    assert [number.text for number in numbers] == [CALLER]
    assert not twiml.hangs_up()

    (placed,) = audits(desk, "callback")
    assert placed.handoff_id == handoff_id
    assert not re.search(r"\d{6,}", placed.detail or "")
    assert audits(desk, "callback_failed") == []
    for path in (page, f"{page}?call=started", "/console/"):
        shown = desk.client.get(path).text
        assert shows_no_tenant_number(shown), path
        assert CASEWORKER_PHONE not in shown, path
    assert f"callback for handoff {handoff_id} placed" in caplog.text  # the log is read
    assert CALLER not in caplog.text and CASEWORKER_PHONE not in caplog.text


def test_the_bridge_speaks_the_caseworkers_language(desk: Channels) -> None:
    handoff_id = callback_request(desk)
    claimed_by(desk, "nl@voice.example", handoff_id)
    twiml = Twiml.of(bridge(desk, handoff_id))
    (say,) = twiml.says()
    assert say.get("voice") == "Polly.Lisa-Neural"
    assert "Terugbellen naar een huurder. Blijf aan de lijn." in twiml.spoken()


def test_a_caseworker_of_another_company_cannot_call_back(desk: Channels) -> None:
    handoff_id = callback_request(desk)
    claimed_by(desk, "cw@voice.example", handoff_id)
    assert sign_in(desk, "cw@other.example").status_code == 303
    answer = post(desk, "/console/", f"/console/handoffs/{handoff_id}/callback")
    assert answer.status_code in (403, 404)
    assert shows_no_tenant_number(answer.text)
    assert desk.twilio.calls() == []
    assert audits(desk, "callback", "callback_failed") == []


def test_the_conversation_must_be_claimed_first(desk: Channels) -> None:
    handoff_id = callback_request(desk)
    assert sign_in(desk, "cw@voice.example").status_code == 303
    page = f"/console/handoffs/{handoff_id}"
    assert "Rappeler le locataire" not in desk.client.get(page).text
    assert post(desk, page, f"{page}/callback").status_code == 409
    assert desk.twilio.calls() == []


def test_without_a_phone_the_caseworker_is_told_where_to_set_it_and_nothing_is_called(
    desk: Channels,
) -> None:
    handoff_id = callback_request(desk)
    page = claimed_by(desk, "nophone@voice.example", handoff_id)
    answer = post(desk, page, f"{page}/callback")
    assert answer.headers["location"] == f"{page}?call=no_phone"
    shown = html.unescape(desk.client.get(answer.headers["location"]).text)
    assert "votre téléphone n'est pas encore enregistré" in shown
    assert 'href="/console/account/password#phone"' in shown
    assert desk.twilio.calls() == []
    assert audits(desk, "callback", "callback_failed") == []


def test_a_twilio_refusal_is_told_and_audited_as_failed_and_nothing_else_changes(
    desk: Channels,
) -> None:
    handoff_id = callback_request(desk)
    page = claimed_by(desk, "cw@voice.example", handoff_id)
    desk.twilio.refuse_next = [21215]  # Twilio: geographic permission for this number
    answer = post(desk, page, f"{page}/callback")
    assert answer.headers["location"] == f"{page}?call=failed"
    shown = html.unescape(desk.client.get(answer.headers["location"]).text)
    assert "L'appel n'a pas pu partir." in shown
    (failed,) = audits(desk, "callback_failed")
    assert not re.search(r"\d{6,}", failed.detail or "")
    assert audits(desk, "callback") == []
    with desk.sessions() as session:
        handoff = session.get_one(Handoff, handoff_id)
        assert handoff.status == "claimed"


def test_an_unsigned_bridge_webhook_is_refused(desk: Channels) -> None:
    handoff_id = callback_request(desk)
    answer = bridge(desk, handoff_id, signed=False)
    assert answer.status_code == 403
    assert "Dial" not in answer.text and CALLER not in answer.text


@pytest.mark.parametrize("which", ["closed", "unknown", "garbled"])
def test_the_bridge_of_a_request_no_longer_open_hangs_up_without_dialing(
    desk: Channels, which: str
) -> None:
    handoff_id = callback_request(desk)
    if which == "closed":
        with desk.sessions() as session:
            store.close(session, session.get_one(Handoff, handoff_id), "done", hand_back=False)
            session.commit()
    target = {"closed": handoff_id, "unknown": handoff_id + 1, "garbled": "x"}[which]
    twiml = Twiml.of(bridge(desk, target))
    assert twiml.root.find("Dial") is None
    assert twiml.hangs_up()
    assert "Cette demande est clôturée." in twiml.spoken()


@pytest.mark.parametrize(
    ("email", "error"),
    [
        ("nophone@voice.example", "Ce numéro n'est pas valable."),
        ("nl@voice.example", "Dit nummer is niet geldig."),
    ],
)
@pytest.mark.parametrize("typed", ["0470 12", "whatsapp:+32470999003", "+32 abc"])
def test_a_bad_phone_on_the_account_page_is_refused_and_nothing_is_stored(
    desk: Channels, email: str, error: str, typed: str
) -> None:
    assert sign_in(desk, email).status_code == 303
    answer = post(desk, "/console/account/password", "/console/account/phone", phone=typed)
    assert answer.status_code == 400
    assert error in html.unescape(answer.text)
    with desk.sessions() as session:
        assert (
            session.scalars(select(StaffUser.phone).where(StaffUser.email == email)).one() is None
        )


def test_a_staff_member_sets_and_removes_their_own_phone(desk: Channels) -> None:
    assert sign_in(desk, "nophone@voice.example").status_code == 303
    account = "/console/account/password"
    answer = post(desk, account, "/console/account/phone", phone="+32 470 99 90 09")
    assert answer.status_code == 303
    assert "Votre téléphone est enregistré." in desk.client.get(answer.headers["location"]).text
    with desk.sessions() as session:
        user = session.scalars(
            select(StaffUser).where(StaffUser.email == "nophone@voice.example")
        ).one()
        assert user.phone == "+32470999009"
    assert "+32470999009" in desk.client.get(account).text  # shown to them
    assert all(
        "+32470999009" not in (event.detail or "") for event in audits(desk, "phone_changed")
    )
    assert post(desk, account, "/console/account/phone", phone="").status_code == 303
    with desk.sessions() as session:
        phone = session.scalars(
            select(StaffUser.phone).where(StaffUser.email == "nophone@voice.example")
        ).one()
        assert phone is None


def test_a_caller_who_hid_their_number_cannot_be_called_back(desk: Channels) -> None:
    call_sid = start_call(desk, caller="anonymous")
    said(desk, call_sid, "une personne", caller="anonymous")
    with desk.sessions() as session:
        handoff_id = session.scalars(select(Handoff.id)).one()
    page = claimed_by(desk, "cw@voice.example", handoff_id)
    shown = desk.client.get(page).text
    assert "Le locataire a masqué son numéro" in shown and "/callback" not in shown
    refused = post(desk, page, f"{page}/callback")
    assert refused.status_code == 409
    assert desk.twilio.calls() == []
    assert audits(desk, "callback", "callback_failed") == []
    dialled = Twiml.of(bridge(desk, handoff_id))
    assert dialled.root.find("Dial") is None and dialled.hangs_up()
