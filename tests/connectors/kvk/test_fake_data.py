"""The KvK fake's records are data; only 90006577's filialen are generated, from the
hoofdvestiging the data file gives it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from connectors.kvk.fake import data
from connectors.kvk.fake.data import Vestiging, build_registry
from plugins.fakes import from_json

DATA = Path(data.__file__).parent / "inschrijvingen.json"


def test_the_vestigingenreus_is_data_with_its_hoofdvestiging_only() -> None:
    records = {r["kvkNummer"]: r for r in json.loads(DATA.read_text(encoding="utf-8"))}
    reus = records["90006577"]
    assert [v["hoofdvestiging"] for v in reus["vestigingen"]] == [True]

    registered = build_registry(date(2026, 5, 1)).inschrijvingen["90006577"]
    assert registered.vestigingen[0] == from_json(Vestiging, reus["vestigingen"][0])
    assert registered.naam == reus["naam"]


def test_the_filialen_follow_their_pattern() -> None:
    vestigingen = build_registry(date(2026, 5, 1)).inschrijvingen["90006577"].vestigingen
    assert len(vestigingen) == 1000
    assert [v.hoofdvestiging for v in vestigingen].count(True) == 1
    last = vestigingen[-1]
    assert last.vestigingsnummer == "900065770999"
    assert last.eersteHandelsnaam == "Test Vestigingenreus Filiaal 0999"
    adres = last.adressen[0]
    assert (adres.plaats, adres.postcode, adres.straatnaam, adres.huisnummer) == (
        "Middelburg",
        "4331AB",
        "Filiaalstraat",
        125,
    )
    assert last.sbiActiviteiten == vestigingen[0].sbiActiviteiten
    assert len({v.vestigingsnummer for v in vestigingen}) == 1000
