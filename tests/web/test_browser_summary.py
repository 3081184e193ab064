"""The summary at the top of the dossier in a real browser: the actions are there
before the details, "Afdrukken" opens the logged print view and its dialog, and the
summary does not make the page scroll sideways at 390 px. Screenshots 30-31 go to
``artifacts/screenshots/``. Uses the browser fixtures of :mod:`test_browser`."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .test_browser import Site, log_in, shot
from .test_browser import chromium as chromium
from .test_browser import page as page
from .test_browser import site as site
from .test_browser_cases import _enrich_hoorn

pytestmark = pytest.mark.e2e


def test_the_summary_with_its_actions_at_the_top(site: Site, page: Page) -> None:
    site.heal()
    log_in(page, "af-hoorn")
    _enrich_hoorn(page)
    summary = page.locator("section.samenvatting")
    expect(summary.get_by_role("heading", name="Samenvatting")).to_be_visible()
    expect(summary).to_contain_text("Katarzyna Wiśniewska")
    # the actions are on the first screen, not 10,000 px down
    forward = summary.get_by_role("link", name="Doorsturen")
    top = forward.bounding_box()
    assert top is not None and top["y"] < 1500, top
    shot(page, "30-samenvatting", full=False)
    dossier_url = page.url
    # Afdrukken opens the print view (logged), whose own button opens the print dialog
    summary.get_by_role("link", name="Afdrukken").click()
    page.wait_for_url("**/afdrukken")
    # a function, so Playwright runs it (a string that evaluates to a function is called)
    page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    page.locator("section.samenvatting").get_by_role("button", name="Afdrukken").click()
    assert page.evaluate("window.printed") == 1
    page.goto(dossier_url)
    summary = page.locator("section.samenvatting")
    page.set_viewport_size({"width": 390, "height": 844})
    width = page.evaluate("document.querySelector('section.samenvatting').scrollWidth")
    assert width <= 390, f"the summary is {width} px wide at 390 px"
    summary.scroll_into_view_if_needed()
    shot(page, "31-samenvatting-390", full=False)
