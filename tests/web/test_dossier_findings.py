"""Issue 12: the dossier of story 1 without repetition, with the registry flag that reads
as a contradiction named, and with derived facts that say they were derived."""

from __future__ import annotations

import html as html_lib
import json
import re

from hub.config import load_config
from hub.dossier import Dossier
from hub.labels import Labels
from hub.render import render_text
from hub.runtime import load_plugins
from tests.dutch_text import problems, visible

from .conftest import Hub, example, make_flaky


async def _story_one(hub: Hub) -> tuple[str, str, Dossier]:
    dossier_id = await hub.enrich("af-hoorn", example("1-arbeidsuitbuiting-hoorn"))
    async with hub.as_user("af-hoorn") as client:
        page = await client.get(f"/dossiers/{dossier_id}")
        stored = await client.get(f"/api/v1/dossiers/{dossier_id}")
    assert page.status_code == 200 and stored.status_code == 200
    dossier = Dossier.model_validate_json(stored.text)
    text = render_text(dossier, Labels.from_plugins(load_plugins(load_config())), {})
    return page.text, text, dossier


def _points_section(html: str) -> str:
    return html.split('id="punten-titel"')[1].split("</section>")[0]


async def test_one_enforcement_case_is_one_line_with_its_three_subjects(hub: Hub) -> None:
    html, text, dossier = await _story_one(hub)
    # the dossier keeps a derived fact per subject (each with its own provenance) ...
    assert [p.code for p in dossier.aandachtspunten].count("open_handhavingszaken") == 3
    # ... the officer reads the finding once, with every subject it was found at
    points = visible(_points_section(html))
    assert points.count("Lopende handhavingszaak") == 1
    line = next(
        li
        for li in re.findall(r"<li.*?</li>", _points_section(html), re.S)
        if "Lopende handhavingszaak" in li
    )
    for subject in ("1621 JH 88", "KvK 97000011", "vestiging 000097000011"):
        assert subject in line, subject
    text_lines = [ln for ln in text.splitlines() if "Lopende handhavingszaak" in ln]
    assert len(text_lines) == 1
    assert all(s in text_lines[0] for s in ("1621 JH 88", "KvK 97000011", "000097000011"))


async def test_the_registry_flag_saying_no_is_named_beside_the_crowding_point(hub: Hub) -> None:
    html, text, _ = await _story_one(hub)
    for shown in (visible(_points_section(html)), text):
        [line] = [ln for ln in shown.splitlines() if "Weinig woonruimte" in ln] or [
            shown.split("Weinig woonruimte")[1].split("Meerdere bedrijven")[0]
        ]
        assert "Tegenstrijdig" in line
        assert "BRP Bewoning" in line and "BAG" in line  # both sources


async def test_a_derived_fact_says_afgeleid_with_its_rule_and_inputs_by_label(hub: Hub) -> None:
    html, _, dossier = await _story_one(hub)
    derived = next(f for f in dossier.facts if f.attribute == "indicator.m2_per_bewoner")
    row = html.split(f'<tr id="feit-{derived.id}">')[1].split("</tr>")[0]
    shown = visible(row)
    assert "afgeleid door opplus" in shown
    assert "oppervlakte gedeeld door het aantal ingeschreven bewoners" in shown
    assert "Opgehaald" not in shown and "SHA-256" not in shown  # nothing was fetched
    for src in derived.provenance.derived_from:
        assert f'href="#feit-{src}"' in row
    assert "Uit Oppervlakte (m²)" in shown and "Ingeschreven bewoners" in shown  # by label
    assert problems(shown) == []
    # a fetched fact keeps its registry provenance
    fetched = next(f for f in dossier.facts if f.attribute == "oppervlakte")
    assert "SHA-256 antwoord" in html.split(f'<tr id="feit-{fetched.id}">')[1].split("</tr>")[0]


async def test_the_summary_comes_first_with_the_key_facts_and_the_actions(hub: Hub) -> None:
    html, text, dossier = await _story_one(hub)
    # on the page: the summary, its actions and the aandachtspunten before the details
    top = html.split('id="status-titel"')[0]
    summary = visible(html.split('id="samenvatting-titel"')[1].split('class="kenmerken"')[0])
    assert html.index('id="samenvatting-titel"') < html.index('id="onderwerpen-titel"')
    assert 'id="punten-titel"' in top
    assert "Doorsturen" in summary and "Afdrukken" in summary
    assert f'href="/dossiers/{dossier.id}/afdrukken"' in top  # the logged print view
    # in the text: the summary before the aandachtspunten and the subjects
    assert text.index("SAMENVATTING") < text.index("AANDACHTSPUNTEN") < text.index("\nPERSOON")
    overview = text.split("SAMENVATTING")[1].split("AANDACHTSPUNTEN")[0]
    for shown in (summary, overview):
        for fact in (
            "Katarzyna Wiśniewska",  # person: name, age, nationality, address since when
            "Leeftijd",
            "Poolse",
            "Kleine Noord",
            "Sinds",
            "14 november 2026",
            "Oppervlakte (m²)",  # address: m², residents, businesses, cases, Bibob
            "Ingeschreven bewoners",
            "Aantal bedrijven op dit adres",
            "Open handhavingszaken",
            "Mindere mate van gevaar",
        ):
            assert fact in shown, fact
        assert "BAG-id" not in shown  # the summary is brief; the identifiers stay below
        assert problems(shown) == []


async def test_what_failed_is_in_the_summary(hub: Hub) -> None:
    make_flaky(hub)
    dossier_id = await hub.enrich("af-hoorn", example("1-arbeidsuitbuiting-hoorn"))
    async with hub.as_user("af-hoorn") as client:
        html = (await client.get(f"/dossiers/{dossier_id}")).text
        stored = await client.get(f"/api/v1/dossiers/{dossier_id}")
    dossier = Dossier.model_validate_json(stored.text)
    text = render_text(dossier, Labels.from_plugins(load_plugins(load_config())), {})
    head = text.split("SAMENVATTING")[0]
    assert "Mislukt: handhaving (" in head and "1621 JH 88" in head
    # the page: the alert with its one button comes before the summary
    assert html.index("Opnieuw bevragen") < html.index('id="samenvatting-titel"')
    assert html.count(">Opnieuw bevragen<") == 1


async def test_the_table_receives_one_finding_with_its_subjects(hub: Hub) -> None:
    dossier_id = await hub.enrich("af-hoorn", example("1-arbeidsuitbuiting-hoorn"))
    async with hub.as_user("af-hoorn") as client:
        page = await client.get(f"/dossiers/{dossier_id}/doorsturen/riec")
    assert page.status_code == 200, page.text
    before, _, rest = page.text.partition('<pre class="json"')
    box = rest.partition(">")[2]  # past the box's own attributes
    payload = json.loads(html_lib.unescape(box.partition("</pre>")[0]))
    cases = [a for a in payload["aandachtspunten"] if a["code"] == "open_handhavingszaken"]
    assert len(cases) == 1
    assert cases[0]["subjects"] == [
        "address:1621JH-88",
        "business:97000011",
        "business:97000011/000097000011",
    ]
    assert len(cases[0]["fact_ids"]) == 3
    # the preview says it once, with where it was found
    shown = visible(before + rest.partition("</pre>")[2])
    assert shown.count("Lopende handhavingszaak") == 1
    line = shown.split("Lopende handhavingszaak")[1].split("zaaksysteem")[0]
    assert "1621 JH 88" in line and "KvK 97000011, vestiging 000097000011" in line


async def test_the_branch_does_not_repeat_its_company(hub: Hub) -> None:
    html, text, dossier = await _story_one(hub)
    branch = "business:97000011/000097000011"
    assert any(f.attribute == "hoogsteMateVanGevaar" for f in dossier.facts_for(branch))
    article = html.split('id="onderwerp-business-97000011-000097000011"')[1].split("</article>")[0]
    shown = visible(article)
    assert "Zelfde als bij KvK 97000011" in shown
    assert "Zwaarste Bibob-uitkomst" in shown  # named in the reference ...
    assert "Mindere mate van gevaar" not in shown  # ... not shown again
    assert '<table class="feiten">' not in article or "Mindere mate" not in article
    # every fact a link may point at still has its anchor on the page
    for fact in dossier.facts:
        assert f'id="feit-{fact.id}"' in html, fact.id
    section = text.split("BEDRIJF KvK 97000011, vestiging 000097000011")[-1]
    assert "Zelfde als bij KvK 97000011:" in section
    assert "Mindere mate van gevaar" not in section.split("\nBEDRIJF")[0]
