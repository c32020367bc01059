"""Signing in to the console in the browser as a staff member does: the password, then the
second factor — at the first login the enrolment page (the QR code, or the key typed into
the authenticator app: here pyotp plays the app), the 10 recovery codes, "Continuer"."""

from __future__ import annotations

import time

import pyotp
from playwright.sync_api import Page, expect

# what each account's "authenticator app" holds, and the last 30-second step it typed
APPS: dict[str, pyotp.TOTP] = {}
_LAST_STEP: dict[str, int] = {}


def code_for(email: str) -> str:
    """The app's current code, waiting for the next one when this one was just used."""
    app = APPS[email]
    while int(time.time() // app.interval) <= _LAST_STEP.get(email, -1):
        time.sleep(1)
    _LAST_STEP[email] = int(time.time() // app.interval)
    return app.now()


def sign_in(page: Page, gateway: str, email: str, password: str, screenshots: str = "") -> None:
    """To the staff member's home page; with `screenshots`, the enrolment's pages are kept
    under that prefix."""
    page.goto(f"{gateway}/console/login")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    if "/second-factor/setup" in page.url:
        expect(page.locator(".qr svg")).to_be_visible()
        APPS[email] = pyotp.TOTP(page.locator("#totp-secret").inner_text())
        if screenshots:
            page.screenshot(path=f"{screenshots}-enrolment.png", full_page=True)
        page.get_by_label("Code à 6 chiffres").fill(code_for(email))
        page.get_by_role("button", name="Confirmer").click()
        expect(page.locator(".recovery-code")).to_have_count(10)
        if screenshots:
            page.screenshot(path=f"{screenshots}-recovery-codes.png", full_page=True)
        page.get_by_role("link", name="Continuer").click()
    else:
        page.get_by_label("Code à 6 chiffres").fill(code_for(email))
        page.get_by_role("button", name="Confirmer").click()
