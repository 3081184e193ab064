"""Forwarding in a real browser: from the dossier to the tables, the preview with what
is withheld, the explicit confirmation, delivery by the worker inside the app, feedback
from a table (signed) and from the officer. Screenshots 11-13 go to
``artifacts/screenshots/``. Uses the browser fixtures of :mod:`test_browser`."""

from __future__ import annotations

import json
import re
import time

import httpx
import pytest
from playwright.sync_api import Page, expect

from hub.usecases.forwarding import SIGNATURE_HEADER, feedback_secret_env, sign

# the browser fixtures (and the module-level skip when Chromium is missing)
from .test_browser import Site, log_in, shot
from .test_browser import chromium as chromium
from .test_browser import page as page
from .test_browser import site as site

pytestmark = pytest.mark.e2e

SECRET = "riec-terugkoppelgeheim-browser"
LOKAAL = "Lokaal ondermijningsoverleg (zaaksysteem)"
RIEC = "RIEC Noord-Holland — informatieplein"


def confirm_forward(browser: Page, label: str) -> None:
    browser.get_by_role("link", name=f"Voorbeeld bekijken en doorsturen naar {label}").click()
    expect(browser.get_by_role("heading", name=f"Voorbeeld: wat {label} ontvangt")).to_be_visible()
    browser.get_by_label(
        re.compile(r"Ik bevestig dat ik dit als Demo af-enkhuizen doorstuur")
    ).check()
    browser.get_by_role("button", name=f"Doorsturen naar {label}").click()
    expect(browser).to_have_url(re.compile(r"/doorsturen\?levering="))
    expect(browser.get_by_role("status")).to_contain_text(f"Doorgestuurd naar {label}")


def test_forward_to_two_tables(site: Site, page: Page, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(feedback_secret_env("riec"), SECRET)
    site.heal()
    log_in(page, "af-enkhuizen")
    page.goto("/signalen/nieuw")
    page.get_by_label("seksuele uitbuiting").check()
    page.get_by_label("Doel (verwerkingsactiviteit)").select_option("VA-MH-01")
    page.get_by_label("Omschrijving").fill(
        "Jonge vrouwen lijken in het pand van de massagesalon te wonen; ramen afgeplakt."
    )
    page.get_by_label("Postcode (adres 1)").fill("1601AM")
    page.get_by_label("Huisnummer (adres 1)").fill("201")
    page.get_by_label("KvK-nummer (bedrijf 1)").fill("97000035")
    page.get_by_role("button", name="Verrijken", exact=True).click()
    page.get_by_role("link", name="Dossier openen").click(timeout=30_000)
    expect(page.get_by_role("heading", name="Opgeplust dossier")).to_be_visible()

    page.get_by_role("link", name="Doorsturen, leveringen en terugkoppeling").click()
    expect(page.get_by_role("heading", name="Doorsturen naar een tafel")).to_be_visible()
    pct = page.locator('li.tafel[data-tafel="pct"]')
    expect(pct).to_contain_text(
        "Voorgesteld, omdat: vorm = seksuele uitbuiting en vergunning seksinrichting gevonden"
    )
    expect(page.locator('li.tafel[data-tafel="lokaal"]')).to_contain_text("Achtergehouden")
    shot(page, "11-doorsturen")
    forwarding_url = page.url

    # the preview: exactly what the local table gets, and the Bibob facts it does not
    page.get_by_role("link", name=f"Voorbeeld bekijken en doorsturen naar {LOKAAL}").click()
    withheld = page.locator("section.achtergehouden")
    expect(withheld).to_contain_text("Bibob-gegevens worden niet verstrekt")
    expect(withheld).to_contain_text("wettelijke grondslag")
    shot(page, "12-voorbeeld", full=False)
    # no confirmation, nothing sent; the error names the checkbox
    page.get_by_role("button", name=f"Doorsturen naar {LOKAAL}").click()
    expect(page.get_by_role("alert")).to_contain_text("Bevestiging: Vink aan")
    expect(page.locator(".foutsamenvatting")).to_be_focused()
    expect(page.get_by_label(re.compile("Ik bevestig"))).to_have_attribute("aria-invalid", "true")
    page.goto(forwarding_url)
    confirm_forward(page, LOKAAL)
    page.goto(forwarding_url)
    expect(page.locator('li.tafel[data-tafel="lokaal"]')).to_contain_text("Al doorgestuurd op")
    # the same payload again: the error where the officer is, next to the button
    page.get_by_role("link", name=f"Voorbeeld bekijken en doorsturen naar {LOKAAL}").click()
    page.get_by_label(re.compile(r"Ik bevestig dat ik dit als Demo af-enkhuizen")).check()
    page.get_by_role("button", name=f"Doorsturen naar {LOKAAL}").click()
    error = page.locator("#bevestig-fout")
    expect(error).to_contain_text("al doorgestuurd")
    expect(error).to_be_focused()
    expect(error).to_be_in_viewport()
    page.goto(forwarding_url)
    confirm_forward(page, RIEC)

    # the worker inside the app delivers both; the page shows it on reload
    rows = page.locator("table.leveringen tbody tr")
    deadline = time.monotonic() + 30
    while True:
        states = [rows.nth(i).locator(".status").inner_text() for i in range(rows.count())]
        if len(states) == 2 and all(s in ("afgeleverd", "bevestigd") for s in states):
            break
        assert time.monotonic() < deadline, f"not delivered: {states}"
        time.sleep(0.5)
        page.reload()

    # the RIEC answers through the API, signed with its own secret
    riec_id = page.locator('tr[data-tafel="riec"]').get_attribute("data-levering")
    body = json.dumps({"text": "Besproken op het informatieplein; RIEC pakt dit op."}).encode()
    answer = httpx.post(
        f"{site.url}/api/v1/deliveries/{riec_id}/feedback",
        content=body,
        headers={
            SIGNATURE_HEADER: sign(SECRET, int(time.time()), riec_id, body),
            "Content-Type": "application/json",
        },
    )
    assert answer.status_code == 201, answer.text
    # the local table answered by e-mail: the officer records it
    lokaal = page.locator('tr[data-tafel="lokaal"]')
    lokaal.get_by_text("Terugkoppeling vastleggen").click()
    page.get_by_label(f"Terugkoppeling van {LOKAAL}").fill("Casus geagendeerd voor 3 december.")
    lokaal.get_by_label("Van wie (naam, functie)").fill("Secretaris ondermijningsoverleg")
    page.get_by_role("button", name="Terugkoppeling opslaan").click()
    feedback = page.locator("#terugkoppeling")
    expect(feedback).to_contain_text("Casus geagendeerd voor 3 december.")
    expect(feedback).to_contain_text("RIEC pakt dit op")
    expect(page.locator('tr[data-tafel="riec"] .status')).to_have_text("bevestigd")
    expect(page.locator('tr[data-tafel="lokaal"] .status')).to_have_text("bevestigd")

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Leveringen").click()
    expect(page.get_by_role("heading", name="Leveringen")).to_be_visible()
    expect(page.locator("table.leveringen tbody tr")).to_have_count(2)
    shot(page, "13-leveringen")
