"""WhatsApp's 24-hour customer-service window (issue 16), as a tenant and a caseworker see
it: a caseworker's reply inside the window goes free-form; outside it the tenant gets the
approved "a message is waiting" template (Twilio ContentSid, no Body) and the reply waits,
shown as held in the console, until the tenant writes, then goes in order; with no template
configured nothing goes, the console says why, and the reply still goes once the tenant
writes. Reminders outside the window go as the reminder template with its variables.
Twilio's window refusal (63016), from a send or a status callback, ends the message as
failed after one attempt with a readable reason on the conversation page. Time passes by
moving the contact's `last_seen_at` back in the database."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from twilio.request_validator import RequestValidator

from bot.contacts.models import Contact
from bot.core.clock import utcnow
from bot.directory.importer import import_records
from bot.outbox.models import OutboxMessage
from bot.reminders.scheduler import ReminderScheduler
from tests.gateway.channel_fixtures import (
    INTERNAL,
    PUBLIC_URL,
    WHATSAPP_DATA,
    WHATSAPP_TENANT,
    Channels,
    replies,
)
from tests.gateway.test_handoff import wait_for
from tests.gateway.test_reminders import LOCATION, SERVICE, future_session, weekly_service
from tests.gateway.test_whatsapp_channel import (
    WHATSAPP_LINE,
    claimed_by_ana,
    contact_of,
    outbox_rows,
    page_text,
    reply,
    sent_to_tenant,
    whatsapp_desk,
)

WAITING_FR = "HX" + "a1" * 16  # approved templates' ContentSids, as Twilio's Content API gives
WAITING_NL = "HX" + "b2" * 16
REMINDER_FR = "HX" + "c3" * 16
REMINDER_NL = "HX" + "d4" * 16
TEMPLATES = {
    "whatsapp_template_waiting_fr": WAITING_FR,
    "whatsapp_template_waiting_nl": WAITING_NL,
    "whatsapp_template_reminder_fr": REMINDER_FR,
    "whatsapp_template_reminder_nl": REMINDER_NL,
}
JOINED = "Une personne du service social a rejoint la conversation."
HELD = "en attente : part dès que le locataire écrit (WhatsApp, 24 heures)"
WINDOW_CLOSED = "Il reçoit : « Un message de votre société de logement vous attend »"
NO_TEMPLATE = "aucun n'est configuré : votre réponse ne peut pas partir maintenant"
REFUSED = "WhatsApp le refuse : le locataire n'a pas écrit depuis plus de 24 heures."


def tenant_last_wrote(desk: Channels, hours_ago: float) -> None:
    """Time passes: the tenant's last message was `hours_ago` hours ago."""
    with desk.sessions() as session:
        session.execute(
            update(Contact)
            .where(Contact.address == WHATSAPP_TENANT)
            .values(last_seen_at=utcnow() - timedelta(hours=hours_ago))
        )
        session.commit()


def status_of(desk: Channels, body: str) -> str:
    (row,) = [row for row in outbox_rows(desk) if row.body == body]
    return row.status


def row_of(desk: Channels, body: str) -> OutboxMessage:
    (row,) = [row for row in outbox_rows(desk) if row.body == body]
    return row


def sends(desk: Channels) -> list[dict[str, Any]]:
    """Every send request to the loopback Twilio for the tenant, refused ones included."""
    return [sent for sent in desk.twilio.sent() if sent.get("To") == WHATSAPP_TENANT]


def entry_of(page: str, text: str) -> str:
    """The transcript entry (one <div class="entry ...">) that holds `text`."""
    found = page.index(text)
    return page[page.rindex('<div class="entry', 0, found) : page.index("</div>", found)]


def window_warning(page: str) -> str:
    start = page.index('id="whatsapp-window"')
    return page[start : page.index("</p>", start)]


# --- a caseworker's reply --------------------------------------------------------------------


def test_a_reply_23_hours_after_the_tenant_wrote_goes_out_free_form(tmp_path):
    with whatsapp_desk(tmp_path, **TEMPLATES) as desk:
        path = claimed_by_ana(desk)
        tenant_last_wrote(desk, 23)
        warning = window_warning(page_text(desk, path))
        assert "La fenêtre WhatsApp se ferme le" in warning  # when it closes: in an hour
        assert WINDOW_CLOSED not in warning and NO_TEMPLATE not in warning
        reply(desk, path, "Bonjour, ici Ana. Votre dossier avance 👍")
        wait_for(lambda: len(sent_to_tenant(desk)) == 2)
        joined, answer = sent_to_tenant(desk)
        assert (joined["Body"], answer["Body"]) == (
            JOINED,
            "Bonjour, ici Ana. Votre dossier avance 👍",
        )
        assert "ContentSid" not in joined and "ContentSid" not in answer
        assert answer["From"] == WHATSAPP_LINE and answer["To"] == WHATSAPP_TENANT
        assert answer["StatusCallback"] == f"{PUBLIC_URL}/webhooks/whatsapp/status"
        # Twilio's acceptance is recorded just after the send: waited for, not raced
        wait_for(lambda: [row.status for row in outbox_rows(desk)] == ["sent", "sent"])


def test_a_reply_at_25_hours_sends_the_template_then_the_reply_when_the_tenant_answers(tmp_path):
    with whatsapp_desk(tmp_path, **TEMPLATES) as desk:
        path = claimed_by_ana(desk)
        tenant_last_wrote(desk, 25)
        assert WINDOW_CLOSED in window_warning(page_text(desk, path))
        reply(desk, path, "Bonjour, ici Ana. Pouvez-vous passer jeudi ?")
        reply(desk, path, "Apportez votre bail, s'il vous plaît.")
        (notice,) = wait_for(lambda: sent_to_tenant(desk))
        assert notice["ContentSid"] == WAITING_FR  # the approved template, in French
        assert "Body" not in notice  # a free-form text would be refused by WhatsApp
        assert notice["From"] == WHATSAPP_LINE
        wait_for(lambda: status_of(desk, "Apportez votre bail, s'il vous plaît.") == "held")
        assert status_of(desk, JOINED) == "held"
        assert status_of(desk, "Bonjour, ici Ana. Pouvez-vous passer jeudi ?") == "held"
        page = page_text(desk, path)
        for held in ("Bonjour, ici Ana. Pouvez-vous passer jeudi ?", "Apportez votre bail"):
            assert HELD in entry_of(page, held)  # Ana sees her replies wait
        assert page.count(HELD) == 2
        assert len(sends(desk)) == 1  # one notice for the closed window, nothing else

        assert replies(desk.whatsapp("Oui, je suis là")) == []  # Ana has the conversation
        wait_for(lambda: len(sent_to_tenant(desk)) == 4)
        bodies = [sent.get("Body") for sent in sent_to_tenant(desk)[1:]]
        assert bodies == [
            JOINED,
            "Bonjour, ici Ana. Pouvez-vous passer jeudi ?",
            "Apportez votre bail, s'il vous plaît.",
        ]
        assert all("ContentSid" not in sent for sent in sent_to_tenant(desk)[1:])
        wait_for(lambda: all(row.status == "sent" for row in outbox_rows(desk)))
        page = page_text(desk, path)
        assert HELD not in page and "Oui, je suis là" in page
        assert "whatsapp-window" in page and WINDOW_CLOSED not in page  # open again


def test_each_closed_window_gets_its_own_notice_and_an_open_one_none(tmp_path):
    with whatsapp_desk(tmp_path, **TEMPLATES) as desk:
        path = claimed_by_ana(desk)
        tenant_last_wrote(desk, 25)
        reply(desk, path, "Premier message.")
        wait_for(lambda: status_of(desk, "Premier message.") == "held")
        replies(desk.whatsapp("Je suis là"))  # the window opens: what waited goes
        wait_for(lambda: status_of(desk, "Premier message.") == "sent")
        reply(desk, path, "Merci, à bientôt.")  # inside the window: no notice
        wait_for(lambda: status_of(desk, "Merci, à bientôt.") == "sent")
        assert [sent.get("ContentSid") for sent in sent_to_tenant(desk)] == [
            WAITING_FR,
            None,
            None,
            None,
        ]
        with desk.sessions() as session:  # two days pass; the tenant last wrote 25 h ago
            session.execute(update(OutboxMessage).values(created_at=utcnow() - timedelta(hours=48)))
            session.commit()
        tenant_last_wrote(desk, 25)
        reply(desk, path, "Un nouveau message.")
        wait_for(lambda: status_of(desk, "Un nouveau message.") == "held")
        wait_for(lambda: len(sent_to_tenant(desk)) == 5)
        assert sent_to_tenant(desk)[-1]["ContentSid"] == WAITING_FR  # a second notice
        assert "Body" not in sent_to_tenant(desk)[-1]


def test_a_dutch_tenant_gets_the_dutch_waiting_template(tmp_path):
    with whatsapp_desk(tmp_path, **TEMPLATES) as desk:
        replies(desk.whatsapp("NL"))
        path = claimed_by_ana(desk)
        tenant_last_wrote(desk, 30)
        reply(desk, path, "Dag, ik ben Ana.")
        (notice,) = wait_for(lambda: sent_to_tenant(desk))
        assert notice["ContentSid"] == WAITING_NL and "Body" not in notice


def test_without_a_template_nothing_goes_the_console_says_why_and_nothing_is_dropped(tmp_path):
    with whatsapp_desk(tmp_path) as desk:  # no template configured
        path = claimed_by_ana(desk)
        tenant_last_wrote(desk, 25)
        warning = window_warning(page_text(desk, path))
        assert NO_TEMPLATE in warning and WINDOW_CLOSED not in warning
        reply(desk, path, "Bonjour, ici Ana.")
        wait_for(lambda: status_of(desk, "Bonjour, ici Ana.") == "held")
        notices = [row for row in outbox_rows(desk) if row.template == "waiting"]
        wait_for(lambda: all(row.status == "failed" for row in outbox_rows(desk) if row.template))
        assert len(notices) == 1
        assert sends(desk) == []  # nothing reached Twilio, so nothing WhatsApp would refuse
        page = page_text(desk, path)
        assert NO_TEMPLATE in window_warning(page)
        assert HELD in entry_of(page, "Bonjour, ici Ana.")  # kept, and shown as waiting
        assert "Aucun message type WhatsApp n'est configuré" in page  # why nothing went

        replies(desk.whatsapp("Bonjour ?"))
        wait_for(lambda: len(sent_to_tenant(desk)) == 2)
        assert [sent["Body"] for sent in sent_to_tenant(desk)] == [JOINED, "Bonjour, ici Ana."]
        wait_for(lambda: status_of(desk, "Bonjour, ici Ana.") == "sent")


# --- reminders -------------------------------------------------------------------------------


def reminder_due(desk: Channels) -> datetime:
    """The tenant (on WhatsApp) asked to be reminded of the sample's Colibri; the scheduler
    runs at the reminder's time and hands it to the outbox."""
    token = desk.settings.internal_api_token.get_secret_value()
    body = {
        "sender_id": contact_of(desk).pseudonym,
        "service_id": SERVICE,
        "location_id": LOCATION,
        "session_start": future_session(),
        "language": "fr",
    }
    answer = desk.client.post(
        f"{INTERNAL}/internal/reminders", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 201, answer.text
    send_at = datetime.fromisoformat(answer.json()["send_at"])
    assert ReminderScheduler(desk.sessions, clock=lambda: send_at).send_due() == 1
    desk.client.app.state.services.outbox.wake()
    return send_at


def test_a_reminder_outside_the_window_goes_as_the_reminder_template(tmp_path):
    with whatsapp_desk(tmp_path, **TEMPLATES) as desk:
        assert import_records(desk.sessions, [weekly_service()]).imported == 1
        replies(desk.whatsapp("bonjour"))
        tenant_last_wrote(desk, 48)
        reminder_due(desk)
        (sent,) = wait_for(lambda: sent_to_tenant(desk))
        assert sent["ContentSid"] == REMINDER_FR and "Body" not in sent
        variables = json.loads(sent["ContentVariables"])
        assert set(variables) == {"1", "2", "3"}
        assert variables["1"] == "École de devoirs - Le Colibri"
        assert "16h00-18h00" in variables["2"]
        assert variables["3"].startswith("Rue des Lucioles 83")
        assert all(value.strip() and "\n" not in value for value in variables.values())
        (row,) = outbox_rows(desk)
        assert (row.template, row.variables) == ("reminder", variables)
        wait_for(lambda: outbox_rows(desk)[0].status == "sent")


def test_a_reminder_inside_the_window_goes_free_form(tmp_path):
    with whatsapp_desk(tmp_path, **TEMPLATES) as desk:
        assert import_records(desk.sessions, [weekly_service()]).imported == 1
        replies(desk.whatsapp("bonjour"))
        tenant_last_wrote(desk, 2)
        reminder_due(desk)
        (sent,) = wait_for(lambda: sent_to_tenant(desk))
        assert "ContentSid" not in sent and "ContentVariables" not in sent
        assert sent["Body"].startswith("Rappel pour demain : École de devoirs - Le Colibri.")
        assert "16h00-18h00" in sent["Body"] and "Rue des Lucioles 83" in sent["Body"]
        assert "STOP RAPPEL" in sent["Body"]


def test_a_reminder_outside_the_window_without_its_template_fails_with_the_reason(tmp_path):
    with whatsapp_desk(tmp_path) as desk:  # no template configured
        assert import_records(desk.sessions, [weekly_service()]).imported == 1
        replies(desk.whatsapp("bonjour"))
        tenant_last_wrote(desk, 48)
        reminder_due(desk)
        wait_for(lambda: outbox_rows(desk)[0].status == "failed")
        (row,) = outbox_rows(desk)
        assert row.last_error.startswith("no_template") and row.attempts == 1
        assert sends(desk) == []


# --- Twilio's refusals -----------------------------------------------------------------------


def test_a_63016_refusal_fails_after_one_attempt_with_a_readable_reason(tmp_path):
    with whatsapp_desk(tmp_path, **TEMPLATES) as desk:
        path = claimed_by_ana(desk)
        reply(desk, path, "Bonjour, ici Ana.")  # the joined notice goes first
        wait_for(lambda: len(sent_to_tenant(desk)) == 2)
        desk.twilio.refuse_next = [63016]  # WhatsApp says the window is closed
        reply(desk, path, "Votre rendez-vous est confirmé.")
        wait_for(lambda: status_of(desk, "Votre rendez-vous est confirmé.") == "failed")
        refused = row_of(desk, "Votre rendez-vous est confirmé.")
        assert refused.attempts == 1 and "63016" in refused.last_error
        attempts = [s for s in sends(desk) if s.get("Body") == "Votre rendez-vous est confirmé."]
        assert len(attempts) == 1  # no retries: they would be refused all the same
        page = page_text(desk, path)
        assert REFUSED in page
        assert "n'a pas atteint le locataire" in page
        reply(desk, path, "Encore un mot.")  # the outbox goes on with later messages
        wait_for(lambda: status_of(desk, "Encore un mot.") == "sent")
        attempts = [s for s in sends(desk) if s.get("Body") == "Votre rendez-vous est confirmé."]
        assert len(attempts) == 1


def status_callback(desk: Channels, message_sid: str, **changes: str) -> int:
    params = json.loads((WHATSAPP_DATA / "status_undelivered_63016.json").read_text())
    params.update(MessageSid=message_sid, SmsSid=message_sid, **changes)
    token = desk.settings.twilio_auth_token.get_secret_value()
    url = f"{PUBLIC_URL}/webhooks/whatsapp/status"
    signature = RequestValidator(token).compute_signature(url, params)
    return desk.client.post(
        "/webhooks/whatsapp/status", data=params, headers={"X-Twilio-Signature": signature}
    ).status_code


def test_a_signed_status_callback_with_63016_marks_the_sent_reply_failed(tmp_path):
    with whatsapp_desk(tmp_path, **TEMPLATES) as desk:
        path = claimed_by_ana(desk)
        reply(desk, path, "Bonjour, ici Ana.")
        wait_for(lambda: status_of(desk, "Bonjour, ici Ana.") == "sent")
        row = row_of(desk, "Bonjour, ici Ana.")
        assert REFUSED not in page_text(desk, path)

        unsigned = desk.client.post(
            "/webhooks/whatsapp/status",
            data={"MessageSid": row.provider_id, "MessageStatus": "undelivered", "ErrorCode": "1"},
        )
        assert unsigned.status_code == 403
        assert status_callback(desk, row.provider_id) == 204
        refused = row_of(desk, "Bonjour, ici Ana.")
        assert refused.status == "failed" and refused.delivery_status == "undelivered"
        assert "63016" in refused.last_error
        page = page_text(desk, path)
        assert REFUSED in page and "n'a pas atteint le locataire" in page


def test_a_delivered_status_callback_leaves_the_reply_sent(tmp_path):
    with whatsapp_desk(tmp_path, **TEMPLATES) as desk:
        path = claimed_by_ana(desk)
        reply(desk, path, "Bonjour, ici Ana.")
        wait_for(lambda: status_of(desk, "Bonjour, ici Ana.") == "sent")
        row = row_of(desk, "Bonjour, ici Ana.")
        changes = {"MessageStatus": "delivered", "SmsStatus": "delivered"}
        assert status_callback(desk, row.provider_id, **changes, ErrorCode="") == 204
        assert row_of(desk, "Bonjour, ici Ana.").status == "sent"
        assert row_of(desk, "Bonjour, ici Ana.").delivery_status == "delivered"
        assert REFUSED not in page_text(desk, path)
