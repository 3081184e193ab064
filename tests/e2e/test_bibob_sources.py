"""`opplus enrich` with the Bibob connector on either permit register: the same dossier facts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from connectors.handhaving.fake.data import ZAAKTYPE_BIBOB_ONDERZOEK

from .conftest import ROOT, clean_env, run_opplus

pytestmark = pytest.mark.e2e

EXAMPLE_2 = ROOT / "examples" / "2-seksuele-uitbuiting-enkhuizen.json"
SOAP_SECTION = """source = "soap"
base_url = "{fakes}/vergunningregister"
username = "opplus"
"""
ZGW_SECTION = f"""source = "zgw"
base_url = "{{fakes}}/zaken/api/v1"
client_id = "opplus"
zaaktype = "zaaktypen/{ZAAKTYPE_BIBOB_ONDERZOEK}"
"""


def bibob_of(config: Path | None) -> tuple[dict[str, object], set[str], str]:
    lead = ["--config", str(config)] if config else []
    result = run_opplus(*lead, "enrich", str(EXAMPLE_2), "--format", "json", env=clean_env())
    assert result.code == 0, result.err
    dossier = json.loads(result.out)
    facts = {
        (f["subject"], f["attribute"]): f["value"]
        for f in dossier["facts"]
        if f["provenance"]["connector"] == "bibob"
    }
    [outcome] = [
        o["status"]
        for o in dossier["outcomes"]
        if o["connector"] == "bibob" and o["subject"] == "business:97000035"
    ]
    return facts, {p["code"] for p in dossier["aandachtspunten"]}, outcome


def test_the_zgw_register_gives_the_dossier_the_soap_registers_bibob_facts(tmp_path: Path):
    default = (ROOT / "config" / "default.toml").read_text()
    assert SOAP_SECTION in default, "the default configuration's Bibob section changed"
    config = tmp_path / "zgw.toml"
    config.write_text(default.replace(SOAP_SECTION, ZGW_SECTION))
    soap_facts, soap_codes, soap_status = bibob_of(None)
    zgw_facts, zgw_codes, zgw_status = bibob_of(config)
    assert soap_status == zgw_status == "ok"
    assert soap_facts[("business:97000035", "hoogsteMateVanGevaar")] == "ernstig_gevaar"
    assert zgw_facts == soap_facts
    assert "bibob_ernstig_gevaar" in zgw_codes and "bibob_ernstig_gevaar" in soap_codes
