"""The conversation page tells the truth (issue 18): the tenant's button presses as the
option they picked and the bot's menus as the phone showed them, what the assistant
collected in words, every entry with its Brussels time, the automatic safety line sent
while a caseworker held the conversation, who took and passed it on; new entries for the
page's live update; a message that never reached the tenant sent again once; a refusal
as a page in the staff member's language that keeps the typed reply; the alerts an open
console polls (numbers only, never tenant content)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from bot.console.transcript import bot_turns
from bot.handoff.models import Handoff, HandoffEntry, StaffUser
from bot.outbox.models import OutboxMessage
from tests.gateway.channel_fixtures import replies
from tests.gateway.test_handoff import (
    claim_for_ana,
    csrf_of,
    login,
    open_for_tenant,
    wait_for,
)

PAGE = "/console/handoffs/{}"


def entry_times(page: str) -> list[str]:
    return re.findall(r'<time datetime="[^"]+">([^<]+)</time>', page)


def test_a_press_shows_the_option_picked_and_the_menu_as_the_phone_showed_it(desk) -> None:
    desk.sms("choices please")  # the bot answers with a menu: 1 Oui, 2 Non
    desk.sms("1")  # the tenant types 1: Rasa hears /affirm
    handoff_id = open_for_tenant(desk)
    login(desk)
    page = desk.client.get(PAGE.format(handoff_id)).text
    assert '<span class="text">/affirm</span>' not in page  # the payload is not shown
    assert "1 Oui\n2 Non" in page  # the menu as the SMS showed it
    assert "a choisi" in page and "« Oui »" in page


def test_bot_turns_number_one_menu_across_a_turn_and_name_an_older_press() -> None:
    opened = datetime.now(timezone.utc)
    at = opened.timestamp() - 60
    events = [
        {"event": "bot", "text": "Bonjour.", "timestamp": at},
        {
            "event": "bot",
            "text": "Que voulez-vous ?",
            "data": {"buttons": [{"title": "Une activité", "payload": "/find_activity"}]},
            "timestamp": at,
        },
        {"event": "user", "text": "/find_activity", "timestamp": at + 1},
        {"event": "user", "text": "/human_handoff", "timestamp": at + 2},
        {"event": "bot", "text": "après la prise en charge", "timestamp": at + 120},
    ]
    turns = bot_turns(events, opened, "fr")
    assert [(t.author, t.text, t.chose) for t in turns] == [
        ("bot", "Bonjour.", False),
        ("bot", "Que voulez-vous ?\n1 Une activité", False),
        ("tenant", "Une activité", True),
        ("tenant", "Parler à une personne", True),  # no menu offered it: the topic's name
    ]


def test_what_the_assistant_collected_and_the_reason_are_words_not_codes(desk) -> None:
    handoff_id = open_for_tenant(desk, reason="payment_difficulty")
    with desk.sessions() as session:
        session.execute(
            update(Handoff).values(
                summary={"audience": "children", "danger": "other", "weekday": "WE"}
            )
        )
        session.commit()
    login(desk)
    page = desk.client.get(PAGE.format(handoff_id)).text
    for words in ("Pour qui : enfants", "Danger : autre danger", "Jour : mercredi"):
        assert words in page
    assert "Un problème pour payer" in page and "payment_difficulty" not in page
    assert "audience" not in page and "children" not in page


def test_times_are_brussels_time(desk) -> None:
    handoff_id = open_for_tenant(desk)
    winter_noon = datetime(2026, 12, 1, 11, 0, tzinfo=timezone.utc)  # 12:00 in Brussels
    with desk.sessions() as session:
        session.execute(update(Handoff).values(opened_at=winter_noon))
        session.commit()
    login(desk)
    page = desk.client.get(PAGE.format(handoff_id)).text
    assert "01/12 12:00" in entry_times(page)
    assert "01/12 12:00" in desk.client.get("/console/").text
    assert "01/12 11:00" not in page


def test_a_danger_line_sent_while_a_caseworker_holds_it_is_in_the_transcript(desk) -> None:
    handoff_id = open_for_tenant(desk)
    claim_for_ana(desk, handoff_id)
    told = replies(desk.sms("il m'a frappée, il a un couteau"))
    page = desk.client.get(PAGE.format(handoff_id)).text
    assert told and "112" in told[0]
    transcript = page.split('id="transcript"', 1)[1]
    assert transcript.index("il m&#39;a frappée") < transcript.index("112")


def test_claim_and_reassignment_are_written_and_the_new_holder_is_alerted(desk) -> None:
    handoff_id = open_for_tenant(desk)
    with desk.sessions() as session:
        session.execute(update(StaffUser).values(role="supervisor").where(StaffUser.name == "Ana"))
        bob = session.scalar(select(StaffUser.id).where(StaffUser.name == "Bob"))
        session.commit()
    claim_for_ana(desk, handoff_id)
    path = PAGE.format(handoff_id)
    passed = desk.client.post(
        f"{path}/reassign", data={"colleague": bob, "csrf": csrf_of(desk, path)}
    )
    assert passed.status_code == 200
    page = desk.client.get(path).text
    assert "Ana</strong> a pris la conversation" in page
    assert "Ana</strong> a passé la conversation à <strong>Bob</strong>" in page
    login(desk, "bob@a.example")
    assert desk.client.get("/console/alerts").json()["mine"] == [handoff_id]


def test_the_live_update_gives_only_newer_entries_of_the_own_company(desk) -> None:
    handoff_id = open_for_tenant(desk)
    claim_for_ana(desk, handoff_id)
    with desk.sessions() as session:
        last = session.scalar(select(HandoffEntry.id).order_by(HandoffEntry.id.desc()).limit(1))
    desk.sms("je suis encore là")
    newer = desk.client.get(f"{PAGE.format(handoff_id)}/entries?after={last}&partial=1")
    assert newer.status_code == 200
    assert "je suis encore là" in newer.text and 'class="entry tenant' in newer.text
    assert (
        "je suis encore là"
        not in desk.client.get(f"{PAGE.format(handoff_id)}/entries?after={last + 1}&partial=1").text
    )
    login(desk, "carla@b.example")  # another housing company
    refused = desk.client.get(f"{PAGE.format(handoff_id)}/entries?after=0&partial=1")
    assert refused.status_code == 403 and "je suis encore" not in refused.text


def status_of(desk, message_id: int) -> str:  # noqa: ANN001
    with desk.sessions() as session:
        return session.get_one(OutboxMessage, message_id).status


def failed_reply(desk, handoff_id: int) -> int:  # noqa: ANN001
    """A reply the caseworker sent that the provider then refused (its outbox id)."""
    path = PAGE.format(handoff_id)
    desk.client.post(
        f"{path}/reply", data={"message": "Rendez-vous demain.", "csrf": csrf_of(desk, path)}
    )
    with desk.sessions() as session:
        message_id = session.scalar(
            select(OutboxMessage.id).where(OutboxMessage.body == "Rendez-vous demain.")
        )
    wait_for(lambda: status_of(desk, message_id) == "sent")
    with desk.sessions() as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id)
            .values(status="failed", failed_at=datetime.now(timezone.utc), last_error="refused")
        )
        session.commit()
    return message_id


def test_a_message_that_never_arrived_is_an_alert_and_is_sent_again_once(desk) -> None:
    handoff_id = open_for_tenant(desk)
    claim_for_ana(desk, handoff_id)
    message_id = failed_reply(desk, handoff_id)
    sent_before = len(desk.twilio.wait_for(2, "Messages.json"))
    path = PAGE.format(handoff_id)
    page = desk.client.get(path).text
    assert 'role="alert"' in page and "Renvoyer ce message" in page
    retry = f"{path}/undelivered/{message_id}/retry"
    token = csrf_of(desk, path)
    first = desk.client.post(retry, data={"csrf": token}, follow_redirects=False)
    second = desk.client.post(retry, data={"csrf": token}, follow_redirects=False)
    assert first.status_code == second.status_code == 303
    again = desk.twilio.wait_for(sent_before + 1, "Messages.json")
    assert again[-1].body["Body"] == "Rendez-vous demain."
    wait_for(lambda: desk.client.get(path).text.count("Renvoyer ce message") == 0)
    assert len(desk.twilio.wait_for(sent_before + 1, "Messages.json")) == sent_before + 1


def test_another_company_cannot_send_a_message_again(desk) -> None:
    handoff_id = open_for_tenant(desk)
    claim_for_ana(desk, handoff_id)
    message_id = failed_reply(desk, handoff_id)
    login(desk, "carla@b.example")
    refused = desk.client.post(
        f"{PAGE.format(handoff_id)}/undelivered/{message_id}/retry",
        data={"csrf": csrf_of(desk)},
    )
    assert refused.status_code == 403
    with desk.sessions() as session:
        assert session.get(OutboxMessage, message_id).status == "failed"


@pytest.mark.parametrize("accept", ["text/html", "application/json"])
def test_a_reply_after_a_reassignment_keeps_the_typed_text(desk, accept) -> None:
    handoff_id = open_for_tenant(desk)
    claim_for_ana(desk, handoff_id)
    path = PAGE.format(handoff_id)
    token = csrf_of(desk, path)
    with desk.sessions() as session:  # a supervisor passed it to Bob meanwhile
        bob = session.scalar(select(StaffUser.id).where(StaffUser.name == "Bob"))
        session.execute(update(Handoff).values(claimed_by=bob))
        session.commit()
    typed = "Bonjour, voici l'adresse du CPAS de Jette."
    answer = desk.client.post(
        f"{path}/reply", data={"message": typed, "csrf": token}, headers={"Accept": accept}
    )
    assert answer.status_code == 409
    if accept == "text/html":
        assert "Un·e collègue suit maintenant cette conversation" in answer.text
        assert "Bonjour, voici l&#39;adresse du CPAS de Jette." in answer.text
        assert f'href="{path}"' in answer.text
    else:
        assert answer.json() == {"detail": "claim the conversation first"}


def test_the_alerts_hold_numbers_only(desk) -> None:
    calm = open_for_tenant(desk)
    login(desk)
    alerts = desk.client.get("/console/alerts?partial=1")
    assert alerts.json() == {"waiting": [calm], "urgent": [], "mine": [], "again": []}
    with desk.sessions() as session:
        session.execute(update(Handoff).values(urgent=True))
        session.commit()
    assert desk.client.get("/console/alerts").json()["urgent"] == [calm]
    login(desk, "carla@b.example")
    assert desk.client.get("/console/alerts").json() == {
        "waiting": [],
        "urgent": [],
        "mine": [],
        "again": [],
    }


def test_a_supervisor_assigns_a_waiting_request_from_the_queue(desk) -> None:
    handoff_id = open_for_tenant(desk)
    with desk.sessions() as session:
        session.execute(update(StaffUser).values(role="supervisor").where(StaffUser.name == "Ana"))
        bob = session.scalar(select(StaffUser.id).where(StaffUser.name == "Bob"))
        session.commit()
    login(desk)
    queue = desk.client.get("/console/").text
    assert "Bob (FR, 0 en cours)" in queue  # the colleague's language and load
    assigned = desk.client.post(
        f"/console/handoffs/{handoff_id}/reassign",
        data={"colleague": bob, "back": "queue", "csrf": csrf_of(desk)},
        follow_redirects=False,
    )
    assert assigned.status_code == 303 and assigned.headers["location"] == "/console/"
    with desk.sessions() as session:
        handoff = session.get_one(Handoff, handoff_id)
        assert (handoff.status, handoff.claimed_by) == ("claimed", bob)
    assert "Bob (FR, 1 en cours)" in desk.client.get(PAGE.format(handoff_id)).text
    login(desk, "bob@a.example")
    assert desk.client.get("/console/alerts").json()["mine"] == [handoff_id]
    assert "Confier la demande" not in desk.client.get("/console/").text  # a caseworker


def close_conversation(desk, handoff_id: int) -> None:  # noqa: ANN001
    path = PAGE.format(handoff_id)
    closed = desk.client.post(
        f"{path}/close", data={"reason": "réglé", "hand_back": "true", "csrf": csrf_of(desk, path)}
    )
    assert closed.status_code == 200


def test_a_tenant_writing_again_after_the_close_is_flagged_to_the_last_caseworker(desk) -> None:
    handoff_id = open_for_tenant(desk)
    claim_for_ana(desk, handoff_id)
    close_conversation(desk, handoff_id)
    desk.sms("où est la piscine la plus proche ?")  # the bot answers as usual
    assert desk.client.get("/console/alerts").json()["again"] == [handoff_id]
    queue = desk.client.get("/console/").text
    assert 'id="wrote-again"' in queue and f'href="/console/handoffs/{handoff_id}"' in queue
    assert "piscine" not in queue  # the flag, never the text
    login(desk, "bob@a.example")
    assert desk.client.get("/console/alerts").json()["again"] == []
    login(desk)
    desk.client.get(PAGE.format(handoff_id))  # Ana reads it: the flag is down
    assert desk.client.get("/console/alerts").json()["again"] == []


def test_a_tenant_writing_days_after_the_close_is_not_flagged(desk) -> None:
    handoff_id = open_for_tenant(desk)
    claim_for_ana(desk, handoff_id)
    close_conversation(desk, handoff_id)
    with desk.sessions() as session:
        session.execute(
            update(Handoff).values(closed_at=datetime.now(timezone.utc) - timedelta(days=4))
        )
        session.commit()
    desk.sms("bonjour")
    assert desk.client.get("/console/alerts").json()["again"] == []


def test_empty_charts_say_so_in_the_staff_members_language(desk) -> None:
    with desk.sessions() as session:
        session.execute(update(StaffUser).values(role="admin").where(StaffUser.name == "Ana"))
        session.commit()
    login(desk)
    page = desk.client.get("/console/signals").text
    assert page.count("Rien pour ces semaines.") >= 5  # each of the five charts
    assert "No data" not in page
