"""The officer's pages at 390 px and on paper, in a real browser (issue 12): no page
scrolls sideways at 390 px, no region scrolls sideways without being focusable, and the
print view hides navigation and forms and shows VERTROUWELIJK. Screenshots 29-35 go to
``artifacts/screenshots/``. Uses the browser fixtures of :mod:`test_browser`."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

# the browser fixtures (and the module-level skip when Chromium is missing)
from .test_browser import Site, log_in, shot
from .test_browser import chromium as chromium
from .test_browser import page as page
from .test_browser import site as site

pytestmark = pytest.mark.e2e

# Elements that scroll sideways but cannot be reached by keyboard (axe
# scrollable-region-focusable): a keyboard user could not read what is cut off.
_UNREACHABLE_SCROLLERS = """() => [...document.querySelectorAll('body *')].filter(e => {
  const s = getComputedStyle(e);
  return e.scrollWidth > e.clientWidth + 1 && /auto|scroll/.test(s.overflowX)
    && e.tabIndex < 0 && !e.querySelector('a, button, input, select, textarea, summary');
}).map(e => e.tagName + '.' + e.className)"""


# A person, an address and a business: every kind of table, Bibob facts included.
_SIGNAL = {
    "Persoon 1: BSN": "999970057",
    "Postcode (adres 1)": "1621JH",
    "Huisnummer (adres 1)": "88",
    "KvK-nummer (bedrijf 1)": "97000011",
}


def _enrich(page: Page) -> str:
    """Enrich the signal; the page stays on the finished job, whose address is returned."""
    page.goto("/signalen/nieuw")
    page.get_by_label("arbeidsuitbuiting").check()
    page.get_by_label("Doel (verwerkingsactiviteit)").select_option("VA-MH-01")
    for label, text in _SIGNAL.items():
        page.get_by_label(label).fill(text)
    page.get_by_role("button", name="Verrijken", exact=True).click()
    expect(page.get_by_role("link", name="Dossier openen")).to_be_visible(timeout=30_000)
    return page.url


def _open_dossier(page: Page) -> str:
    page.get_by_role("link", name="Dossier openen").click()
    expect(page.get_by_role("heading", name="Opgeplust dossier")).to_be_visible()
    return page.url


def _fits_390(page: Page, name: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.evaluate(_UNREACHABLE_SCROLLERS) == [], page.url
    shot(page, f"{name}-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{page.url} is {width} px wide at 390 px"
    assert page.evaluate(_UNREACHABLE_SCROLLERS) == [], page.url
    shot(page, f"{name}-390")


def test_the_officers_pages_fit_390_px(site: Site, page: Page) -> None:
    site.heal()
    log_in(page, "af-hoorn")
    _enrich(page)
    _fits_390(page, "29-verrijking")
    dossier_url = _open_dossier(page)
    _fits_390(page, "30-dossier")
    page.goto("/signalen")
    _fits_390(page, "31-signalen")
    page.goto("/signalen/nieuw")
    _fits_390(page, "32-signaalformulier")
    page.goto(dossier_url + "/doorsturen")
    _fits_390(page, "33-doorsturen")
    page.get_by_role("link", name=re.compile("^Voorbeeld bekijken")).first.click()
    expect(page.get_by_role("heading", name=re.compile("^Voorbeeld"))).to_be_visible()
    _fits_390(page, "34-doorsturen-voorbeeld")


def test_the_print_view_on_paper(site: Site, page: Page) -> None:
    site.heal()
    log_in(page, "af-hoorn")
    _enrich(page)
    dossier_url = _open_dossier(page)
    page.goto(dossier_url + "/afdrukken")
    page.emulate_media(media="print")
    expect(page.get_by_text("VERTROUWELIJK", exact=True)).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Afgedrukt door Demo af-hoorn op"))).to_be_visible()
    expect(page.get_by_text("Bibob — vertrouwelijk").first).to_be_visible()
    for hidden in ("nav", "form", "button", ".kop"):
        shown = page.locator(hidden).evaluate_all(
            "els => els.filter(e => e.checkVisibility()).length"
        )
        assert shown == 0, hidden
    shot(page, "35-afdruk")
    # printing the working page from the browser carries the same mark
    page.goto(dossier_url)
    expect(page.get_by_text("VERTROUWELIJK", exact=True)).to_be_visible()
    page.emulate_media(media="screen")
    expect(page.get_by_text("VERTROUWELIJK", exact=True)).to_be_hidden()


def test_another_row_keeps_the_focus_and_a_row_can_go(site: Site, page: Page) -> None:
    log_in(page, "af-hoorn")
    page.goto("/signalen/nieuw")
    page.get_by_label("Persoon 1: BSN").fill("999970057")
    page.get_by_role("button", name="Nog een persoon").click()
    expect(page.get_by_label("Persoon 3: BSN")).to_be_focused()
    page.keyboard.type("999993653")
    page.get_by_role("button", name="Persoon 1 verwijderen").click()
    expect(page.get_by_label("Persoon 1: BSN")).to_have_value("")
    expect(page.get_by_label("Persoon 2: BSN")).to_have_value("999993653")
    expect(page.get_by_label("Persoon 1: BSN")).to_be_focused()
    expect(page.get_by_label("Persoon 3: BSN")).to_have_count(0)
