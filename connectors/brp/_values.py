"""Read the values of a BRP Personen v2 ``Persoon`` into the connector's fact values.

Every reader checks the shape it expects and raises :class:`~plugins.BadResponse` when
the answer breaks the contract, so no ``KeyError``/``TypeError`` escapes the connector.
Dates become ISO text (``"YYYY-MM-DD"``, ``"YYYY-MM"`` or ``"YYYY"`` for partly unknown
dates, ``None`` for ``DatumOnbekend``); coded values become their ``omschrijving``
(their ``code`` when the registry gives no description).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from plugins import AddressRef, BadResponse

__all__ = [
    "address_ref",
    "coded",
    "iso_date",
    "omschrijving",
    "read_immigratie",
    "read_nationaliteiten",
    "read_overlijden",
    "read_verblijfplaats",
    "text",
    "whole_number",
]

_ISO = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _object(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise BadResponse(f"BRP answer: {where} is not an object")
    return value


def text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise BadResponse(f"BRP answer: {where} is not text")
    return value


def _optional_text(obj: Mapping[str, Any], key: str, where: str) -> str | None:
    value = obj.get(key)
    return None if value is None else text(value, f"{where}.{key}")


def whole_number(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadResponse(f"BRP answer: {where} is not a whole number")
    return value


def iso_date(value: Any, where: str) -> str | None:
    """A polymorphic BRP date as ISO text; ``None`` when the date is unknown."""
    obj = _object(value, where)
    kind = obj.get("type")
    if kind == "Datum":
        raw = text(obj.get("datum"), f"{where}.datum")
        try:
            if not _ISO.match(raw):
                raise ValueError(raw)
            date.fromisoformat(raw)
        except ValueError:
            raise BadResponse(f"BRP answer: {where}.datum is not a date") from None
        return raw
    if kind == "JaarDatum":
        return f"{whole_number(obj.get('jaar'), f'{where}.jaar'):04d}"
    if kind == "JaarMaandDatum":
        jaar = whole_number(obj.get("jaar"), f"{where}.jaar")
        maand = whole_number(obj.get("maand"), f"{where}.maand")
        if not 1 <= maand <= 12:
            raise BadResponse(f"BRP answer: {where}.maand is not a month")
        return f"{jaar:04d}-{maand:02d}"
    if kind == "DatumOnbekend":
        return None
    raise BadResponse(f"BRP answer: {where} has unknown date type {kind!r}")


def coded(value: Any, where: str) -> dict[str, str | None]:
    """A coded value (``Waardetabel``) as ``{code, omschrijving}``."""
    obj = _object(value, where)
    return {
        "code": _optional_text(obj, "code", where),
        "omschrijving": _optional_text(obj, "omschrijving", where),
    }


def omschrijving(value: Any, where: str) -> str | None:
    """The description of a coded value, or its code when it has none."""
    pair = coded(value, where)
    return pair["omschrijving"] or pair["code"]


def read_nationaliteiten(value: Any) -> list[str]:
    if not isinstance(value, list):
        raise BadResponse("BRP answer: nationaliteiten is not a list")
    found: list[str] = []
    for i, item in enumerate(value):
        where = f"nationaliteiten[{i}]"
        obj = _object(item, where)
        if obj.get("nationaliteit") is not None:
            name = omschrijving(obj["nationaliteit"], f"{where}.nationaliteit")
        else:  # BehandeldAlsNederlander, Staatloos, NationaliteitOnbekend, ...
            name = _optional_text(obj, "type", where)
        if name:
            found.append(name)
    return found


def read_verblijfplaats(value: Any) -> dict[str, Any]:
    """``verblijfplaats`` as a flat dict; ``type`` says which kind of residence it is."""
    obj = _object(value, "verblijfplaats")
    adres = obj.get("verblijfadres")
    adres = _object(adres, "verblijfplaats.verblijfadres") if adres is not None else {}
    kind = _optional_text(obj, "type", "verblijfplaats")
    if kind is None:  # infer from the content when the type was not delivered
        if "huisnummer" in adres or "postcode" in adres:
            kind = "Adres"
        elif "land" in adres or "regel1" in adres:
            kind = "VerblijfplaatsBuitenland"
        else:
            kind = "VerblijfplaatsOnbekend"
    where = "verblijfplaats.verblijfadres"
    out: dict[str, Any] = {"type": kind}
    if kind == "Adres":
        huisnummer = adres.get("huisnummer")
        out |= {
            "straat": _optional_text(adres, "officieleStraatnaam", where)
            or _optional_text(adres, "korteStraatnaam", where),
            "huisnummer": None if huisnummer is None else whole_number(huisnummer, where),
            "huisletter": _optional_text(adres, "huisletter", where),
            "huisnummertoevoeging": _optional_text(adres, "huisnummertoevoeging", where),
            "postcode": _optional_text(adres, "postcode", where),
            "woonplaats": _optional_text(adres, "woonplaats", where),
            "adresseerbaarObjectIdentificatie": _optional_text(
                obj, "adresseerbaarObjectIdentificatie", "verblijfplaats"
            ),
            "nummeraanduidingIdentificatie": _optional_text(
                obj, "nummeraanduidingIdentificatie", "verblijfplaats"
            ),
        }
    elif kind == "VerblijfplaatsBuitenland":
        out |= {
            "land": omschrijving(adres["land"], f"{where}.land") if "land" in adres else None,
            "adresregel1": _optional_text(adres, "regel1", where),
            "adresregel2": _optional_text(adres, "regel2", where),
            "adresregel3": _optional_text(adres, "regel3", where),
        }
    elif kind == "Locatie":
        out |= {
            "locatiebeschrijving": _optional_text(adres, "locatiebeschrijving", where),
            "woonplaats": _optional_text(adres, "woonplaats", where),
        }
    if obj.get("datumVan") is not None:
        out["datumVan"] = iso_date(obj["datumVan"], "verblijfplaats.datumVan")
    return out


def read_immigratie(value: Any) -> dict[str, Any]:
    obj = _object(value, "immigratie")
    out: dict[str, Any] = {}
    if obj.get("landVanwaarIngeschreven") is not None:
        out["landVanwaarIngeschreven"] = omschrijving(
            obj["landVanwaarIngeschreven"], "immigratie.landVanwaarIngeschreven"
        )
    if obj.get("datumVestigingInNederland") is not None:
        out["datumVestigingInNederland"] = iso_date(
            obj["datumVestigingInNederland"], "immigratie.datumVestigingInNederland"
        )
    for flag in ("indicatieVestigingVanuitBuitenland", "vanuitVerblijfplaatsOnbekend"):
        if flag in obj:
            if not isinstance(obj[flag], bool):
                raise BadResponse(f"BRP answer: immigratie.{flag} is not a boolean")
            out[flag] = obj[flag]
    return out


def read_overlijden(value: Any) -> dict[str, Any]:
    obj = _object(value, "overlijden")
    out: dict[str, Any] = {}
    if obj.get("datum") is not None:
        out["datum"] = iso_date(obj["datum"], "overlijden.datum")
    for key in ("plaats", "land"):
        if obj.get(key) is not None:
            out[key] = omschrijving(obj[key], f"overlijden.{key}")
    if "indicatieOverleden" in obj:
        out["indicatieOverleden"] = obj["indicatieOverleden"] is True
    return out


def address_ref(verblijfplaats: Mapping[str, Any]) -> AddressRef:
    """The address of an ``Adres`` verblijfplaats; ValueError when it is no usable address."""
    if verblijfplaats.get("type") != "Adres":
        raise ValueError("not a Dutch address")
    postcode, huisnummer = verblijfplaats.get("postcode"), verblijfplaats.get("huisnummer")
    if postcode is None or huisnummer is None:
        raise ValueError("postcode or huisnummer missing")
    return AddressRef(
        postcode=postcode,
        huisnummer=huisnummer,
        huisletter=verblijfplaats.get("huisletter"),
        huisnummertoevoeging=verblijfplaats.get("huisnummertoevoeging"),
        adresseerbaarObjectIdentificatie=verblijfplaats.get("adresseerbaarObjectIdentificatie"),
    )
