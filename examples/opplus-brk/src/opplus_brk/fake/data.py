"""Records of the BRK fake: who holds which right on the demo world's addresses.

Everything here is invented and belongs to the opplus demo world (docs/demo-world.md):
the BAG identifiers (nummeraanduiding, adresseerbaar object) match the BAG fake; the
kadastrale aanduidingen, kadastraal onroerende zaak ids, Kadaster person ids, RSINs and
the kadastrale gemeentecodes are ours, shaped as BRK Bevragen v2 shapes them.

- Kleine Noord 88, Hoorn: owned by "Kleine Noord Vastgoed B.V." (KvK 97000047), a
  Kadaster niet-natuurlijk persoon that also owns the unaddressed lot behind it.
- Westerstraat 201, Enkhuizen: owned by Johan de Vries (ingeschreven in the BRP, BSN
  999970161), who owns his home at Dijk 12 together with a person not in the BRP.
- Dorpsstraat 5, Wognum: owned by a woningcorporatie registered in the Handelsregister
  (identified by its RSIN only; the BRK gives no KvK number for it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "KADASTER_NIET_NATUURLIJK_PERSONEN",
    "KADASTRAAL_ONROERENDE_ZAKEN",
    "Adres",
    "Gerechtigde",
    "KadasterNietNatuurlijkPersoon",
    "KadastraalOnroerendeZaak",
    "PersoonRef",
]


@dataclass(frozen=True, slots=True)
class Adres:
    """A BAG address linked to a kadastraal onroerende zaak (LocatieKadastraalObject)."""

    straat: str
    huisnummer: int
    postcode: str
    woonplaats: str
    nummeraanduidingIdentificatie: str
    adresseerbaarObjectIdentificatie: str
    huisletter: str | None = None
    huisnummertoevoeging: str | None = None


@dataclass(frozen=True, slots=True)
class PersoonRef:
    """The ``persoon`` of a zakelijk gerechtigde (PersoonBeperkt).

    ``identificatie`` is a BSN for an ingeschreven natuurlijk persoon, an RSIN for an
    ingeschreven niet-natuurlijk persoon, else the Kadaster's own person id.
    """

    identificatie: str
    type: str
    omschrijving: str


@dataclass(frozen=True, slots=True)
class Gerechtigde:
    """A zakelijk gerechtigde: a right of one person on one kadastraal onroerende zaak."""

    identificatie: str
    type: str
    aanvangsdatum: str
    persoon: PersoonRef
    teller: int
    noemer: int
    burgerlijkeStaat: tuple[str, str] | None = None


@dataclass(frozen=True, slots=True)
class KadastraalOnroerendeZaak:
    """A perceel or appartementsrecht with its addresses and rights."""

    identificatie: str
    type: str
    kadastraleAanduiding: str
    kadastraleAanduidingMetGemeentecode: str
    grootte_m2: int
    punt: tuple[float, float]
    adressen: tuple[Adres, ...] = ()
    gerechtigden: tuple[Gerechtigde, ...] = ()
    cultuur: tuple[str, str] = ("11", "Wonen")
    koopsom: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class KadasterNietNatuurlijkPersoon:
    """A legal person as the Kadaster registered it (KadasterNietNatuurlijkPersoon)."""

    identificatie: str
    statutaireNaam: str
    statutaireZetel: str
    rechtsvorm: tuple[str, str]
    kvkNummer: str | None = None
    rsin: str | None = None
    kadastraalOnroerendeZaakIdentificaties: tuple[str, ...] = field(default=())


_VASTGOED = PersoonRef("30104417", "kadaster_niet_natuurlijk_persoon", "Kleine Noord Vastgoed B.V.")
_JOHAN = PersoonRef("999970161", "ingeschreven_natuurlijk_persoon", "Johan de Vries")
_ELLEN = PersoonRef("30208815", "kadaster_natuurlijk_persoon", "Ellen de Vries-Kok")
_CORPORATIE = PersoonRef(
    "816203374", "ingeschreven_niet_natuurlijk_persoon", "Stichting Westfries Wonen"
)
_ONGEHUWD = ("2", "Ongehuwd en geen geregistreerd partnerschap")
_GEHUWD = ("1", "Gehuwd")

_KLEINE_NOORD_88 = Adres(
    straat="Kleine Noord",
    huisnummer=88,
    postcode="1621JH",
    woonplaats="Hoorn",
    nummeraanduidingIdentificatie="0405200000170088",
    adresseerbaarObjectIdentificatie="0405010000170088",
)
_WESTERSTRAAT_201 = Adres(
    straat="Westerstraat",
    huisnummer=201,
    postcode="1601AM",
    woonplaats="Enkhuizen",
    nummeraanduidingIdentificatie="0388200000120201",
    adresseerbaarObjectIdentificatie="0388010000120201",
)
_DIJK_12 = Adres(
    straat="Dijk",
    huisnummer=12,
    postcode="1601GJ",
    woonplaats="Enkhuizen",
    nummeraanduidingIdentificatie="0388200000110012",
    adresseerbaarObjectIdentificatie="0388010000110012",
)
_DORPSSTRAAT_5 = Adres(
    straat="Dorpsstraat",
    huisnummer=5,
    postcode="1687AB",
    woonplaats="Wognum",
    nummeraanduidingIdentificatie="0420200000150005",
    adresseerbaarObjectIdentificatie="0420010000150005",
)

KADASTRAAL_ONROERENDE_ZAKEN: tuple[KadastraalOnroerendeZaak, ...] = (
    KadastraalOnroerendeZaak(
        identificatie="21740452170000",
        type="perceel",
        kadastraleAanduiding="Hoorn B 4521",
        kadastraleAanduidingMetGemeentecode="HRN00 B 4521",
        grootte_m2=118,
        punt=(130512.4, 516731.9),
        adressen=(_KLEINE_NOORD_88,),
        gerechtigden=(Gerechtigde("40330188", "eigenaar", "2025-06-30", _VASTGOED, 1, 1),),
        koopsom=(415000, 2025),
    ),
    KadastraalOnroerendeZaak(
        identificatie="21740452270000",
        type="perceel",
        kadastraleAanduiding="Hoorn B 4522",
        kadastraleAanduidingMetGemeentecode="HRN00 B 4522",
        grootte_m2=36,
        punt=(130518.0, 516726.5),
        gerechtigden=(Gerechtigde("40330189", "eigenaar", "2025-06-30", _VASTGOED, 1, 1),),
        cultuur=("61", "Erf - Tuin"),
    ),
    KadastraalOnroerendeZaak(
        identificatie="13380287770000",
        type="perceel",
        kadastraleAanduiding="Enkhuizen A 2877",
        kadastraleAanduidingMetGemeentecode="EKH00 A 2877",
        grootte_m2=74,
        punt=(154018.2, 524560.7),
        adressen=(_WESTERSTRAAT_201,),
        gerechtigden=(Gerechtigde("40210201", "eigenaar", "2019-11-15", _JOHAN, 1, 1, _ONGEHUWD),),
        cultuur=("12", "Wonen met winkel"),
    ),
    KadastraalOnroerendeZaak(
        identificatie="13380190470000",
        type="perceel",
        kadastraleAanduiding="Enkhuizen A 1904",
        kadastraleAanduidingMetGemeentecode="EKH00 A 1904",
        grootte_m2=212,
        punt=(153702.6, 524890.1),
        adressen=(_DIJK_12,),
        gerechtigden=(
            Gerechtigde("40210012", "eigenaar", "2004-04-01", _JOHAN, 1, 2, _GEHUWD),
            Gerechtigde("40210013", "eigenaar", "2004-04-01", _ELLEN, 1, 2, _GEHUWD),
        ),
    ),
    KadastraalOnroerendeZaak(
        identificatie="25910135070000",
        type="perceel",
        kadastraleAanduiding="Wognum C 1350",
        kadastraleAanduidingMetGemeentecode="WGN00 C 1350",
        grootte_m2=286,
        punt=(130044.8, 525501.3),
        adressen=(_DORPSSTRAAT_5,),
        gerechtigden=(Gerechtigde("40420005", "eigenaar", "1998-09-01", _CORPORATIE, 1, 1),),
    ),
)

KADASTER_NIET_NATUURLIJK_PERSONEN: tuple[KadasterNietNatuurlijkPersoon, ...] = (
    KadasterNietNatuurlijkPersoon(
        identificatie="30104417",
        statutaireNaam="Kleine Noord Vastgoed B.V.",
        statutaireZetel="Hoorn",
        rechtsvorm=("BV", "Besloten vennootschap"),
        kvkNummer="97000047",
        rsin="864523190",
        kadastraalOnroerendeZaakIdentificaties=("21740452170000", "21740452270000"),
    ),
)
