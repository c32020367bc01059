"""Handoff to caseworkers: the internal API, the bot's silence, safety and office hours
during a handoff, and the console (login, CSRF, queue, claim, reply, notes, close, audit,
housing companies kept apart)."""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from datetime import timedelta

from sqlalchemy import func, select

from bot.contacts.models import Contact
from bot.core.clock import as_utc
from bot.handoff import store
from bot.handoff.models import AuditEvent, Handoff, HandoffEntry, StaffSession, StaffUser
from bot.outbox.models import OutboxMessage
from bot.outbox.store import enqueue
from bot.privacy.erasure import erase_gateway_records, request_erasure
from tests.gateway.channel_fixtures import (
    COMPANIES,
    INTERNAL,
    STAFF_PASSWORD,
    TENANT,
    enrolled_staff,
    replies,
    running_channels,
    sign_in,
)
from tests.polling import wait_for


def internal(desk, payload: dict, secret: str | None = None):
    token = secret or desk.settings.internal_api_token.get_secret_value()
    return desk.client.post(
        f"{INTERNAL}/internal/handoffs", json=payload, headers={"Authorization": f"Bearer {token}"}
    )


def sender_of(desk) -> str:
    with desk.sessions() as session:
        return session.scalar(select(Contact.pseudonym))


def open_for_tenant(desk, reason: str = "asked", urgent: bool = False) -> int:
    desk.sms("bonjour")  # the tenant exists for the gateway once they wrote
    answer = internal(
        desk,
        {
            "sender_id": sender_of(desk),
            "reason": reason,
            "urgent": urgent,
            "language": "fr",
            "channel": "sms",
            "summary": {"commune": "jette"},
        },
    )
    assert answer.status_code in (200, 201), answer.text
    return answer.json()["id"]


def login(desk, email: str = "ana@a.example", password: str = STAFF_PASSWORD):
    return sign_in(desk, email, password)


def csrf_of(desk, path: str = "/console/") -> str:
    return re.search(r'name="csrf" value="([^"]+)"', desk.client.get(path).text).group(1)


# --- internal API and the tenant's side ----------------------------------------------


def test_the_internal_api_needs_the_shared_secret_and_a_known_tenant(desk):
    assert internal(desk, {"sender_id": "x"}, secret="wrong").status_code == 401
    assert internal(desk, {"sender_id": "sms-nobody"}).status_code == 404


def claim_for_ana(desk, handoff_id: int) -> None:
    login(desk)
    taken = desk.client.post(
        f"/console/handoffs/{handoff_id}/claim",
        data={"csrf": csrf_of(desk)},
        follow_redirects=False,
    )
    assert taken.headers["location"] == f"/console/handoffs/{handoff_id}"


def test_opening_is_idempotent_urgency_only_rises_and_rasa_is_paused_once_claimed(desk):
    first = open_for_tenant(desk)
    again = internal(desk, {"sender_id": sender_of(desk), "reason": "danger", "urgent": True})
    assert again.status_code == 200 and again.json()["id"] == first and again.json()["urgent"]
    calm = internal(desk, {"sender_id": sender_of(desk), "reason": "asked", "urgent": False})
    assert calm.json()["urgent"] is True
    assert again.json()["open_now"] is True
    time.sleep(1.0)  # longer than a pause would take: waiting in the queue, the bot runs
    assert desk.rasa.appended(sender_of(desk)) == []
    claim_for_ana(desk, first)
    wait_for(lambda: desk.rasa.appended(sender_of(desk)) == ["pause"])


def test_while_the_request_waits_the_bot_answers_under_a_queue_note(desk):
    handoff_id = open_for_tenant(desk)
    answer = replies(desk.sms("où trouver mon attestation de revenus ?"))
    assert answer == [
        "(Votre demande pour une personne reste dans la file. L'assistant répond :)",
        "echo: où trouver mon attestation de revenus ?",
    ]
    with desk.sessions() as session:
        entries = session.execute(
            select(HandoffEntry.author, HandoffEntry.text)
            .where(HandoffEntry.handoff_id == handoff_id)
            .order_by(HandoffEntry.id)
        ).all()
    assert [tuple(e) for e in entries] == [
        ("tenant", "où trouver mon attestation de revenus ?"),
        ("bot", "echo: où trouver mon attestation de revenus ?"),
    ]
    claim_for_ana(desk, handoff_id)
    page = desk.client.get(f"/console/handoffs/{handoff_id}").text
    assert "echo: où trouver" in page and "Assistant" in page


def test_while_a_caseworker_holds_the_conversation_rasa_hears_nothing(desk):
    claim_for_ana(desk, open_for_tenant(desk))
    wait_for(lambda: desk.rasa.appended(sender_of(desk)) == ["pause"])
    before = len(desk.rasa.messages())
    assert replies(desk.sms("j'ai une question sur mon dossier")) == []
    assert replies(desk.sms("1")) == []  # a digit is just text for the caseworker
    assert len(desk.rasa.messages()) == before
    with desk.sessions() as session:
        texts = list(
            session.scalars(
                select(HandoffEntry.text)
                .where(HandoffEntry.author == "tenant")
                .order_by(HandoffEntry.id)
            )
        )
    assert texts == ["j'ai une question sur mon dossier", "1"]


def test_a_request_back_in_the_queue_lets_the_bot_answer_again(desk):
    handoff_id = open_for_tenant(desk)
    claim_for_ana(desk, handoff_id)
    wait_for(lambda: desk.rasa.appended(sender_of(desk)) == ["pause"])
    path = f"/console/handoffs/{handoff_id}"
    desk.client.post(f"{path}/release", data={"csrf": csrf_of(desk, path)})
    wait_for(lambda: desk.rasa.appended(sender_of(desk)) == ["pause", "resume"])
    assert replies(desk.sms("toujours là ?"))[-1] == "echo: toujours là ?"


def test_danger_during_a_handoff_gets_the_safety_message_and_makes_it_urgent(desk):
    handoff_id = open_for_tenant(desk)
    (answer,) = replies(desk.sms("je veux mourir"))
    assert answer.index("112") < answer.index("0800 32 123")
    with desk.sessions() as session:
        assert session.get(Handoff, handoff_id).urgent


def test_out_of_hours_the_tenant_is_told_once_per_waiting_period(tmp_path):
    closed = str(COMPANIES / "always_closed.yml")
    with running_channels(tmp_path, housing_companies_file=closed) as desk:
        desk.sms("bonjour")
        answer = internal(desk, {"sender_id": sender_of(desk), "reason": "asked"}).json()
        assert answer["open_now"] is False
        told = answer["out_of_hours_text"]["fr"]  # said by the bot with the handoff
        assert "fermé" in told and "112" in told and "107" in told
        again = internal(desk, {"sender_id": sender_of(desk), "reason": "asked"}).json()
        assert again["out_of_hours_text"] is None  # asked again: not told twice
        for question in ("vous etes la ?", "allo ?"):
            answers = replies(desk.sms(question))
            assert not any("fermé" in each for each in answers)
            assert answers[-1] == f"echo: {question}"  # the assistant still answers


def test_a_new_waiting_period_tells_the_closed_notice_again(tmp_path):
    closed = str(COMPANIES / "always_closed.yml")
    with running_channels(tmp_path, housing_companies_file=closed) as desk:
        handoff_id = open_for_tenant(desk)  # the notice goes with the opening
        assert not any("fermé" in each for each in replies(desk.sms("vous êtes là ?")))
        with desk.sessions() as session:  # a caseworker takes it, then puts it back
            store.claim(session, handoff_id, staff_id=None)
            assert store.release(session, session.get_one(Handoff, handoff_id))
            session.commit()
        answers = replies(desk.sms("vous êtes là ?"))
        assert sum("fermé" in each for each in answers) == 1
        assert not any("fermé" in each for each in replies(desk.sms("allo ?")))


# --- the console -----------------------------------------------------------------------


def test_login_needs_the_right_password_and_a_csrf_token(desk):
    assert login(desk, password="wrong password!").status_code == 401
    no_token = desk.client.post(
        "/console/login", data={"email": "ana@a.example", "password": STAFF_PASSWORD}
    )
    assert no_token.status_code == 403
    assert desk.client.get("/console/", follow_redirects=False).status_code == 303
    assert login(desk).status_code == 303
    page = desk.client.get("/console/")
    assert "Ana (assistant·e social·e, Test company A)" in page.text
    assert '<label for="email">' not in page.text  # logged in: the queue, not the form
    with desk.sessions() as session:
        actions = list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions == ["login_failed", "password_ok", "login"]


def test_the_login_form_has_labelled_fields_in_both_languages(desk):
    french = desk.client.get("/console/login").text
    dutch = desk.client.get("/console/login?lang=nl").text
    assert '<label for="email">Adresse e-mail</label>' in french
    assert '<label for="password">Wachtwoord</label>' in dutch


def test_the_queue_shows_urgent_first_and_filters_by_language(desk):
    calm = open_for_tenant(desk)
    desk.sms("hallo", sender="+32470999888")
    with desk.sessions() as session:
        other = session.scalar(select(Contact.pseudonym).where(Contact.address == "+32470999888"))
    urgent = internal(
        desk, {"sender_id": other, "reason": "danger", "urgent": True, "language": "nl"}
    ).json()["id"]
    login(desk)
    page = desk.client.get("/console/").text
    assert page.index(f'data-handoff="{urgent}"') < page.index(f'data-handoff="{calm}"')
    dutch_only = desk.client.get("/console/?language=nl").text
    assert f'data-handoff="{urgent}"' in dutch_only and f'data-handoff="{calm}"' not in dutch_only


def test_two_concurrent_claims_have_exactly_one_winner(desk):
    handoff_id = open_for_tenant(desk)
    results: list[bool] = []
    barrier = threading.Barrier(2)

    def claim_as(staff_id: int) -> None:
        with desk.sessions() as session:
            barrier.wait()
            won = store.claim(session, handoff_id, staff_id)
            session.commit()
            results.append(won)

    with desk.sessions() as session:
        ana, bob = session.scalars(
            select(StaffUser.id).where(StaffUser.email.in_(["ana@a.example", "bob@a.example"]))
        ).all()
    threads = [threading.Thread(target=claim_as, args=(staff,)) for staff in (ana, bob)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, True]


def test_a_late_claim_is_told_who_has_it(desk):
    handoff_id = open_for_tenant(desk)
    login(desk, "bob@a.example")
    desk.client.post(f"/console/handoffs/{handoff_id}/claim", data={"csrf": csrf_of(desk)})
    desk.client.post("/console/logout", data={"csrf": csrf_of(desk)})
    login(desk)
    late = desk.client.post(f"/console/handoffs/{handoff_id}/claim", data={"csrf": csrf_of(desk)})
    assert "Déjà pris en charge par Bob" in late.text


def test_another_housing_company_gets_403(desk):
    handoff_id = open_for_tenant(desk)
    login(desk, "carla@b.example")
    assert desk.client.get(f"/console/handoffs/{handoff_id}").status_code == 403
    claim = desk.client.post(f"/console/handoffs/{handoff_id}/claim", data={"csrf": csrf_of(desk)})
    assert claim.status_code == 403
    assert f'data-handoff="{handoff_id}"' not in desk.client.get("/console/").text


def test_forms_without_the_csrf_token_are_refused(desk):
    handoff_id = open_for_tenant(desk)
    login(desk)
    assert desk.client.post(f"/console/handoffs/{handoff_id}/claim").status_code == 403
    assert (
        desk.client.post(
            f"/console/handoffs/{handoff_id}/claim", data={"csrf": "forged"}
        ).status_code
        == 403
    )
    with desk.sessions() as session:
        assert session.get(Handoff, handoff_id).status == "waiting"


def test_an_auditor_can_read_but_not_take_conversations(desk):
    handoff_id = open_for_tenant(desk)
    login(desk, "dirk@a.example")
    assert desk.client.get(f"/console/handoffs/{handoff_id}").status_code == 200
    taken = desk.client.post(f"/console/handoffs/{handoff_id}/claim", data={"csrf": csrf_of(desk)})
    assert taken.status_code == 403


def test_claim_read_reply_note_and_hand_back_over_sms(desk):
    handoff_id = open_for_tenant(desk)
    login(desk)
    desk.client.post(f"/console/handoffs/{handoff_id}/claim", data={"csrf": csrf_of(desk)})
    wait_for(lambda: desk.rasa.appended(sender_of(desk)) == ["pause"])
    desk.sms("c'est pour mon loyer")
    page = desk.client.get(f"/console/handoffs/{handoff_id}").text
    assert "echo: bonjour" in page  # the bot's part, read from Rasa
    assert "c&#39;est pour mon loyer" in page
    assert "Commune : Jette" in page  # what the assistant collected, in words
    path = f"/console/handoffs/{handoff_id}"
    desk.client.post(
        f"{path}/reply",
        data={"message": "Bonjour, je suis Ana du service social.", "csrf": csrf_of(desk, path)},
    )
    desk.client.post(
        f"{path}/note", data={"message": "Rappeler jeudi.", "csrf": csrf_of(desk, path)}
    )
    sent = desk.twilio.wait_for(2, "Messages.json")
    assert [r.body["Body"] for r in sent] == [
        "Une personne du service social a rejoint la conversation.",
        "Bonjour, je suis Ana du service social.",
    ]
    assert all(r.body["To"] == TENANT for r in sent)
    page = desk.client.get(path).text
    assert 'class="entry note"' in page and "Rappeler jeudi." in page
    assert "Rappeler" not in str([r.body for r in desk.twilio.requests])  # notes stay inside

    desk.client.post(
        f"{path}/close",
        data={"reason": "question answered", "hand_back": "true", "csrf": csrf_of(desk, path)},
    )
    back = desk.twilio.wait_for(3, "Messages.json")[-1]
    assert back.body["Body"].startswith("L'assistant automatique est de retour")
    wait_for(lambda: desk.rasa.appended(sender_of(desk))[-1:] == ["resume"])
    before = len(desk.rasa.messages())
    assert replies(desk.sms("merci")) == ["echo: merci"]  # the bot answers again
    assert len(desk.rasa.messages()) == before + 1
    with desk.sessions() as session:
        actions = set(session.scalars(select(AuditEvent.action)))
        assert {"login", "claim", "view", "reply", "note", "close_hand_back"} <= actions
        assert (
            session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.detail.contains("loyer"))
            )
            == 0
        )


def test_close_without_hand_back_sends_nothing(desk):
    handoff_id = open_for_tenant(desk)
    login(desk)
    path = f"/console/handoffs/{handoff_id}"
    desk.client.post(f"{path}/claim", data={"csrf": csrf_of(desk)})
    desk.client.post(f"{path}/close", data={"reason": "duplicate", "csrf": csrf_of(desk, path)})
    time.sleep(0.5)
    assert desk.twilio.sent() == []
    with desk.sessions() as session:
        handoff = session.get(Handoff, handoff_id)
        assert (handoff.status, handoff.handed_back) == ("closed", False)


def test_reply_over_telegram_goes_through_the_loopback_bot_api(desk):
    desk.telegram_update("text")
    with desk.sessions() as session:
        sender = session.scalar(select(Contact.pseudonym).where(Contact.channel == "telegram"))
    handoff_id = internal(desk, {"sender_id": sender, "reason": "asked", "language": "nl"}).json()[
        "id"
    ]
    login(desk)
    path = f"/console/handoffs/{handoff_id}"
    desk.client.post(f"{path}/claim", data={"csrf": csrf_of(desk)})
    desk.client.post(
        f"{path}/reply",
        data={"message": "Dag, ik ben Ana <sociale dienst>.", "csrf": csrf_of(desk, path)},
    )
    texts = [r.body["text"] for r in desk.telegram.wait_for(3, "sendMessage")]
    assert texts[-2:] == [
        "Iemand van de sociale dienst praat nu met u.",
        "Dag, ik ben Ana &lt;sociale dienst&gt;.",
    ]


def test_a_reply_to_an_opted_out_number_is_refused_and_nothing_is_sent(desk):
    handoff_id = open_for_tenant(desk)
    desk.sms("STOP")
    login(desk)
    path = f"/console/handoffs/{handoff_id}"
    desk.client.post(f"{path}/claim", data={"csrf": csrf_of(desk)})
    page = desk.client.get(path).text
    assert "a envoyé STOP" in page
    refused = desk.client.post(
        f"{path}/reply", data={"message": "Bonjour", "csrf": csrf_of(desk, path)}
    )
    assert refused.status_code == 409
    with desk.sessions() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_an_idle_session_ends(desk):
    login(desk)
    assert desk.client.get("/console/", follow_redirects=False).status_code == 200
    with desk.sessions() as session:  # 31 minutes pass without a request
        for row in session.scalars(select(StaffSession)):
            row.last_active_at = as_utc(row.last_active_at) - timedelta(minutes=31)
        session.commit()
    assert desk.client.get("/console/", follow_redirects=False).status_code == 303


def test_admins_manage_canned_replies_that_caseworkers_can_start_from(desk):
    with desk.sessions() as session:
        session.add(
            enrolled_staff(email="eva@a.example", name="Eva", company_id="company-a", role="admin")
        )
        session.commit()
    login(desk)  # a caseworker may not manage them
    assert desk.client.get("/console/canned").status_code == 403
    desk.client.post("/console/logout", data={"csrf": csrf_of(desk)})
    login(desk, "eva@a.example")
    form = {
        "language": "fr",
        "title": "Heures",
        "csrf": csrf_of(desk, "/console/canned"),
        "text": "Le service social répond du lundi au vendredi.",
    }
    assert desk.client.post("/console/canned", data=form).status_code == 200
    assert (
        "Le service social répond du lundi au vendredi." in desk.client.get("/console/canned").text
    )
    handoff_id = open_for_tenant(desk)
    desk.client.post(f"/console/handoffs/{handoff_id}/claim", data={"csrf": csrf_of(desk)})
    page = desk.client.get(f"/console/handoffs/{handoff_id}").text
    assert '<option value="Le service social répond du lundi au vendredi.">Heures</option>' in page


def test_erasure_removes_the_contact_its_handoffs_transcripts_menus_and_outbox(desk):
    handoff_id = open_for_tenant(desk)
    desk.sms("c'est pour mon loyer")
    desk.sms("STOP")  # opted out: an outbox row stays cancelled
    with desk.sessions() as session:
        contact_id = session.scalar(select(Contact.id))
        enqueue(session, contact_id, "sms", "un rappel")
        store.add_entry(session, handoff_id, "note", "note interne")
        session.commit()
        assert request_erasure(session, sender_of(desk))
        erase_gateway_records(session, contact_id)
        session.commit()
        for model in (Contact, Handoff, HandoffEntry, OutboxMessage):
            assert session.scalar(select(func.count()).select_from(model)) == 0, model
    assert internal(desk, {"sender_id": "sms-gone"}).status_code == 404


def test_effacer_during_a_handoff_is_confirmed_by_the_gateway_then_erases_everything(tmp_path):
    tracker = tmp_path / "tracker.db"  # stands for Rasa's SQL tracker store
    with sqlite3.connect(tracker) as store:
        store.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, data TEXT)")
    with running_channels(
        tmp_path,
        housing_companies_file=str(COMPANIES / "always_open.yml"),
        rasa_tracker_store_url=f"sqlite:///{tracker}",
    ) as desk:
        handoff_id = open_for_tenant(desk)
        with sqlite3.connect(tracker) as store:
            store.execute(
                "INSERT INTO events (sender_id, data) VALUES (?, 'bonjour')", (sender_of(desk),)
            )
        desk.sms("c'est pour mon loyer")
        before = len(desk.rasa.messages())
        (question,) = replies(desk.sms("Effacer"))  # the bot is paused: the gateway asks
        assert "EFFACER OUI" in question
        with desk.sessions() as session:  # nothing erased yet, nothing for the caseworker
            assert session.get(Handoff, handoff_id) is not None
            texts = session.scalars(
                select(HandoffEntry.text).where(HandoffEntry.handoff_id == handoff_id)
            ).all()
            assert "Effacer" not in texts
        assert replies(desk.sms("effacer oui")) == [
            "C'est fait. Vos messages et votre numéro sont effacés."
        ]
        assert len(desk.rasa.messages()) == before  # the bot never saw any of it
        with desk.sessions() as session:
            for model in (Contact, Handoff, HandoffEntry, OutboxMessage):
                assert session.scalar(select(func.count()).select_from(model)) == 0, model
    with sqlite3.connect(tracker) as store:
        assert store.execute("SELECT count(*) FROM events").fetchone() == (0,)


def test_a_handoff_closed_at_once_never_leaves_rasa_paused(desk):
    handoff_id = open_for_tenant(desk)
    login(desk)
    path = f"/console/handoffs/{handoff_id}"
    desk.client.post(f"{path}/claim", data={"csrf": csrf_of(desk)})
    desk.client.post(f"{path}/close", data={"reason": "done", "csrf": csrf_of(desk, path)})
    time.sleep(2)  # past the pause's first attempts
    assert desk.rasa.appended(sender_of(desk))[-1:] == ["resume"]
