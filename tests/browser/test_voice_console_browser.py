"""A caller of the phone line is called back (issue 17): a Dutch tenant, keypad only, asks
for a person while the social service is closed, over signed Twilio Voice webhooks to the
real gateway, Rasa and action server; the callback request appears in the console; a
caseworker in a real browser (Playwright driving Debian's chromium) sets their own phone,
claims the request and calls back. The loopback Twilio gets the call to the caseworker's
phone first, from the number the tenant called; the call's bridge then dials the tenant
with that same number shown. The tenant's number is on no page. Screenshot kept in
var/results/screenshots/ (console-voice-callback.png)."""

from __future__ import annotations

import itertools
import time
import xml.etree.ElementTree as ElementTree

import httpx
import pytest
from playwright.sync_api import expect, sync_playwright
from twilio.request_validator import RequestValidator

from bot.dev_defaults import DEV_TWILIO_AUTH_TOKEN
from bot.devtools.processes import ROOT
from tests.browser.console_login import sign_in
from tests.browser.csp import csp_refusals
from tests.browser.test_console_browser import (
    CHROMIUM,
    PASSWORD,
    PUBLIC_URL,
    SCREENSHOTS,
    console_stack,
)

COMPANIES = ROOT / "tests" / "data" / "companies" / "voice_closed.yml"
LINE = "+32460000000"  # voice_closed.yml's number
CALLER = "+32470444777"
CASEWORKER_PHONE = "+32475123456"
_ids = itertools.count(int(time.time()))


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    with console_stack(
        tmp_path_factory.mktemp("voice-stack"), COMPANIES, "ana@voice.example", "voice-company"
    ) as running_stack:
        yield running_stack


class Caller:
    def __init__(self, gateway: str) -> None:
        self.gateway = gateway
        self.call_sid = f"CA{next(_ids):032x}"
        self.next = "/webhooks/voice"

    def post(self, path: str, caller: str = CALLER, **fields: str) -> ElementTree.Element:
        params = {
            "CallSid": self.call_sid,
            "From": caller,
            "To": LINE,
            "AccountSid": "AC" + "5" * 32,
            **fields,
        }
        signature = RequestValidator(DEV_TWILIO_AUTH_TOKEN).compute_signature(
            f"{PUBLIC_URL}{path}", params
        )
        response = httpx.post(
            f"{self.gateway}{path}",
            data=params,
            timeout=60,
            headers={"X-Twilio-Signature": signature},
        )
        response.raise_for_status()
        root = ElementTree.fromstring(response.text)
        gather = root.find("Gather")
        self.next = gather.get("action", "").removeprefix(PUBLIC_URL) if gather is not None else ""
        return root

    def press(self, key: str) -> ElementTree.Element:
        return self.post(self.next, Digits=key)


def _spoken(root: ElementTree.Element) -> str:
    return " ".join(" ".join("".join(say.itertext()).split()) for say in root.iter("Say"))


def test_a_dutch_caller_out_of_hours_is_called_back_from_the_console(stack):
    gateway, twilio = stack
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    caller = Caller(gateway)
    caller.post("/webhooks/voice")
    caller.press("2")  # Nederlands
    caller.press("0")  # the menu
    answer = caller.press("4")  # a person
    assert answer.find("Dial") is None
    assert "De sociale dienst belt u terug op dit nummer." in _spoken(answer)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        page = browser.new_page()
        refused = csp_refusals(page)
        sign_in(page, gateway, "ana@voice.example", PASSWORD)
        page.goto(f"{gateway}/console/account/password")
        page.get_by_label("Mon téléphone pour les rappels").fill(CASEWORKER_PHONE)
        page.get_by_role("button", name="Enregistrer").click()
        expect(page.get_by_role("status")).to_contain_text("Votre téléphone est enregistré.")

        page.goto(f"{gateway}/console/")
        row = page.locator("li[data-handoff]").first
        expect(row).to_contain_text("à rappeler (téléphone)")
        row.get_by_role("button", name="Prendre en charge").click()
        page.get_by_role("button", name="Rappeler le locataire").click()
        expect(page.locator("#callback-outcome")).to_contain_text("votre téléphone va sonner")
        assert CALLER not in page.content() and CALLER.removeprefix("+") not in page.content()
        page.screenshot(path=str(SCREENSHOTS / "console-voice-callback.png"), full_page=True)
        assert refused == []
        browser.close()

    call = twilio.calls()[-1]
    assert call["To"] == CASEWORKER_PHONE  # the caseworker's phone rings first
    assert call["From"] == LINE  # from the number the tenant called
    bridge_url = call["Url"]
    assert bridge_url.startswith(f"{PUBLIC_URL}/webhooks/voice/callback-bridge?handoff=")
    # Twilio, once the caseworker answers, asks the bridge what to do: dial the tenant
    path = bridge_url.removeprefix(PUBLIC_URL)
    bridge = Caller(gateway).post(path, caller=LINE, To=CASEWORKER_PHONE, Direction="outbound-api")
    dial = bridge.find("Dial")
    assert dial is not None
    assert dial.findtext("Number") == CALLER
    assert dial.get("callerId") == LINE
