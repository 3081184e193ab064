"""What the KvK connector can answer, and how each value is read from KvK's answers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from plugins import BadResponse, Classification, FieldSpec

from . import _wire as wire

__all__ = [
    "ADDRESS_FIELDS",
    "BASISPROFIEL_VALUES",
    "BUSINESS_FIELDS",
    "FIELDS",
    "FROM_BASISPROFIEL",
    "FROM_VESTIGINGSPROFIEL",
    "FROM_ZOEKEN",
    "VESTIGINGSPROFIEL_VALUES",
    "Extractor",
    "Page",
    "hoofdvestiging_adres",
    "vestiging_adres",
    "vestigingen_items",
    "zoeken_page",
]


_N = Classification.NORMAL

#: Dutch labels of the keys inside the structured values (addresses, SBI, vestigingen)
_PARTS: Mapping[str, str] = {
    "straatnaam": "Straat",
    "huisnummer": "Huisnummer",
    "huisletter": "Huisletter",
    "toevoeging": "Toevoeging",
    "postcode": "Postcode",
    "plaats": "Plaats",
    "volledigAdres": "Adres",
    "afgeschermd": "Afgeschermd",
    "sbiCode": "SBI-code",
    "sbiOmschrijving": "Activiteit",
    "indHoofdactiviteit": "Hoofdactiviteit",
    "vestigingsnummer": "Vestigingsnummer",
    "eersteHandelsnaam": "Handelsnaam",
    "indHoofdvestiging": "Hoofdvestiging",
    "kvkNummer": "KvK-nummer",
    "naam": "Naam",
    "type": "Soort vestiging",
    "sbiActiviteiten": "SBI-activiteiten",
    "rechtsvorm": "Rechtsvorm",
    "rsin": "RSIN",
}


def _field(classification: Classification, description: str, label: str) -> FieldSpec:
    return FieldSpec(classification, description, label, parts=_PARTS)


#: fields about a business (a kvkNummer, or one of its vestigingen)
BUSINESS_FIELDS: Mapping[str, FieldSpec] = {
    "naam": _field(_N, "Naam van de onderneming (bij een vestiging: eerste handelsnaam)", "Naam"),
    "statutaireNaam": _field(_N, "Statutaire naam (rechtspersonen)", "Statutaire naam"),
    "handelsnamen": _field(_N, "Handelsnamen, in de volgorde van registratie", "Handelsnamen"),
    "rechtsvorm": _field(_N, "Rechtsvorm (eenmanszaak, BV, ...)", "Rechtsvorm"),
    "datumAanvang": _field(_N, "Datum aanvang (JJJJ-MM-DD, of deel ervan)", "Ingeschreven sinds"),
    "datumEinde": _field(_N, "Datum einde, als de inschrijving beëindigd is", "Beëindigd op"),
    "totaalWerkzamePersonen": _field(_N, "Totaal aantal werkzame personen", "Werkzame personen"),
    "sbiActiviteiten": _field(
        _N, "SBI-activiteiten: sbiCode, sbiOmschrijving, indHoofdactiviteit", "Activiteiten (SBI)"
    ),
    "hoofdvestigingAdres": _field(
        _N, "Bezoekadres van de hoofdvestiging", "Bezoekadres hoofdvestiging"
    ),
    "vestigingsAdres": _field(
        _N, "Bezoekadres van de gevraagde vestiging", "Bezoekadres vestiging"
    ),
    "vestigingen": _field(
        _N,
        "Vestigingen: vestigingsnummer, eersteHandelsnaam, indHoofdvestiging, volledigAdres",
        "Vestigingen",
    ),
    # The owner of an eenmanszaak is a natural person; KvK gives only the legal form
    # (and an RSIN for a rechtspersoon), never a BSN.
    "eigenaar": FieldSpec(
        Classification.PERSONAL, "Eigenaar: rechtsvorm en RSIN", "Eigenaar", parts=_PARTS
    ),
}

#: fields about an address
ADDRESS_FIELDS: Mapping[str, FieldSpec] = {
    "inschrijvingenOpAdres": _field(
        _N,
        "Vestigingen ingeschreven op het adres: kvkNummer, vestigingsnummer, naam, type, SBI",
        "Bedrijven op dit adres",
    ),
    "aantalInschrijvingenOpAdres": _field(
        _N, "Aantal vestigingen ingeschreven op het adres", "Aantal bedrijven op dit adres"
    ),
}

FIELDS: Mapping[str, FieldSpec] = {**BUSINESS_FIELDS, **ADDRESS_FIELDS}

FROM_BASISPROFIEL = frozenset(BUSINESS_FIELDS) - {"vestigingen", "vestigingsAdres"}
FROM_VESTIGINGSPROFIEL = frozenset(BUSINESS_FIELDS) - {"vestigingen", "rechtsvorm", "eigenaar"}
FROM_ZOEKEN = frozenset(ADDRESS_FIELDS)


# --- values of the fields, read from the answers ------------------------------------------


def _materieel(body: Mapping[str, Any], where: str) -> Mapping[str, Any]:
    raw = body.get("materieleRegistratie")
    return {} if raw is None else wire.obj(raw, f"{where}.materieleRegistratie")


def _eigenaar_obj(body: Mapping[str, Any]) -> Mapping[str, Any] | None:
    embedded = body.get("_embedded")
    if embedded is None:
        return None
    raw = wire.obj(embedded, "basisprofiel._embedded").get("eigenaar")
    return None if raw is None else wire.obj(raw, "basisprofiel._embedded.eigenaar")


def _hoofdvestiging_obj(body: Mapping[str, Any]) -> Mapping[str, Any] | None:
    embedded = body.get("_embedded")
    if embedded is None:
        return None
    raw = wire.obj(embedded, "basisprofiel._embedded").get("hoofdvestiging")
    return None if raw is None else wire.obj(raw, "basisprofiel._embedded.hoofdvestiging")


def hoofdvestiging_adres(body: Mapping[str, Any]) -> Mapping[str, Any] | None:
    hoofdvestiging = _hoofdvestiging_obj(body)
    if hoofdvestiging is None:
        return None
    return wire.pick_adres(hoofdvestiging.get("adressen"), "hoofdvestiging.adressen")


def _eigenaar(body: Mapping[str, Any]) -> dict[str, Any] | None:
    raw = _eigenaar_obj(body)
    if raw is None:
        return None
    value: dict[str, Any] = {"rechtsvorm": wire.opt_str(raw, "rechtsvorm", "eigenaar")}
    rsin = wire.opt_str(raw, "rsin", "eigenaar")
    if rsin:
        value["rsin"] = rsin
    return value


def _rechtsvorm(body: Mapping[str, Any]) -> str | None:
    raw = _eigenaar_obj(body)
    return None if raw is None else wire.opt_str(raw, "rechtsvorm", "eigenaar")


def _adres_value(raw: Mapping[str, Any] | None) -> dict[str, Any] | None:
    return None if raw is None else wire.adres(raw, "adres")


Extractor = Callable[[Mapping[str, Any]], Any]

BASISPROFIEL_VALUES: Mapping[str, Extractor] = {
    "naam": lambda b: wire.opt_str(b, "naam", "basisprofiel"),
    "statutaireNaam": lambda b: wire.opt_str(b, "statutaireNaam", "basisprofiel"),
    "handelsnamen": lambda b: wire.handelsnamen(b.get("handelsnamen"), "handelsnamen") or None,
    "rechtsvorm": _rechtsvorm,
    "datumAanvang": lambda b: wire.iso_date(
        _materieel(b, "basisprofiel").get("datumAanvang"), "datumAanvang"
    ),
    "datumEinde": lambda b: wire.iso_date(
        _materieel(b, "basisprofiel").get("datumEinde"), "datumEinde"
    ),
    "totaalWerkzamePersonen": lambda b: wire.opt_int(b, "totaalWerkzamePersonen", "basisprofiel"),
    "sbiActiviteiten": lambda b: wire.sbi_activiteiten(b.get("sbiActiviteiten"), "sbiActiviteiten"),
    "hoofdvestigingAdres": lambda b: _adres_value(hoofdvestiging_adres(b)),
    "eigenaar": _eigenaar,
}


def _is_hoofdvestiging(body: Mapping[str, Any]) -> bool:
    return wire.ja_nee(body.get("indHoofdvestiging"), "vestigingsprofiel.indHoofdvestiging")


def vestiging_adres(body: Mapping[str, Any]) -> Mapping[str, Any] | None:
    return wire.pick_adres(body.get("adressen"), "vestigingsprofiel.adressen")


VESTIGINGSPROFIEL_VALUES: Mapping[str, Extractor] = {
    "naam": lambda b: wire.opt_str(b, "eersteHandelsnaam", "vestigingsprofiel"),
    "statutaireNaam": lambda b: wire.opt_str(b, "statutaireNaam", "vestigingsprofiel"),
    "handelsnamen": lambda b: wire.handelsnamen(b.get("handelsnamen"), "handelsnamen") or None,
    "datumAanvang": lambda b: wire.iso_date(
        _materieel(b, "vestigingsprofiel").get("datumAanvang"), "datumAanvang"
    ),
    "datumEinde": lambda b: wire.iso_date(
        _materieel(b, "vestigingsprofiel").get("datumEinde"), "datumEinde"
    ),
    "totaalWerkzamePersonen": lambda b: wire.opt_int(
        b, "totaalWerkzamePersonen", "vestigingsprofiel"
    ),
    "sbiActiviteiten": lambda b: wire.sbi_activiteiten(b.get("sbiActiviteiten"), "sbiActiviteiten"),
    "hoofdvestigingAdres": lambda b: (
        _adres_value(vestiging_adres(b)) if _is_hoofdvestiging(b) else None
    ),
    "vestigingsAdres": lambda b: _adres_value(vestiging_adres(b)),
}


def vestigingen_items(kvk: str, body: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The ``vestigingen`` value of a ``/vestigingen`` answer."""
    items = []
    for i, raw in enumerate(wire.seq(body.get("vestigingen"), "vestigingen")):
        where = f"vestigingen[{i}]"
        item = wire.obj(raw, where)
        nummer = wire.opt_str(item, "vestigingsnummer", where)
        if not nummer:
            raise BadResponse(f"KvK: {where} has no vestigingsnummer")
        wire.business_ref(kvk, nummer, where)
        volledig = wire.opt_str(item, "volledigAdres", where)
        items.append(
            {
                "vestigingsnummer": nummer,
                "eersteHandelsnaam": wire.opt_str(item, "eersteHandelsnaam", where),
                "indHoofdvestiging": wire.ja_nee(
                    item.get("indHoofdvestiging"), f"{where}.indHoofdvestiging"
                ),
                "volledigAdres": " ".join(volledig.split()) if volledig else None,
            }
        )
    return items


@dataclass(slots=True)
class Page:
    """One Zoeken page: KvK's ``totaal`` and the hits as ``inschrijvingenOpAdres`` items."""

    totaal: int
    hits: list[dict[str, Any]]


def zoeken_page(body: Any) -> Page:
    page = wire.obj(body, "zoeken")
    totaal = wire.opt_int(page, "totaal", "zoeken")
    if totaal is None or totaal < 0:
        raise BadResponse("KvK: zoeken has no totaal")
    hits = []
    for i, raw in enumerate(wire.seq(page.get("resultaten"), "zoeken.resultaten")):
        where = f"zoeken.resultaten[{i}]"
        item = wire.obj(raw, where)
        kvk = wire.opt_str(item, "kvkNummer", where)
        nummer = wire.opt_str(item, "vestigingsnummer", where)
        wire.business_ref(kvk, nummer, where)  # both numbers must be well formed
        hits.append(
            {
                "kvkNummer": kvk,
                "vestigingsnummer": nummer,
                "naam": wire.opt_str(item, "naam", where),
                "type": wire.opt_str(item, "type", where),
                "sbiActiviteiten": None,
            }
        )
    return Page(totaal=totaal, hits=hits)
