"""Curators keep the activities directory in a real browser (Playwright, Debian's
chromium), against the real gateway, Rasa and action server (issue 23): a curator adds a
bilingual weekly activity in Forest with the schedule form, sees its next five sessions,
and the assistant proposes it to tenants right after, in French and in Dutch; an invalid
save shows the field's problem and stores nothing; a revert restores the previous
version; "confirmed today" moves a service out of the list to confirm; and a caseworker's
"this place was closed", pressed in a conversation where the assistant showed the place,
reaches the curator's list. axe-core checks the pages with no serious or critical
violation. Screenshots land in var/results/screenshots/curation-*.png."""

from __future__ import annotations

import re
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from tests.browser.a11y import blocking, describe, run_axe
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

CURATOR, REGIONAL, CASEWORKER = "cleo@a.example", "rita@a.example", "ana@a.example"
NAME_FR, NAME_NL = "Atelier cuisine du mardi (test)", "Kookatelier op dinsdag (test)"


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """The stack (its sample directory imported), Ana (caseworker), Cleo (curator) of
    company A and Rita (regional curator); the gateway's database."""
    workdir = tmp_path_factory.mktemp("curation")
    with console_stack(workdir, COMPANIES, CASEWORKER, "company-a") as (gateway, twilio):
        create_staff(workdir, COMPANIES, CURATOR, "company-a", role="curator")
        create_staff(workdir, COMPANIES, REGIONAL, "company-a", role="regional_curator")
        yield gateway, twilio, workdir / "gateway.db"


def sql(database: Path, statement: str, *params: object) -> list[tuple]:
    with sqlite3.connect(database) as connection:
        rows = connection.execute(statement, params).fetchall()
        connection.commit()
    return rows


def launch(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
    )


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"curation-{name}.png"), full_page=True)


def no_blocking_violation(page: Page, name: str) -> None:
    found = blocking(run_axe(page)["violations"])
    assert not found, describe(name, found)


def fill_activity(page: Page) -> None:
    """A bilingual weekly cooking workshop in Forest, every Tuesday 14:00-16:00."""
    page.get_by_label("Nom en français").fill(NAME_FR)
    page.get_by_label("Nom en néerlandais").fill(NAME_NL)
    page.get_by_label("Description en français").fill("On cuisine ensemble. On mange ensemble.")
    page.get_by_label("Description en néerlandais").fill("Samen koken. Samen eten.")
    page.get_by_label("Nom de l'organisation en français").fill("Casserole ASBL (test)")
    page.get_by_label("Nom de l'organisation en néerlandais").fill("Kookpot vzw (test)")
    page.get_by_label("Rue et numéro (français)").fill("Rue du Curé 12")
    page.get_by_label("Rue et numéro (néerlandais)").fill("Pastoorstraat 12")
    page.get_by_label("Code postal").fill("1190")
    page.get_by_label("Commune").select_option(label="Forest")
    page.get_by_label("Téléphone").fill("02 000 12 34")
    page.get_by_label("Cuisine", exact=True).check()
    page.get_by_label("Adultes").check()
    page.get_by_label("Quand revient-elle ?").select_option("weekly")
    page.get_by_label("mardi").check()
    page.get_by_label("Commence à").fill("14:00")
    page.get_by_label("Finit à").fill("16:00")


def test_a_curator_adds_an_activity_that_the_assistant_proposes_in_french_and_dutch(stack):
    gateway, _, database = stack
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page()
        refused = csp_refusals(page)
        sign_in(page, gateway, CURATOR, PASSWORD)
        expect(page).to_have_url(f"{gateway}/console/directory")
        page.get_by_role("link", name="Ajouter une activité").click()
        fill_activity(page)
        page.get_by_role("button", name="Voir les prochaines séances").click()
        sessions = page.locator("#sessions li")
        expect(sessions).to_have_count(5)
        expect(sessions.first).to_contain_text("mardi")
        expect(sessions.first).to_contain_text("14:00")
        days = [
            date.fromisoformat(moment[:10])
            for moment in sessions.locator("time").evaluate_all(
                "els => els.map(e => e.getAttribute('datetime'))"
            )
        ]
        assert all(b - a == timedelta(days=7) for a, b in zip(days, days[1:], strict=False))
        assert sql(database, "SELECT count(*) FROM hsds_service WHERE document LIKE ?", "%(test)%")[
            0
        ] == (0,)
        shot(page, "new-activity-preview")
        page.get_by_role("button", name="Enregistrer").click()
        expect(page.locator("p.notice")).to_contain_text("Activité ajoutée")
        shot(page, "new-activity-saved")
        no_blocking_violation(page, "directory-service")
        browser.close()
    assert not refused, "\n".join(refused)

    french = " ".join(sms(gateway, "je cherche un atelier cuisine à Forest", sender="+32470600001"))
    assert NAME_FR in french, french
    assert "Mardi" in french and "14h00" in french
    dutch = " ".join(sms(gateway, "ik zoek een kookatelier in Vorst", sender="+32470600002"))
    assert NAME_NL in dutch, dutch
    assert "Dinsdag" in dutch and "14.00" in dutch


def test_an_invalid_save_shows_the_field_problem_and_stores_nothing(stack):
    gateway, _, database = stack
    before = sql(database, "SELECT count(*) FROM hsds_service")[0][0]
    versions = sql(database, "SELECT count(*) FROM service_version")[0][0]
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page()
        sign_in(page, gateway, CURATOR, PASSWORD)
        page.goto(f"{gateway}/console/directory/new")
        fill_activity(page)
        page.get_by_label("Nom en français").fill("Activité refusée (test)")
        page.get_by_label("Code postal").fill("1000")  # Bruxelles, not Forest
        page.get_by_label("Finit à").fill("13:00")  # before it starts
        page.get_by_role("button", name="Enregistrer").click()
        expect(page.locator("#err-postcode")).to_contain_text("Ce code postal n'est pas à Forest.")
        expect(page.get_by_label("Code postal")).to_have_attribute("aria-invalid", "true")
        expect(page.locator("#err-closes_at")).to_be_visible()
        expect(page.locator("#form-problems")).to_contain_text("Rien n'est enregistré")
        expect(page.get_by_label("Nom en français")).to_have_value("Activité refusée (test)")
        shot(page, "invalid-save")
        no_blocking_violation(page, "directory-service-refused")
        browser.close()
    assert sql(database, "SELECT count(*) FROM hsds_service")[0][0] == before
    assert sql(database, "SELECT count(*) FROM service_version")[0][0] == versions


def test_a_revert_restores_the_previous_version(stack):
    gateway, _, database = stack
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page()
        sign_in(page, gateway, REGIONAL, PASSWORD)
        page.get_by_label("Chercher par nom").fill("Colibri")
        page.get_by_role("button", name="Chercher").click()
        page.locator("#services a").first.click()
        original = page.get_by_label("Nom en français").input_value()
        page.get_by_label("Nom en français").fill("Le Colibri déménage (test)")
        page.get_by_role("button", name="Enregistrer").click()
        expect(page.locator("p.notice")).to_contain_text("Activité enregistrée")
        expect(page.locator("#versions tbody tr")).to_have_count(2)  # imported, changed
        expect(page.locator("#versions tbody tr").first).to_contain_text("changée : nom")
        shot(page, "versions")
        page.locator("#versions tr[data-version='1']").get_by_role("button").click()
        expect(page.locator("p.notice")).to_contain_text("Version précédente remise")
        expect(page.get_by_label("Nom en français")).to_have_value(original)
        expect(page.locator("#versions tbody tr")).to_have_count(3)
        shot(page, "reverted")
        browser.close()
    found = sql(database, "SELECT count(*) FROM hsds_service WHERE document LIKE ?", "%déménage%")
    assert found == [(0,)]


def test_confirmed_today_moves_a_service_out_of_the_stale_list(stack):
    gateway, _, _ = stack
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page()
        sign_in(page, gateway, REGIONAL, PASSWORD)
        stale = page.locator("#stale tbody tr")
        expect(stale.first).to_be_visible()  # the sample directory holds stale services
        count = stale.count()
        first = stale.first
        service_id = first.get_attribute("data-service")
        name = first.locator("a").inner_text()
        shot(page, "stale-list")
        first.get_by_role("button", name=re.compile("Confirmée aujourd'hui")).click()
        expect(page.locator("p.notice")).to_contain_text("Activité confirmée aujourd'hui")
        expect(page.locator("#assured")).to_have_text(date.today().isoformat())
        page.get_by_role("link", name="Activités pour les locataires").first.click()
        expect(page.locator("#stale tbody tr")).to_have_count(count - 1)
        expect(page.locator(f"#stale tr[data-service='{service_id}']")).to_have_count(0)
        assert name
        browser.close()


def test_a_caseworker_s_closed_place_report_appears_in_the_curator_s_list(stack):
    gateway, _, _ = stack
    tenant = "+32470600003"
    shown = " ".join(sms(gateway, "je cherche un atelier cuisine à Forest", sender=tenant))
    assert NAME_FR in shown, shown
    assert "service social" in " ".join(
        sms(gateway, "je veux parler à une personne", sender=tenant)
    )
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page()
        sign_in(page, gateway, CASEWORKER, PASSWORD)
        page.locator("li[data-handoff] a[id^='open-']").first.click()
        places = page.locator("#closed-places")
        expect(places).to_contain_text(NAME_FR)
        places.get_by_role("button", name=f"Ce lieu était fermé : {NAME_FR}").click()
        expect(page.locator("#closed-places")).to_contain_text("signalé aux curateurs")
        shot(page, "closed-place-reported")

        curator = browser.new_context().new_page()
        sign_in(curator, gateway, CURATOR, PASSWORD)
        reported = curator.locator("section[aria-labelledby='reported-title']")
        expect(reported).to_contain_text(NAME_FR)
        expect(reported).to_contain_text("signalé fermé")
        shot(curator, "closed-place-in-list")
        no_blocking_violation(curator, "directory")
        browser.close()
