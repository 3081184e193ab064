"""The seam of the Bibob connector: a permit register's answer, register-neutral, and its facts.

There is no national Bibob API: every municipality keeps Bibob outcomes in its own
permit or case system. The connector (fields, classification, purpose binding,
provenance, discovery) is therefore shared, and only the way permits are read
varies. A :class:`BibobSource` reads them from one kind of register and returns
:class:`Permit` records in the code lists below; :func:`bibob_facts` turns any list
of permits into the hub's Bibob facts, whatever register they came from.

Two sources ship: the SOAP Vergunningenregister (:mod:`.soap`, the reference) and a
ZGW zaaksysteem where the Bibob investigation is a zaak of its own zaaktype
(:mod:`.zgw`). ``docs/writing-a-connector.md`` ("Adapting the Bibob connector to
your permit register") shows how a municipality adds its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from plugins import AddressRef, BusinessRef, Evidence, Health, Query, house_number

__all__ = [
    "MATE_VAN_GEVAAR",
    "ONDERZOEK",
    "VERGUNNINGSTATUS",
    "VERGUNNINGTYPE",
    "BibobOutcome",
    "BibobSource",
    "CodeList",
    "Permit",
    "PermitAddress",
    "PermitError",
    "Permits",
    "bibob_facts",
]


class PermitError(ValueError):
    """A permit that breaks the seam's contract (a code outside its list, a field missing).

    The connector reports it as a ``BadResponse`` of the register: a source never
    needs to catch it.
    """


@dataclass(frozen=True, slots=True)
class CodeList:
    """A closed list of codes, in order, each with the Dutch label an officer reads."""

    name: str
    labels: Mapping[str, str]

    def check(self, code: str) -> str:
        """``code`` itself when it is on the list; PermitError otherwise."""
        if code not in self.labels:
            raise PermitError(f"{self.name} {code!r} is not one of {list(self.labels)}")
        return code

    def code_for(self, text: str, extra: Mapping[str, str] | None = None) -> str:
        """The code a register's text stands for: a code, a label of this list or a key of
        ``extra`` (a register's own wording mapped to a code), compared case-blind."""
        wanted = _fold(text)
        for code, label in self.labels.items():
            if wanted in (_fold(code), _fold(label)):
                return code
        for own, code in (extra or {}).items():
            if wanted == _fold(own):
                return self.check(code)
        raise PermitError(f"{self.name}: {text!r} is not a known code or label")

    def order(self, code: str) -> int:
        return list(self.labels).index(self.check(code))


def _fold(text: str) -> str:
    return " ".join(text.replace("_", " ").split()).casefold()


#: the outcome of a Bibob screening (art. 3 Wet Bibob), least severe first
MATE_VAN_GEVAAR = CodeList(
    "mateVanGevaar",
    {
        "geen_gevaar": "Geen gevaar",
        "mindere_mate": "Mindere mate van gevaar",
        "ernstig_gevaar": "Ernstig gevaar",
    },
)
#: how the municipality screened the applicant
ONDERZOEK = CodeList(
    "onderzoek",
    {
        "geen": "Geen Bibob-onderzoek",
        "eigen_onderzoek": "Eigen Bibob-onderzoek",
        "lbb_advies": "Advies van het Landelijk Bureau Bibob",
    },
)
VERGUNNINGSTATUS = CodeList(
    "status",
    {
        "aangevraagd": "Aangevraagd",
        "verleend": "Verleend",
        "geweigerd": "Geweigerd",
        "ingetrokken": "Ingetrokken",
    },
)
VERGUNNINGTYPE = CodeList(
    "type",
    {
        "exploitatievergunning_horeca": "Exploitatievergunning horeca",
        "exploitatievergunning_seksinrichting": "Exploitatievergunning seksinrichting",
        "huisvesting_arbeidsmigranten": "Vergunning huisvesting arbeidsmigranten",
    },
)


def _text(value: str, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise PermitError(f"{name} missing")
    return value.strip()


@dataclass(frozen=True, slots=True)
class PermitAddress:
    """The address a permit is for, as the register spells it."""

    straatnaam: str
    huisnummer: int
    postcode: str
    woonplaats: str
    huisletter: str | None = None
    huisnummertoevoeging: str | None = None

    def __post_init__(self) -> None:
        _text(self.straatnaam, "adres.straatnaam")
        _text(self.woonplaats, "adres.woonplaats")
        self.ref  # noqa: B018 - validates postcode, number, letter and addition

    @property
    def ref(self) -> AddressRef:
        try:
            return AddressRef(
                postcode=self.postcode,
                huisnummer=self.huisnummer,
                huisletter=self.huisletter or None,
                huisnummertoevoeging=self.huisnummertoevoeging or None,
            )
        except (TypeError, ValueError) as exc:
            raise PermitError(f"adres: {exc}") from exc

    @property
    def label(self) -> str:
        """One line, as an officer reads it: ``Kleine Noord 88, 1621 JH Hoorn``."""
        ref = self.ref
        number = house_number(ref.huisnummer, ref.huisletter, ref.huisnummertoevoeging)
        place = f"{ref.postcode[:4]} {ref.postcode[4:]} {self.woonplaats.strip()}"
        return f"{self.straatnaam.strip()} {number}, {place}"


@dataclass(frozen=True, slots=True)
class BibobOutcome:
    """The Bibob screening of one permit application."""

    onderzoek: str
    datum: date | None = None
    mateVanGevaar: str | None = None
    besluit: str | None = None

    def __post_init__(self) -> None:
        ONDERZOEK.check(self.onderzoek)
        if self.mateVanGevaar is not None:
            MATE_VAN_GEVAAR.check(self.mateVanGevaar)
        if self.datum is not None and not isinstance(self.datum, date):
            raise PermitError("bibob.datum is not a date")


_KVK = re.compile(r"[0-9]{8}")


@dataclass(frozen=True, slots=True)
class Permit:
    """One permit with its Bibob screening, as any register knows it."""

    vergunningnummer: str
    type: str
    status: str
    kvkNummer: str
    naam: str
    adres: PermitAddress
    datumAanvraag: date
    bibob: BibobOutcome
    datumBesluit: date | None = None

    def __post_init__(self) -> None:
        _text(self.vergunningnummer, "vergunningnummer")
        _text(self.naam, "naam")
        VERGUNNINGTYPE.check(self.type)
        VERGUNNINGSTATUS.check(self.status)
        if not isinstance(self.kvkNummer, str) or not _KVK.fullmatch(self.kvkNummer):
            raise PermitError("kvkNummer is not 8 digits")
        if not isinstance(self.adres, PermitAddress):
            raise PermitError("adres is not a PermitAddress")
        if not isinstance(self.bibob, BibobOutcome):
            raise PermitError("bibob is not a BibobOutcome")
        for name in ("datumAanvraag", "datumBesluit"):
            value = getattr(self, name)
            if not isinstance(value, date) and (name == "datumAanvraag" or value is not None):
                raise PermitError(f"{name} is not a date")

    @property
    def business(self) -> BusinessRef:
        return BusinessRef(self.kvkNummer)

    def value(self) -> dict[str, Any]:
        """The permit as the ``vergunningen`` fact holds it."""

        def day(value: date | None) -> str | None:
            return None if value is None else value.isoformat()

        return {
            "vergunningnummer": self.vergunningnummer.strip(),
            "type": self.type,
            "status": self.status,
            "kvkNummer": self.kvkNummer,
            "adres": self.adres.label,
            "datumAanvraag": day(self.datumAanvraag),
            "datumBesluit": day(self.datumBesluit),
            "bibob": {
                "onderzoek": self.bibob.onderzoek,
                "datum": day(self.bibob.datum),
                "mateVanGevaar": self.bibob.mateVanGevaar,
                "besluit": None if self.bibob.besluit is None else self.bibob.besluit.strip(),
            },
        }


@dataclass(frozen=True, slots=True)
class Permits:
    """A source's answer: the permits found, and the responses they were read from.

    ``evidence`` holds at least one response (the first is the one the facts point to),
    also when no permit was found: "checked, none" needs its proof as much as a hit.
    """

    permits: tuple[Permit, ...]
    evidence: tuple[Evidence, ...]


class BibobSource(Protocol):
    """One kind of permit register. The connector calls it; it never sees the hub."""

    #: the register's name for provenance, e.g. "Vergunningenregister (Bibob, SOAP)"
    registry: str

    async def permits(self, subject: BusinessRef | AddressRef, query: Query) -> Permits:
        """The permits held by the business, or issued for the address.

        Raises the :mod:`plugins` errors for what goes wrong on the wire.
        """
        ...

    async def check(self) -> Health:
        """A harmless probe of the register with the configured credentials."""
        ...

    async def aclose(self) -> None:
        """Release connections."""
        ...


def bibob_facts(permits: Iterable[Permit]) -> dict[str, Any]:
    """The hub's Bibob facts for ``permits``, from whichever register they came.

    Permits are listed newest application first; ``naam`` is the name on the newest
    application (the register's current view) and is left out when there is none;
    ``hoogsteMateVanGevaar`` is the most severe outcome, None when none is known.
    """
    ordered = sorted(
        permits, key=lambda p: (p.datumAanvraag, p.vergunningnummer.strip()), reverse=True
    )
    outcomes = [p.bibob.mateVanGevaar for p in ordered if p.bibob.mateVanGevaar is not None]
    facts: dict[str, Any] = {
        "vergunningen": [p.value() for p in ordered],
        "aantalVergunningen": len(ordered),
        "hoogsteMateVanGevaar": max(outcomes, key=MATE_VAN_GEVAAR.order) if outcomes else None,
    }
    if ordered:
        facts["naam"] = ordered[0].naam.strip()
    return facts
