"""A coordinator in a real browser (Playwright driving Debian's chromium): the real gateway
with SAMPLE signals (`python -m bot.signals seed-sample`), a coordinator account made with
`python -m bot.console create-user`, the signals page with its SVG trend charts and "<5"
cells, on a desktop and on a phone-sized screen, and the CSV export. The screenshots are
kept in var/results/screenshots/ (coordinator-signals.png, coordinator-signals-small.png)."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from bot.devtools.gateway_process import running_gateway
from bot.devtools.processes import ROOT
from tests.browser.console_login import sign_in
from tests.browser.csp import csp_refusals
from tests.browser.test_console_browser import CHROMIUM, COMPANIES, PASSWORD, SCREENSHOTS


def run(workdir: Path, *args: str, stdin: str = "") -> str:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "HOUSING_COMPANIES_FILE": str(COMPANIES),
        "DATABASE_URL": f"sqlite:///{workdir / 'gateway.db'}",
    }
    done = subprocess.run(
        [sys.executable, "-m", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def gateway(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (the CI script does)")
    workdir = tmp_path_factory.mktemp("signals")
    with running_gateway(workdir, extra_env={"HOUSING_COMPANIES_FILE": str(COMPANIES)}) as url:
        assert "SAMPLE" in run(workdir, "bot.signals", "seed-sample", "--company", "company-a")
        run(workdir, "bot.signals", "seed-sample", "--company", "company-b")
        run(
            workdir,
            "bot.console",
            "create-user",
            "cora@a.example",
            "--name",
            "Cora",
            "--role",
            "coordinator",
            "--company",
            "company-a",
            stdin=f"{PASSWORD}\n",
        )
        yield url


def test_a_coordinator_reads_the_signals_charts_and_exports_the_csv(gateway, tmp_path):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        refused = csp_refusals(page)  # the charts' own styles are allowed by their hashes
        sign_in(page, gateway, "cora@a.example", PASSWORD)

        # A coordinator's home is the signals page; the queue is not for them.
        expect(page).to_have_url(re.compile(r"/console/signals$"))
        expect(page.get_by_role("heading", name="Signaux")).to_be_visible()
        expect(page.locator("header")).not_to_contain_text("File d'attente")

        charts = page.locator("#charts svg[role=img]")
        expect(charts).to_have_count(5)
        for index in range(5):
            expect(charts.nth(index)).to_be_visible()
            assert charts.nth(index).bounding_box()["height"] > 150
        overview = charts.first
        assert overview.get_attribute("aria-label").startswith("Conversations")
        expect(overview.locator(".legends")).to_contain_text("Conversations")
        # The overview's line is the table's row: every week's count is a point of the chart.
        counts = page.locator('table[data-table="conversations"] tbody tr').first.locator("td")
        expect(counts).to_have_count(12)
        weekly = [int(text) for text in counts.all_inner_texts()]
        assert all(count >= 20 for count in weekly)  # the sample's 20 to 45 a week
        drawn = overview.locator(".series.serie-0 desc.value").all_text_contents()
        assert [int(value) for value in drawn] == weekly
        expect(overview.locator(".series.serie-0 .dot")).to_have_count(12)

        # Small cells show "<5", never a number; Jette is small in the sample every week.
        jette = page.locator('table[data-table="commune"] tr', has_text="Jette")
        expect(jette.locator("td")).to_have_count(12)
        assert set(jette.locator("td").all_inner_texts()) == {"<5"}
        assert page.locator("td.hidden", has_text="<5").count() > 12
        expect(page.locator("#legend")).to_contain_text("moins de 5 conversations")
        page.screenshot(path=str(SCREENSHOTS / "coordinator-signals.png"), full_page=True)

        with page.expect_download() as download:
            page.get_by_role("link", name="Télécharger le tableau (CSV)").click()
        saved = tmp_path / "signals.csv"
        download.value.save_as(saved)
        with saved.open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        jette_rows = [r for r in rows if r["section"] == "commune" and r["item"] == "jette"]
        assert len(jette_rows) == 12 and {r["conversations"] for r in jette_rows} == {"<5"}
        assert not {r["conversations"] for r in rows} & {"0", "1", "2", "3", "4"}

        # On a phone the page does not scroll sideways: wide tables scroll in their own box.
        page.set_viewport_size({"width": 390, "height": 844})
        page.reload()
        expect(charts.first).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert charts.first.bounding_box()["width"] <= 390
        page.screenshot(path=str(SCREENSHOTS / "coordinator-signals-small.png"), full_page=True)
        browser.close()
    assert not refused, "\n".join(refused)
    print(
        f"screenshots: {SCREENSHOTS / 'coordinator-signals.png'}, "
        f"{SCREENSHOTS / 'coordinator-signals-small.png'}"
    )
