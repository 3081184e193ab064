"""The fake permit register's records: the demo-world permits with their Bibob screening.

There is no public Bibob test set (Bibob data never leaves a municipality), so every
record here belongs to the West-Friesland demo world of ``docs/demo-world.md``.
Dates marked *recent* there are computed from ``today`` so the stories keep working.
The records are a data file beside this module, ``vergunningen.json`` (a recent date is
``{"daysAgo": N}``); story 1 is labour migrants' housing at Kleine Noord 88 in Hoorn
(LBB advice, no decision yet), story 2 a refused sex establishment permit under an older
trade name, and the café in Medemblik a clean control case.

These records are the one source of the demo world's permits: the fake zaaksysteem
(``connectors/handhaving/fake/data``) files the same permits as zaken by reading them
from here, for the Bibob connector's ZGW source.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from plugins.fakes import read_json

__all__ = ["Adres", "Bibob", "Vergunning", "find_by_adres", "find_by_kvk", "vergunningen"]


_HERE = Path(__file__).parent


@dataclass(frozen=True, slots=True)
class Adres:
    straatnaam: str
    huisnummer: int
    postcode: str
    woonplaats: str
    huisletter: str | None = None
    huisnummertoevoeging: str | None = None


@dataclass(frozen=True, slots=True)
class Bibob:
    onderzoek: str  # geen | eigen_onderzoek | lbb_advies
    datum: date | None = None
    mateVanGevaar: str | None = None  # geen_gevaar | mindere_mate | ernstig_gevaar
    besluit: str | None = None


@dataclass(frozen=True, slots=True)
class Vergunning:
    vergunningnummer: str
    type: str
    status: str
    kvkNummer: str
    naam: str
    adres: Adres
    datumAanvraag: date
    bibob: Bibob
    datumBesluit: date | None = None


def vergunningen(today: date) -> list[Vergunning]:
    """All permits in the register (``vergunningen.json``), recent dates relative to
    ``today``: story 1's application and LBB advice, 55 and 14 days ago."""
    return list(read_json(_HERE / "vergunningen.json", list[Vergunning], today=today))


def find_by_kvk(records: list[Vergunning], kvk_nummer: str) -> list[Vergunning]:
    """The permits held by business ``kvk_nummer``."""
    return [v for v in records if v.kvkNummer == kvk_nummer]


def find_by_adres(
    records: list[Vergunning],
    postcode: str,
    huisnummer: int,
    huisletter: str | None = None,
    huisnummertoevoeging: str | None = None,
) -> list[Vergunning]:
    """The permits for the exact address (letter and addition compared case-blind)."""

    def same(a: str | None, b: str | None) -> bool:
        return (a or "").upper() == (b or "").upper()

    return [
        v
        for v in records
        if v.adres.postcode == postcode
        and v.adres.huisnummer == huisnummer
        and same(v.adres.huisletter, huisletter)
        and same(v.adres.huisnummertoevoeging, huisnummertoevoeging)
    ]
