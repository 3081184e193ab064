"""Turn the fake's :class:`~connectors.brp.fake.data.PersonRecord` into BRP Personen v2 JSON.

Coded values become ``{code, omschrijving}``, GBA dates become the polymorphic date
objects (``Datum``, ``JaarDatum``, ``JaarMaandDatum``, ``DatumOnbekend``) with their
``langFormaat``, and the derived values the registry computes (``leeftijd``,
``volledigeNaam``, ``voorletters``, ``adressering``) are computed against ``today``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from plugins import DUTCH_MONTHS, house_number, is_ascii_digits

from .data import (
    ADELLIJKE_TITELS,
    GEMEENTEN,
    GESLACHTEN,
    LANDEN,
    NATIONALITEITEN,
    REDENEN_OPSCHORTING,
    Adres,
    DateSpec,
    PersonRecord,
    VerblijfplaatsBuitenland,
)

__all__ = ["automatic_fields", "gba_date", "render_persoon", "render_persoon_beperkt"]

_MAANDEN = DUTCH_MONTHS


def gba_date(spec: DateSpec, today: date) -> str:
    """``spec`` as a GBA date ``YYYYMMDD`` (relative dates resolved against ``today``)."""
    if isinstance(spec, str):
        return spec
    year = today.year - spec.years
    try:
        day = today.replace(year=year)
    except ValueError:  # 29 February in a year without one
        day = today.replace(year=year, day=28)
    return (day - timedelta(days=spec.days)).strftime("%Y%m%d")


def _datum(spec: DateSpec, today: date) -> dict[str, Any]:
    raw = gba_date(spec, today)
    year, month, day = int(raw[:4]), int(raw[4:6]), int(raw[6:])
    if year == 0:
        return {"type": "DatumOnbekend", "onbekend": True, "langFormaat": "onbekend"}
    if month == 0:
        return {"type": "JaarDatum", "jaar": year, "langFormaat": str(year)}
    if day == 0:
        return {
            "type": "JaarMaandDatum",
            "jaar": year,
            "maand": month,
            "langFormaat": f"{_MAANDEN[month - 1]} {year}",
        }
    return {
        "type": "Datum",
        "datum": f"{year:04d}-{month:02d}-{day:02d}",
        "langFormaat": f"{day} {_MAANDEN[month - 1]} {year}",
    }


def _waarde(code: str, table: Mapping[str, str]) -> dict[str, str]:
    omschrijving = table.get(code)
    return {"code": code, "omschrijving": omschrijving} if omschrijving else {"code": code}


def _plaats(plaats: str) -> dict[str, str]:
    """A gemeente code, or the name of a place abroad (which has no code)."""
    if is_ascii_digits(plaats, 4):
        return _waarde(plaats, GEMEENTEN)
    return {"omschrijving": plaats}


def _leeftijd(record: PersonRecord, today: date) -> int | None:
    if record.overlijden is not None:
        return None
    raw = gba_date(record.geboortedatum, today)
    year, month, day = int(raw[:4]), int(raw[4:6]), int(raw[6:])
    if year == 0 or month == 0:
        return None
    if day == 0:
        if month == today.month:  # cannot tell whether the birthday has passed
            return None
        return today.year - year - (1 if today.month < month else 0)
    return today.year - year - (1 if (today.month, today.day) < (month, day) else 0)


def _naam(record: PersonRecord, *, beperkt: bool) -> dict[str, Any]:
    naam: dict[str, Any] = {}
    if record.voornamen:
        naam["voornamen"] = record.voornamen
        naam["voorletters"] = _voorletters(record.voornamen)
    titel = ADELLIJKE_TITELS.get(record.adellijkeTitelPredicaat or "")
    if titel and record.adellijkeTitelPredicaat:
        naam["adellijkeTitelPredicaat"] = {
            "code": record.adellijkeTitelPredicaat,
            "omschrijving": titel[0],
            "soort": titel[1],
        }
    if record.voorvoegsel:
        naam["voorvoegsel"] = record.voorvoegsel
    naam["geslachtsnaam"] = record.geslachtsnaam
    parts = [record.voornamen, titel[0] if titel else None, record.voorvoegsel]
    naam["volledigeNaam"] = " ".join(p for p in (*parts, record.geslachtsnaam) if p)
    if not beperkt:
        naam["aanduidingNaamgebruik"] = {"code": "E", "omschrijving": "eigen geslachtsnaam"}
    return naam


def _voorletters(voornamen: str) -> str:
    return "".join(f"{name[0].upper()}." for name in voornamen.split())


def _adressering(record: PersonRecord) -> dict[str, Any]:
    achternaam = " ".join(p for p in (record.voorvoegsel, record.geslachtsnaam) if p)
    in_tekst = achternaam[0].upper() + achternaam[1:]
    voorletters = _voorletters(record.voornamen) if record.voornamen else ""
    adressering: dict[str, Any] = {
        "aanschrijfwijze": {"naam": " ".join(p for p in (voorletters, achternaam) if p)},
    }
    if record.geslacht == "V":
        adressering["aanhef"] = f"Geachte mevrouw {in_tekst}"
        adressering["gebruikInLopendeTekst"] = f"mevrouw {in_tekst}"
    elif record.geslacht == "M":
        adressering["aanhef"] = f"Geachte heer {in_tekst}"
        adressering["gebruikInLopendeTekst"] = f"de heer {in_tekst}"
    plaats = record.verblijfplaats
    if isinstance(plaats, Adres):
        number = house_number(plaats.huisnummer, plaats.huisletter, plaats.huisnummertoevoeging)
        adressering["adresregel1"] = f"{plaats.korteStraatnaam} {number}"
        postcode = f"{plaats.postcode[:4]} {plaats.postcode[4:]}"
        adressering["adresregel2"] = f"{postcode}  {plaats.woonplaats.upper()}"
    elif isinstance(plaats, VerblijfplaatsBuitenland):
        for n, regel in enumerate((plaats.regel1, plaats.regel2, plaats.regel3), start=1):
            if regel:
                adressering[f"adresregel{n}"] = regel
        adressering["land"] = _waarde(plaats.land, LANDEN)
    return adressering


def _verblijfplaats(record: PersonRecord, today: date) -> dict[str, Any]:
    plaats = record.verblijfplaats
    datum_van = _datum(record.datumVan, today)
    if isinstance(plaats, Adres):
        adres: dict[str, Any] = {
            "officieleStraatnaam": plaats.officieleStraatnaam or plaats.korteStraatnaam,
            "korteStraatnaam": plaats.korteStraatnaam,
            "huisnummer": plaats.huisnummer,
        }
        if plaats.huisletter:
            adres["huisletter"] = plaats.huisletter
        if plaats.huisnummertoevoeging:
            adres["huisnummertoevoeging"] = plaats.huisnummertoevoeging
        adres["postcode"] = plaats.postcode
        adres["woonplaats"] = plaats.woonplaats
        return {
            "type": "Adres",
            "verblijfadres": adres,
            "functieAdres": {"code": "W", "omschrijving": "woonadres"},
            "adresseerbaarObjectIdentificatie": plaats.adresseerbaarObjectIdentificatie,
            "nummeraanduidingIdentificatie": plaats.nummeraanduidingIdentificatie,
            "datumVan": datum_van,
            "datumIngangGeldigheid": datum_van,
        }
    if isinstance(plaats, VerblijfplaatsBuitenland):
        buitenland: dict[str, Any] = {}
        for key, regel in (("regel1", plaats.regel1), ("regel2", plaats.regel2)):
            if regel:
                buitenland[key] = regel
        if plaats.regel3:
            buitenland["regel3"] = plaats.regel3
        buitenland["land"] = _waarde(plaats.land, LANDEN)
        return {
            "type": "VerblijfplaatsBuitenland",
            "verblijfadres": buitenland,
            "datumVan": datum_van,
            "datumIngangGeldigheid": datum_van,
        }
    return {
        "type": "VerblijfplaatsOnbekend",
        "datumVan": datum_van,
        "datumIngangGeldigheid": datum_van,
    }


def render_persoon(record: PersonRecord, today: date) -> dict[str, Any]:
    """The full ``Persoon`` of ``RaadpleegMetBurgerservicenummer``, before projection."""
    persoon: dict[str, Any] = {"burgerservicenummer": record.burgerservicenummer}
    if record.geslacht:
        persoon["geslacht"] = _waarde(record.geslacht, GESLACHTEN)
    leeftijd = _leeftijd(record, today)
    if leeftijd is not None:
        persoon["leeftijd"] = leeftijd
    persoon["naam"] = _naam(record, beperkt=False)
    persoon["geboorte"] = {
        "datum": _datum(record.geboortedatum, today),
        "plaats": _plaats(record.geboorteplaats),
        "land": _waarde(record.geboorteland, LANDEN),
    }
    if record.nationaliteiten:
        persoon["nationaliteiten"] = [
            {"type": "Nationaliteit", "nationaliteit": _waarde(code, NATIONALITEITEN)}
            for code in record.nationaliteiten
        ]
    persoon["verblijfplaats"] = _verblijfplaats(record, today)
    persoon["gemeenteVanInschrijving"] = _waarde(record.gemeenteVanInschrijving, GEMEENTEN)
    persoon["datumInschrijvingInGemeente"] = _datum(record.datumInschrijvingInGemeente, today)
    if record.datumEersteInschrijvingGBA is not None:
        persoon["datumEersteInschrijvingGBA"] = _datum(record.datumEersteInschrijvingGBA, today)
    if record.immigratie is not None:
        land, datum = record.immigratie
        persoon["immigratie"] = {
            "landVanwaarIngeschreven": _waarde(land, LANDEN),
            "datumVestigingInNederland": _datum(datum, today),
            "indicatieVestigingVanuitBuitenland": True,
        }
    if record.overlijden is not None:
        datum, plaats, land = record.overlijden
        persoon["overlijden"] = {
            "datum": _datum(datum, today),
            "plaats": _plaats(plaats),
            "land": _waarde(land, LANDEN),
        }
    persoon["adressering"] = _adressering(record)
    return persoon


def render_persoon_beperkt(record: PersonRecord, today: date) -> dict[str, Any]:
    """The ``PersoonBeperkt`` the ``Zoek*`` types answer, before projection."""
    beperkt: dict[str, Any] = {"burgerservicenummer": record.burgerservicenummer}
    if record.geslacht:
        beperkt["geslacht"] = _waarde(record.geslacht, GESLACHTEN)
    leeftijd = _leeftijd(record, today)
    if leeftijd is not None:
        beperkt["leeftijd"] = leeftijd
    beperkt["naam"] = _naam(record, beperkt=True)
    beperkt["geboorte"] = {"datum": _datum(record.geboortedatum, today)}
    beperkt["adressering"] = _adressering(record)
    return beperkt


def automatic_fields(record: PersonRecord, today: date) -> dict[str, Any]:
    """The fields the registry adds whenever they apply, whatever was requested."""
    extra: dict[str, Any] = {}
    if record.geheim:
        extra["geheimhoudingPersoonsgegevens"] = True
    if record.opschorting is not None:
        datum, reden = record.opschorting
        extra["opschortingBijhouding"] = {
            "reden": _waarde(reden, REDENEN_OPSCHORTING),
            "datum": _datum(datum, today),
        }
    return extra
