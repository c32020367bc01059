"""A caseworker's working day in a real browser (Playwright, Debian's chromium), against the
real gateway, Rasa and action server, a loopback Twilio and a real local SMTP server
(issue 18): an urgent request raises a notification in the open console and an e-mail
with no tenant text; unclaimed, it escalates to the supervisor; the tenant's new message
appears on the open conversation without a reload; a reply the provider refused is an
alert whose retry sends it once; a reply after the conversation was passed on is a page
in French that keeps the typed text; times are Brussels time; the queue's refresh keeps
keyboard focus. Screenshots land in var/results/screenshots/."""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from bot.hsds_profile import TIME_ZONE
from tests.browser.console_login import sign_in
from tests.browser.csp import csp_refusals
from tests.browser.test_console_browser import (
    CHROMIUM,
    COMPANIES,
    PASSWORD,
    SCREENSHOTS,
    console_stack,
    create_staff,
    sms,
)
from tests.gateway.smtp_fixtures import SmtpServer
from tests.polling import wait_for

TENANT = "+32470555666"
OTHER_TENANT = "+32470555777"
DANGER = "Mon mari me frappe, il a un couteau"
# Records each browser notification the page raises (the permission is granted below).
RECORD_NOTIFICATIONS = """
window.__notifications = [];
class RecordedNotification {
  static permission = "granted";
  static requestPermission() { return Promise.resolve("granted"); }
  constructor(title, options) { window.__notifications.push(title); }
}
window.Notification = RecordedNotification;
"""


def eventually(check):  # noqa: ANN001, ANN201
    """What `check` returns once it is true (a real stack: up to 30 seconds)."""
    return wait_for(check, seconds=30)


def notifications(page: Page) -> list[str]:
    return page.evaluate("window.__notifications")


@pytest.fixture(scope="module")
def day(tmp_path_factory):
    """The stack with staff e-mails on (polled every second); Ana (caseworker) and Sam
    (supervisor) of company A; the SMTP server; the gateway's database."""
    workdir = tmp_path_factory.mktemp("day")
    smtp = SmtpServer().start()
    env = {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp.port),
        "STAFF_NOTICE_POLL_SECONDS": "1",
        "STAFF_ESCALATION_MINUTES": "10",
    }
    try:
        with console_stack(workdir, COMPANIES, "ana@a.example", "company-a", env) as (
            gateway,
            twilio,
        ):
            create_staff(workdir, COMPANIES, "sam@a.example", "company-a", role="supervisor")
            yield gateway, twilio, smtp, workdir / "gateway.db"
    finally:
        smtp.stop()


def sql(database: Path, statement: str, *params: object) -> list[tuple]:
    with sqlite3.connect(database) as connection:
        rows = connection.execute(statement, params).fetchall()
        connection.commit()
    return rows


def open_browser(playwright):  # noqa: ANN001, ANN201
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
    )
    context = browser.new_context()
    context.add_init_script(RECORD_NOTIFICATIONS)
    return browser, context.new_page()


def test_an_urgent_request_alerts_the_open_console_mails_staff_and_escalates(day):
    gateway, _, smtp, database = day
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser, page = open_browser(playwright)
        refused = csp_refusals(page)
        sign_in(page, gateway, "ana@a.example", PASSWORD)
        expect(page.locator("#queue")).to_be_visible()
        page.wait_for_timeout(1500)  # the first poll: what waits now is not news

        told = " ".join(sms(gateway, DANGER, sender=TENANT))
        assert "112" in told
        (handoff_id,) = eventually(lambda: sql(database, "SELECT id FROM handoff"))[0]
        eventually(lambda: f"Demande URGENTE #{handoff_id}" in notifications(page))
        expect(page).to_have_title(re.compile(r"^\(1\) "))
        page.screenshot(path=str(SCREENSHOTS / "console-urgent-alert.png"), full_page=True)
        browser.close()
    assert not refused, "\n".join(refused)

    mails = smtp.inbox.wait_for(2, seconds=20)  # Ana and Sam: staff on duty
    assert {r for mail in mails for r in mail.recipients} == {"ana@a.example", "sam@a.example"}
    for mail in mails:
        raw = mail.raw.decode("utf-8", "replace")
        assert "urgent" in mail.subject.lower() and f"#{handoff_id}" in mail.subject
        assert f"/console/handoffs/{handoff_id}" in mail.text
        for tenant_detail in ("frappe", "couteau", TENANT, TENANT[1:], "470555666"):
            assert tenant_detail not in raw

    # nobody took it: ten minutes later (the clock moved back) it goes to the supervisor
    sql(
        database,
        "UPDATE handoff SET notified_at = datetime('now', '-11 minutes') WHERE id = ?",
        handoff_id,
    )
    escalation = smtp.inbox.wait_for(3, seconds=20)[-1]
    assert escalation.recipients == ["sam@a.example"]
    assert f"#{handoff_id}" in escalation.subject
    assert "frappe" not in escalation.raw.decode("utf-8", "replace")


def test_the_conversation_page_lives_and_keeps_what_was_typed(day):
    gateway, twilio, _, database = day
    sms(gateway, "je veux parler à une personne", sender=OTHER_TENANT)
    (handoff_id,) = eventually(
        lambda: sql(
            database,
            "SELECT id FROM handoff WHERE urgent = 0 AND status = 'waiting' ORDER BY id DESC",
        )
    )[0]
    with sync_playwright() as playwright:
        browser, page = open_browser(playwright)
        refused = csp_refusals(page)
        sign_in(page, gateway, "ana@a.example", PASSWORD)
        page.locator(f"li[data-handoff='{handoff_id}']").get_by_role(
            "button", name="Prendre en charge"
        ).click()
        transcript = page.locator("#transcript")
        expect(transcript).to_contain_text("je veux parler à une personne")

        # times as the clock in Brussels shows them
        now_in_brussels = datetime.now(TIME_ZONE).strftime("%d/%m %H:")
        expect(transcript.locator("time").last).to_contain_text(now_in_brussels)

        # the tenant writes again: on the page without a reload, with a notification
        sms(gateway, "je suis toujours là, merci", sender=OTHER_TENANT)
        expect(transcript).to_contain_text("je suis toujours là, merci", timeout=15000)
        eventually(lambda: f"Nouveau message du locataire #{handoff_id}" in notifications(page))

        # a reply the provider refused: an alert, and "send again" sends it once
        page.get_by_label("Répondre au locataire").fill("Votre rendez-vous est jeudi.")
        page.get_by_role("button", name="Envoyer").click()
        expect(transcript).to_contain_text("Votre rendez-vous est jeudi.")
        eventually(
            lambda: sql(
                database,
                "SELECT id FROM outbox_message WHERE body = ? AND status = 'sent'",
                "Votre rendez-vous est jeudi.",
            )
        )
        sql(
            database,
            "UPDATE outbox_message SET status = 'failed', failed_at = CURRENT_TIMESTAMP,"
            " last_error = 'twilio 30005' WHERE body = ?",
            "Votre rendez-vous est jeudi.",
        )
        alert = page.locator("#undelivered")
        expect(alert).to_contain_text("n'a pas atteint le locataire", timeout=15000)
        page.screenshot(path=str(SCREENSHOTS / "console-undelivered.png"), full_page=True)
        before = sum(
            1
            for r in twilio.requests
            if r.path.endswith("Messages.json")
            and r.body.get("Body") == "Votre rendez-vous est jeudi."
        )
        page.get_by_role("button", name="Renvoyer ce message").click()
        expect(page.locator("#retried")).to_contain_text("Le message repart.")
        eventually(
            lambda: (
                sum(
                    1
                    for r in twilio.requests
                    if r.path.endswith("Messages.json")
                    and r.body.get("Body") == "Votre rendez-vous est jeudi."
                )
                == before + 1
            )
        )
        expect(page.locator("#undelivered")).to_have_count(0)

        # a supervisor passes the conversation to a colleague while Ana types
        page.get_by_label("Répondre au locataire").fill("Je vous rappelle demain matin.")
        (sam,) = sql(database, "SELECT id FROM staff_user WHERE email = 'sam@a.example'")[0]
        sql(database, "UPDATE handoff SET claimed_by = ? WHERE id = ?", sam, handoff_id)
        page.get_by_role("button", name="Envoyer").click()
        expect(page.get_by_role("alert")).to_contain_text("Un·e collègue suit maintenant")
        expect(page.locator("#kept")).to_have_value("Je vous rappelle demain matin.")
        page.screenshot(path=str(SCREENSHOTS / "console-kept-reply.png"), full_page=True)
        browser.close()
    assert not refused, "\n".join(refused)
    sent = [r.body.get("Body") for r in twilio.requests if r.path.endswith("Messages.json")]
    assert "Je vous rappelle demain matin." not in sent


def test_the_queue_refresh_keeps_keyboard_focus(day):
    gateway, _, _, database = day
    sms(gateway, "je veux parler à une personne", sender="+32470555222")
    eventually(lambda: sql(database, "SELECT id FROM handoff WHERE status = 'waiting'"))
    with sync_playwright() as playwright:
        browser, page = open_browser(playwright)
        sign_in(page, gateway, "sam@a.example", PASSWORD)
        first_link = page.locator("li[data-handoff] a").first
        link_id = first_link.get_attribute("id")
        first_link.focus()
        sms(gateway, "je veux parler à une personne", sender="+32470555888")
        count = len(sql(database, "SELECT id FROM handoff WHERE status = 'waiting'"))
        expect(page.locator("li[data-handoff]")).to_have_count(count, timeout=20000)
        focused = page.evaluate("document.activeElement.id")
        assert focused == link_id
        expect(page.locator("#queue-status")).to_contain_text("en attente")
        browser.close()


def test_a_closed_conversation_is_found_by_label_and_by_the_tenants_number(day):
    gateway, _, _, database = day
    number = "+32470555999"
    create_staff(day[3].parent, COMPANIES, "ada@a.example", "company-a", role="admin")
    sms(gateway, "je veux parler à une personne", sender=number)
    (handoff_id,) = eventually(
        lambda: sql(database, "SELECT id FROM handoff WHERE status = 'waiting' ORDER BY id DESC")
    )[0]
    with sync_playwright() as playwright:
        browser, page = open_browser(playwright)
        refused = csp_refusals(page)
        sign_in(page, gateway, "ada@a.example", PASSWORD)
        page.get_by_role("link", name="Étiquettes").click()
        page.get_by_label("Nouvelle étiquette").fill("loyer impayé")
        page.get_by_role("button", name="Ajouter").click()
        expect(page.locator("main")).to_contain_text("loyer impayé")

        page.goto(f"{gateway}/console/handoffs/{handoff_id}")
        page.get_by_role("button", name="Prendre en charge").click()
        page.get_by_label("loyer impayé").check()
        page.get_by_role("button", name="Enregistrer les étiquettes").click()
        page.get_by_label("Motif de clôture").fill("plan de paiement proposé")
        page.get_by_role("button", name="Clôturer").click()

        page.get_by_role("link", name="Rechercher").click()
        page.get_by_label("Étiquette", exact=True).select_option(label="loyer impayé")
        page.get_by_label("État", exact=True).select_option(label="clôturé")
        page.get_by_role("button", name="Filtrer").click()
        found = page.locator("li[data-handoff]")
        expect(found).to_have_count(1)
        expect(found.first).to_have_attribute("data-handoff", str(handoff_id))
        expect(found.first).to_contain_text("plan de paiement proposé")
        page.screenshot(path=str(SCREENSHOTS / "console-search-label.png"), full_page=True)

        page.get_by_label("Numéro du locataire (en entier)").fill("0470 55 59 99")
        page.get_by_role("button", name="Chercher").click()
        expect(found).to_have_count(1)
        expect(found.first).to_have_attribute("data-handoff", str(handoff_id))
        assert "470555999" not in page.content() and "55 59 99" not in page.content()
        assert "555999" not in page.url
        page.screenshot(path=str(SCREENSHOTS / "console-search-number.png"), full_page=True)
        browser.close()
    assert not refused, "\n".join(refused)


def test_keyboard_shortcuts_take_a_request_and_start_a_reply(day):
    gateway, _, _, database = day
    sms(gateway, "je veux parler à une personne", sender="+32470555444")
    eventually(lambda: sql(database, "SELECT id FROM handoff WHERE status = 'waiting'"))
    with sync_playwright() as playwright:
        browser, page = open_browser(playwright)
        sign_in(page, gateway, "ana@a.example", PASSWORD)
        page.wait_for_load_state("load")  # the shortcuts' script is deferred
        page.keyboard.press("Shift+Slash")  # "?"
        expect(page.locator("#shortcuts")).to_be_visible()
        expect(page.locator("#shortcuts")).to_contain_text("prendre en charge la demande choisie")
        page.screenshot(path=str(SCREENSHOTS / "console-shortcuts.png"), full_page=True)
        page.keyboard.press("Escape")
        expect(page.locator("#shortcuts")).to_be_hidden()
        first = page.locator("li[data-handoff]").first
        handoff_id = first.get_attribute("data-handoff")
        expect(first.get_by_role("button", name="Prendre en charge")).to_be_visible()
        page.keyboard.press("j")  # the first request of the queue
        assert page.evaluate("document.activeElement.closest('li').dataset.handoff") == handoff_id
        page.keyboard.press("c")
        expect(page).to_have_url(re.compile(rf"/console/handoffs/{handoff_id}$"))
        page.keyboard.press("r")
        assert page.evaluate("document.activeElement.id") == "reply"
        page.keyboard.type("Bonjour, je m'occupe de votre demande.")
        expect(page.locator("#reply")).to_have_value("Bonjour, je m'occupe de votre demande.")
        browser.close()


def test_the_satisfaction_question_reaches_the_tenant_and_the_answer_the_metrics(day):
    gateway, twilio, _, database = day
    tenant = "+32470555333"
    sms(gateway, "je veux parler à une personne", sender=tenant)
    (handoff_id,) = eventually(
        lambda: sql(database, "SELECT id FROM handoff WHERE status = 'waiting' ORDER BY id DESC")
    )[0]
    with sync_playwright() as playwright:
        browser, page = open_browser(playwright)
        sign_in(page, gateway, "ana@a.example", PASSWORD)
        page.goto(f"{gateway}/console/handoffs/{handoff_id}")
        page.get_by_role("button", name="Prendre en charge").click()
        page.get_by_label("Motif de clôture").fill("information donnée")
        page.get_by_role("button", name="Clôturer").click()  # hands back (checked)
        browser.close()

    def question() -> str | None:
        return next(
            (
                r.body["Body"]
                for r in twilio.requests
                if r.path.endswith("Messages.json")
                and r.body.get("To") == tenant
                and "notre aide vous a servi" in r.body.get("Body", "")
            ),
            None,
        )

    assert "1 oui\n2 un peu\n3 non" in eventually(question)
    assert sms(gateway, "1", sender=tenant) == ["Merci pour votre réponse."]
    assert sql(database, "SELECT survey_answer FROM handoff WHERE id = ?", handoff_id) == [("yes",)]
    # four more answers this week (SAMPLE rows): five, no longer hidden as a small number
    (contact,) = sql(database, "SELECT contact_id FROM handoff WHERE id = ?", handoff_id)[0]
    for _ in range(4):
        sql(
            database,
            "INSERT INTO handoff (contact_id, company_id, sender_id, reason, urgent, status,"
            " language, channel, summary, opened_at, closed_at, handed_back,"
            " joined_notice_sent, survey_asked_at, survey_answer, survey_answered_at)"
            " VALUES (?, 'company-a', 'sample', 'asked', 0, 'closed', 'fr', 'sms', '{}',"
            " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1, 1, CURRENT_TIMESTAMP, 'yes',"
            " CURRENT_TIMESTAMP)",
            contact,
        )
    with sync_playwright() as playwright:
        browser, page = open_browser(playwright)
        sign_in(page, gateway, "ada@a.example", PASSWORD)
        page.goto(f"{gateway}/console/signals")
        table = page.locator("table[data-table='satisfaction']")
        expect(table.locator("tr", has_text="Réponses")).to_contain_text("5")
        expect(table.locator("tr", has_text="Oui")).to_contain_text("5")
        page.locator("#satisfaction").screenshot(path=str(SCREENSHOTS / "console-satisfaction.png"))
        browser.close()
