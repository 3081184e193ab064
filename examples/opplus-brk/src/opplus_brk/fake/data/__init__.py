"""Records of the BRK fake: who holds which right on the demo world's addresses.

The records are data files beside this module (``kadastraalonroerendezaken.json``,
``kadasternietnatuurlijkpersonen.json``), read into the types below.

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
from pathlib import Path

from plugins.fakes import read_json

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


_HERE = Path(__file__).parent

KADASTRAAL_ONROERENDE_ZAKEN: tuple[KadastraalOnroerendeZaak, ...] = tuple(
    read_json(_HERE / "kadastraalonroerendezaken.json", list[KadastraalOnroerendeZaak])
)
KADASTER_NIET_NATUURLIJK_PERSONEN: tuple[KadasterNietNatuurlijkPersoon, ...] = tuple(
    read_json(_HERE / "kadasternietnatuurlijkpersonen.json", list[KadasterNietNatuurlijkPersoon])
)
