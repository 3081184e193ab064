"""`opplus fakes serve --openapi-dir`: every fake with an official OpenAPI document refuses
what the document does not allow, in the registry's own error format, and the hub's
end-to-end traffic meets no such refusal."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from hub.config import load_config
from hub.fakes import build_fakes_app
from hub.openapi_documents import fakes_documents
from hub.runtime import load_plugins

from ..conftest import specs_dir
from .conftest import ROOT, run_opplus

pytestmark = pytest.mark.e2e

EXAMPLE_1 = ROOT / "examples" / "1-arbeidsuitbuiting-hoorn.json"
#: the fakes that have an official document: the hub's requests to them are all checked
WITH_DOCUMENTS = {"brp", "bewoning", "bag", "kvk", "handhaving"}


def test_an_enrichment_over_the_strict_fakes_stays_within_the_documents(
    strict_fakes_url: str, official: Any
) -> None:
    before = httpx.get(f"{strict_fakes_url}/_fakes/violations").json()
    result = run_opplus("--fakes-url", strict_fakes_url, "enrich", str(EXAMPLE_1))
    assert result.code == 0, result.err
    after = httpx.get(f"{strict_fakes_url}/_fakes/violations").json()
    assert set(after) == WITH_DOCUMENTS  # each of them strict ...
    for name in WITH_DOCUMENTS:
        # ... each asked (so the count below is not zero for want of traffic) ...
        assert after[name]["checked"] > before[name]["checked"], name
        # ... and not one request of the enrichment outside the official documents
        assert after[name]["violations"] == before[name]["violations"], name


@pytest.fixture
def strict_app(official: Any) -> Any:
    """The fakes as `fakes serve --openapi-dir` builds them, in-process."""
    fakes = load_plugins(load_config()).fakes()
    documents = fakes_documents(fakes, specs_dir())
    assert set(documents) == WITH_DOCUMENTS
    return build_fakes_app(fakes, per_fake={n: {"openapi": d} for n, d in documents.items()})


async def test_a_request_outside_the_document_is_refused_as_the_registry_does(
    strict_app: Any,
) -> None:
    from connectors.brp.fake import FAKE_API_KEY

    body = {
        "type": "RaadpleegMetBurgerservicenummer",
        "fields": ["naam"],
        "burgerservicenummer": ["999993653"],
        "gemeenteVanInschrijving": "12",
    }
    transport = httpx.ASGITransport(app=strict_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://fakes") as client:
        refused = await client.post(
            "/haalcentraal/api/brp/personen", json=body, headers={"X-API-KEY": FAKE_API_KEY}
        )
        seen = (await client.get("/_fakes/violations")).json()
    assert refused.status_code == 400
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "paramsValidation"
    assert [p["name"] for p in refused.json()["invalidParams"]] == ["gemeenteVanInschrijving"]
    assert seen["brp"] == {
        "checked": 1,
        "violations": [
            {
                "request": "POST /personen",
                "name": "gemeenteVanInschrijving",
                "code": "pattern",
                "reason": "Waarde voldoet niet aan patroon ^[0-9]{4}$.",
            }
        ],
    }
    assert seen["kvk"] == {"checked": 0, "violations": []}


def _refused(result: Any, *needles: str) -> None:
    assert result.code == 2, result.out + result.err
    assert "Traceback" not in result.err
    for needle in needles:
        assert needle in result.err, result.err


def test_a_missing_directory_or_document_is_refused_by_name(tmp_path: Path) -> None:
    nowhere = tmp_path / "nowhere"
    _refused(
        run_opplus("fakes", "serve", "--openapi-dir", str(nowhere)),
        f"--openapi-dir: {nowhere}: map bestaat niet",
    )
    _refused(
        run_opplus("fakes", "serve", "--openapi-dir", str(tmp_path)),
        "--openapi-dir: ",
        "ontbreekt (nodig voor de nep-server",
    )


def test_the_directory_comes_from_opplus_specs_dir(tmp_path: Path) -> None:
    from .conftest import clean_env

    nowhere = tmp_path / "nowhere"
    result = run_opplus("fakes", "serve", env=clean_env(OPPLUS_SPECS_DIR=str(nowhere)))
    _refused(result, f"--openapi-dir: {nowhere}: map bestaat niet")


def test_without_pyyaml_the_documents_are_refused_clearly(
    official: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "yaml", None)  # as if not installed: import fails
    result = run_opplus("fakes", "serve", "--openapi-dir", str(specs_dir()))
    _refused(result, "--openapi-dir: PyYAML ontbreekt", "uv sync --group dev")
