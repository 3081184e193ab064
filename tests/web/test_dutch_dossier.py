"""The demo stories' dossiers read in Dutch, on the page and in the text of
``opplus enrich``: labels instead of registry names, code labels instead of codes, dates
in words, a decimal comma. The stored JSON keeps the registries' names and codes."""

from __future__ import annotations

import pytest

from hub.config import load_config
from hub.dossier import Dossier
from hub.labels import Labels
from hub.render import render_text
from hub.runtime import load_plugins
from tests.dutch_text import problems, visible

from .conftest import EXAMPLES, Hub, example

STORIES = sorted(path.stem for path in EXAMPLES.glob("[0-9]-*.json"))
OFFICERS = {"0405": "af-hoorn", "0388": "af-enkhuizen", "0420": "af-medemblik"}


def test_the_check_catches_what_the_hub_used_to_show() -> None:
    # the raw rendering of issue 12: each of these must be caught
    shown = (
        "naam.volledigeNaam: Katarzyna  aantalOpenZaken: 1  hoogsteMateVanGevaar: mindere_mate "
        "onderzoek: lbb_advies  indicator.m2_per_bewoner: 7.1  geboorte.datum: 2004-11-23 "
        "op 64 m² = 7.1 m² per persoon"
    )
    found = problems(shown)
    for expected in (
        "veldnaam naam.volledigeNaam",
        "registernaam aantalOpenZaken",
        "code mindere_mate",
        "code lbb_advies",
        "veldnaam indicator.m2_per_bewoner",
        "ISO-datum 2004-11-23",
        "decimale punt 7.1 m²",
    ):
        assert expected in found, expected


@pytest.mark.parametrize("story", STORIES)
async def test_a_demo_dossier_reads_in_dutch_on_the_page_and_in_the_text(
    hub: Hub, story: str
) -> None:
    signal = example(story)
    officer = OFFICERS[signal["municipality"]]
    if officer not in hub.users:
        hub.add_user(officer, ("officer",), (signal["municipality"],))
    dossier_id = await hub.enrich(officer, signal)
    async with hub.as_user(officer) as client:
        page = await client.get(f"/dossiers/{dossier_id}")
        stored = await client.get(f"/api/v1/dossiers/{dossier_id}")
    assert page.status_code == 200 and stored.status_code == 200
    dossier = Dossier.model_validate_json(stored.text)
    text = render_text(dossier, Labels.from_plugins(load_plugins(load_config())), {})
    assert problems(visible(page.text)) == []
    assert problems(text) == []
    if story == "1-arbeidsuitbuiting-hoorn":
        for shown in (visible(page.text), text):
            for dutch in (
                "Volledige naam",
                "23 november 2004",
                "Mindere mate van gevaar",
                "Advies van het Landelijk Bureau Bibob",
                "Woonruimte per bewoner (m²)",
                "7,1",
                "Open handhavingszaken",
            ):
                assert dutch in shown, dutch
    # labels are presentation: the stored dossier keeps the registries' names
    assert any("." in fact.attribute or "_" in fact.attribute for fact in dossier.facts)


async def test_the_forwarding_preview_reads_in_dutch(hub: Hub) -> None:
    """What a table receives, what is withheld and what may be left out: labels and
    Dutch values there too (the preview showed the registries' names)."""
    signal = example("1-arbeidsuitbuiting-hoorn")
    dossier_id = await hub.enrich("af-hoorn", signal)
    async with hub.as_user("af-hoorn") as client:
        page = await client.get(f"/dossiers/{dossier_id}/doorsturen/riec")
    assert page.status_code == 200, page.text
    before, _, rest = page.text.partition('<pre class="json"')  # its attributes go too
    shown = visible(before + rest.partition("</pre>")[2])  # the JSON is the payload itself
    assert problems(shown) == []
    assert "Volledige naam" in shown
