"""Reading KvK answers: shape checks that raise ``BadResponse``, and the field values.

Every reader takes the raw JSON (``Any``) and a ``where`` for the error message, so a
broken answer says which part of which response broke the contract.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import httpx

from plugins import AddressRef, BadResponse, BusinessRef

__all__ = [
    "address_ref",
    "adres",
    "business_ref",
    "fout_codes",
    "fout_text",
    "handelsnamen",
    "iso_date",
    "ja_nee",
    "obj",
    "opt_int",
    "opt_str",
    "pick_adres",
    "sbi_activiteiten",
    "seq",
]

_YYYYMMDD = re.compile(r"^[0-9]{8}$")


def _fouten(response: httpx.Response) -> list[Mapping[str, Any]]:
    try:
        body = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return []
    fout = body.get("fout") if isinstance(body, dict) else None
    return [f for f in fout if isinstance(f, dict)] if isinstance(fout, list) else []


def fout_codes(response: httpx.Response) -> set[str]:
    """The ``fout[].code`` values of a KvK error body (empty when it is no such body)."""
    return {str(f.get("code")) for f in _fouten(response) if f.get("code") is not None}


def fout_text(response: httpx.Response) -> str | None:
    """KvK's own error text, ``"IPD0004: Het KVK-nummer ... is niet valide."``, or None."""
    parts = [
        f"{f.get('code')}: {f.get('omschrijving')}" if f.get("omschrijving") else str(f.get("code"))
        for f in _fouten(response)
    ]
    return "; ".join(parts) or None


def obj(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise BadResponse(f"KvK: {where} is not an object")
    return value


def seq(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadResponse(f"KvK: {where} is not a list")
    return value


def opt_str(container: Mapping[str, Any], key: str, where: str) -> str | None:
    value = container.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadResponse(f"KvK: {where}.{key} is not a string")
    return value


def opt_int(container: Mapping[str, Any], key: str, where: str) -> int | None:
    value = container.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadResponse(f"KvK: {where}.{key} is not an integer")
    return value


def ja_nee(value: Any, where: str) -> bool:
    if value == "Ja":
        return True
    if value == "Nee":
        return False
    raise BadResponse(f"KvK: {where} is {value!r}, expected 'Ja' or 'Nee'")


def iso_date(value: Any, where: str) -> str | None:
    """``"20170108"`` -> ``"2017-01-08"``; unknown parts (zeros) leave a partial date.

    ``"20170000"`` -> ``"2017"``, ``"20170100"`` -> ``"2017-01"``, ``"00000000"`` -> None.
    """
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not _YYYYMMDD.match(value):
        raise BadResponse(f"KvK: {where} is {value!r}, expected YYYYMMDD")
    year, month, day = value[:4], value[4:6], value[6:]
    if year == "0000":
        return None
    if month == "00":
        return year
    if day == "00":
        return f"{year}-{month}"
    return f"{year}-{month}-{day}"


def sbi_activiteiten(value: Any, where: str) -> list[dict[str, Any]]:
    out = []
    for i, raw in enumerate(seq(value, where)):
        item = obj(raw, f"{where}[{i}]")
        code = opt_str(item, "sbiCode", f"{where}[{i}]")
        if not code:
            raise BadResponse(f"KvK: {where}[{i}] has no sbiCode")
        out.append(
            {
                "sbiCode": code,
                "sbiOmschrijving": opt_str(item, "sbiOmschrijving", f"{where}[{i}]"),
                "indHoofdactiviteit": ja_nee(
                    item.get("indHoofdactiviteit"), f"{where}[{i}].indHoofdactiviteit"
                ),
            }
        )
    return out


def handelsnamen(value: Any, where: str) -> list[str]:
    """The trade names in KvK's order (``volgorde``)."""
    named: list[tuple[int, str]] = []
    for i, raw in enumerate(seq(value, where)):
        item = obj(raw, f"{where}[{i}]")
        naam = opt_str(item, "naam", f"{where}[{i}]")
        if naam:
            named.append((opt_int(item, "volgorde", f"{where}[{i}]") or 0, naam))
    return [naam for _, naam in sorted(named, key=lambda pair: pair[0])]


def pick_adres(adressen: Any, where: str) -> Mapping[str, Any] | None:
    """The bezoekadres of a vestiging (a correspondentieadres only when there is none)."""
    items = [obj(raw, f"{where}[{i}]") for i, raw in enumerate(seq(adressen, where))]
    for item in items:
        if item.get("type") == "bezoekadres":
            return item
    return items[0] if items else None


def _clean(value: str | None) -> str | None:
    """KvK pads ``volledigAdres`` with runs of spaces; one space is enough."""
    return " ".join(value.split()) if value else None


def adres(raw: Mapping[str, Any], where: str) -> dict[str, Any]:
    """The ``hoofdvestigingAdres`` / ``vestigingsAdres`` value of one KvK address."""
    return {
        "straatnaam": opt_str(raw, "straatnaam", where),
        "huisnummer": opt_int(raw, "huisnummer", where),
        "huisletter": opt_str(raw, "huisletter", where),
        "toevoeging": opt_str(raw, "huisnummerToevoeging", where),
        "postcode": opt_str(raw, "postcode", where),
        "plaats": opt_str(raw, "plaats", where),
        "volledigAdres": _clean(opt_str(raw, "volledigAdres", where)),
        "afgeschermd": raw.get("indAfgeschermd") == "Ja",
    }


def address_ref(raw: Mapping[str, Any]) -> AddressRef | None:
    """A subject for a domestic, unshielded street address; None for anything else."""
    if raw.get("indAfgeschermd") == "Ja" or raw.get("postbusnummer") is not None:
        return None
    if raw.get("land") not in (None, "Nederland"):
        return None
    postcode, huisnummer = raw.get("postcode"), raw.get("huisnummer")
    if not isinstance(postcode, str) or not isinstance(huisnummer, int):
        return None
    try:
        return AddressRef(
            postcode=postcode,
            huisnummer=huisnummer,
            huisletter=raw.get("huisletter") or None,
            huisnummertoevoeging=raw.get("huisnummerToevoeging") or None,
        )
    except ValueError:  # e.g. a toevoeging BAG would not accept: no subject, still a fact
        return None


def business_ref(kvk: Any, vestigingsnummer: Any, where: str) -> BusinessRef:
    try:
        return BusinessRef(kvkNummer=kvk, vestigingsnummer=vestigingsnummer)
    except (TypeError, ValueError) as exc:
        raise BadResponse(f"KvK: {where} carries an invalid number: {exc}") from exc
