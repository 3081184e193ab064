"""Records of the BRP Bewoning fake: who was registered at which adresseerbaar object, when.

The records are a data file beside this module, ``inschrijvingen.json``. Persons,
addresses and dates follow docs/demo-world.md; dates marked *recent* there are relative
to the fake's ``today`` (``{"daysAgo": N}``; Daan Bakker is always 16). Move-in and birth
dates the document leaves open are the ones the BRP Personen fake uses
(connectors/brp/fake/data), so both fakes tell one story.
A resident whose move-in date is (partly) unknown is a *mogelijke bewoner* while the
peildatum lies in the uncertainty (BRP Bewoning feature ``mogelijke-bewoner``); a wholly
unknown date makes a mogelijke bewoner on every peildatum.
Boterdiep 31 and Vredesplein 7 Rotterdam come from RvIG's GBA-V test set (999993653,
datum aanvang adreshouding 2013-11-02 and 2015-08-08).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from plugins.fakes import read_json

__all__ = ["Inschrijving", "PartialDate", "demo_residents", "years_before"]


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A BRP date whose month or day may be unknown (0), as in ``20100800``."""

    year: int
    month: int = 0
    day: int = 0

    @classmethod
    def of(cls, value: date) -> PartialDate:
        return cls(value.year, value.month, value.day)

    @property
    def unknown(self) -> bool:
        return self.year == 0

    def earliest(self) -> date:
        """The first day the date may be."""
        return date(self.year, self.month or 1, self.day or 1)

    def latest(self) -> date:
        """The last day the date may be."""
        if self.day:
            return date(self.year, self.month, self.day)
        if self.month:
            following = date(self.year + self.month // 12, self.month % 12 + 1, 1)
            return following - timedelta(days=1)
        return date(self.year, 12, 31)


UNKNOWN = PartialDate(0)
_HERE = Path(__file__).parent


@dataclass(frozen=True, slots=True)
class Inschrijving:
    """One person's registration at one adresseerbaar object."""

    burgerservicenummer: str
    voornamen: str
    geslachtsnaam: str
    geboortedatum: date
    aanvang: PartialDate
    voorvoegsel: str | None = None
    #: the day the person was registered elsewhere, None while still here
    einde: date | None = None
    geheimhouding: bool = False

    @property
    def volledigeNaam(self) -> str:
        return " ".join(p for p in (self.voornamen, self.voorvoegsel, self.geslachtsnaam) if p)


def years_before(day: date, years: int) -> date:
    """``day`` minus whole years (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True, slots=True)
class _Record:
    """One line of ``inschrijvingen.json``; ``aanvang`` None is a wholly unknown date."""

    adresseerbaarObjectIdentificatie: str
    burgerservicenummer: str
    voornamen: str
    geslachtsnaam: str
    geboortedatum: date
    aanvang: date | None
    voorvoegsel: str | None = None
    einde: date | None = None
    geheimhouding: bool = False


def demo_residents(today: date) -> dict[str, list[Inschrijving]]:
    """Registrations per adresseerbaarObjectIdentificatie, relative to ``today``."""
    residents: dict[str, list[Inschrijving]] = {}
    for r in read_json(_HERE / "inschrijvingen.json", list[_Record], today=today):
        aanvang = PartialDate.of(r.aanvang) if r.aanvang is not None else UNKNOWN
        residents.setdefault(r.adresseerbaarObjectIdentificatie, []).append(
            Inschrijving(
                r.burgerservicenummer,
                r.voornamen,
                r.geslachtsnaam,
                r.geboortedatum,
                aanvang,
                voorvoegsel=r.voorvoegsel,
                einde=r.einde,
                geheimhouding=r.geheimhouding,
            )
        )
    return residents
