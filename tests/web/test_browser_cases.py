"""The case around a signal in a real browser, at 1280 and at 390 px: an officer of
Hoorn enriches a signal, closes the case without a reason (the error is at the field,
focusable from the summary), assigns and notes, and finds the signal in the list by
its status. Screenshots 20-23 go to ``artifacts/screenshots/``. Uses the browser
fixtures of :mod:`test_browser`."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

# the browser fixtures (and the module-level skip when Chromium is missing)
from .test_browser import Site, log_in, shot
from .test_browser import chromium as chromium
from .test_browser import page as page
from .test_browser import site as site

pytestmark = pytest.mark.e2e


def _enrich_hoorn(page: Page) -> None:
    page.goto("/signalen/nieuw")
    page.get_by_label("arbeidsuitbuiting").check()
    page.get_by_label("Doel (verwerkingsactiviteit)").select_option("VA-MH-01")
    page.get_by_label("Persoon 1: BSN").fill("999970057")
    page.get_by_role("button", name="Verrijken", exact=True).click()
    page.get_by_role("link", name="Dossier openen").click(timeout=30_000)
    expect(page.get_by_role("heading", name="Opgeplust dossier")).to_be_visible()


def _no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide at 390 px"


def test_the_case_block_and_the_signal_list(site: Site, page: Page) -> None:
    site.heal()
    log_in(page, "af-hoorn")
    _enrich_hoorn(page)
    case = page.locator("#zaak")
    expect(case).to_contain_text("nieuw")
    expect(case).to_contain_text("niemand")

    case.locator("summary").click()  # opens "Status wijzigen"
    case.get_by_label("Status", exact=True).select_option("afgesloten")
    case.get_by_role("button", name="Status wijzigen").click()
    summary = page.get_by_role("alert").filter(has_text="Niet opgeslagen")
    expect(summary).to_contain_text("Reden van afsluiten: vul dit veld in")
    expect(page.get_by_label("Reden van afsluiten")).to_have_attribute("aria-invalid", "true")
    summary.get_by_role("link").click()
    expect(page.get_by_label("Reden van afsluiten")).to_be_focused()
    shot(page, "20-zaak-fout", full=False)

    page.get_by_label("Status", exact=True).select_option("in_behandeling")
    page.get_by_label("Toegewezen aan").select_option("af-hoorn")
    page.get_by_label("Reden van afsluiten").fill("")
    page.get_by_role("button", name="Status wijzigen").click()
    expect(case.locator("dl")).to_contain_text("in behandeling")
    page.get_by_label("Soort").select_option("beoordeling")
    page.get_by_label("Notitie", exact=True).fill("Melder nogmaals gebeld; zorgen blijven.")
    page.get_by_role("button", name="Notitie toevoegen").click()
    expect(case.locator("ol.notities")).to_contain_text("zorgen blijven")
    expect(case.locator("ol.notities")).to_contain_text("aandachtsfunctionaris af-hoorn")
    shot(page, "21-zaak")

    page.get_by_role("link", name="Signalen", exact=True).click()
    page.get_by_label("Status", exact=True).select_option("in_behandeling")
    page.get_by_role("button", name="Zoeken").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody")).to_contain_text("in behandeling")
    shot(page, "22-signalen")

    page.set_viewport_size({"width": 390, "height": 844})
    _no_sideways_scroll(page)
    shot(page, "23-signalen-390")
    page.locator("tbody a").first.click()
    expect(page.locator("#zaak")).to_be_visible()
    box = page.locator("#zaak").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
