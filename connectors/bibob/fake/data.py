"""The fake permit register's records: the demo-world permits with their Bibob screening.

There is no public Bibob test set (Bibob data never leaves a municipality), so every
record here belongs to the West-Friesland demo world of ``docs/demo-world.md``.
Dates marked *recent* there are computed from ``today`` so the stories keep working.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

__all__ = ["Adres", "Bibob", "Vergunning", "find_by_adres", "find_by_kvk", "vergunningen"]


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
    """All permits in the register, with recent dates relative to ``today``."""
    return [
        # Story 1: labour migrants' housing at an overcrowded address in Hoorn. The
        # business was registered today - 70 days; it applied soon after, and the
        # LBB advice came back recently. No decision yet.
        Vergunning(
            vergunningnummer="VG-2026-0311",
            type="huisvesting_arbeidsmigranten",
            status="aangevraagd",
            kvkNummer="97000011",
            naam="Flex West-Friesland Uitzendbureau B.V.",
            adres=Adres("Kleine Noord", 88, "1621JH", "Hoorn"),
            datumAanvraag=today - timedelta(days=55),
            bibob=Bibob(
                onderzoek="lbb_advies",
                datum=today - timedelta(days=14),
                mateVanGevaar="mindere_mate",
                besluit="nog geen besluit; voorwaarden overwogen",
            ),
        ),
        # Story 2: the sex establishment permit was refused. The register still
        # carries the older trade name, so the dossier shows a conflict with KvK.
        Vergunning(
            vergunningnummer="VG-2025-0190",
            type="exploitatievergunning_seksinrichting",
            status="geweigerd",
            kvkNummer="97000035",
            naam="Lotus Massage",
            adres=Adres("Westerstraat", 201, "1601AM", "Enkhuizen"),
            datumAanvraag=date(2025, 3, 18),
            datumBesluit=date(2025, 9, 24),
            bibob=Bibob(
                onderzoek="eigen_onderzoek",
                datum=date(2025, 7, 2),
                mateVanGevaar="ernstig_gevaar",
                besluit="vergunning geweigerd op grond van art. 3 Wet Bibob",
            ),
        ),
        # A clean control case: an ordinary café in Medemblik, screened, no danger.
        Vergunning(
            vergunningnummer="VG-2024-0457",
            type="exploitatievergunning_horeca",
            status="verleend",
            kvkNummer="97000059",
            naam="Eetcafé De Zuiderzeeklok",
            adres=Adres("Nieuwstraat", 14, "1671BD", "Medemblik"),
            datumAanvraag=date(2024, 11, 4),
            datumBesluit=date(2025, 1, 20),
            bibob=Bibob(
                onderzoek="eigen_onderzoek",
                datum=date(2024, 12, 10),
                mateVanGevaar="geen_gevaar",
                besluit="vergunning verleend",
            ),
        ),
    ]


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
