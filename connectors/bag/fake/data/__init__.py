"""Records of the BAG fake: the demo-world addresses and the RvIG test person's address.

The records are data files beside this module (``adressen.json``,
``verblijfsobjecten.json``), read into the types below.

Kadaster has no public test environment for BAG Individuele Bevragingen v2, so every
record here is the fake's own. Identifiers of the demo world follow docs/demo-world.md;
the ones that document leaves open (openbare ruimte, woonplaats, pand of Dijk 12, the
geometry, document numbers) are invented but shaped as the BAG shapes them.
Boterdiep 31 Rotterdam is the address of RvIG test person 999993653; its nummeraanduiding
and adresseerbaar object come from RvIG's test set, its floor area is invented.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from plugins.fakes import read_json

__all__ = ["ADRESSEN", "VERBLIJFSOBJECTEN", "BagAdres", "BagVerblijfsobject"]


@dataclass(frozen=True, slots=True)
class BagAdres:
    """One current address (nummeraanduiding with its openbare ruimte and woonplaats)."""

    openbareRuimteNaam: str
    korteNaam: str
    huisnummer: int
    postcode: str
    woonplaatsNaam: str
    nummeraanduidingIdentificatie: str
    openbareRuimteIdentificatie: str
    woonplaatsIdentificatie: str
    adresseerbaarObjectIdentificatie: str
    pandIdentificaties: tuple[str, ...]
    huisletter: str | None = None
    huisnummertoevoeging: str | None = None


@dataclass(frozen=True, slots=True)
class BagVerblijfsobject:
    """One current verblijfsobject (the adresseerbaar object of an address)."""

    identificatie: str
    gebruiksdoelen: tuple[str, ...]
    oppervlakte: int
    status: str
    heeftAlsHoofdAdres: str
    maaktDeelUitVan: tuple[str, ...]
    punt: tuple[float, float]
    documentdatum: str = "2012-03-14"
    documentnummer: str = "BAG-2012-0001"
    heeftAlsNevenAdres: tuple[str, ...] = field(default=())


_HERE = Path(__file__).parent

#: every address the fake knows (``adressen.json``), in the order it lists them
ADRESSEN: tuple[BagAdres, ...] = tuple(read_json(_HERE / "adressen.json", list[BagAdres]))
#: the verblijfsobjecten (``verblijfsobjecten.json``) by identificatie
VERBLIJFSOBJECTEN: dict[str, BagVerblijfsobject] = {
    vbo.identificatie: vbo
    for vbo in read_json(_HERE / "verblijfsobjecten.json", list[BagVerblijfsobject])
}
