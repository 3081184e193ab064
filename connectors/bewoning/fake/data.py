"""Records of the BRP Bewoning fake: who was registered at which adresseerbaar object, when.

Persons, addresses and dates follow docs/demo-world.md; dates marked *recent* there are
relative to the fake's ``today``. Move-in and birth dates the document leaves open are the
ones the BRP Personen fake uses (connectors/brp/data.py), so both fakes tell one story.
A resident whose move-in date is (partly) unknown is a *mogelijke bewoner* while the
peildatum lies in the uncertainty (BRP Bewoning feature ``mogelijke-bewoner``); a wholly
unknown date makes a mogelijke bewoner on every peildatum.
Boterdiep 31 and Vredesplein 7 Rotterdam come from RvIG's GBA-V test set (999993653,
datum aanvang adreshouding 2013-11-02 and 2015-08-08).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

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


def demo_residents(today: date) -> dict[str, list[Inschrijving]]:
    """Registrations per adresseerbaarObjectIdentificatie, relative to ``today``."""

    def ago(days: int) -> PartialDate:
        return PartialDate.of(today - timedelta(days=days))

    def since(value: str) -> PartialDate:
        return PartialDate.of(date.fromisoformat(value))

    kleine_noord = [
        Inschrijving("999970008", "Piotr", "Nowak", date(1990, 4, 12), since("2021-03-15")),
        Inschrijving("999970021", "Andrei", "Popescu", date(1997, 9, 30), ago(52)),
        Inschrijving("999970033", "Marta", "Kowalska", date(2001, 1, 15), ago(75)),
        Inschrijving("999970045", "Ionut", "Dumitru", date(1985, 6, 2), since("2022-06-01")),
        Inschrijving("999970057", "Katarzyna", "Wiśniewska", date(2004, 11, 23), ago(20)),
        Inschrijving("999970069", "Mihai", "Ionescu", date(1993, 3, 8), since("2023-09-12")),
        Inschrijving("999970070", "Tomasz", "Zieliński", date(1988, 7, 19), since("2024-02-05")),
        Inschrijving("999970082", "Elena", "Stan", date(2000, 12, 1), ago(35)),
        Inschrijving("999970094", "Pawel", "Lewandowski", date(1982, 2, 27), since("2024-08-19")),
        # datum aanvang adreshouding wholly unknown: mogelijke bewoners on every peildatum
        Inschrijving("999970100", "Adam", "Wójcik", date(1991, 5, 14), UNKNOWN),
        Inschrijving("999970112", "Radu", "Marin", date(1989, 10, 2), UNKNOWN),
    ]
    westerstraat = [
        Inschrijving("999970124", "Mai", "Nguyen", date(2003, 5, 5), since("2025-04-10")),
        Inschrijving("999970136", "Ana", "Costa", date(1999, 8, 14), since("2025-06-12")),
        Inschrijving("999970148", "Lin", "Wei", date(2005, 2, 10), ago(30)),
    ]
    dijk = [
        Inschrijving(
            "999970161", "Johan", "Vries", date(1971, 10, 3), since("2006-09-01"), voorvoegsel="de"
        ),
    ]
    dorpsstraat = [
        # always 16: born 16 years and 120 days before today
        Inschrijving(
            "999970173",
            "Daan",
            "Bakker",
            years_before(today, 16) - timedelta(days=120),
            since("2015-08-01"),
        ),
        Inschrijving("999970185", "Kevin", "Smit", date(1994, 1, 20), since("2019-03-01")),
        Inschrijving("999970197", "Sandra", "Bakker", date(1978, 4, 11), since("2015-08-01")),
    ]
    moulin = ("999993653", "Suzanne", "Moulin", date(1985, 12, 1))
    return {
        "0405010000170088": kleine_noord,
        "0388010000120201": westerstraat,
        "0388010000110012": dijk,
        "0420010000150005": dorpsstraat,
        "0599010000208579": [Inschrijving(*moulin, since("2015-08-08"))],
        "0599010000476795": [
            Inschrijving(*moulin, since("2013-11-02"), einde=date(2015, 8, 8)),
        ],
    }
