"""The second factor in a real browser (Playwright driving Debian's chromium), as a new
caseworker meets it: the password, the enrolment page with its QR code (pyotp plays the
authenticator app, reading the key shown under the code), the code typed, the 10 recovery
codes shown once, the console; then signing out and in again, with a code. A wrong code
is refused with a message. The screenshots are kept in var/results/screenshots/
(second-factor-enrolment.png, second-factor-recovery-codes.png, second-factor-code.png)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from bot.devtools.gateway_process import running_gateway
from tests.browser.console_login import code_for, sign_in
from tests.browser.csp import csp_refusals
from tests.browser.test_console_browser import CHROMIUM, COMPANIES, PASSWORD, SCREENSHOTS
from tests.browser.test_signals_browser import run


@pytest.fixture(scope="module")
def gateway(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (the CI script does)")
    workdir = tmp_path_factory.mktemp("second-factor")
    with running_gateway(workdir, extra_env={"HOUSING_COMPANIES_FILE": str(COMPANIES)}) as url:
        run(
            workdir,
            "bot.console",
            "create-user",
            "nora@a.example",
            "--name",
            "Nora",
            "--role",
            "caseworker",
            "--company",
            "company-a",
            stdin=f"{PASSWORD}\n",
        )
        yield url


def test_a_caseworker_enrols_a_second_factor_and_signs_in_with_it(gateway):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        page = browser.new_page(viewport={"width": 1024, "height": 900})
        refused = csp_refusals(page)  # the QR code is an inline SVG image
        sign_in(page, gateway, "nora@a.example", PASSWORD, str(SCREENSHOTS / "second-factor"))
        expect(page.locator("header")).to_contain_text(
            "Nora (assistant·e social·e, Test company A)"
        )
        expect(page.get_by_role("heading", name="File d'attente")).to_be_visible()

        page.get_by_role("button", name="Se déconnecter").click()
        page.get_by_label("Adresse e-mail").fill("nora@a.example")
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        expect(page).to_have_url(f"{gateway}/console/login/second-factor")
        expect(page.locator("header")).not_to_contain_text("Nora")  # not signed in yet
        page.get_by_label("Code à 6 chiffres").fill("123456")
        page.get_by_role("button", name="Confirmer").click()
        expect(page.get_by_role("alert")).to_contain_text("Ce code n'est pas bon")
        page.get_by_label("Code à 6 chiffres").fill(code_for("nora@a.example"))
        page.screenshot(path=str(SCREENSHOTS / "second-factor-code.png"), full_page=True)
        page.get_by_role("button", name="Confirmer").click()
        expect(page.locator("header")).to_contain_text(
            "Nora (assistant·e social·e, Test company A)"
        )
        browser.close()
    assert not refused, "\n".join(refused)
