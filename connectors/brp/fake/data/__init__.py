"""The BRP fake's records: public GBA-V proefomgeving identities and the demo world.

Two kinds of persons live here, both as :class:`PersonRecord`:

* persons of RvIG's public test set (``brp-testset-proefomgeving-gba-v.csv``), curated
  by hand from their row in that file (category 01 name/birth, 04 nationality, 06
  death, 07 secrecy/suspension, 08 residence); the CSV itself is not shipped;
* every person of the West-Friesland demo world (``docs/demo-world.md``), whose
  recent dates are relative to the fake's current date (:class:`Ago`).

The records are data files beside this module: ``persons.json`` (a ``verblijfplaats``
names its kind in ``"type"``; a relative date is ``{"years": ..., "days": ...}``) and
``codes.json``. Dates are kept as the GBA stores them (``"YYYYMMDD"``, unknown parts
as ``00``) so the fake can turn them into the API's polymorphic date objects. Coded
values are kept as codes; :data:`GEMEENTEN`, :data:`LANDEN`, :data:`NATIONALITEITEN` hold the table
descriptions the fake knows (a code missing there is answered with its code only).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from plugins.fakes import read_json

__all__ = [
    "ADELLIJKE_TITELS",
    "GEMEENTEN",
    "GESLACHTEN",
    "LANDEN",
    "NATIONALITEITEN",
    "PERSONS",
    "REDENEN_OPSCHORTING",
    "Adres",
    "Ago",
    "DateSpec",
    "PersonRecord",
    "VerblijfplaatsBuitenland",
    "VerblijfplaatsOnbekend",
]


@dataclass(frozen=True, slots=True)
class Ago:
    """A date relative to the fake's today: ``years`` and then ``days`` earlier."""

    years: int = 0
    days: int = 0


#: a GBA date ``"YYYYMMDD"`` (``00`` for unknown parts) or a relative one
DateSpec = str | Ago


@dataclass(frozen=True, slots=True)
class Adres:
    """A Dutch address (BRP category 08, 11.xx) with its BAG identifiers."""

    korteStraatnaam: str  # 11.10 straatnaam
    huisnummer: int
    postcode: str
    woonplaats: str
    adresseerbaarObjectIdentificatie: str
    nummeraanduidingIdentificatie: str
    officieleStraatnaam: str | None = None  # 11.15 naam openbare ruimte, when it differs
    huisletter: str | None = None
    huisnummertoevoeging: str | None = None


@dataclass(frozen=True, slots=True)
class VerblijfplaatsBuitenland:
    """A residence abroad (category 08, 13.xx)."""

    land: str
    regel1: str | None = None
    regel2: str | None = None
    regel3: str | None = None


@dataclass(frozen=True, slots=True)
class VerblijfplaatsOnbekend:
    """Left for an unknown destination."""


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """One person list, reduced to what the fake answers."""

    burgerservicenummer: str
    voornamen: str | None
    voorvoegsel: str | None
    geslachtsnaam: str
    geboortedatum: DateSpec
    geboorteplaats: str  # a gemeente code (4 digits) or a foreign place name
    geboorteland: str
    geslacht: Literal["M", "V", "O"] | None
    nationaliteiten: tuple[str, ...]
    gemeenteVanInschrijving: str
    datumInschrijvingInGemeente: DateSpec
    verblijfplaats: Adres | VerblijfplaatsBuitenland | VerblijfplaatsOnbekend
    datumVan: DateSpec
    datumEersteInschrijvingGBA: DateSpec | None = None
    #: (landVanwaarIngeschreven, datumVestigingInNederland)
    immigratie: tuple[str, DateSpec] | None = None
    #: (datum, plaats, land)
    overlijden: tuple[DateSpec, str, str] | None = None
    #: 07.70.10 indicatie geheim, 0 = none
    geheim: int = 0
    #: (datum, reden) of the suspension of maintenance (07.67.10 / 07.67.20)
    opschorting: tuple[DateSpec, str] | None = None
    adellijkeTitelPredicaat: str | None = None


_HERE = Path(__file__).parent


@dataclass(frozen=True, slots=True)
class _Codes:
    """``codes.json``: the descriptions of the coded values the fake knows."""

    gemeenten: Mapping[str, str]
    landen: Mapping[str, str]
    nationaliteiten: Mapping[str, str]
    geslachten: Mapping[str, str]
    redenenOpschorting: Mapping[str, str]
    adellijkeTitels: Mapping[str, tuple[str, str]]


_CODES: _Codes = read_json(_HERE / "codes.json", _Codes)
GEMEENTEN = _CODES.gemeenten
LANDEN = _CODES.landen
NATIONALITEITEN = _CODES.nationaliteiten
GESLACHTEN = _CODES.geslachten
REDENEN_OPSCHORTING = _CODES.redenenOpschorting
ADELLIJKE_TITELS = _CODES.adellijkeTitels

#: every person the fake knows (``persons.json``), by burgerservicenummer
PERSONS: Mapping[str, PersonRecord] = {
    person.burgerservicenummer: person
    for person in read_json(_HERE / "persons.json", list[PersonRecord])
}
