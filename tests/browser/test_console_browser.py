"""A caseworker in a real browser (Playwright driving Debian's chromium) takes over from the
bot: a tenant asks for a person over SMS, the caseworker logs in, claims the request, reads
the transcript, replies (the reply reaches the loopback Twilio), hands back, and the bot
answers the tenant's next message. Screenshots land in var/results/screenshots/."""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect, sync_playwright
from twilio.request_validator import RequestValidator

from bot.dev_defaults import DEV_TWILIO_AUTH_TOKEN
from bot.devtools.gateway_process import running_gateway
from bot.devtools.loopback import FakeTelegram, FakeTwilio, running
from bot.devtools.processes import ROOT, free_port, running_rasa
from tests.browser.console_login import sign_in
from tests.browser.csp import csp_refusals

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = ROOT / "var" / "results" / "screenshots"
COMPANIES = ROOT / "tests" / "data" / "companies" / "always_open.yml"
PUBLIC_URL = "https://assistant.example.org"
TENANT = "+32470444555"
PASSWORD = "a long and honest passphrase"
_ids = itertools.count(int(time.time()))


def sms(gateway: str, body: str, sender: str = TENANT) -> list[str]:
    params = {
        "MessageSid": f"SM{next(_ids):032x}",
        "From": sender,
        "To": "+32460000000",
        "Body": body,
        "NumMedia": "0",
        "AccountSid": "AC" + "4" * 32,
    }
    signature = RequestValidator(DEV_TWILIO_AUTH_TOKEN).compute_signature(
        f"{PUBLIC_URL}/webhooks/sms", params
    )
    response = httpx.post(
        f"{gateway}/webhooks/sms",
        data=params,
        timeout=60,
        headers={"X-Twilio-Signature": signature},
    )
    response.raise_for_status()
    return [m.text or "" for m in ElementTree.fromstring(response.text).iter("Message")]


@contextmanager
def console_stack(
    workdir: Path,
    companies: Path,
    email: str,
    company: str,
    extra_env: dict[str, str] | None = None,
) -> Iterator[tuple[str, FakeTwilio]]:
    """Loopback Twilio and Telegram, the gateway (with `extra_env`), Rasa and its action
    server, and one caseworker account (`email`, PASSWORD) of `company`; the gateway's URL
    and the Twilio."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (the CI script does)")
    rasa_port = free_port()
    with running(FakeTwilio()) as twilio, running(FakeTelegram()) as telegram:
        env = {
            "TWILIO_API_URL": twilio.url,
            "TELEGRAM_API_URL": f"{telegram.url}/bot",
            "PUBLIC_URL": PUBLIC_URL,
            "HOUSING_COMPANIES_FILE": str(companies),
            **(extra_env or {}),
        }
        with (
            running_gateway(workdir, f"http://127.0.0.1:{rasa_port}", env) as gateway,
            running_rasa(workdir, rasa_port, gateway),
        ):
            create_staff(workdir, companies, email, company)
            yield gateway, twilio


def create_staff(
    workdir: Path, companies: Path, email: str, company: str, role: str = "caseworker"
) -> None:
    """A console account (`email`, PASSWORD) made with the console's own command."""
    created = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot.console",
            "create-user",
            email,
            "--name",
            email.split("@")[0].capitalize(),
            "--role",
            role,
            "--company",
            company,
        ],
        input=f"{PASSWORD}\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": f"sqlite:///{workdir / 'gateway.db'}",
            "HOUSING_COMPANIES_FILE": str(companies),
        },
    )
    assert created.returncode == 0, created.stderr


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    with console_stack(
        tmp_path_factory.mktemp("stack"), COMPANIES, "ana@a.example", "company-a"
    ) as running_stack:
        yield running_stack


def test_a_caseworker_takes_over_replies_and_hands_back(stack):
    gateway, twilio = stack
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert "service social" in " ".join(sms(gateway, "je veux parler à une personne"))

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        page = browser.new_page()
        refused = csp_refusals(page)  # the queue's refresh and the SMS counter are scripts
        sign_in(page, gateway, "ana@a.example", PASSWORD)

        row = page.locator("li[data-handoff]").first
        expect(row).to_contain_text("demande une personne")
        expect(row).to_contain_text("SMS")
        page.screenshot(path=str(SCREENSHOTS / "console-queue.png"), full_page=True)
        row.get_by_role("button", name="Prendre en charge").click()

        transcript = page.locator("#transcript")
        expect(transcript).to_contain_text("je veux parler à une personne")
        expect(transcript).to_contain_text("service social")  # the bot's answer, from Rasa
        page.get_by_label("Répondre au locataire").fill(
            "Bonjour, ici Ana. Je regarde votre dossier."
        )
        expect(page.locator("#counter")).to_contain_text("1 SMS")
        page.get_by_role("button", name="Envoyer").click()
        expect(transcript).to_contain_text("Bonjour, ici Ana.")
        page.screenshot(path=str(SCREENSHOTS / "console-conversation.png"), full_page=True)

        sent = [r.body for r in twilio.wait_for(2, "Messages.json", seconds=20)]
        assert sent[-1]["Body"] == "Bonjour, ici Ana. Je regarde votre dossier."
        assert sent[-1]["To"] == TENANT

        page.get_by_label("Motif de clôture").fill("réponse donnée")
        page.get_by_role("button", name="Clôturer").click()
        expect(page.locator("main")).to_contain_text("Personne n'attend.")
        browser.close()
    assert not refused, "\n".join(refused)

    back = [r.body["Body"] for r in twilio.wait_for(3, "Messages.json", seconds=20)]
    assert back[-1].startswith("L'assistant automatique est de retour")
    deadline = time.monotonic() + 20
    answer: list[str] = []
    while time.monotonic() < deadline:  # Rasa's resume is appended in the background
        answer = sms(gateway, "bonjour")
        if answer:
            break
        time.sleep(1)
    assert "assistant automatique" in " ".join(answer)
