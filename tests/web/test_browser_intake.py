"""Steps 1 and 2 in a real browser, at 1280 and at 390 px: a colleague of Hoorn reports
(a missing field is named in the summary), an officer of Hoorn sees the badge, reads
the report, gives feedback, and the colleague reads it. Screenshots 30-33 go to
``artifacts/screenshots/``. Uses the browser fixtures of :mod:`test_browser`."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .conftest import PASSWORD
from .test_browser import Site, log_in, log_out, shot
from .test_browser import chromium as chromium
from .test_browser import page as page
from .test_browser import site as site

pytestmark = pytest.mark.e2e


def _no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide at 390 px"


@pytest.mark.parametrize("width", [1280, 390])
def test_a_colleague_reports_and_the_officer_answers(site: Site, page: Page, width: int) -> None:
    site.app.state.web.accounts.add(
        "wijkagent", "W. Agent", ("melder",), ("0405",), password=PASSWORD
    )
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, "wijkagent")
    expect(page.get_by_role("heading", name="Een signaal melden")).to_be_visible()
    page.get_by_label("Wat heeft u gezien of gehoord?").fill("Busje haalt om vijf uur mensen op")
    page.get_by_role("button", name="Melding versturen").click()
    expect(
        page.get_by_role("link", name="Hoe kunnen wij u bereiken?: vul dit veld in")
    ).to_be_visible()
    page.get_by_label("Hoe kunnen wij u bereiken?").fill("06-12345678")
    page.get_by_role("button", name="Melding versturen").click()
    expect(page.get_by_text("Uw melding is verstuurd")).to_be_visible()
    shot(page, f"30-melden-{width}")
    if width == 390:
        _no_sideways_scroll(page)
    log_out(page)

    log_in(page, "af-hoorn")
    page.get_by_role("link", name="1 nieuwe notificatie").click()
    shot(page, f"31-notificaties-{width}")
    page.get_by_role("link", name="Nieuwe melding van een collega").click()
    expect(page.get_by_text("Busje haalt om vijf uur mensen op")).to_be_visible()
    page.get_by_label("Toelichting voor de melder").fill("Wij gaan vandaag kijken.")
    page.get_by_role("button", name="Terugkoppeling geven").click()
    shot(page, f"32-melding-{width}")
    if width == 390:
        _no_sideways_scroll(page)
    expect(page.get_by_role("link", name="nieuwe notificatie")).to_have_count(0)
    log_out(page)

    log_in(page, "wijkagent")
    expect(page.get_by_text("opgepakt — Wij gaan vandaag kijken.")).to_be_visible()
    shot(page, f"33-mijn-meldingen-{width}")
