"""The records of the KvK fake: KvK's public test numbers and the demo world.

Two groups, as docs/demo-world.md asks:

- the numbers KvK publishes for its test environment (69599084 "Test EMZ Dagobert",
  68750110 "Test BV Donald", ...). Names, addresses and SBI codes follow what the test
  environment is publicly known to return where that is known; where it is not (street
  numbers of some test records, the 1000 generated vestigingen of 90006577, the inactive
  coöperatie 96354429) the values are invented and deliberately look like test data;
- the West-Friesland demo world (9700xxxx), whose *recent* dates are relative to
  ``today`` so the stories keep working as time passes.

The records are a data file beside this module, ``inschrijvingen.json``; a recent date
there is ``{"daysAgo": N}``. Dates are KvK's ``YYYYMMDD`` strings.

One part is generated, not data: 90006577 "Test BV Vestigingenreus" is in the file with
its hoofdvestiging only, and :func:`_met_filialen` adds its 999 filialen by a fixed
pattern (numbers, names and places counting up), so that lists run over many pages.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from plugins.fakes import from_json

__all__ = [
    "Adres",
    "Inschrijving",
    "Registry",
    "SbiActiviteit",
    "Vestiging",
    "build_registry",
]


@dataclass(frozen=True, slots=True)
class Adres:
    """A bezoekadres or correspondentieadres; a shielded one carries no street data."""

    type: str
    plaats: str
    straatnaam: str | None = None
    huisnummer: int | None = None
    huisletter: str | None = None
    huisnummerToevoeging: str | None = None
    postcode: str | None = None
    postbusnummer: int | None = None
    land: str = "Nederland"
    afgeschermd: bool = False
    addresseerbaarObjectId: str | None = None
    nummerAanduidingId: str | None = None


@dataclass(frozen=True, slots=True)
class SbiActiviteit:
    sbiCode: str
    sbiOmschrijving: str
    hoofdactiviteit: bool = False


@dataclass(frozen=True, slots=True)
class Vestiging:
    vestigingsnummer: str
    eersteHandelsnaam: str
    hoofdvestiging: bool
    adressen: tuple[Adres, ...]
    sbiActiviteiten: tuple[SbiActiviteit, ...]
    datumAanvang: str
    formeleRegistratiedatum: str
    datumEinde: str | None = None
    commercieel: bool = True
    voltijdWerkzamePersonen: int = 1
    deeltijdWerkzamePersonen: int = 0
    extraHandelsnamen: tuple[str, ...] = ()

    @property
    def handelsnamen(self) -> tuple[str, ...]:
        return (self.eersteHandelsnaam, *self.extraHandelsnamen)

    @property
    def totaalWerkzamePersonen(self) -> int:
        return self.voltijdWerkzamePersonen + self.deeltijdWerkzamePersonen

    @property
    def actief(self) -> bool:
        return self.datumEinde is None


@dataclass(frozen=True, slots=True)
class Inschrijving:
    """A registration in the Handelsregister (a maatschappelijke activiteit)."""

    kvkNummer: str
    naam: str
    rechtsvorm: str
    uitgebreideRechtsvorm: str
    formeleRegistratiedatum: str
    datumAanvang: str
    handelsnamen: tuple[str, ...]
    sbiActiviteiten: tuple[SbiActiviteit, ...]
    vestigingen: tuple[Vestiging, ...]
    rsin: str | None = None
    statutaireNaam: str | None = None
    datumEinde: str | None = None
    indNonMailing: bool = False

    @property
    def hoofdvestiging(self) -> Vestiging:
        return next(v for v in self.vestigingen if v.hoofdvestiging)

    @property
    def totaalWerkzamePersonen(self) -> int:
        return sum(v.totaalWerkzamePersonen for v in self.vestigingen if v.actief)

    @property
    def actief(self) -> bool:
        return self.datumEinde is None

    @property
    def rechtspersoon(self) -> bool:
        """True when the Handelsregister knows the owner as a rechtspersoon/samenwerkingsverband."""
        return self.rsin is not None


@dataclass(slots=True)
class Registry:
    """The fake's Handelsregister, indexed by kvkNummer and by vestigingsnummer."""

    inschrijvingen: dict[str, Inschrijving] = field(default_factory=dict)
    vestigingen: dict[str, tuple[Inschrijving, Vestiging]] = field(default_factory=dict)

    def add(self, inschrijving: Inschrijving) -> None:
        if inschrijving.kvkNummer in self.inschrijvingen:
            raise ValueError(f"kvkNummer {inschrijving.kvkNummer} twice")
        self.inschrijvingen[inschrijving.kvkNummer] = inschrijving
        for vestiging in inschrijving.vestigingen:
            if vestiging.vestigingsnummer in self.vestigingen:
                raise ValueError(f"vestigingsnummer {vestiging.vestigingsnummer} twice")
            self.vestigingen[vestiging.vestigingsnummer] = (inschrijving, vestiging)

    def __iter__(self) -> Iterator[Inschrijving]:
        return iter(self.inschrijvingen.values())


_HERE = Path(__file__).parent


def _ymd(day: date) -> str:
    return day.strftime("%Y%m%d")


#: 90006577 "Test BV Vestigingenreus" has 999 filialen besides its hoofdvestiging; they
#: are generated (see :func:`_met_filialen`), not listed in ``inschrijvingen.json``
_VESTIGINGENREUS = "90006577"
_FILIALEN = 999
_FILIAAL_PLAATSEN: tuple[tuple[str, str], ...] = (
    ("Utrecht", "3511AB"),
    ("Rotterdam", "3011AB"),
    ("Groningen", "9711AB"),
    ("Eindhoven", "5611AB"),
    ("Zwolle", "8011AB"),
    ("Arnhem", "6811AB"),
    ("Leeuwarden", "8911AB"),
    ("Middelburg", "4331AB"),
)


def _met_filialen(inschrijving: Inschrijving, count: int) -> Inschrijving:
    """``inschrijving`` with ``count`` filialen generated from its hoofdvestiging: filiaal
    i (1..count) is vestigingsnummer hoofd + i, "Test Vestigingenreus Filiaal {i:04d}",
    at Filiaalstraat i // 8 + 1 in the (i mod 8)-th of :data:`_FILIAAL_PLAATSEN`."""
    hoofd = inschrijving.hoofdvestiging
    adres = hoofd.adressen[0]
    n = len(_FILIAAL_PLAATSEN)
    filialen = tuple(
        replace(
            hoofd,
            vestigingsnummer=f"{int(hoofd.vestigingsnummer) + i:012d}",
            eersteHandelsnaam=f"Test Vestigingenreus Filiaal {i:04d}",
            hoofdvestiging=False,
            adressen=(
                replace(
                    adres,
                    plaats=_FILIAAL_PLAATSEN[i % n][0],
                    postcode=_FILIAAL_PLAATSEN[i % n][1],
                    huisnummer=i // n + 1,
                ),
            ),
        )
        for i in range(1, count + 1)
    )
    return replace(inschrijving, vestigingen=(*inschrijving.vestigingen, *filialen))


def _dated(value: Any, today: date) -> Any:
    """``{"daysAgo": N}`` anywhere in the parsed records as KvK's ``YYYYMMDD`` text."""
    if isinstance(value, dict):
        if set(value) == {"daysAgo"}:
            return _ymd(today - timedelta(days=int(value["daysAgo"])))
        return {key: _dated(item, today) for key, item in value.items()}
    if isinstance(value, list):
        return [_dated(item, today) for item in value]
    return value


def build_registry(today: date) -> Registry:
    """All records, with the demo world's recent dates computed from ``today``."""
    registry = Registry()
    raw = json.loads((_HERE / "inschrijvingen.json").read_text(encoding="utf-8"))
    for inschrijving in from_json(list[Inschrijving], _dated(raw, today)):
        if inschrijving.kvkNummer == _VESTIGINGENREUS:
            inschrijving = _met_filialen(inschrijving, _FILIALEN)
        registry.add(inschrijving)
    return registry
