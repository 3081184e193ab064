"""The pages as their users meet them (server-rendered HTML, read like a user would):
the signal form and its messages, the live job, the dossier, the auditor's and the
administrator's pages — and the basics of accessibility on every page."""

from __future__ import annotations

import re
import sqlite3
from html.parser import HTMLParser
from pathlib import Path

from hub.web.forms import SignalForm

from .conftest import ENKHUIZEN, HOORN, Hub, example, make_flaky

FILLED = {
    "municipality": "0405",
    "forms": "arbeidsuitbuiting",
    "purpose": "VA-MH-01",
    "description": "Baliemedewerker zag veel post voor verschillende personen.",
    "persons-0-burgerservicenummer": "999970057",
    "addresses-0-postcode": "1621 jh",
    "addresses-0-huisnummer": "88",
    "businesses-0-kvkNummer": "97000011",
    "actie": "verrijken",
}


class _Form(HTMLParser):
    """Collects form controls, labels, and what an accessibility check needs."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict[str, str]] = []
        self.labels: set[str] = set()
        self.ids: list[str] = []
        self.lang = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "html":
            self.lang = a.get("lang", "")
        if tag == "label" and "for" in a:
            self.labels.add(a["for"])
        if tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            self.controls.append(a)


def parse(html: str) -> _Form:
    found = _Form()
    found.feed(html)
    return found


def field_error(html: str, field_id: str) -> str:
    match = re.search(rf'<p class="veldfout" id="{re.escape(field_id)}-fout">(.*?)</p>', html)
    assert match, f"no message next to {field_id}"
    return re.sub(r"<[^>]+>", "", match.group(1))


def assert_accessible(html: str) -> None:
    page = parse(html)
    assert page.lang == "nl"
    assert 'href="#inhoud"' in html and 'id="inhoud"' in html
    for control in page.controls:
        assert control.get("id") in page.labels or control.get("aria-label"), control
    assert len(page.ids) == len(set(page.ids)), "duplicate ids"


async def test_the_signal_form_names_each_problem_next_to_its_field(hub: Hub):
    async with hub.as_user("af-hoorn") as client:
        form = await client.get("/signalen/nieuw")
        assert_accessible(form.text)
        data = {
            **FILLED,
            "csrf_token": client.csrf,
            "forms": "",
            "persons-0-burgerservicenummer": "",
            "persons-1-burgerservicenummer": "123456789",
            "addresses-0-postcode": "16",
            "reporter.email": "geen-adres",
        }
        response = await client.post("/signalen/nieuw", data=data)
    assert response.status_code == 422
    html = response.text
    assert_accessible(html)
    assert "geen geldig BSN" in field_error(html, "persons-1-burgerservicenummer")
    assert "postcode" in field_error(html, "addresses-0-postcode")
    assert "kies minstens één vorm" in field_error(html, "forms")
    assert "e-mailadres" in field_error(html, "reporter-email")
    # the summary names the field as the form has it: the second person row, by its
    # label (no signal field path), and the problems in the order of the form
    assert "Persoon 2, BSN: geen geldig BSN" in html
    summary = html.split('class="melding fout foutsamenvatting"')[1].split("</ul>")[0]
    assert "persons[" not in summary and "addresses[" not in summary and "(" not in summary
    order = re.findall(r'<li><a href="#([^"]+)">', summary)
    assert order == [
        "forms",
        "persons-1-burgerservicenummer",
        "addresses-0-postcode",
        "reporter-name",
        "reporter-email",
    ], order
    assert 'aria-invalid="true" aria-describedby="persons-1-burgerservicenummer-fout' in html
    # what was typed stays
    assert 'value="123456789"' in html and "Baliemedewerker" in html
    assert hub.web.context.storage.db.query("SELECT COUNT(*) FROM dossiers")[0][0] == 0


async def test_more_rows_without_javascript(hub: Hub):
    async with hub.as_user("af-hoorn") as client:
        data = {**FILLED, "csrf_token": client.csrf, "actie": "meer-persons", "persons-rows": "2"}
        response = await client.post("/signalen/nieuw", data=data)
    assert response.status_code == 200
    assert 'id="persons-2-burgerservicenummer"' in response.text
    assert 'value="999970057"' in response.text
    # the new row's field has the focus (the officer types on); only that one
    assert re.findall(r'<input id="([^"]+)"[^>]* autofocus>', response.text) == [
        "persons-2-burgerservicenummer"
    ]


async def test_a_row_is_removed_without_javascript(hub: Hub):
    async with hub.as_user("af-hoorn") as client:
        data = {
            **FILLED,
            "csrf_token": client.csrf,
            "persons-1-burgerservicenummer": "999993653",
            "persons-rows": "2",
            "actie": "weg-persons-0",
        }
        response = await client.post("/signalen/nieuw", data=data)
        rows = {**data, "businesses-rows": "2", "actie": "weg-businesses-5"}
        out_of_range = await client.post("/signalen/nieuw", data=rows)
    assert response.status_code == 200
    html = response.text
    assert 'id="persons-1-burgerservicenummer"' not in html  # one row left
    assert re.search(r'<input id="persons-0-burgerservicenummer"[^>]*value="999993653"', html)
    assert 'value="999970057"' not in html  # the removed row's BSN is gone
    assert re.findall(r'<input id="([^"]+)"[^>]* autofocus>', html) == [
        "persons-0-burgerservicenummer"
    ]
    assert "Persoon 1 verwijderen" not in html  # the last row stays
    assert "Bedrijf 2 verwijderen" in html and "Adres 1 verwijderen" in html
    assert out_of_range.status_code == 200 and "Bedrijf 2 verwijderen" in out_of_range.text
    assert hub.web.context.storage.db.query("SELECT COUNT(*) FROM dossiers")[0][0] == 0


async def test_a_refusal_of_the_service_is_shown_at_its_field(hub: Hub):
    async with hub.as_user("af-hoorn") as client:
        data = {**FILLED, "csrf_token": client.csrf, "municipality": "0388"}
        response = await client.post("/signalen/nieuw", data=data)
    assert response.status_code == 403
    assert "gemeente 0388" in field_error(response.text, "municipality")


async def test_submit_follow_and_open_the_dossier(hub: Hub):
    async with hub.as_user("af-hoorn") as client:
        submitted = await client.post("/signalen/nieuw", data={**FILLED, "csrf_token": client.csrf})
        assert submitted.status_code == 303
        job_url = submitted.headers["location"]
        running = await client.get(job_url)
        assert running.status_code == 200 and 'id="bronnen"' in running.text
        await hub.web.jobs.wait_idle()
        done = (await client.get(job_url)).text
        assert "Dossier openen" in done
        dossier_url = re.search(r'href="(/dossiers/[^"]+)" id="naar-dossier"', done).group(1)
        page = await client.get(dossier_url)
        listing = (await client.get("/signalen")).text
    html = page.text
    assert_accessible(html)
    assert dossier_url in listing
    for heading in ("Status per bron", "Aandachtspunten", "Gegevens per onderwerp", "Doorsturen"):
        assert heading in html
    assert "Persoon BSN 999970057" in html and "Adres 1621 JH 88" in html
    assert html.count('<details class="herkomst">') > 20  # provenance one click away
    assert "SHA-256 antwoord" in html
    assert re.search(r'\(onderbouwing <a href="#feit-f\d+">f\d+</a>', html)
    forwarding = html.split('id="doorsturen-titel"')[1].split("</section>")[0]
    assert f'href="{dossier_url}/doorsturen"' in forwarding  # a link; nothing sent from here
    assert "<button" not in forwarding


async def test_conflicts_side_by_side(hub: Hub):
    dossier_id = await hub.enrich("af-enkhuizen", example(ENKHUIZEN))
    async with hub.as_user("af-enkhuizen") as client:
        html = (await client.get(f"/dossiers/{dossier_id}")).text
    assert "Tegenstrijdigheden" in html
    conflict = html.split('id="conflict-titel"')[1].split("</section>")[0]
    assert conflict.count('class="kant"') >= 2


async def test_a_failed_source_on_the_job_page_and_the_rerun_button(hub: Hub):
    make_flaky(hub)
    dossier_id = await hub.enrich("af-hoorn", example(HOORN))
    async with hub.as_user("af-hoorn") as client:
        html = (await client.get(f"/dossiers/{dossier_id}")).text
        assert "Opnieuw bevragen" in html and "Mislukt: <strong>handhaving</strong>" in html
        rerun = await client.post(
            f"/dossiers/{dossier_id}/opnieuw", data={"csrf_token": client.csrf}
        )
        assert rerun.status_code == 303
        await hub.web.jobs.wait_idle()
        job = (await client.get(rerun.headers["location"])).text
    assert "niet alle bronnen gaven antwoord" in job
    row = job.split('data-connector="handhaving">')[1].split("</tr>")[0]
    assert '<span class="status status-failed">' in row
    # only the failed source was asked again; the others' answers were taken over
    row = job.split('data-connector="brp">')[1].split("</tr>")[0]
    assert "overgenomen uit de vorige versie" in row
    assert "Alleen de bronnen die mislukten" in html


async def test_the_auditor_finds_an_officers_actions_and_verifies(hub: Hub):
    dossier_id = await hub.enrich("af-hoorn", example(HOORN))
    async with hub.as_user("auditor") as client:
        page = await client.get("/audit")
        assert_accessible(page.text)
        found = await client.post(
            "/audit", data={"csrf_token": client.csrf, "officer": "af-hoorn", "logs": "access"}
        )
        assert found.status_code == 200 and "enrich" in found.text
        assert f"/audit/dossiers/{dossier_id}/herkomst" in found.text
        by_bsn = await client.post("/audit", data={"csrf_token": client.csrf, "bsn": "999970057"})
        assert "verwerking" in by_bsn.text and "999970057" not in by_bsn.text
        bad = await client.post("/audit", data={"csrf_token": client.csrf, "since": "gisteren"})
        assert bad.status_code == 422 and "geen datum" in field_error(bad.text, "since")
        prov = await client.get(f"/audit/dossiers/{dossier_id}/herkomst")
        assert prov.status_code == 200 and "Katarzyna" not in prov.text and "brp" in prov.text
        report = await client.post(
            "/audit/betrokkene", data={"csrf_token": client.csrf, "bsn": "999970057"}
        )
        assert "Verstrekkingen uit de BRP" in report.text and "999970057" not in report.text
        wrong = await client.post("/audit/betrokkene", data={"csrf_token": client.csrf, "bsn": "1"})
        assert wrong.status_code == 422 and "bsn:" in wrong.text
        checkpoint = await client.post("/audit/checkpoint", data={"csrf_token": client.csrf})
        assert "Checkpoint gezet" in checkpoint.text
        ok = await client.post("/audit/verificatie", data={"csrf_token": client.csrf})
        assert "In orde" in ok.text
        db_file = Path(hub.web.context.storage.settings.data_dir) / "opplus.sqlite3"
        db = sqlite3.connect(db_file)
        payload = db.execute(
            "SELECT payload FROM audit_entries WHERE log='processing' AND idx=2"
        ).fetchone()[0]
        db.execute(
            "UPDATE audit_entries SET payload=? WHERE log='processing' AND idx=2",
            (payload.replace("VA-MH-01", "VA-MH-02"),),
        )
        db.commit()
        db.close()
        tampered = await client.post("/audit/verificatie", data={"csrf_token": client.csrf})
    assert "FOUT" in tampered.text and "entry 2 of log processing" in tampered.text


async def test_the_administrators_pages(hub: Hub):
    make_flaky(hub)
    async with hub.as_user("beheerder") as client:
        connectors = await client.get("/beheer")
        assert "WERKT NIET" in connectors.text and connectors.text.count("werkt</span>") >= 5
        config = await client.get("/beheer/configuratie")
        assert "RIEC" in config.text and "VA-MH-01" in config.text
        users = await client.get("/beheer/gebruikers")
        assert_accessible(users.text)
        added = await client.post(
            "/beheer/gebruikers",
            data={
                "csrf_token": client.csrf,
                "login": "af-medemblik",
                "name": "AF Medemblik",
                "roles": "officer",
                "municipalities": "0420",
            },
        )
        password = re.search(r'id="geheim" class="geheim" readonly value="([^"]+)"', added.text)
        assert password and hub.web.accounts.authenticate("af-medemblik", password.group(1))
        bad = await client.post(
            "/beheer/gebruikers",
            data={"csrf_token": client.csrf, "login": "x", "name": "", "roles": "officer"},
        )
        assert bad.status_code == 422 and 'id="login-fout"' in bad.text
        person = await client.post(
            "/beheer/gebruikers/af-medemblik/tokens", data={"csrf_token": client.csrf, "label": "z"}
        )
        assert person.status_code == 403  # a person's tokens are its own to make
        token = await client.post(
            "/beheer/gebruikers/systeem-hoorn/tokens",
            data={"csrf_token": client.csrf, "label": "z"},
        )
        assert "API-token (wordt maar één keer getoond)" in token.text
        disabled = await client.post(
            "/beheer/gebruikers/af-medemblik/uitschakelen", data={"csrf_token": client.csrf}
        )
        assert "af-medemblik uitgeschakeld" in disabled.text
        unknown = await client.post(
            "/beheer/gebruikers/niemand/wachtwoord", data={"csrf_token": client.csrf}
        )
        assert unknown.status_code == 404
    # an administrator sees no dossier contents
    dossier_id = await hub.enrich("af-hoorn", example(HOORN))
    async with hub.as_user("beheerder") as client:
        assert (await client.get(f"/dossiers/{dossier_id}")).status_code == 403


async def test_every_page_passes_the_basic_checks(hub: Hub):
    dossier_id = await hub.enrich("af-hoorn", example(HOORN))
    pages = {
        "af-hoorn": ["/signalen", "/signalen/nieuw", f"/dossiers/{dossier_id}"],
        "auditor": ["/audit", "/audit/verificatie", "/audit/betrokkene"],
        "beheerder": ["/beheer", "/beheer/configuratie", "/beheer/gebruikers"],
    }
    for login, paths in pages.items():
        async with hub.as_user(login) as client:
            for path in paths:
                response = await client.get(path)
                assert response.status_code == 200, path
                assert response.headers["cache-control"] == "no-store"
                assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
                assert_accessible(response.text)
    async with hub.anonymous() as client:
        assert_accessible((await client.get("/")).text)


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    high, low = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_colours_have_enough_contrast():
    """WCAG AA (4.5:1 for text) for every text colour on the background it is used on."""
    css = (Path(__file__).resolve().parents[2] / "hub/web/static/style.css").read_text()
    colour = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-f]{6})", css))
    white = "#ffffff"
    pairs = [
        (colour["tekst"], white),
        (colour["zacht"], white),
        (colour["zacht"], colour["vlak"]),
        (colour["link"], white),
        (colour["link"], colour["info-vlak"]),
        (colour["fout"], white),
        (colour["fout"], colour["fout-vlak"]),
        (white, colour["fout"]),  # the MISLUKT badge
        (colour["goed"], colour["goed-vlak"]),
        (colour["merk"], colour["info-vlak"]),
        (white, colour["merk"]),  # header and buttons
        ("#c9d6e5", "#0f3359"),  # "nog niet beschikbaar" in the menu
        ("#dfe8f3", colour["merk"]),
        (colour["tekst"], colour["focus"]),  # a focused link
    ]
    for fg, bg in pairs:
        assert contrast(fg, bg) >= 4.5, (fg, bg, round(contrast(fg, bg), 2))


def test_the_error_summary_follows_the_form_order():
    form = SignalForm()
    for path in (
        "reporter.email",
        "businesses[0].kvkNummer",
        "addresses[0].huisnummer",
        "persons[1].burgerservicenummer",
        "addresses[0].postcode",
        "something.unknown",
        "municipality",
    ):
        form.problem(path, "fout")
    assert [(field, label) for field, label, _ in form.summary] == [
        ("municipality", "Gemeente"),
        ("persons-1-burgerservicenummer", "Persoon 2, BSN"),
        ("addresses-0-postcode", "Adres 1, postcode"),
        ("addresses-0-huisnummer", "Adres 1, huisnummer"),
        ("businesses-0-kvkNummer", "Bedrijf 1, KvK-nummer"),
        ("reporter-email", "Melder: e-mailadres"),
        ("signaal", "Het signaal"),
    ]
