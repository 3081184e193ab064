"""Test double of Kadaster BRK Bevragen API v2, mounted at :data:`MOUNT`.

Speaks the published contract (kadaster/BRK-bevragen, OpenAPI 2.0.0 and Haal Centraal
common 1.2.0) as far as this connector meets it:

- every request needs the ``X-Api-Key`` header; answers carry ``api-version: 2.0.0``;
  resources with geometry carry ``Content-Crs: epsg:28992``;
- HAL bodies (``application/hal+json``): collections are ``{_links: {self}, _embedded:
  {...}}`` with ``_embedded`` an empty object when nothing is found; links are relative
  to the API root (``/kadastraalonroerendezaken/...``) and to-many links are templated;
- errors are ``application/problem+json`` ``{type, title, status, detail, instance,
  code}``, with ``invalidParams [{type, name, code, reason}]`` on a 400;
- collections do not page (the contract's collection links hold ``self`` only): a search
  past the provider's maximum (``max_results``) is refused with ``tooManyResults``;
- ``fields`` projects a resource to the named properties (dot paths allowed) and an
  unknown property is a 400; ``expand`` embeds ``zakelijkGerechtigden``.

Implemented: ``GET /kadastraalonroerendezaken`` in its five search categories (exactly
one per request), ``GET /kadastraalonroerendezaken/{id}``, ``GET
/kadastraalonroerendezaken/{id}/zakelijkgerechtigden[/{id}]`` (filter ``type``), ``GET
/kadasternietnatuurlijkpersonen/{id}`` and ``GET /kadasternietnatuurlijkpersonen?q=``.
Not implemented: ``POST /kadastraalonroerendezaken`` (search by BSN), kadaster natuurlijk
personen, hypotheken, beslagen, beperkingen, stukken and stukdelen (answered 404).
The error codes ``paramsCombination``, ``unknownParam`` and ``tooManyResults`` and the
gateway's exact 401 body are not in the published contract; they follow the Haal
Centraal conventions of the sibling APIs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from plugins import house_number
from plugins.fakes import (
    HAAL_CENTRAAL_ERRORS,
    InvalidParam,
    MountPrefix,
    Problems,
    use_fake_middleware,
)

from .data import (
    KADASTER_NIET_NATUURLIJK_PERSONEN,
    KADASTRAAL_ONROERENDE_ZAKEN,
    Adres,
    Gerechtigde,
    KadasterNietNatuurlijkPersoon,
    KadastraalOnroerendeZaak,
)

__all__ = ["API_VERSION", "FAKE_API_KEY", "MOUNT", "create_app"]

#: where the hub mounts this fake (Kadaster's own base path is ``/esd/bevragen/v2``)
MOUNT = "/kadaster/brk/bevragen/v2"
#: the fake's public test key (Kadaster hands out keys on request; this one is ours)
FAKE_API_KEY = "fake-brk-api-key"
API_VERSION = "2.0.0"
CRS = "epsg:28992"
BAG_BASE = "https://api.bag.kadaster.nl/lvbag/individuelebevragingen/v2"

_HAL = "application/hal+json"
_RFC = "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html"

_POSTCODE = re.compile(r"^[1-9][0-9][0-9][0-9][A-Z][A-Z]$")
_HUISLETTER = re.compile(r"^[a-zA-Z]$")
_TOEVOEGING = re.compile(r"^([a-z,A-Z,0-9]){1,4}$")
_NUMMERAANDUIDING = re.compile(r"^[0-9]{16}$")
_AANDUIDING = re.compile(
    r"^([a-zA-Z0-9'][a-zA-Z0-9' ,-]*[a-zA-Z0-9]) ([A-IK-Z]{1,2}) ([1-9][0-9]{0,4})"
    r"( A[1-9][0-9]{0,3})?$"
)
_AANDUIDING_CODE = re.compile(
    r"^([A-Z]{3}[0-9]{2}) ([A-IK-Z]{1,2}) ([1-9][0-9]{0,4})( A[1-9][0-9]{0,3})?$"
)

#: TypeGerechtigdeEnum of the contract
TYPE_GERECHTIGDE = frozenset(
    {
        "beklemrechthouder",
        "eigenaar",
        "erfpachter",
        "gebruik_bewoning",
        "grondrente",
        "opstalhouder",
        "vaderlandsrecht",
        "artikel5_3b_geheel",
        "stadsmeierrecht",
        "vruchtgebruiker",
        "erfpachter_opstalhouder",
        "nutsvoorzieningen",
        "brondocument",
        "twee_belastingen",
        "belasting_derde",
        "bp_recht",
        "nutsvoorzieningen_gedeelte",
        "artikel5_3b",
    }
)
#: properties of KadastraalOnroerendeZaak that ``fields`` may name
_KOZ_PROPERTIES = frozenset(
    {
        "identificatie",
        "domein",
        "indicatieVervallen",
        "begrenzingPerceel",
        "perceelnummerRotatie",
        "plaatscoordinaten",
        "koopsom",
        "toelichtingBewaarder",
        "type",
        "aardCultuurBebouwd",
        "aardCultuurOnbebouwd",
        "kadastraleAanduiding",
        "kadastraleGrootte",
        "perceelnummerVerschuiving",
        "adressen",
        "gesplitstZakelijkRecht",
        "zakelijkGerechtigdeIdentificaties",
        "privaatrechtelijkeBeperkingIdentificaties",
        "hypotheekIdentificaties",
        "beslagIdentificaties",
        "isOvergegaanIn",
        "isOntstaanUit",
        "bijbehorendeGrondpercelen",
        "bijbehorendeAppartementsrechten",
        "isVermeldInStukdeelIdentificaties",
        "stukIdentificaties",
        "indicatieSluimerend",
    }
)
_ZG_PROPERTIES = frozenset(
    {
        "identificatie",
        "type",
        "aanvangsdatum",
        "erfpachtCanon",
        "tenaamstelling",
        "zakelijkRecht",
        "persoon",
    }
)
_NNP_PROPERTIES = frozenset(
    {
        "identificatie",
        "omschrijving",
        "domein",
        "indicatieNietToonbareDiakriet",
        "beschikkingsbevoegdheid",
        "woonadres",
        "postadres",
        "kadastraalOnroerendeZaakIdentificaties",
        "statutaireNaam",
        "statutaireZetel",
        "rechtsvorm",
        "kvkNummer",
        "rsin",
    }
)
_EXPANDABLE = frozenset({"zakelijkGerechtigden", "privaatrechtelijkeBeperkingen"})

# The search categories of GET /kadastraalonroerendezaken; exactly one per request.
_CATEGORIES: Mapping[str, frozenset[str]] = {
    "kadastraleAanduiding": frozenset(
        {"kadastraleAanduiding", "inclusiefKadastraalOnroerendeZakenUitSplitsing"}
    ),
    "persoon": frozenset({"persoon__identificatie"}),
    "adres": frozenset({"postcode", "huisnummer", "huisletter", "huisnummertoevoeging"}),
    "nummeraanduiding": frozenset({"nummeraanduidingIdentificatie"}),
    "kadastraleAanduidingMetGemeentecode": frozenset(
        {"kadastraleAanduidingMetGemeentecode", "inclusiefKadastraalOnroerendeZakenUitSplitsing"}
    ),
}
_SEARCH_PARAMS = frozenset().union(*_CATEGORIES.values())
_COMMON_PARAMS = frozenset({"fields", "expand"})

# status -> (title, code), from the responses of Haal Centraal common 1.2.0
_ERRORS: Mapping[int, tuple[str, str]] = {
    **HAAL_CENTRAAL_ERRORS,
    405: ("Method not allowed", "methodNotAllowed"),
    429: ("Too many request", "tooManyRequests"),
    502: ("Bronservice BRK is tijdelijk niet beschikbaar.", "notAvailable"),
    503: ("Bronservice BRK is tijdelijk niet beschikbaar.", "notAvailable"),
    504: ("Bronservice BRK is tijdelijk niet beschikbaar.", "notAvailable"),
}
_SECTION = {400: "4.1", 401: "4.2", 403: "4.4", 404: "4.5", 405: "4.6", 406: "4.7"}


def _instance(request: Request) -> str:
    """The request's path relative to the API root, as the real API reports it."""
    root = request.scope.get("root_path", "")
    path = request.url.path
    path = path[len(root) :] if root and path.startswith(root) else path
    query = request.url.query
    return f"{path}?{query}" if query else path


def _type(status: int) -> str:
    section = _SECTION.get(status, "5.1" if status >= 500 else "4.1")
    return f"{_RFC}#sec10.{section}"


#: a problem+json answer as BRK Bevragen gives it
problem = Problems(
    _ERRORS, type_of=_type, headers={"api-version": API_VERSION}, instance_of=_instance
)


def create_app(
    *,
    latency_s: float = 0.0,
    fail_status: int | None = None,
    api_key: str = FAKE_API_KEY,
    max_results: int = 100,
    records: Sequence[KadastraalOnroerendeZaak] = KADASTRAAL_ONROERENDE_ZAKEN,
    personen: Sequence[KadasterNietNatuurlijkPersoon] = KADASTER_NIET_NATUURLIJK_PERSONEN,
) -> FastAPI:
    """A fresh fake; routes are relative to :data:`MOUNT`.

    ``latency_s`` delays every answer; ``fail_status`` answers every request with that
    status as a problem (429 and 503 with ``Retry-After: 1``); ``max_results`` is the
    provider's search maximum; ``records`` and ``personen`` replace the demo world.
    """
    app = FastAPI(title="BRK Bevragen v2 (fake)", openapi_url=None, docs_url=None)
    zaken = {koz.identificatie: koz for koz in records}
    nnp = {p.identificatie: p for p in personen}

    problem.answer_http_errors(app)
    key_gate = problem.api_key_gate(api_key)

    def gate(request: Request) -> Response | None:
        refused = key_gate(request)
        if refused is not None:
            return refused
        crs = request.headers.get("accept-crs")
        if crs is not None and crs.strip().lower() != CRS:
            return problem(
                request, 406, title=f"Gevraagde coördinatenstelsel {crs} wordt niet ondersteund."
            )
        return None

    use_fake_middleware(
        app,
        problem,
        latency_s=latency_s,
        fail_status=fail_status,
        gate=gate,
        headers={"api-version": API_VERSION},
    )

    @app.get("/kadastraalonroerendezaken")
    async def zoek_zaken(request: Request) -> Response:
        params = request.query_params
        invalid = InvalidParam.unknown(request, _SEARCH_PARAMS | _COMMON_PARAMS)
        invalid += _validate_search(params)
        fields = _fields(params, _KOZ_PROPERTIES, invalid)
        expand = _expand(params, invalid)
        if invalid:
            return problem(request, 400, invalid=invalid)
        given = {name for name in _SEARCH_PARAMS if name in params}
        category = _category(given)
        if isinstance(category, tuple):
            title, code = category
            return problem(request, 400, title=title, code=code)
        if category == "persoon" and "zakelijkGerechtigden" in expand:
            return problem(
                request,
                400,
                invalid=[
                    InvalidParam(
                        "expand",
                        "expand",
                        "zakelijkGerechtigden kan niet worden meegeladen bij zoeken op persoon.",
                    )
                ],
            )
        found = sorted(
            (koz for koz in zaken.values() if _matches(koz, category, params)),
            key=lambda koz: koz.identificatie,
        )
        if len(found) > max_results:
            return problem(
                request,
                400,
                title="Te veel zoekresultaten.",
                code="tooManyResults",
                detail=f"De zoekvraag levert meer dan {max_results} resultaten op.",
            )
        with_rights = category != "persoon"
        items = [_project(_zaak_json(koz, with_rights, expand), fields) for koz in found]
        embedded: dict[str, Any] = {"kadastraalOnroerendeZaken": items} if items else {}
        body = {"_links": {"self": {"href": _instance(request)}}, "_embedded": embedded}
        return _hal(body, crs=True)

    @app.get("/kadastraalonroerendezaken/{identificatie}")
    async def raadpleeg_zaak(request: Request, identificatie: str) -> Response:
        invalid = InvalidParam.unknown(request, _COMMON_PARAMS)
        fields = _fields(request.query_params, _KOZ_PROPERTIES, invalid)
        expand = _expand(request.query_params, invalid)
        if invalid:
            return problem(request, 400, invalid=invalid)
        koz = zaken.get(identificatie)
        if koz is None:
            return _not_found(request)
        return _hal(_project(_zaak_json(koz, True, expand), fields), crs=True)

    @app.get("/kadastraalonroerendezaken/{identificatie}/zakelijkgerechtigden")
    async def zakelijk_gerechtigden(request: Request, identificatie: str) -> Response:
        params = request.query_params
        invalid = InvalidParam.unknown(request, frozenset({"fields", "type"}))
        fields = _fields(params, _ZG_PROPERTIES, invalid)
        wanted_type = params.get("type")
        if wanted_type is not None and wanted_type not in TYPE_GERECHTIGDE:
            invalid.append(
                InvalidParam("type", "enum", "Waarde heeft geen geldige waarde uit de enumeratie.")
            )
        if invalid:
            return problem(request, 400, invalid=invalid)
        koz = zaken.get(identificatie)
        if koz is None:
            return _not_found(request)
        items = [
            _project(_gerechtigde_json(koz, zg), fields)
            for zg in koz.gerechtigden
            if wanted_type is None or zg.type == wanted_type
        ]
        embedded: dict[str, Any] = {"zakelijkGerechtigden": items} if items else {}
        body = {"_links": {"self": {"href": _instance(request)}}, "_embedded": embedded}
        return _hal(body)

    @app.get("/kadastraalonroerendezaken/{identificatie}/zakelijkgerechtigden/{zg_id}")
    async def zakelijk_gerechtigde(request: Request, identificatie: str, zg_id: str) -> Response:
        invalid = InvalidParam.unknown(request, frozenset({"fields"}))
        fields = _fields(request.query_params, _ZG_PROPERTIES, invalid)
        if invalid:
            return problem(request, 400, invalid=invalid)
        koz = zaken.get(identificatie)
        zg = next((g for g in koz.gerechtigden if g.identificatie == zg_id), None) if koz else None
        if koz is None or zg is None:
            return _not_found(request)
        return _hal(_project(_gerechtigde_json(koz, zg), fields))

    @app.get("/kadasternietnatuurlijkpersonen/{identificatie}")
    async def niet_natuurlijk_persoon(request: Request, identificatie: str) -> Response:
        invalid = InvalidParam.unknown(request, frozenset({"fields"}))
        fields = _fields(request.query_params, _NNP_PROPERTIES, invalid)
        if len(identificatie) > 60:
            invalid.append(
                InvalidParam(
                    "kadasterNietNatuurlijkPersoonIdentificatie",
                    "maxLength",
                    "Waarde is langer dan maximale lengte 60.",
                )
            )
        if invalid:
            return problem(request, 400, invalid=invalid)
        persoon = nnp.get(identificatie)
        if persoon is None:
            return _not_found(request)
        return _hal(_project(_nnp_json(persoon), fields))

    @app.get("/kadasternietnatuurlijkpersonen")
    async def zoek_niet_natuurlijk_personen(request: Request) -> Response:
        invalid = InvalidParam.unknown(request, frozenset({"fields", "q"}))
        fields = _fields(request.query_params, _NNP_PROPERTIES, invalid)
        q = request.query_params.get("q")
        if invalid:
            return problem(request, 400, invalid=invalid)
        if not q:
            return problem(
                request,
                400,
                title="Ten minste één parameter moet worden opgegeven.",
                code="paramsRequired",
                invalid=[InvalidParam("q", "required", "Parameter is verplicht.")],
            )
        words = q.lower().split()
        found = [
            p
            for p in nnp.values()
            if all(w in f"{p.statutaireNaam} {p.statutaireZetel}".lower() for w in words)
        ]
        items = [_project(_nnp_json(p), fields) for p in found]
        embedded: dict[str, Any] = {"kadasterNietNatuurlijkPersonen": items} if items else {}
        return _hal({"_links": {"self": {"href": _instance(request)}}, "_embedded": embedded})

    app.add_middleware(MountPrefix, prefix=MOUNT)
    return app


# --- validation -------------------------------------------------------------------------


def _validate_search(params: Mapping[str, str]) -> list[InvalidParam]:
    invalid: list[InvalidParam] = []
    checks = (
        ("postcode", _POSTCODE),
        ("huisletter", _HUISLETTER),
        ("huisnummertoevoeging", _TOEVOEGING),
        ("nummeraanduidingIdentificatie", _NUMMERAANDUIDING),
        ("kadastraleAanduiding", _AANDUIDING),
        ("kadastraleAanduidingMetGemeentecode", _AANDUIDING_CODE),
    )
    invalid += InvalidParam.patterns(params, checks)
    raw = params.get("huisnummer")
    if raw is not None:
        if not re.fullmatch(r"-?[0-9]+", raw):
            invalid.append(InvalidParam("huisnummer", "integer", "Waarde is geen geldige integer."))
        elif int(raw) < 1:
            invalid.append(InvalidParam("huisnummer", "minimum", "Waarde is lager dan minimum 1."))
        elif int(raw) > 99999:
            invalid.append(
                InvalidParam("huisnummer", "maximum", "Waarde is hoger dan maximum 99999.")
            )
    split = params.get("inclusiefKadastraalOnroerendeZakenUitSplitsing")
    if split is not None and split not in ("true", "false"):
        invalid.append(
            InvalidParam(
                "inclusiefKadastraalOnroerendeZakenUitSplitsing",
                "boolean",
                "Waarde is geen geldige boolean.",
            )
        )
    return invalid


def _category(given: set[str]) -> str | tuple[str, str]:
    """The one search category ``given`` belongs to, or the (title, code) of the 400."""
    if not given:
        return ("Ten minste één parameter moet worden opgegeven.", "paramsRequired")
    combination = (
        "De combinatie van opgegeven parameters is niet toegestaan.",
        "paramsCombination",
    )
    matching = [
        name
        for name, members in _CATEGORIES.items()
        if given <= members and (given - {"inclusiefKadastraalOnroerendeZakenUitSplitsing"})
    ]
    if len(matching) != 1:
        return combination
    category = matching[0]
    if category == "adres" and "postcode" not in given:
        return ("Minimale combinatie van parameters moet worden opgegeven.", "paramsCombination")
    return category


def _fields(
    params: Mapping[str, str], known: frozenset[str], invalid: list[InvalidParam]
) -> list[str] | None:
    raw = params.get("fields")
    if raw is None:
        return None
    names = [part.strip() for part in raw.split(",")]
    wrong = [name for name in names if not name or name.split(".")[0] not in known]
    for name in wrong:
        invalid.append(
            InvalidParam(
                "fields", "fields", f"Deel van de parameterwaarde is niet correct: {name}."
            )
        )
    return names


def _expand(params: Mapping[str, str], invalid: list[InvalidParam]) -> frozenset[str]:
    raw = params.get("expand")
    if raw is None:
        return frozenset()
    names = frozenset(part.strip() for part in raw.split(","))
    for name in sorted(names - _EXPANDABLE):
        invalid.append(
            InvalidParam(
                "expand", "expand", f"Deel van de parameterwaarde is niet correct: {name}."
            )
        )
    return names & _EXPANDABLE


def _same(value: str | None, wanted: str | None) -> bool:
    return (value or "").lower() == (wanted or "").lower()


def _address_matches(adres: Adres, params: Mapping[str, str]) -> bool:
    if adres.postcode != params.get("postcode"):
        return False
    if "huisnummer" in params and adres.huisnummer != int(params["huisnummer"]):
        return False
    if "huisletter" in params and not _same(adres.huisletter, params["huisletter"]):
        return False
    return not (
        "huisnummertoevoeging" in params
        and not _same(adres.huisnummertoevoeging, params["huisnummertoevoeging"])
    )


def _matches(koz: KadastraalOnroerendeZaak, category: str, params: Mapping[str, str]) -> bool:
    if category == "kadastraleAanduiding":
        return koz.kadastraleAanduiding.lower() == params["kadastraleAanduiding"].lower()
    if category == "kadastraleAanduidingMetGemeentecode":
        return (
            koz.kadastraleAanduidingMetGemeentecode == params["kadastraleAanduidingMetGemeentecode"]
        )
    if category == "persoon":
        wanted = params["persoon__identificatie"]
        return any(
            zg.persoon.identificatie == wanted and zg.persoon.type.startswith("kadaster_")
            for zg in koz.gerechtigden
        )
    if category == "nummeraanduiding":
        wanted = params["nummeraanduidingIdentificatie"]
        return any(a.nummeraanduidingIdentificatie == wanted for a in koz.adressen)
    return any(_address_matches(a, params) for a in koz.adressen)


# --- rendering --------------------------------------------------------------------------


def _hal(body: dict[str, Any], *, crs: bool = False) -> JSONResponse:
    headers = {"api-version": API_VERSION}
    if crs:
        headers["Content-Crs"] = CRS
    return JSONResponse(body, media_type=_HAL, headers=headers)


def _not_found(request: Request) -> JSONResponse:
    return problem(request, 404, detail="Not Found")


def _project(body: dict[str, Any], fields: list[str] | None) -> dict[str, Any]:
    """``body`` reduced to the ``fields`` paths; ``_links.self`` always stays."""
    if fields is None:
        return body
    out: dict[str, Any] = {}
    for path in fields:
        _copy_path(body, out, path.split("."))
    links = body.get("_links")
    if isinstance(links, dict) and "self" in links:
        out["_links"] = {"self": links["self"]}
    return out


def _copy_path(source: dict[str, Any], target: dict[str, Any], parts: list[str]) -> None:
    head, rest = parts[0], parts[1:]
    if head not in source:
        return
    value = source[head]
    if not rest:
        target[head] = value
    elif isinstance(value, dict):
        _copy_path(value, target.setdefault(head, {}), rest)
    elif isinstance(value, list):
        items = target.setdefault(head, [{} for _ in value])
        for item, into in zip(value, items, strict=True):
            if isinstance(item, dict):
                _copy_path(item, into, rest)


def _adres_json(adres: Adres) -> dict[str, Any]:
    number = house_number(adres.huisnummer, adres.huisletter, adres.huisnummertoevoeging)
    body: dict[str, Any] = {"straat": adres.straat, "huisnummer": adres.huisnummer}
    if adres.huisletter:
        body["huisletter"] = adres.huisletter
    if adres.huisnummertoevoeging:
        body["huisnummertoevoeging"] = adres.huisnummertoevoeging
    body |= {
        "postcode": adres.postcode,
        "woonplaats": adres.woonplaats,
        "nummeraanduidingIdentificatie": adres.nummeraanduidingIdentificatie,
        "adresregel1": f"{adres.straat} {number}",
        "adresregel2": f"{adres.postcode} {adres.woonplaats}",
        "koppelingswijze": {"code": "ADM_GEO", "waarde": "administratief en geometrisch"},
        "adresseerbaarObjectIdentificatie": adres.adresseerbaarObjectIdentificatie,
    }
    return body


def _square(x: float, y: float, half: float) -> list[list[list[float]]]:
    ring = [[x - half, y - half], [x + half, y - half], [x + half, y + half], [x - half, y + half]]
    return [[*ring, ring[0]]]


def _zaak_json(
    koz: KadastraalOnroerendeZaak, with_rights: bool, expand: frozenset[str]
) -> dict[str, Any]:
    x, y = koz.punt
    path = f"/kadastraalonroerendezaken/{koz.identificatie}"
    body: dict[str, Any] = {
        "identificatie": koz.identificatie,
        "domein": "NL.IMKAD.KadastraalObject",
        "begrenzingPerceel": {
            "type": "Polygon",
            "coordinates": _square(x, y, koz.grootte_m2**0.5 / 2),
        },
        "plaatscoordinaten": {"type": "Point", "coordinates": [x, y]},
        "type": koz.type,
        "aardCultuurBebouwd": {"code": koz.cultuur[0], "waarde": koz.cultuur[1]},
        "kadastraleAanduiding": koz.kadastraleAanduiding,
        "kadastraleGrootte": {
            "soortGrootte": {"code": "1", "waarde": "Vastgesteld"},
            "waarde": koz.grootte_m2,
        },
    }
    if koz.koopsom is not None:
        body["koopsom"] = {"koopsom": koz.koopsom[0], "koopjaar": koz.koopsom[1]}
    if koz.adressen:
        body["adressen"] = [_adres_json(a) for a in koz.adressen]
    links: dict[str, Any] = {"self": {"href": path}}
    if with_rights and koz.gerechtigden:
        body["zakelijkGerechtigdeIdentificaties"] = [zg.identificatie for zg in koz.gerechtigden]
        links["zakelijkGerechtigden"] = [
            {
                "href": f"{path}/zakelijkgerechtigden/{{zakelijkGerechtigdeIdentificaties}}",
                "templated": True,
            }
        ]
    if koz.adressen:
        links["adressen"] = [
            {
                "href": f"{BAG_BASE}/adressen/{{adressen.nummeraanduidingIdentificatie}}",
                "templated": True,
            }
        ]
        links["adresseerbareObjecten"] = [
            {
                "href": f"{BAG_BASE}/adresseerbareobjecten/"
                "{adressen.adresseerbaarObjectIdentificatie}",
                "templated": True,
            }
        ]
    body["_links"] = links
    if "zakelijkGerechtigden" in expand and with_rights and koz.gerechtigden:
        body["_embedded"] = {
            "zakelijkGerechtigden": [_gerechtigde_json(koz, zg) for zg in koz.gerechtigden]
        }
    return body


def _gerechtigde_json(koz: KadastraalOnroerendeZaak, zg: Gerechtigde) -> dict[str, Any]:
    tenaamstelling: dict[str, Any] = {"aandeel": {"noemer": zg.noemer, "teller": zg.teller}}
    if zg.burgerlijkeStaat is not None:
        code, waarde = zg.burgerlijkeStaat
        tenaamstelling["burgerlijkeStaatTenTijdeVanVerkrijging"] = {"code": code, "waarde": waarde}
    own = f"/kadastraalonroerendezaken/{koz.identificatie}/zakelijkgerechtigden"
    links: dict[str, Any] = {"self": {"href": f"{own}/{zg.identificatie}"}}
    # only Kadaster persons are a resource of this API; BRP and HR persons are not
    if zg.persoon.type == "kadaster_niet_natuurlijk_persoon":
        links["persoon"] = {"href": f"/kadasternietnatuurlijkpersonen/{zg.persoon.identificatie}"}
    elif zg.persoon.type == "kadaster_natuurlijk_persoon":
        links["persoon"] = {"href": f"/kadasternatuurlijkpersonen/{zg.persoon.identificatie}"}
    return {
        "identificatie": zg.identificatie,
        "type": zg.type,
        "aanvangsdatum": zg.aanvangsdatum,
        "tenaamstelling": tenaamstelling,
        "persoon": {
            "identificatie": zg.persoon.identificatie,
            "omschrijving": zg.persoon.omschrijving,
            "type": zg.persoon.type,
        },
        "_links": links,
    }


def _nnp_json(persoon: KadasterNietNatuurlijkPersoon) -> dict[str, Any]:
    body: dict[str, Any] = {
        "identificatie": persoon.identificatie,
        "domein": "NL.IMKAD.Persoon",
        "omschrijving": persoon.statutaireNaam,
        "statutaireNaam": persoon.statutaireNaam,
        "statutaireZetel": persoon.statutaireZetel,
        "rechtsvorm": {"code": persoon.rechtsvorm[0], "waarde": persoon.rechtsvorm[1]},
    }
    if persoon.kvkNummer:
        body["kvkNummer"] = persoon.kvkNummer
    if persoon.rsin:
        body["rsin"] = persoon.rsin
    if persoon.kadastraalOnroerendeZaakIdentificaties:
        body["kadastraalOnroerendeZaakIdentificaties"] = list(
            persoon.kadastraalOnroerendeZaakIdentificaties
        )
    body["_links"] = {"self": {"href": f"/kadasternietnatuurlijkpersonen/{persoon.identificatie}"}}
    return body
