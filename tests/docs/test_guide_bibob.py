"""The guide's section on adapting the Bibob connector: its names exist, its example runs."""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

import connectors.bibob
from connectors.bibob import Settings
from connectors.bibob.client import _ONLY_FOR
from plugins import (
    BadResponse,
    BusinessRef,
    ConnectorContext,
    Officer,
    Query,
    make_plugins,
)
from plugins.testing import make_query

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "writing-a-connector.md"
TITLE = "## 11. Adapting the Bibob connector to your permit register"


def section() -> str:
    text = GUIDE.read_text()
    return text[text.index(TITLE) :]


def test_every_name_of_the_seam_and_every_source_setting_is_documented() -> None:
    text = section()
    for name in connectors.bibob.__all__:
        assert re.search(rf"`[^`]*\b{name}\b[^`]*`", text), f"the section lacks {name}"
    for keys in _ONLY_FOR.values():
        for key in keys:
            assert f"`{key}`" in text, f"the section lacks the setting {key}"
    for source in Settings.model_fields["source"].annotation.__args__:  # type: ignore[union-attr]
        assert f'`source = "{source}"`' in text
    for field in ("naam", "vergunningen", "hoogsteMateVanGevaar", "aantalVergunningen"):
        assert f"`{field}`" in text


ROWS = [
    {
        "nummer": "HOO-2025-17",
        "soort": "Exploitatievergunning seksinrichting",
        "stand": "Geweigerd",
        "kvk": "97000035",
        "naam": "Lotus Massage",
        "straat": "Westerstraat",
        "huisnummer": 201,
        "postcode": "1601AM",
        "plaats": "Enkhuizen",
        "aangevraagd": "2025-03-18",
        "bibob": "Ernstig gevaar",
    }
]


@pytest.fixture
def guide_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    [block] = re.findall(r"```text\n(.*?)```", section(), re.S)
    (tmp_path / "guide_bibob.py").write_text(block)
    monkeypatch.syspath_prepend(str(tmp_path))
    yield importlib.import_module("guide_bibob")
    sys.modules.pop("guide_bibob", None)  # each test loads the block afresh


def query() -> Query:
    fields = {"naam", "vergunningen", "hoogsteMateVanGevaar", "aantalVergunningen"}
    return make_query(
        BusinessRef("97000035"), fields, officer=Officer("o-1", "Test Officer", "0388")
    )


async def enrich_with(rows: Any) -> Any:
    plugins = make_plugins(
        ["connectors.bibob.plugin", "guide_bibob"],
        disabled=["bibob"],
        load_entry_points=False,
        environ={},
    )
    spec = plugins.connectors()["bibob"]

    def answer(request: httpx.Request) -> httpx.Response:
        assert request.headers["X-Api-Key"] == "k"
        assert request.url.params["kvk"] == "97000035"
        return httpx.Response(200, json=rows)

    settings = spec.settings_model(base_url="https://permits.example/api")
    context = ConnectorContext(
        transport=httpx.MockTransport(answer), env={"OPPLUS_PERMIT_API_KEY": "k"}
    )
    connector = spec.factory(settings, context)
    try:
        return await connector.enrich(query())
    finally:
        await connector.aclose()


async def test_the_guides_source_replaces_the_built_in_one(guide_plugin: Any) -> None:
    result = await enrich_with(ROWS)
    facts = {f.attribute: f.value for f in result.facts}
    assert result.info.registry == "Vergunningen-API (gemeente, JSON)"
    assert facts["hoogsteMateVanGevaar"] == "ernstig_gevaar"
    assert facts["naam"] == "Lotus Massage"
    assert facts["vergunningen"][0]["type"] == "exploitatievergunning_seksinrichting"
    assert facts["vergunningen"][0]["adres"] == "Westerstraat 201, 1601 AM Enkhuizen"
    assert {s.key for s in result.discovered} == {"address:1601AM-201"}


@pytest.mark.parametrize(
    ("change", "message"),
    [({"bibob": "Enig gevaar"}, "Enig gevaar"), ({"kvk": None}, "kvkNummer")],
)
async def test_a_row_outside_the_code_lists_is_a_bad_response(
    guide_plugin: Any, change: dict[str, Any], message: str
) -> None:
    with pytest.raises(BadResponse, match=message):
        await enrich_with([{**ROWS[0], **change}])
