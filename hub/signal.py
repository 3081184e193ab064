"""The signal an officer submits: who and what it is about, and for which purpose.

Validation messages are in Dutch and name the field, because officers read them.
Types are strict where JSON could be coerced: ``huisnummer`` is a JSON integer, not
``"88"``, ``88.0`` or ``true`` (a form adapter converts its text fields itself).
Limits: :data:`MAX_SUBJECTS` of each kind, :data:`MAX_DESCRIPTION` characters of
description, and a signal file of at most :data:`MAX_SIGNAL_BYTES`.
"""

from __future__ import annotations

import json
import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, Strict, ValidationError, field_validator

from plugins import AddressRef, BusinessRef, PersonRef, Subject, is_valid_bsn, normalise_postcode

__all__ = [
    "MAX_DESCRIPTION",
    "MAX_SIGNAL_BYTES",
    "MAX_SUBJECTS",
    "Form",
    "Signal",
    "SignalError",
    "load_signal",
    "parse_signal",
    "unreadable_json",
]

#: persons, addresses and businesses: at most this many of each in one signal
MAX_SUBJECTS = 20
#: characters of free text in ``description``
MAX_DESCRIPTION = 10_000
#: A signal file larger than this is refused before it is read. The largest valid
#: signal (60 subjects, 10,000 characters of description even when every character
#: is written as a JSON escape, reporter) stays far below 200 KiB; 1 MiB leaves room
#: for pretty-printing and is the web's default request-body limit too.
MAX_SIGNAL_BYTES = 1024 * 1024


class Form(StrEnum):
    """Forms of exploitation a signal may name."""

    SEKSUELE_UITBUITING = "seksuele_uitbuiting"
    ARBEIDSUITBUITING = "arbeidsuitbuiting"
    CRIMINELE_UITBUITING = "criminele_uitbuiting"
    GEDWONGEN_ORGAANVERWIJDERING = "gedwongen_orgaanverwijdering"


FORM_LABELS = {
    Form.SEKSUELE_UITBUITING: "seksuele uitbuiting",
    Form.ARBEIDSUITBUITING: "arbeidsuitbuiting",
    Form.CRIMINELE_UITBUITING: "criminele uitbuiting",
    Form.GEDWONGEN_ORGAANVERWIJDERING: "gedwongen orgaanverwijdering",
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class PersonInput(_Strict):
    burgerservicenummer: str

    @field_validator("burgerservicenummer")
    @classmethod
    def _bsn(cls, value: str) -> str:
        if not is_valid_bsn(value):
            raise ValueError("geen geldig BSN: 9 cijfers die de elfproef doorstaan")
        return value


class AddressInput(_Strict):
    postcode: str
    huisnummer: Annotated[int, Strict(), Field(ge=1, le=99999)]
    huisletter: Annotated[str | None, Field(pattern=r"^[A-Za-z]$")] = None
    huisnummertoevoeging: Annotated[str | None, Field(pattern=r"^[0-9A-Za-z]{1,4}$")] = None

    @field_validator("postcode")
    @classmethod
    def _postcode(cls, value: str) -> str:
        try:
            return normalise_postcode(value)
        except ValueError:
            raise ValueError(
                "geen geldige postcode: verwacht vier cijfers en twee letters, zoals 1621JH"
            ) from None


class BusinessInput(_Strict):
    kvkNummer: Annotated[str, Field(pattern=r"^[0-9]{8}$")]
    vestigingsnummer: Annotated[str | None, Field(pattern=r"^[0-9]{12}$")] = None


class Reporter(_Strict):
    """The colleague who reported the signal (gets a notice when it was handled)."""

    name: Annotated[str, Field(min_length=1, max_length=200)]
    department: Annotated[str | None, Field(max_length=200)] = None
    email: Annotated[str | None, Field(max_length=320, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")] = (
        None
    )


class Signal(_Strict):
    """A signal of possible human trafficking, as submitted."""

    municipality: Annotated[str, Field(pattern=r"^[0-9]{4}$", description="gemeentecode")]
    forms: Annotated[list[Form], Field(min_length=1, max_length=4)]
    purpose: Annotated[
        str, Field(min_length=1, max_length=100, description="verwerkingsactiviteit")
    ]
    description: Annotated[str, Field(max_length=MAX_DESCRIPTION)] = ""
    reporter: Reporter | None = None
    persons: Annotated[list[PersonInput], Field(max_length=MAX_SUBJECTS)] = []
    addresses: Annotated[list[AddressInput], Field(max_length=MAX_SUBJECTS)] = []
    businesses: Annotated[list[BusinessInput], Field(max_length=MAX_SUBJECTS)] = []

    def subjects(self) -> list[Subject]:
        """The subjects in the order given, duplicates removed."""
        found: dict[str, Subject] = {}
        items: list[Subject] = [PersonRef(p.burgerservicenummer) for p in self.persons]
        items += [
            AddressRef(a.postcode, a.huisnummer, a.huisletter, a.huisnummertoevoeging)
            for a in self.addresses
        ]
        items += [BusinessRef(b.kvkNummer, b.vestigingsnummer) for b in self.businesses]
        for item in items:
            found.setdefault(item.key, item)
        return list(found.values())


class SignalError(ValueError):
    """A signal that cannot be accepted; ``problems`` maps field paths to Dutch messages."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{field}: {msg}" for field, msg in problems))


_NOT_AN_INTEGER = (
    "moet een geheel getal zijn, zoals 88 (cijfers 0-9; in JSON zonder aanhalingstekens)"
)
_MESSAGES = {
    "missing": "dit veld is verplicht",
    "extra_forbidden": "onbekend veld",
    "string_type": "moet tekst zijn",
    "int_type": _NOT_AN_INTEGER,
    "int_parsing": _NOT_AN_INTEGER,
    "string_unicode": "bevat een ongeldig teken",
    "list_type": "moet een lijst zijn",
    "model_type": "moet een object zijn",
    "dict_type": "moet een object zijn",
    "enum": "onbekende waarde; kies uit: " + ", ".join(f.value for f in Form),
    "too_short": "te weinig waarden",
    "too_long": "te veel: maximaal {max_length}",
    "string_too_short": "mag niet leeg zijn",
    "string_too_long": "te lang: maximaal {max_length} tekens",
    "greater_than_equal": "te klein",
    "less_than_equal": "te groot",
}


def _field_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "signaal"


def _message(error: Any) -> str:
    kind = error["type"]
    if kind == "too_short" and error["loc"] and error["loc"][-1] == "forms":
        return "kies minstens één vorm van uitbuiting"
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    if kind == "string_pattern_mismatch":
        field = str(error["loc"][-1]) if error["loc"] else ""
        return {
            "municipality": "gemeentecode is vier cijfers, zoals 0405",
            "kvkNummer": "KvK-nummer is 8 cijfers",
            "vestigingsnummer": "vestigingsnummer is 12 cijfers",
            "huisletter": "huisletter is één letter",
            "huisnummertoevoeging": "huisnummertoevoeging is 1 tot 4 letters of cijfers",
            "email": "geen geldig e-mailadres",
        }.get(field, "ongeldige waarde")
    message = _MESSAGES.get(kind, str(error["msg"]))
    return message.format(**error.get("ctx", {})) if "{" in message else message


def parse_signal(data: Any) -> Signal:
    """Validate ``data`` (a decoded JSON object); raises :class:`SignalError`."""
    if not isinstance(data, dict):
        raise SignalError([("signaal", "verwacht een JSON-object")])
    try:
        signal = Signal.model_validate(data)
    except ValidationError as exc:
        problems = [(_field_path(e["loc"]), _message(e)) for e in exc.errors()]
        raise SignalError(problems) from None
    if not (signal.persons or signal.addresses or signal.businesses):
        message = "geef minstens één persoon, adres of bedrijf op (persons, addresses, businesses)"
        raise SignalError([("persons", message)])
    return signal


def _too_large(path: Path) -> SignalError:
    limit = f"{MAX_SIGNAL_BYTES} bytes ({MAX_SIGNAL_BYTES // 1024 // 1024} MiB)"
    return SignalError([("bestand", f"{path} is groter dan het maximum van {limit}")])


def _read_bounded(path: Path) -> bytes:
    """The file's bytes; refused before reading when it is too large. The read itself
    is bounded too: a pipe has no size, and a file may grow after the check."""
    try:
        with path.open("rb") as fh:
            if os.fstat(fh.fileno()).st_size > MAX_SIGNAL_BYTES:
                raise _too_large(path)
            raw = fh.read(MAX_SIGNAL_BYTES + 1)
    except OSError as exc:
        raise SignalError([("bestand", f"kan {path} niet lezen: {exc.strerror}")]) from None
    if len(raw) > MAX_SIGNAL_BYTES:
        raise _too_large(path)
    return raw


def unreadable_json(exc: BaseException) -> str | None:
    """Why JSON bytes could not be read, in Dutch, for what ``bytes.decode`` and
    ``json.loads`` raise (the web answers the same for a request body); else None."""
    if isinstance(exc, UnicodeDecodeError):
        return f"is geen UTF-8-tekst (ongeldige byte op positie {exc.start})"
    if isinstance(exc, json.JSONDecodeError):
        return f"is geen geldige JSON (regel {exc.lineno}, kolom {exc.colno})"
    if isinstance(exc, RecursionError):
        return "is te diep genest om te lezen"
    if isinstance(exc, ValueError):  # json.loads: an integer of more than 4300 digits
        return "bevat een getal dat te lang is"
    return None


def _decode(raw: bytes, path: Path) -> Any:
    try:
        return json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise SignalError([("bestand", f"{path} {unreadable_json(exc)}")]) from None


def load_signal(path: Path) -> Signal:
    """Read and validate a signal JSON file (UTF-8, at most :data:`MAX_SIGNAL_BYTES`)."""
    return parse_signal(_decode(_read_bounded(path), path))
