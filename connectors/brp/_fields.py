"""The ``fields`` parameter of BRP Personen v2, as the fake understands it.

:data:`PERSOON` and :data:`PERSOON_BEPERKT` are the trees of the field paths a client may
ask for (``Persoon`` for ``RaadpleegMetBurgerservicenummer``, ``PersoonBeperkt`` for the
``Zoek*`` types). :func:`check_field` says whether a path exists, is an automatic field
(which may not be requested) or is unknown; :func:`project` cuts an answer down to the
requested paths, the way the registry does:

* a parent path (``naam``) returns the whole sub-object, a leaf (``naam.voornamen``) only
  itself;
* any (even a non-existing) sub-field of a date returns the whole date object, because
  dates are polymorphic;
* a polymorphic object (one with a ``type``) keeps its ``type`` when any part of it is
  returned.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal

__all__ = [
    "AUTOMATIC_FIELDS",
    "FIELD_PATTERN",
    "PERSOON",
    "PERSOON_BEPERKT",
    "Tree",
    "check_field",
    "project",
]

#: a tree of field names; a leaf is None
Tree = Mapping[str, "Tree | None"]

FIELD_PATTERN = r"^[a-zA-Z0-9\._]{1,200}$"
_FIELD_RE = re.compile(FIELD_PATTERN)

#: added by the registry when they apply; requesting them is an error
AUTOMATIC_FIELDS = frozenset(
    {"inOnderzoek", "geheimhoudingPersoonsgegevens", "opschortingBijhouding", "rni", "verificatie"}
)

_DATE_TYPES = frozenset({"Datum", "DatumOnbekend", "JaarDatum", "JaarMaandDatum"})


def _leaves(*names: str) -> dict[str, Tree | None]:
    return dict.fromkeys(names)


DATUM: Tree = _leaves("type", "datum", "jaar", "maand", "onbekend", "langFormaat")
WAARDE: Tree = _leaves("code", "omschrijving")
_TITEL: Tree = _leaves("code", "omschrijving", "soort")
_NAAM_BASIS: Tree = {
    **_leaves("voornamen", "voorvoegsel", "geslachtsnaam", "voorletters", "volledigeNaam"),
    "adellijkeTitelPredicaat": _TITEL,
}
_NAAM_PERSOON: Tree = {**_NAAM_BASIS, "aanduidingNaamgebruik": WAARDE}
_GEBOORTE: Tree = {"datum": DATUM, "plaats": WAARDE, "land": WAARDE}
_ADRESSERING: Tree = {
    **_leaves("aanhef", "gebruikInLopendeTekst", "adresregel1", "adresregel2", "adresregel3"),
    "aanschrijfwijze": _leaves("naam", "aanspreekvorm"),
    "land": WAARDE,
}
_VERBLIJFADRES: Tree = {
    **_leaves(
        "officieleStraatnaam",
        "korteStraatnaam",
        "huisnummer",
        "huisletter",
        "huisnummertoevoeging",
        "postcode",
        "woonplaats",
        "locatiebeschrijving",
        "regel1",
        "regel2",
        "regel3",
    ),
    "aanduidingBijHuisnummer": WAARDE,
    "land": WAARDE,
}
_VERBLIJFPLAATS: Tree = {
    **_leaves("type", "adresseerbaarObjectIdentificatie", "nummeraanduidingIdentificatie"),
    "verblijfadres": _VERBLIJFADRES,
    "functieAdres": WAARDE,
    "datumVan": DATUM,
    "datumIngangGeldigheid": DATUM,
}
_NATIONALITEIT: Tree = {
    "type": None,
    "nationaliteit": WAARDE,
    "redenOpname": WAARDE,
    "datumIngangGeldigheid": DATUM,
}
_IMMIGRATIE: Tree = {
    "landVanwaarIngeschreven": WAARDE,
    "datumVestigingInNederland": DATUM,
    **_leaves("indicatieVestigingVanuitBuitenland", "vanuitVerblijfplaatsOnbekend"),
}
_PLAATS_EN_DATUM: Tree = {"datum": DATUM, "plaats": WAARDE, "land": WAARDE}
_GERELATEERDE: Tree = {
    **_leaves("type", "burgerservicenummer"),
    "naam": {
        **_leaves("voornamen", "voorvoegsel", "geslachtsnaam", "voorletters"),
        "adellijkeTitelPredicaat": _TITEL,
    },
    "geboorte": _GEBOORTE,
    "geslacht": WAARDE,
}

PERSOON: Tree = {
    **_leaves("aNummer", "burgerservicenummer", "leeftijd", "indicatieCurateleRegister"),
    "geslacht": WAARDE,
    "naam": _NAAM_PERSOON,
    "geboorte": _GEBOORTE,
    "nationaliteiten": _NATIONALITEIT,
    "verblijfplaats": _VERBLIJFPLAATS,
    "gemeenteVanInschrijving": WAARDE,
    "datumInschrijvingInGemeente": DATUM,
    "datumEersteInschrijvingGBA": DATUM,
    "immigratie": _IMMIGRATIE,
    "overlijden": _PLAATS_EN_DATUM,
    "adressering": _ADRESSERING,
    "europeesKiesrecht": {"aanduiding": WAARDE, "einddatumUitsluiting": DATUM},
    "uitsluitingKiesrecht": {"uitgeslotenVanKiesrecht": None, "einddatum": DATUM},
    "verblijfstitel": {"aanduiding": WAARDE, "datumEinde": DATUM, "datumIngang": DATUM},
    "ouders": {
        **_GERELATEERDE,
        "ouderAanduiding": None,
        "datumIngangFamilierechtelijkeBetrekking": DATUM,
    },
    "kinderen": _GERELATEERDE,
    "partners": {
        **_GERELATEERDE,
        "soortVerbintenis": WAARDE,
        "aangaanHuwelijkPartnerschap": _PLAATS_EN_DATUM,
        "ontbindingHuwelijkPartnerschap": {"datum": DATUM},
    },
}

PERSOON_BEPERKT: Tree = {
    **_leaves("burgerservicenummer", "leeftijd"),
    "geslacht": WAARDE,
    "naam": _NAAM_BASIS,
    "geboorte": {"datum": DATUM},
    "adressering": _ADRESSERING,
}


def check_field(path: str, tree: Tree) -> Literal["ok", "pattern", "unknown", "not_allowed"]:
    """Whether ``path`` may be requested from ``tree``."""
    if not _FIELD_RE.match(path):
        return "pattern"
    parts = path.split(".")
    node: Tree | None = tree
    for depth, part in enumerate(parts):
        if part in AUTOMATIC_FIELDS:
            return "not_allowed"
        if node is None:
            return "unknown"
        if node is DATUM:
            # every sub-field of a (polymorphic) date selects the whole date
            return "ok" if part in DATUM and depth == len(parts) - 1 else "unknown"
        if part not in node:
            return "unknown"
        node = node[part]
    return "ok"


def project(source: Mapping[str, Any], paths: Sequence[str]) -> dict[str, Any]:
    """``source`` cut down to ``paths`` (already checked with :func:`check_field`)."""
    return _project(source, [p.split(".") for p in paths])


def _project(source: Mapping[str, Any], paths: Sequence[Sequence[str]]) -> dict[str, Any]:
    whole: set[str] = set()
    deeper: dict[str, list[Sequence[str]]] = {}
    for parts in paths:
        if len(parts) == 1:
            whole.add(parts[0])
        else:
            deeper.setdefault(parts[0], []).append(parts[1:])
    out: dict[str, Any] = {}
    for key, value in source.items():
        if key in whole:
            out[key] = value
        elif key in deeper:
            cut = _cut(value, deeper[key])
            if cut not in (None, {}, []):
                out[key] = cut
    if out and "type" in source and "type" not in out:
        out = {"type": source["type"], **out}
    return out


def _cut(value: Any, paths: Sequence[Sequence[str]]) -> Any:
    if isinstance(value, Mapping):
        if value.get("type") in _DATE_TYPES:
            return value
        return _project(value, paths)
    if isinstance(value, list):
        items = [_cut(item, paths) for item in value]
        return [item for item in items if item not in (None, {}, [])]
    return None
