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
there is ``{"daysAgo": N}``. Only 90006577's 1000 vestigingen are generated here. Dates
are KvK's ``YYYYMMDD`` strings.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
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


def _many_vestigingen() -> Inschrijving:
    """90006577: a BV with 1000 vestigingen (generated, deliberately test-like)."""
    sbi = (SbiActiviteit("4711", "Supermarkten en dergelijke winkels", True),)
    vestigingen = []
    for i in range(1000):
        plaats, postcode = _FILIAAL_PLAATSEN[i % len(_FILIAAL_PLAATSEN)]
        vestigingen.append(
            Vestiging(
                vestigingsnummer=f"{900065770000 + i:012d}",
                eersteHandelsnaam="Test BV Vestigingenreus"
                if i == 0
                else f"Test Vestigingenreus Filiaal {i:04d}",
                hoofdvestiging=i == 0,
                adressen=(
                    Adres(
                        "bezoekadres",
                        plaats,
                        straatnaam="Filiaalstraat",
                        huisnummer=i // len(_FILIAAL_PLAATSEN) + 1,
                        postcode=postcode,
                    ),
                ),
                sbiActiviteiten=sbi,
                datumAanvang="20190601",
                formeleRegistratiedatum="20190603",
            )
        )
    return Inschrijving(
        kvkNummer="90006577",
        naam="Test BV Vestigingenreus",
        statutaireNaam="Test BV Vestigingenreus",
        rsin="863541008",
        rechtsvorm="Besloten Vennootschap",
        uitgebreideRechtsvorm="Besloten Vennootschap met gewone structuur",
        formeleRegistratiedatum="20190603",
        datumAanvang="20190601",
        handelsnamen=("Test BV Vestigingenreus",),
        sbiActiviteiten=sbi,
        vestigingen=tuple(vestigingen),
    )


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
        registry.add(inschrijving)
    registry.add(_many_vestigingen())
    return registry
