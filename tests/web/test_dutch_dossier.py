"""The demo stories' dossiers read in Dutch, on the page and in the text of
``opplus enrich``: labels instead of registry names, code labels instead of codes, dates
in words, a decimal comma. The stored JSON keeps the registries' names and codes."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest

from hub.dossier import Dossier
from hub.labels import Labels
from hub.render import render_text
from hub.runtime import load_plugins
from plugins import FieldSpec

from .conftest import EXAMPLES, Hub, example

STORIES = sorted(path.stem for path in EXAMPLES.glob("[0-9]-*.json"))
OFFICERS = {"0405": "af-hoorn", "0388": "af-enkhuizen", "0420": "af-medemblik"}

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
DECIMAL_POINT = re.compile(r"\b\d+\.\d+\s*m²")
#: a registry's camelCase name (naam.volledigeNaam, aantalOpenZaken) anywhere in the text
CAMEL_CASE = re.compile(r"\b[a-z]+[A-Z][A-Za-z]*\b")
#: a dotted or snake_case name (indicator.m2_per_bewoner, geboorte.datum)
DOTTED = re.compile(r"\b[a-z][a-z0-9]*\.[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b|\b[a-z]+\.[a-z]+[A-Z]\w*")


def _declared() -> list[tuple[str, FieldSpec]]:
    specs = load_plugins(_config()).connectors().values()
    return [(name, field) for spec in specs for name, field in spec.fields.items()]


def _config() -> Any:
    from hub.config import load_config

    return load_config()


def _raw_names() -> set[str]:
    """Declared field names and keys that are no Dutch word: dotted, camelCase, snake_case."""
    names = {name for name, _ in _declared()} | {
        part for _, field in _declared() for part in field.parts
    }
    return {n for n in names if "." in n or "_" in n or n != n.lower()}


def _raw_codes() -> set[str]:
    """Declared codes that are no Dutch text (mindere_mate, VerblijfplaatsBuitenland)."""
    codes = {code for _, field in _declared() for codes in field.codes.values() for code in codes}
    return {c for c in codes if "_" in c or c[1:] != c[1:].lower()}


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def problems(text: str) -> list[str]:
    found = [f"ISO-datum {m}" for m in ISO_DATE.findall(text)]
    found += [f"decimale punt {m}" for m in DECIMAL_POINT.findall(text)]
    found += [f"registernaam {m}" for m in CAMEL_CASE.findall(text)]
    found += [f"veldnaam {m}" for m in DOTTED.findall(text)]
    words = set(re.findall(r"[\w.]+", text))
    found += [f"veldnaam {n}" for n in _raw_names() if n in words]
    found += [f"code {c}" for c in _raw_codes() if c in words]
    return sorted(set(found))


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
    text = render_text(dossier, Labels.from_plugins(load_plugins(_config())), {})
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
