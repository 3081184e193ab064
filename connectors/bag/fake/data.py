"""Records of the BAG fake: the demo-world addresses and the RvIG test person's address.

Kadaster has no public test environment for BAG Individuele Bevragingen v2, so every
record here is the fake's own. Identifiers of the demo world follow docs/demo-world.md;
the ones that document leaves open (openbare ruimte, woonplaats, pand of Dijk 12, the
geometry, document numbers) are invented but shaped as the BAG shapes them.
Boterdiep 31 Rotterdam is the address of RvIG test person 999993653; its nummeraanduiding
and adresseerbaar object come from RvIG's test set, its floor area is invented.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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


def _demo_world() -> tuple[list[BagAdres], list[BagVerblijfsobject]]:
    adressen = [
        BagAdres(
            openbareRuimteNaam="Kleine Noord",
            korteNaam="Kleine Noord",
            huisnummer=88,
            postcode="1621JH",
            woonplaatsNaam="Hoorn",
            nummeraanduidingIdentificatie="0405200000170088",
            openbareRuimteIdentificatie="0405300000170001",
            woonplaatsIdentificatie="1156",
            adresseerbaarObjectIdentificatie="0405010000170088",
            pandIdentificaties=("0405100000170088",),
        ),
        BagAdres(
            openbareRuimteNaam="Westerstraat",
            korteNaam="Westerstraat",
            huisnummer=201,
            postcode="1601AM",
            woonplaatsNaam="Enkhuizen",
            nummeraanduidingIdentificatie="0388200000120201",
            openbareRuimteIdentificatie="0388300000120001",
            woonplaatsIdentificatie="1042",
            adresseerbaarObjectIdentificatie="0388010000120201",
            pandIdentificaties=("0388100000120201",),
        ),
        BagAdres(
            openbareRuimteNaam="Dijk",
            korteNaam="Dijk",
            huisnummer=12,
            postcode="1601GJ",
            woonplaatsNaam="Enkhuizen",
            nummeraanduidingIdentificatie="0388200000110012",
            openbareRuimteIdentificatie="0388300000110001",
            woonplaatsIdentificatie="1042",
            adresseerbaarObjectIdentificatie="0388010000110012",
            pandIdentificaties=("0388100000110012",),
        ),
        BagAdres(
            openbareRuimteNaam="Dorpsstraat",
            korteNaam="Dorpsstraat",
            huisnummer=5,
            postcode="1687AB",
            woonplaatsNaam="Wognum",
            nummeraanduidingIdentificatie="0420200000150005",
            openbareRuimteIdentificatie="0420300000150001",
            woonplaatsIdentificatie="2423",
            adresseerbaarObjectIdentificatie="0420010000150005",
            pandIdentificaties=("0420100000150005",),
        ),
        BagAdres(
            openbareRuimteNaam="Boterdiep",
            korteNaam="Boterdiep",
            huisnummer=31,
            postcode="3077AW",
            woonplaatsNaam="Rotterdam",
            nummeraanduidingIdentificatie="0599200000219678",
            openbareRuimteIdentificatie="0599300000208001",
            woonplaatsIdentificatie="3086",
            adresseerbaarObjectIdentificatie="0599010000208579",
            pandIdentificaties=("0599100000208579",),
        ),
    ]
    verblijfsobjecten = [
        BagVerblijfsobject(
            identificatie="0405010000170088",
            gebruiksdoelen=("woonfunctie",),
            oppervlakte=64,
            status="Verblijfsobject in gebruik",
            heeftAlsHoofdAdres="0405200000170088",
            maaktDeelUitVan=("0405100000170088",),
            punt=(130512.0, 516733.0),
        ),
        BagVerblijfsobject(
            identificatie="0388010000120201",
            gebruiksdoelen=("winkelfunctie", "woonfunctie"),
            oppervlakte=48,
            status="Verblijfsobject in gebruik",
            heeftAlsHoofdAdres="0388200000120201",
            maaktDeelUitVan=("0388100000120201",),
            punt=(154018.0, 524561.0),
        ),
        BagVerblijfsobject(
            identificatie="0388010000110012",
            gebruiksdoelen=("woonfunctie",),
            oppervlakte=132,
            status="Verblijfsobject in gebruik",
            heeftAlsHoofdAdres="0388200000110012",
            maaktDeelUitVan=("0388100000110012",),
            punt=(154402.0, 524188.0),
        ),
        BagVerblijfsobject(
            identificatie="0420010000150005",
            gebruiksdoelen=("woonfunctie",),
            oppervlakte=95,
            status="Verblijfsobject in gebruik",
            heeftAlsHoofdAdres="0420200000150005",
            maaktDeelUitVan=("0420100000150005",),
            punt=(135620.0, 526104.0),
        ),
        BagVerblijfsobject(
            identificatie="0599010000208579",
            gebruiksdoelen=("woonfunctie",),
            oppervlakte=78,
            status="Verblijfsobject in gebruik",
            heeftAlsHoofdAdres="0599200000219678",
            maaktDeelUitVan=("0599100000208579",),
            punt=(95163.0, 433012.0),
        ),
    ]
    return adressen, verblijfsobjecten


#: House number 40 of Tuinderslaan, Wognum: a housing complex for seasonal workers with
#: 45 units (40-1 .. 40-45) and the complex office at 40 itself. More addresses than one
#: page holds, for paging tests (invented, not in demo-world.md).
TUINDERSLAAN_POSTCODE = "1687TV"
TUINDERSLAAN_HUISNUMMER = 40
TUINDERSLAAN_UNITS = 45


def _tuinderslaan() -> tuple[list[BagAdres], list[BagVerblijfsobject]]:
    pand = "0420100000160040"
    adressen: list[BagAdres] = []
    objecten: list[BagVerblijfsobject] = []
    for unit in range(TUINDERSLAAN_UNITS + 1):
        suffix = f"{unit:03d}"
        nummeraanduiding = f"0420200000160{suffix}"
        aoi = f"0420010000160{suffix}"
        adressen.append(
            BagAdres(
                openbareRuimteNaam="Tuinderslaan",
                korteNaam="Tuinderslaan",
                huisnummer=TUINDERSLAAN_HUISNUMMER,
                huisnummertoevoeging=str(unit) if unit else None,
                postcode=TUINDERSLAAN_POSTCODE,
                woonplaatsNaam="Wognum",
                nummeraanduidingIdentificatie=nummeraanduiding,
                openbareRuimteIdentificatie="0420300000160001",
                woonplaatsIdentificatie="2423",
                adresseerbaarObjectIdentificatie=aoi,
                pandIdentificaties=(pand,),
            )
        )
        objecten.append(
            BagVerblijfsobject(
                identificatie=aoi,
                gebruiksdoelen=("kantoorfunctie",) if unit == 0 else ("logiesfunctie",),
                oppervlakte=36 if unit == 0 else 18,
                status="Verblijfsobject in gebruik",
                heeftAlsHoofdAdres=nummeraanduiding,
                maaktDeelUitVan=(pand,),
                punt=(135910.0 + unit, 526420.0),
                documentdatum="2021-05-03",
                documentnummer="WOG-2021-0418",
            )
        )
    return adressen, objecten


def _build() -> tuple[tuple[BagAdres, ...], dict[str, BagVerblijfsobject]]:
    demo_adressen, demo_objecten = _demo_world()
    park_adressen, park_objecten = _tuinderslaan()
    adressen = tuple(demo_adressen + park_adressen)
    objecten = {vbo.identificatie: vbo for vbo in demo_objecten + park_objecten}
    return adressen, objecten


ADRESSEN, VERBLIJFSOBJECTEN = _build()
