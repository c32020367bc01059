"""A WhatsApp tenant reaches a person: in French, over signed Twilio WhatsApp webhooks to the
real gateway and the real Rasa server, the tenant asks for a person; a caseworker in a real
browser (Playwright driving Debian's chromium) claims the request, reads the transcript,
sees the 24-hour WhatsApp window and replies; the reply reaches the loopback Twilio as a
free-form WhatsApp message from the WhatsApp sender to the tenant's `whatsapp:` address.
The screenshot is kept in var/results/screenshots/ (console-whatsapp-conversation.png).

The stack (loopback Twilio and Telegram, the gateway, Rasa and its action server) is the
console browser test's own fixture, started again for this module."""

from __future__ import annotations

import itertools
import time
import xml.etree.ElementTree as ElementTree

import httpx
from playwright.sync_api import expect, sync_playwright

from bot.dev_defaults import DEV_TWILIO_AUTH_TOKEN
from bot.devtools.whatsapp_form import whatsapp_form, whatsapp_signature
from tests.browser.console_login import sign_in
from tests.browser.csp import csp_refusals
from tests.browser.test_console_browser import (
    CHROMIUM,
    PASSWORD,
    PUBLIC_URL,
    SCREENSHOTS,
    stack,  # noqa: F401 (the module's fixture)
)

TENANT = "whatsapp:+32470444556"
WHATSAPP_SENDER = "whatsapp:+32460000000"  # Settings.twilio_whatsapp_number's default
REPLY = "Bonjour, ici Ana. J'ai bien reçu votre demande — je regarde votre dossier."
_ids = itertools.count(int(time.time()))


def whatsapp(gateway: str, body: str) -> list[str]:
    """A WhatsApp text as Twilio posts and signs it; the messages of the TwiML answer."""
    sid = f"SM{next(_ids):032x}"
    params = whatsapp_form(
        sid, TENANT.removeprefix("whatsapp:"), WHATSAPP_SENDER, body, "AC" + "4" * 32, "Amina"
    )
    signature = whatsapp_signature(DEV_TWILIO_AUTH_TOKEN, PUBLIC_URL, params)
    response = httpx.post(
        f"{gateway}/webhooks/whatsapp",
        data=params,
        timeout=60,
        headers={"X-Twilio-Signature": signature},
    )
    response.raise_for_status()
    return [m.text or "" for m in ElementTree.fromstring(response.text).iter("Message")]


def test_a_whatsapp_tenant_asks_for_a_person_and_the_caseworkers_reply_reaches_whatsapp(
    stack,  # noqa: F811
):
    gateway, twilio = stack
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    answer = whatsapp(gateway, "bonjour, je voudrais parler à une personne s'il vous plaît")
    assert len(answer) == 1, answer  # the turn is one WhatsApp message
    assert "service social" in answer[0]
    sends_before = len(twilio.sent())

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        page = browser.new_page()
        refused = csp_refusals(page)
        sign_in(page, gateway, "ana@a.example", PASSWORD)

        row = page.locator("li[data-handoff]").first
        expect(row).to_contain_text("demande une personne")
        expect(row).to_contain_text("WhatsApp")
        expect(row).to_contain_text("FR")
        row.get_by_role("button", name="Prendre en charge").click()

        transcript = page.locator("#transcript")
        expect(transcript).to_contain_text("je voudrais parler à une personne")
        expect(transcript).to_contain_text("service social")  # the bot's answer, from Rasa
        # the tenant wrote just now: the window is open, and says until when
        expect(page.locator("#whatsapp-window")).to_contain_text("La fenêtre WhatsApp se ferme le")
        expect(page.locator("#counter")).to_have_count(0)  # no SMS segments on WhatsApp
        page.get_by_label("Répondre au locataire").fill(REPLY)
        page.get_by_role("button", name="Envoyer").click()
        expect(transcript).to_contain_text("J'ai bien reçu votre demande")
        page.screenshot(path=str(SCREENSHOTS / "console-whatsapp-conversation.png"), full_page=True)
        browser.close()
    assert not refused, "\n".join(refused)

    # what the tenant's WhatsApp gets, in order: the note that a person joined (on the
    # claim), then the caseworker's words, both free-form (the tenant wrote minutes ago)
    deadline = time.monotonic() + 20
    mine: list[dict] = []
    while time.monotonic() < deadline and len(mine) < 2:
        mine = [s for s in twilio.sent()[sends_before:] if s.get("To") == TENANT]
        time.sleep(0.2)
    time.sleep(1.5)  # nothing else follows (no template, no second part)
    mine = [s for s in twilio.sent()[sends_before:] if s.get("To") == TENANT]
    assert [s.get("Body") for s in mine] == [
        "Une personne du service social a rejoint la conversation.",
        REPLY,  # accents and the dash as typed: no GSM-7 folding
    ]
    for sent in mine:
        assert sent["From"] == WHATSAPP_SENDER
        assert "ContentSid" not in sent and "ContentVariables" not in sent
        assert sent["StatusCallback"].endswith("/webhooks/whatsapp/status")
