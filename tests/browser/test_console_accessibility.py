"""The console for people who use a screen reader or the keyboard only (issue 18): axe-core
(tests/browser/a11y.py) on every console page in Debian's chromium, no violation of impact
"serious" or "critical" allowed; and a caseworker who uses no mouse gets from the login page
to a reply sent to the tenant with Tab, Shift+Tab, Enter and typing alone, the skip link
("Aller au contenu") keeping the way to the queue short.

A real gateway process without Rasa, as the security tests run it (tests/security): the
tenants write by SMS and their requests for a person are opened directly. Every page of
PAGES (tests/security/console_routes.py) is checked but the ones that are not HTML pages:
/console/signals.csv (CSV), /console/alerts (JSON) and /console/handoffs/{id}/entries (a
fragment the conversation page inserts in itself; its parts are checked there: the
transcript entries and the undelivered messages' alert). The search's answer to a phone
number (POST /console/conversations/by-number) is the search page again, checked as such;
the keyboard shortcuts' list ("?") is checked open. The queue and a conversation at 320 CSS
pixels wide must not scroll sideways, and the keyboard path's focus must show.
A screenshot of each page lands in var/results/screenshots/a11y-<name>.png, the page titles
and axe's findings (every impact, and what it could not decide) in var/results/a11y.json."""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import Page, expect, sync_playwright

from bot.devtools.gateway_process import GatewayProcess, running_gateway_process
from bot.devtools.loopback import FakeTwilio, running
from bot.devtools.processes import ROOT
from tests.browser.a11y import blocking, describe, run_axe
from tests.browser.console_login import APPS, code_for, sign_in
from tests.conftest import PUBLIC_URL
from tests.security.console_client import ConsoleClient, create_staff, sql
from tests.security.console_routes import PAGES
from tests.security.tenants import failed_message, open_conversation

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
RESULTS = ROOT / "var" / "results"
SCREENSHOTS = RESULTS / "screenshots"
PASSWORD = "a long and honest passphrase"
CASEWORKER = "ana@a11y.example"
COLLEAGUE = "bo@a11y.example"
ADMIN = "adm@a11y.example"
COORDINATOR = "coo@a11y.example"
KEYBOARD_USER = "kim@a11y.example"
CURATOR = "cur@a11y.example"
MAX_TABS_TO_QUEUE = 15
# PAGES that are not HTML pages (see above)
NOT_PAGES = {
    "/console/signals.csv",
    "/console/alerts",
    "/console/handoffs/{handoff_id}/entries",
    "/console/directory/export.json",
    "/console/directory/export.zip",
}
# the focused element is outlined (WCAG 2.4.7): console.css's :focus-visible
VISIBLE_FOCUS = "getComputedStyle(el).outlineStyle !== 'none' && el.matches(':focus-visible')"


def company_of(gateway: GatewayProcess, handoff_id: int) -> str:
    return str(sql(gateway, "SELECT company_id FROM handoff WHERE id = ?", handoff_id)[0][0])


@pytest.fixture(scope="module")
def console(tmp_path_factory):
    """The gateway (its Twilio a loopback one), two tenants' requests for a person (one for
    the caseworker to claim, one left waiting), a message to the first one that was never
    delivered, a canned reply, and the accounts (PASSWORD; none has signed in yet)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (the CI script does)")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with running(FakeTwilio()) as twilio:
        env = {"PUBLIC_URL": PUBLIC_URL, "TWILIO_API_URL": twilio.url}
        with running_gateway_process(tmp_path_factory.mktemp("a11y"), extra_env=env) as gateway:
            claimed = open_conversation(gateway, "+32470123401")
            waiting = open_conversation(gateway, "+32470123402")
            company = company_of(gateway, claimed)
            for email, role in (
                (CASEWORKER, "caseworker"),
                (COLLEAGUE, "caseworker"),
                (ADMIN, "admin"),
                (COORDINATOR, "coordinator"),
                (KEYBOARD_USER, "caseworker"),
                (CURATOR, "regional_curator"),
            ):
                create_staff(gateway, email, role, company, password=PASSWORD)
            # the canned reply, written by an admin of the HTTP client's own
            create_staff(gateway, "canned@a11y.example", "admin", company)
            writer = ConsoleClient(gateway.url)
            writer.login("canned@a11y.example")
            canned = {
                "language": "fr",
                "title": "Horaires",
                "text": "Nous sommes ouverts le matin.",
            }
            assert writer.post("/console/canned", canned).status_code == 303
            failed_message(gateway, claimed)
            yield gateway, twilio, {"claimed": claimed, "waiting": waiting}


class Audit:
    """axe on each page the test opens: a screenshot, the findings kept by page."""

    def __init__(self) -> None:
        self.found: dict[str, list[dict]] = {}
        self.undecided: dict[str, list[dict]] = {}
        self.titles: dict[str, str] = {}
        self.routes: set[str] = set()

    def check(self, page: Page, name: str) -> None:
        page.wait_for_load_state("load")
        page.screenshot(path=str(SCREENSHOTS / f"a11y-{name}.png"), full_page=True)
        self.titles[name] = page.title()
        path = re.sub(r"^https?://[^/]+|[?#].*$", "", page.url)
        path = re.sub(r"/handoffs/\d+", "/handoffs/{handoff_id}", path)
        self.routes.add(re.sub(r"/services/[0-9a-f-]{36}", "/services/{service_id}", path))
        results = run_axe(page)
        self.found[name], self.undecided[name] = results["violations"], results["incomplete"]

    def report(self) -> str:
        """The blocking violations, one per line; every finding written to a11y.json."""
        everything = {"titles": self.titles, "violations": self.found, "incomplete": self.undecided}
        (RESULTS / "a11y.json").write_text(json.dumps(everything, indent=1, ensure_ascii=False))
        return "\n".join(
            describe(name, blocking(found)) for name, found in self.found.items() if blocking(found)
        )


def test_every_console_page_has_no_serious_or_critical_axe_violation(console):
    gateway, _, handoffs = console
    claimed, waiting = handoffs["claimed"], handoffs["waiting"]
    audit = Audit()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        page = browser.new_context().new_page()
        page.goto(f"{gateway.url}/console/login?lang=nl")
        audit.check(page, "login-nl")
        page.goto(f"{gateway.url}/console/login?lang=fr")
        audit.check(page, "login")

        # the caseworker's first login: the second factor's enrolment, the recovery codes
        page.get_by_label("Adresse e-mail").fill(CASEWORKER)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        expect(page).to_have_url(f"{gateway.url}/console/second-factor/setup")
        expect(page.locator(".qr svg")).to_be_visible()
        audit.check(page, "second-factor-setup")
        APPS[CASEWORKER] = pyotp.TOTP(page.locator("#totp-secret").inner_text())
        page.get_by_label("Code à 6 chiffres").fill(code_for(CASEWORKER))
        page.get_by_role("button", name="Confirmer").click()
        expect(page.locator(".recovery-code")).to_have_count(10)
        audit.check(page, "recovery-codes")
        page.get_by_role("link", name="Continuer").click()

        # the queue, a claimed conversation with a reply, a note and an undelivered message
        expect(page.locator(f"li[data-handoff='{claimed}']")).to_be_visible()
        audit.check(page, "queue")
        assert reflows(page, "a11y-queue-320.png"), "the queue needs a wide screen"
        page.locator(f"#claim-{claimed}").click()
        expect(page).to_have_url(f"{gateway.url}/console/handoffs/{claimed}")
        page.get_by_label("Répondre au locataire").fill("Bonjour, ici Ana.")
        page.get_by_role("button", name="Envoyer", exact=True).click()
        expect(page.locator("#transcript")).to_contain_text("Bonjour, ici Ana.")
        page.locator("#note").fill("Rappeler demain.")
        page.locator("form[action$='/note'] button").click()
        expect(page.locator("#transcript")).to_contain_text("Rappeler demain.")
        expect(page.locator("#undelivered")).to_be_visible()
        audit.check(page, "conversation")
        assert reflows(page, "a11y-conversation-320.png"), "the conversation needs a wide screen"

        page.goto(f"{gateway.url}/console/account/password")
        audit.check(page, "account")

        # the error page: the conversation passed to a colleague while the reply was typed
        page.goto(f"{gateway.url}/console/handoffs/{claimed}")
        sql(
            gateway,
            "UPDATE handoff SET claimed_by = (SELECT id FROM staff_user WHERE email = ?)"
            " WHERE id = ?",
            COLLEAGUE,
            claimed,
        )
        page.get_by_label("Répondre au locataire").fill("Une réponse qui arrive trop tard.")
        page.get_by_role("button", name="Envoyer", exact=True).click()
        expect(page.locator("#kept")).to_have_value("Une réponse qui arrive trop tard.")
        audit.check(page, "error")

        # an admin: the queue (with its assignment forms), the canned replies, the accounts,
        # the labels (one made here), the search, a conversation still waiting
        admin = browser.new_context().new_page()
        sign_in(admin, gateway.url, ADMIN, PASSWORD)
        admin.goto(f"{gateway.url}/console/labels")
        admin.locator("#label-name").fill("Loyer")
        admin.locator("form[action='/console/labels'] button").click()
        expect(admin.locator("main")).to_contain_text("Loyer")
        for name, path in (
            ("queue-admin", "/console/"),
            ("canned", "/console/canned"),
            ("staff", "/console/staff"),
            ("labels", "/console/labels"),
            ("conversations", "/console/conversations"),
            ("conversation-waiting", f"/console/handoffs/{waiting}"),
        ):
            admin.goto(f"{gateway.url}{path}")
            audit.check(admin, name)
        if admin.locator("dialog#shortcuts").count():  # the keyboard shortcuts' list, "?"
            admin.locator("main").focus()
            admin.keyboard.press("?")
            expect(admin.locator("dialog#shortcuts")).to_be_visible()
            audit.check(admin, "shortcuts")

        # a coordinator: the signals
        coordinator = browser.new_context().new_page()
        sign_in(coordinator, gateway.url, COORDINATOR, PASSWORD)
        coordinator.goto(f"{gateway.url}/console/signals")
        expect(coordinator.locator("table").first).to_be_visible()
        audit.check(coordinator, "signals")

        # a curator of the activities: the list, a service, its form refused, a new one,
        # the import and export page
        curator = browser.new_context().new_page()
        sign_in(curator, gateway.url, CURATOR, PASSWORD)
        expect(curator).to_have_url(f"{gateway.url}/console/directory")
        audit.check(curator, "directory")
        curator.locator("#services a").first.click()
        expect(curator.locator("#service-form")).to_be_visible()
        audit.check(curator, "directory-service")
        curator.locator("#f-postcode").fill("1300")
        curator.locator("#save").click()
        expect(curator.locator("#err-postcode")).to_be_visible()
        audit.check(curator, "directory-service-refused")
        curator.goto(f"{gateway.url}/console/directory/new")
        audit.check(curator, "directory-new")
        curator.goto(f"{gateway.url}/console/directory/transfer")
        audit.check(curator, "directory-transfer")

        # the caseworker's next login: the code of the second factor
        again = browser.new_context().new_page()
        again.goto(f"{gateway.url}/console/login")
        again.get_by_label("Adresse e-mail").fill(CASEWORKER)
        again.get_by_label("Mot de passe").fill(PASSWORD)
        again.get_by_role("button", name="Se connecter").click()
        expect(again).to_have_url(f"{gateway.url}/console/login/second-factor")
        audit.check(again, "second-factor")
        browser.close()

    assert not set(PAGES) - NOT_PAGES - audit.routes, "console pages left unchecked"
    problems = audit.report()
    for name, found in audit.found.items():  # the minor and moderate ones, for the record
        lesser = [v for v in found if v not in blocking(found)]
        if lesser:
            print(describe(name, lesser))
    assert not problems, "serious or critical accessibility violations:\n" + problems
    # each page says which it is in its title (what a screen reader reads first, the tab)
    untitled = [name for name, title in audit.titles.items() if " – " not in title]
    assert not untitled, f"pages titled with the console's name alone: {untitled}"


def reflows(page: Page, screenshot: str) -> bool:
    """At 320 CSS pixels wide (a phone, or 400 % zoom: WCAG 1.4.10), the page needs no
    scrolling sideways."""
    size = page.viewport_size
    page.set_viewport_size({"width": 320, "height": 640})
    page.screenshot(path=str(SCREENSHOTS / screenshot), full_page=True)
    fits = bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))
    if size:
        page.set_viewport_size(size)
    return fits


def focused(page: Page, test: str) -> bool:
    """Whether the focused element `el` passes the JavaScript `test`."""
    return bool(
        page.evaluate(
            f"(() => {{ const el = document.activeElement; return !!el && ({test}); }})()"
        )
    )


def tab_until(page: Page, test: str, limit: int = 40) -> int:
    """Tab presses until the focused element passes `test`; how many."""
    for count in range(1, limit + 1):
        page.keyboard.press("Tab")
        if focused(page, test):
            return count
    raise AssertionError(f"{limit} Tab presses and still not there: {test}")


def skip_to_content(page: Page) -> int:
    """The first Tab reaches the skip link; Enter moves to the page's main content."""
    page.keyboard.press("Tab")
    assert focused(page, "el.classList.contains('skip')"), "the skip link is not first"
    assert focused(page, "el.textContent.trim() === 'Aller au contenu'")
    page.keyboard.press("Enter")
    assert focused(page, "el.id === 'main'"), "the skip link did not move the focus"
    return 1


def test_the_keyboard_alone_goes_from_the_login_to_a_sent_reply(console):
    gateway, twilio, _ = console
    handoff = open_conversation(gateway, "+32470123403")
    text = "Bonjour, ici Kim. Je lis votre message."
    sent: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        page = browser.new_page()
        keys = page.keyboard
        page.goto(f"{gateway.url}/console/login")
        assert focused(page, "el.id === 'email'")  # autofocus
        keys.type(KEYBOARD_USER)
        keys.press("Tab")
        assert focused(page, "el.id === 'password'")
        keys.type(PASSWORD)
        keys.press("Enter")

        # first login: the key as the authenticator app reads it, its code typed
        page.wait_for_url("**/console/second-factor/setup")
        APPS[KEYBOARD_USER] = pyotp.TOTP(page.locator("#totp-secret").inner_text())
        assert focused(page, "el.id === 'code'")  # autofocus
        keys.type(code_for(KEYBOARD_USER))
        keys.press("Enter")
        page.wait_for_url("**/console/second-factor/recovery-codes")
        tabs = skip_to_content(page)
        tabs += tab_until(page, "el.textContent.trim() === 'Continuer'")
        keys.press("Enter")

        # the queue: past the skip link to the first request, then to this one's claim button
        page.wait_for_url(f"{gateway.url}/console/")
        to_queue = skip_to_content(page)
        to_queue += tab_until(
            page, "el.closest('li.request') === document.querySelector('li.request')"
        )
        assert to_queue < MAX_TABS_TO_QUEUE, f"{to_queue} Tab presses to the queue's first request"
        tabs += to_queue + tab_until(page, f"el.id === 'claim-{handoff}'")
        assert focused(page, VISIBLE_FOCUS), "the focused claim button does not show it"
        keys.press("Enter")

        # the conversation: to the reply box, the text, to "Envoyer"
        page.wait_for_url(f"{gateway.url}/console/handoffs/{handoff}")
        tabs += skip_to_content(page)
        tabs += tab_until(page, "el.id === 'reply'")
        assert focused(page, VISIBLE_FOCUS), "the focused reply box does not show it"
        keys.type(text)
        tabs += tab_until(page, "el.matches('form[action$=\"/reply\"] button[type=submit]')")
        assert focused(page, VISIBLE_FOCUS), "the focused send button does not show it"
        keys.press("Enter")
        expect(page.locator("#transcript")).to_contain_text(text)
        page.screenshot(path=str(SCREENSHOTS / "a11y-keyboard-reply.png"), full_page=True)
        browser.close()
    print(f"keyboard path: {tabs} Tab presses in all, {to_queue} to the queue's first request")

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:  # the outbox sends it to the (loopback) Twilio
        sent = [r.body.get("Body", "") for r in twilio.requests if "Messages.json" in r.path]
        if text in sent:
            break
        time.sleep(0.5)
    assert text in sent
