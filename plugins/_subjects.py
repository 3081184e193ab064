"""Subjects of a signal: the persons, addresses and businesses a query is about."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "AddressRef",
    "BusinessRef",
    "PersonRef",
    "Subject",
    "SubjectKind",
    "house_number",
    "is_ascii_digits",
    "is_valid_bsn",
    "normalise_postcode",
]

SubjectKind = Literal["person", "address", "business"]

_POSTCODE_LETTERS = re.compile(r"[A-Z]{2}")


def is_ascii_digits(value: object, length: int | None = None) -> bool:
    """True when ``value`` is a string of ASCII ``0``-``9`` only (``length`` of them
    when given).

    ``str.isdigit``, ``int()`` and ``\\d`` in a regex also accept fullwidth,
    Arabic-Indic and superscript digits; a registry refuses those or, worse, finds
    nothing for them. Every identifier check uses this instead.
    """
    if not isinstance(value, str) or not value:
        return False
    if length is not None and len(value) != length:
        return False
    return value.isascii() and value.isdigit()


def is_valid_bsn(bsn: str) -> bool:
    """True when ``bsn`` is nine ASCII digits that pass the elfproef (11-check)."""
    if not is_ascii_digits(bsn, 9):
        return False
    digits = [int(c) for c in bsn]
    total = sum(d * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - digits[8]
    return total % 11 == 0 and bsn != "000000000"


def normalise_postcode(postcode: str) -> str:
    """``"1621 jh"`` -> ``"1621JH"``; raises ValueError when it is no Dutch postcode."""
    value = postcode.replace(" ", "")
    # checked before upper(): "ﬀ".upper() is "FF", a silent change of what was typed
    ascii_input = value.isascii()
    value = value.upper()
    digits, letters = value[:4], value[4:]
    if not (
        ascii_input
        and is_ascii_digits(digits, 4)
        and digits[0] != "0"
        and _POSTCODE_LETTERS.fullmatch(letters)
    ):
        raise ValueError(f"geen geldige postcode: {postcode!r} (verwacht 1234AB)")
    return value


@dataclass(frozen=True, slots=True)
class PersonRef:
    """A natural person, identified by BSN."""

    burgerservicenummer: str
    kind: Literal["person"] = "person"

    def __post_init__(self) -> None:
        if not is_valid_bsn(self.burgerservicenummer):
            raise ValueError("burgerservicenummer is geen geldig BSN (elfproef)")

    @property
    def key(self) -> str:
        return f"person:{self.burgerservicenummer}"


def house_number(
    huisnummer: int, huisletter: str | None = None, huisnummertoevoeging: str | None = None
) -> str:
    """The house number as an address line writes it: ``88``, ``88b``, ``88b-2``."""
    extra = f"-{huisnummertoevoeging}" if huisnummertoevoeging else ""
    return f"{huisnummer}{huisletter or ''}{extra}"


@dataclass(frozen=True, slots=True)
class AddressRef:
    """A Dutch address; ``adresseerbaarObjectIdentificatie`` when already known.

    Two refs with the same postcode and house number (letter, addition) are the same
    address; the BAG identifier is extra knowledge, not part of the identity.
    """

    postcode: str
    huisnummer: int
    huisletter: str | None = None
    huisnummertoevoeging: str | None = None
    adresseerbaarObjectIdentificatie: str | None = None
    kind: Literal["address"] = "address"

    def __post_init__(self) -> None:
        object.__setattr__(self, "postcode", normalise_postcode(self.postcode))
        # bool is an int subclass: True must not pass as huisnummer 1
        if type(self.huisnummer) is not int or not 1 <= self.huisnummer <= 99999:
            raise ValueError("huisnummer moet tussen 1 en 99999 liggen")
        if self.huisletter is not None and not re.fullmatch(r"[A-Za-z]", self.huisletter):
            raise ValueError("huisletter is één letter")
        if self.huisnummertoevoeging is not None and not re.fullmatch(
            r"[0-9A-Za-z]{1,4}", self.huisnummertoevoeging
        ):
            raise ValueError("huisnummertoevoeging is 1 tot 4 letters of cijfers")
        aoi = self.adresseerbaarObjectIdentificatie
        if aoi is not None and not is_ascii_digits(aoi, 16):
            raise ValueError("adresseerbaarObjectIdentificatie is 16 cijfers")

    @property
    def key(self) -> str:
        letter = (self.huisletter or "").upper()
        extra = (self.huisnummertoevoeging or "").upper()
        return f"address:{self.postcode}-{self.huisnummer}{letter}{'-' + extra if extra else ''}"

    def label(self) -> str:
        number = house_number(self.huisnummer, self.huisletter, self.huisnummertoevoeging)
        return f"{self.postcode[:4]} {self.postcode[4:]} {number}"


@dataclass(frozen=True, slots=True)
class BusinessRef:
    """A business in the Handelsregister: a KvK number, optionally one vestiging."""

    kvkNummer: str
    vestigingsnummer: str | None = None
    kind: Literal["business"] = "business"

    def __post_init__(self) -> None:
        if not is_ascii_digits(self.kvkNummer, 8):
            raise ValueError("kvkNummer is 8 cijfers")
        if self.vestigingsnummer is not None and not is_ascii_digits(self.vestigingsnummer, 12):
            raise ValueError("vestigingsnummer is 12 cijfers")

    @property
    def key(self) -> str:
        if self.vestigingsnummer:
            return f"business:{self.kvkNummer}/{self.vestigingsnummer}"
        return f"business:{self.kvkNummer}"


Subject = PersonRef | AddressRef | BusinessRef
