"""The officer's and the auditor's work in a real browser: Debian's Chromium driven by
Playwright, against the web service on loopback. Screenshots of the main pages go to
``artifacts/screenshots/``.

Skipped only when /usr/bin/chromium is missing outside CI (``.ci/run`` installs it);
in CI (``CI`` set) a missing browser is a failure.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from .conftest import PASSWORD, ROOT, Flaky, web_config
from .oidc_provider import free_port

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "artifacts" / "screenshots"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

if not CHROMIUM.exists() and not os.environ.get("CI"):
    pytest.skip(
        "Debian's Chromium (/usr/bin/chromium) is not installed here; `.ci/run` installs it "
        "and in CI these tests always run",
        allow_module_level=True,
    )

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402

pytestmark = pytest.mark.e2e


@dataclass
class Site:
    url: str
    app: Any
    flaky: Flaky

    def heal(self) -> None:
        self.flaky.failing = False
        handle = next(
            h for h in self.app.state.web.enrich.runtime.handles if h.name == "handhaving"
        )
        handle.breaker.record_success()


@pytest.fixture
def site(home: Path) -> Iterator[Site]:
    """The web service in a thread of this process (so a test can make a registry fail),
    with some latency in the fakes so that the live progress has something to show."""
    from hub.web.app import create_app

    config = web_config(max_jobs_per_user=5)
    config = config.model_copy(update={"fakes": config.fakes.model_copy(update={"latency_s": 0.3})})
    app = create_app(config)
    web = app.state.web
    for login, roles, codes in (
        ("af-hoorn", ("officer",), ("0405",)),
        ("af-enkhuizen", ("officer",), ("0388",)),
        ("auditor", ("auditor",), ()),
        ("beheerder", ("admin",), ()),
    ):
        web.accounts.add(login, f"Demo {login}", roles, codes, password=PASSWORD)
    handle = next(h for h in web.enrich.runtime.handles if h.name == "handhaving")
    flaky = Flaky(handle.connector)
    handle.connector = flaky  # type: ignore[assignment]
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    yield Site(f"http://127.0.0.1:{port}", app, flaky)
    server.should_exit = True
    thread.join(timeout=15)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """One browser for the module (starting Chromium takes seconds); each test gets a
    context of its own, as fresh as a new profile: no cookies, no storage."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(site: Site, chromium: Browser) -> Iterator[Page]:
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = chromium.new_context(
        base_url=site.url, viewport={"width": 1280, "height": 900}, locale="nl-NL"
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        yield page
    finally:
        context.close()


def shot(page: Page, name: str, *, full: bool = True) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full)


def log_in(page: Page, login: str) -> None:
    page.goto("/")
    page.get_by_label("Gebruikersnaam").fill(login)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()


def test_officer_flow(site: Site, page: Page):
    page.goto("/")
    shot(page, "01-inloggen")
    # keyboard: the skip link comes first and shows itself on focus
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Naar de inhoud")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0
    page.keyboard.press("Enter")  # past the header, straight to the form
    page.keyboard.press("Tab")
    expect(page.get_by_label("Gebruikersnaam")).to_be_focused()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"  # focus is visible
    page.keyboard.type("af-hoorn")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/signalen$"))
    expect(page.get_by_role("heading", name="Signalen", exact=True)).to_be_visible()
    shot(page, "02-mijn-signalen")

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Nieuw signaal"
    ).click()
    expect(page.get_by_role("heading", name="Nieuw signaal verrijken")).to_be_visible()
    page.get_by_label("Persoon 1: BSN").fill("123456789")
    page.get_by_role("button", name="Verrijken", exact=True).click()
    summary = page.locator(".foutsamenvatting")
    expect(summary).to_contain_text("Persoon 1, BSN: geen geldig BSN")
    expect(summary).not_to_contain_text("persons[0]")
    expect(summary).to_contain_text("Vorm van uitbuiting")
    expect(page.locator("#persons-0-burgerservicenummer-fout")).to_contain_text("geen geldig BSN")
    shot(page, "03-signaal-fouten")

    page.get_by_label("arbeidsuitbuiting").check()
    page.get_by_label("Doel (verwerkingsactiviteit)").select_option("VA-MH-01")
    page.get_by_label("Omschrijving").fill(
        "Baliemedewerker zag een jonge vrouw post ophalen voor veel verschillende personen."
    )
    page.get_by_label("Persoon 1: BSN").fill("999970057")
    page.get_by_label("Postcode (adres 1)").fill("1621JH")
    page.get_by_label("Huisnummer (adres 1)").fill("88")
    page.get_by_label("KvK-nummer (bedrijf 1)").fill("97000011")
    page.get_by_role("button", name="Verrijken", exact=True).click()

    # the live enrichment: the page updates itself (server-sent events), no reload
    expect(page).to_have_url(re.compile(r"/taken/[0-9a-f]+$"))
    page.evaluate("window.__zelfde_pagina = true")
    shot(page, "04-verrijking-bezig")
    opened = page.get_by_role("link", name="Dossier openen")
    expect(opened).to_be_visible(timeout=30_000)
    assert page.evaluate("window.__zelfde_pagina === true"), "the page reloaded"
    expect(page.locator("#stand")).to_contain_text("niet alle bronnen gaven antwoord")
    expect(page.locator('#bronnen tr[data-connector="handhaving"]')).to_contain_text("MISLUKT")
    shot(page, "05-verrijking-klaar")

    opened.click()
    expect(page.get_by_role("heading", name="Opgeplust dossier")).to_be_visible()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("niet alle bronnen konden worden bevraagd")
    expect(alert).to_contain_text("handhaving")
    expect(page.get_by_role("heading", name="Aandachtspunten")).to_be_visible()
    shot(page, "06-dossier")

    # a value's provenance, one click away
    first = page.locator("details.herkomst").first
    first.locator("summary").click()
    expect(first).to_contain_text("SHA-256 antwoord")
    expect(first).to_contain_text("BRP Personen")
    first.scroll_into_view_if_needed()
    shot(page, "07-herkomst", full=False)

    # the registry is back: ask again, a new version of the same signal
    site.heal()
    page.get_by_role("button", name="Opnieuw bevragen").click()
    expect(page.get_by_role("link", name="Dossier openen")).to_be_visible(timeout=30_000)
    expect(page.locator("#stand")).to_contain_text("alle bronnen gaven antwoord")
    page.get_by_role("link", name="Dossier openen").click()
    expect(page.get_by_role("heading", name="Versies van dit signaal")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_count(0)
    shot(page, "08-dossier-opnieuw")

    page.get_by_role("link", name="Signalen", exact=True).click()
    expect(page.locator("tbody tr")).to_have_count(1)  # one signal, two versions
    expect(page.locator("tbody")).to_contain_text("2")
    log_out(page)


def test_conflicts_side_by_side(site: Site, page: Page):
    site.heal()
    log_in(page, "af-enkhuizen")
    page.goto("/signalen/nieuw")
    page.get_by_label("seksuele uitbuiting").check()
    page.get_by_label("Doel (verwerkingsactiviteit)").select_option("VA-MH-01")
    page.get_by_label("Postcode (adres 1)").fill("1601AM")
    page.get_by_label("Huisnummer (adres 1)").fill("201")
    page.get_by_label("KvK-nummer (bedrijf 1)").fill("97000035")
    page.get_by_role("button", name="Verrijken", exact=True).click()
    page.get_by_role("link", name="Dossier openen").click(timeout=30_000)
    conflicts = page.get_by_role("heading", name="Tegenstrijdigheden")
    expect(conflicts).to_be_visible()
    conflicts.scroll_into_view_if_needed()
    shot(page, "09-dossier-tegenstrijdigheden", full=False)


def test_auditor_flow(site: Site, page: Page):
    # first an officer does something worth auditing
    site.heal()
    log_in(page, "af-hoorn")
    page.goto("/signalen/nieuw")
    page.get_by_label("criminele uitbuiting").check()
    page.get_by_label("Doel (verwerkingsactiviteit)").select_option("VA-MH-01")
    page.get_by_label("Persoon 1: BSN").fill("999970057")
    page.get_by_role("button", name="Verrijken", exact=True).click()
    page.get_by_role("link", name="Dossier openen").click(timeout=30_000)
    expect(page.get_by_role("heading", name="Opgeplust dossier")).to_be_visible()
    log_out(page)

    log_in(page, "auditor")
    expect(page.get_by_role("heading", name="Logboeken doorzoeken")).to_be_visible()
    page.get_by_label("Medewerker (gebruikersnaam)").fill("af-hoorn")
    page.get_by_label("Toegang").check()
    page.get_by_role("button", name="Zoeken").click()
    results = page.locator("table.resultaten")
    expect(results).to_contain_text("enrich")
    expect(results).to_contain_text("view")
    expect(results).to_contain_text("af-hoorn (officer, web)")
    shot(page, "10-audit-zoeken")

    results.get_by_role("link", name=re.compile("herkomst")).first.click()
    expect(page.get_by_role("heading", name=re.compile("Herkomst van dossier"))).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Bevragingen"))).to_be_visible()
    shot(page, "11-audit-herkomst")

    page.get_by_role("link", name="Logboeken verifiëren").click()
    page.get_by_role("button", name="Checkpoint zetten").click()
    expect(page.locator("#uitkomst")).to_contain_text("Checkpoint gezet")
    page.get_by_role("button", name="Nu verifiëren").click()
    expect(page.locator("#uitkomst")).to_contain_text("In orde")
    shot(page, "12-audit-verificatie")

    page.get_by_role("link", name="Overzicht voor betrokkene").click()
    page.get_by_label("BSN van de betrokkene").fill("999970057")
    page.get_by_role("button", name="Overzicht maken").click()
    expect(
        page.get_by_role("heading", name=re.compile("Verstrekkingen uit de BRP"))
    ).to_be_visible()
    shot(page, "13-audit-betrokkene")
    log_out(page)


def test_administrator_pages(site: Site, page: Page):
    log_in(page, "beheerder")
    expect(page.get_by_role("heading", name="Koppelingen")).to_be_visible()
    expect(page.locator("tr.rij-fout")).to_contain_text("handhaving")  # still down
    shot(page, "20-beheer-koppelingen")
    page.get_by_role("link", name="Configuratie").click()
    expect(page.get_by_role("heading", name="Tafels", exact=True)).to_be_visible()
    shot(page, "21-beheer-configuratie")
    page.get_by_role("link", name="Gebruikers").click()
    page.get_by_label("Gebruikersnaam").fill("af-medemblik")
    page.get_by_label("Naam", exact=True).fill("AF Medemblik")
    page.get_by_label("aandachtsfunctionaris").check()
    # (each user's row has its own municipality boxes: take the new user's form)
    page.locator("#nieuw-municipalities").get_by_label("Medemblik (0420)").check()
    page.get_by_role("button", name="Gebruiker aanmaken").click()
    expect(page.get_by_role("status")).to_contain_text("Gebruiker af-medemblik aangemaakt")
    expect(page.get_by_label("Wachtwoord (wordt maar één keer getoond)")).to_be_visible()
    shot(page, "22-beheer-gebruikers")
