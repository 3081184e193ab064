"""Test double of BAG Individuele Bevragingen v2 (Kadaster), mounted at :data:`MOUNT`.

Speaks the published contract (lvbag/BAG-API OpenAPI and feature files): the
``X-Api-Key`` header, HAL bodies (``application/hal+json``), problem+json errors with
``code`` and ``invalid-params``, paging with ``page``/``pageSize`` (default 20, 10-100)
and ``_links.first/previous/next/last``, ``exacteMatch``, ``Accept-Crs: epsg:28992``
on resources with geometry (412 ``acceptCrsMissing`` without it) and the
``X-Rate-Limit-*`` headers.

Implemented: ``GET /adressen`` (postcode + huisnummer, woonplaatsNaam + openbareRuimteNaam
+ huisnummer, adresseerbaarObjectIdentificatie, pandIdentificatie),
``GET /adressen/{nummeraanduidingIdentificatie}`` and ``GET /verblijfsobjecten/{id}``.
Not implemented (answered as unknown parameter or path): ``/adressen/zoek``, ``expand``,
the other resources, life cycles.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from plugins import house_number
from plugins.fakes import HAAL_CENTRAAL_ERRORS, InvalidParam, Problems, use_fake_middleware
from plugins.openapi import Documents, Refusal, guard_app

from .data import ADRESSEN, VERBLIJFSOBJECTEN, BagAdres, BagVerblijfsobject

__all__ = ["FAKE_API_KEY", "MOUNT", "OPENAPI_SERVED", "create_app"]

MOUNT = "/lvbag/individuelebevragingen/v2"
#: the API whose official document the ``openapi`` option takes, and its base path
OPENAPI_SERVED = {"individuelebevragingen": ""}
#: the fake's public test key (Kadaster publishes none; this one is ours)
FAKE_API_KEY = "fake-bag-api-key"
API_VERSION = "2.9.0"
CRS = "epsg:28992"
#: the contract's nominal limit, reported in X-Rate-Limit-Limit when none is enforced
NOMINAL_RATE_PER_S = 50.0

_HAL = "application/hal+json"

_POSTCODE = re.compile(r"^[1-9]{1}[0-9]{3}[A-Z]{2}$")
_HUISLETTER = re.compile(r"^[a-zA-Z]{1}$")
_TOEVOEGING = re.compile(r"^[0-9a-zA-Z]{1,4}$")
_AOI = re.compile(r"^[0-9]{4}(01|02|03)[0-9]{10}$")
_PAND = re.compile(r"^[0-9]{4}10[0-9]{10}$")
_VBO = re.compile(r"^[0-9]{4}01[0-9]{10}$")
_NUMMERAANDUIDING = re.compile(r"^[0-9]{16}$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")

_ADRES_PARAMS = frozenset(
    {
        "postcode",
        "huisnummer",
        "huisletter",
        "huisnummertoevoeging",
        "exacteMatch",
        "adresseerbaarObjectIdentificatie",
        "woonplaatsNaam",
        "openbareRuimteNaam",
        "pandIdentificatie",
        "page",
        "pageSize",
    }
)
_SEARCH_PARAMS = _ADRES_PARAMS - {"exacteMatch", "page", "pageSize"}

# status -> (title, code) of the contract's error table (foutafhandeling.feature)
_ERRORS: Mapping[int, tuple[str, str]] = {
    **HAAL_CENTRAAL_ERRORS,
    405: ("Deze methode is niet toegestaan", "methodNotAllowed"),
    412: ("Niet voldaan aan vooraf gestelde voorwaarde", "preconditionFailed"),
    429: ("Too Many Requests", "tooManyRequests"),
    502: ("Bronservice is niet beschikbaar.", "sourceUnavailable"),
    503: ("Bronservice is niet beschikbaar.", "sourceUnavailable"),
    504: ("Bronservice is niet beschikbaar.", "sourceUnavailable"),
}


#: a problem+json answer as the BAG API gives it
problem = Problems(
    _ERRORS,
    type_of=lambda status: f"https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#{status}",
    headers={"api-version": API_VERSION},
    invalid_key="invalid-params",
)


def _validation_error(request: Request, invalid: list[InvalidParam]) -> JSONResponse:
    return problem(request, 400, invalid=invalid)


def create_app(
    *,
    latency_s: float = 0.0,
    rate_limit_per_s: float | None = None,
    fail_status: int | None = None,
    api_key: str = FAKE_API_KEY,
    openapi: Documents | None = None,
) -> FastAPI:
    """A fresh fake; routes are relative to :data:`MOUNT`.

    ``openapi={"individuelebevragingen": document}`` refuses every request outside the
    official document as the BAG API does (400 ``paramsValidation``, ``invalid-params``).

    ``latency_s`` delays every answer; ``rate_limit_per_s`` answers 429
    ``tooManyRequests`` (with ``Retry-After``) beyond that rate; ``fail_status`` answers
    every request with that status (e.g. 503 ``sourceUnavailable``).
    """
    app = FastAPI(title="BAG Individuele Bevragingen v2 (fake)", openapi_url=None)

    problem.answer_http_errors(app)
    gate = problem.api_key_gate(api_key)

    use_fake_middleware(
        app,
        _error,
        latency_s=latency_s,
        fail_status=fail_status,
        gate=gate,
        rate_limit_per_s=rate_limit_per_s,
        nominal_rate_per_s=NOMINAL_RATE_PER_S,
    )

    @app.get("/adressen")
    async def adressen(request: Request) -> Response:
        return _search_adressen(request)

    @app.get("/adressen/{nummeraanduidingIdentificatie}")
    async def adres(request: Request, nummeraanduidingIdentificatie: str) -> Response:
        invalid = InvalidParam.unknown(request, frozenset())
        if not _NUMMERAANDUIDING.match(nummeraanduidingIdentificatie):
            invalid.append(InvalidParam.pattern("nummeraanduidingIdentificatie", _NUMMERAANDUIDING))
        if invalid:
            return _validation_error(request, invalid)
        for item in ADRESSEN:
            if item.nummeraanduidingIdentificatie == nummeraanduidingIdentificatie:
                return _hal(_adres_json(item, str(request.base_url)))
        return problem(request, 404)

    @app.get("/verblijfsobjecten/{identificatie}")
    async def verblijfsobject(request: Request, identificatie: str) -> Response:
        crs = request.headers.get("accept-crs")
        if crs is None:
            return problem(
                request,
                412,
                title="Gewenste coördinatenstelsel voor geometrie moet worden opgegeven.",
                code="acceptCrsMissing",
            )
        if crs.strip().lower() != CRS:
            return problem(
                request,
                406,
                title=f"Gevraagde coördinatenstelsel {crs} wordt niet ondersteund.",
                code="crsNotAcceptable",
            )
        invalid = InvalidParam.unknown(request, frozenset({"geldigOp", "beschikbaarOp"}))
        invalid += [
            InvalidParam(name, "date", "Waarde is geen geldige datum.")
            for name in ("geldigOp",)
            if name in request.query_params and not _DATE.match(request.query_params[name])
        ]
        if not _VBO.match(identificatie):
            invalid.append(InvalidParam.pattern("identificatie", _VBO))
        if invalid:
            return _validation_error(request, invalid)
        vbo = VERBLIJFSOBJECTEN.get(identificatie)
        if vbo is None:
            return problem(request, 404)
        return _hal(_verblijfsobject_json(vbo, str(request.base_url)), {"Content-Crs": CRS})

    if openapi:
        guard_app(app, openapi, OPENAPI_SERVED, _refuse)
    return app


def _error(request: Request, status: int, *, headers: Mapping[str, str]) -> Response:
    detail = "You have exceeded your quota" if "X-Rate-Limit-Limit" in headers else None
    return problem(request, status, detail=detail, headers=headers)


def _refuse(refusal: Refusal) -> JSONResponse:
    invalid = [InvalidParam(v.name, v.code, v.reason) for v in refusal.violations]
    return problem(Request(refusal.scope), refusal.status, invalid=invalid)


def _hal(body: dict[str, Any], headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        body, media_type=_HAL, headers={"api-version": API_VERSION, **(headers or {})}
    )


def _int_param(
    params: Mapping[str, str], name: str, lo: int, hi: int | None, invalid: list[InvalidParam]
) -> int | None:
    raw = params.get(name)
    if raw is None:
        return None
    if not re.fullmatch(r"-?[0-9]+", raw):
        invalid.append(InvalidParam(name, "integer", "Waarde is geen geldige integer."))
        return None
    value = int(raw)
    if value < lo:
        invalid.append(InvalidParam(name, "minimum", f"Waarde is lager dan minimum {lo}."))
    elif hi is not None and value > hi:
        invalid.append(InvalidParam(name, "maximum", f"Waarde is hoger dan maximum {hi}."))
    return value


def _search_adressen(request: Request) -> Response:
    params = request.query_params
    invalid = InvalidParam.unknown(request, _ADRES_PARAMS)
    exact = params.get("exacteMatch", "false").lower()
    if exact not in ("true", "false"):
        invalid.append(InvalidParam("exacteMatch", "boolean", "Waarde is geen geldige boolean."))
    huisnummer = _int_param(params, "huisnummer", 1, 99999, invalid)
    page = _int_param(params, "page", 1, None, invalid) or 1
    page_size = _int_param(params, "pageSize", 10, 100, invalid) or 20
    checks = (
        ("postcode", _POSTCODE),
        ("huisletter", _HUISLETTER),
        ("huisnummertoevoeging", _TOEVOEGING),
        ("adresseerbaarObjectIdentificatie", _AOI),
        ("pandIdentificatie", _PAND),
    )
    invalid += InvalidParam.patterns(params, checks)
    for name in ("woonplaatsNaam", "openbareRuimteNaam"):
        if name in params and not 1 <= len(params[name]) <= 80:
            invalid.append(
                InvalidParam(name, "maxLength", "Waarde is langer dan maximale lengte 80.")
            )
    if invalid:
        return _validation_error(request, invalid)

    given = {name for name in _SEARCH_PARAMS if name in params}
    combination = _check_combination(given)
    if combination is not None:
        status_title, code = combination
        return problem(request, 400, title=status_title, code=code)

    found = [item for item in ADRESSEN if _matches(item, params, huisnummer, exact=exact == "true")]
    found.sort(key=_sort_key)
    last = max(1, math.ceil(len(found) / page_size))
    if page > last:
        return _validation_error(
            request, [InvalidParam("page", "page", "De opgegeven pagina bestaat niet.")]
        )
    window = found[(page - 1) * page_size : page * page_size]
    links: dict[str, Any] = {"self": {"href": str(request.url)}}
    if page > 1:
        links["first"] = {"href": str(request.url.include_query_params(page=1))}
        links["previous"] = {"href": str(request.url.include_query_params(page=page - 1))}
    if page < last:
        links["next"] = {"href": str(request.url.include_query_params(page=page + 1))}
        links["last"] = {"href": str(request.url.include_query_params(page=last))}
    body: dict[str, Any] = {"_links": links}
    base = str(request.base_url)
    if window:
        body["_embedded"] = {"adressen": [_adres_json(item, base) for item in window]}
    return _hal(body, {"X-Pagination-Page": str(page), "X-Pagination-Limit": str(page_size)})


def _check_combination(given: set[str]) -> tuple[str, str] | None:
    """None when ``given`` is one of the supported combinations, else (title, code)."""
    required = ("Minimale combinatie van parameters moet worden opgegeven.", "paramsCombination")
    unsupported = (
        "De combinatie van opgegeven parameters is niet toegestaan.",
        "unsupportedCombination",
    )
    if not given:
        return ("Ten minste één parameter moet worden opgegeven.", "paramsRequired")
    number = {"huisnummer", "huisletter", "huisnummertoevoeging"}
    by_postcode = {"postcode"} | number
    by_street = {"woonplaatsNaam", "openbareRuimteNaam"} | number
    for single in ("adresseerbaarObjectIdentificatie", "pandIdentificatie"):
        if single in given:
            return None if given == {single} else unsupported
    if "postcode" in given:
        if not given <= by_postcode:
            return unsupported
        return None if "huisnummer" in given else required
    if given & {"woonplaatsNaam", "openbareRuimteNaam"}:
        if not given <= by_street:
            return unsupported
        needed = {"woonplaatsNaam", "openbareRuimteNaam", "huisnummer"}
        return None if needed <= given else required
    return required


def _same(value: str | None, wanted: str | None) -> bool:
    return (value or "").lower() == (wanted or "").lower()


def _matches(
    item: BagAdres, params: Mapping[str, str], huisnummer: int | None, *, exact: bool
) -> bool:
    if "adresseerbaarObjectIdentificatie" in params:
        return item.adresseerbaarObjectIdentificatie == params["adresseerbaarObjectIdentificatie"]
    if "pandIdentificatie" in params:
        return params["pandIdentificatie"] in item.pandIdentificaties
    if "postcode" in params and item.postcode != params["postcode"]:
        return False
    if "woonplaatsNaam" in params and not (
        _same(item.woonplaatsNaam, params["woonplaatsNaam"])
        and _same(item.openbareRuimteNaam, params.get("openbareRuimteNaam"))
    ):
        return False
    if item.huisnummer != huisnummer:
        return False
    for name, value in (
        ("huisletter", item.huisletter),
        ("huisnummertoevoeging", item.huisnummertoevoeging),
    ):
        wanted = params.get(name)
        # exacteMatch filters on absence too: "3" does not match "3A" (exacte_match.feature)
        if (wanted is not None or exact) and not _same(value, wanted):
            return False
    return True


def _sort_key(item: BagAdres) -> tuple[str, int, str, str]:
    extra = item.huisnummertoevoeging or ""
    return (item.postcode, item.huisnummer, item.huisletter or "", extra.zfill(4))


def _adres_json(item: BagAdres, base: str) -> dict[str, Any]:
    number = house_number(item.huisnummer, item.huisletter, item.huisnummertoevoeging)
    body: dict[str, Any] = {
        "openbareRuimteNaam": item.openbareRuimteNaam,
        "korteNaam": item.korteNaam,
        "huisnummer": item.huisnummer,
    }
    if item.huisletter:
        body["huisletter"] = item.huisletter
    if item.huisnummertoevoeging:
        body["huisnummertoevoeging"] = item.huisnummertoevoeging
    body |= {
        "postcode": item.postcode,
        "woonplaatsNaam": item.woonplaatsNaam,
        "nummeraanduidingIdentificatie": item.nummeraanduidingIdentificatie,
        "openbareRuimteIdentificatie": item.openbareRuimteIdentificatie,
        "woonplaatsIdentificatie": item.woonplaatsIdentificatie,
        "adresseerbaarObjectIdentificatie": item.adresseerbaarObjectIdentificatie,
        "pandIdentificaties": list(item.pandIdentificaties),
        "adresregel5": f"{item.korteNaam} {number}",
        "adresregel6": f"{item.postcode[:4]} {item.postcode[4:]}  {item.woonplaatsNaam.upper()}",
        "_links": {
            "self": {"href": f"{base}adressen/{item.nummeraanduidingIdentificatie}"},
            "openbareRuimte": {"href": f"{base}openbareruimten/{item.openbareRuimteIdentificatie}"},
            "nummeraanduiding": {
                "href": f"{base}nummeraanduidingen/{item.nummeraanduidingIdentificatie}"
            },
            "woonplaats": {"href": f"{base}woonplaatsen/{item.woonplaatsIdentificatie}"},
            "adresseerbaarObject": {
                "href": f"{base}verblijfsobjecten/{item.adresseerbaarObjectIdentificatie}"
            },
            "panden": [{"href": f"{base}panden/{pand}"} for pand in item.pandIdentificaties],
        },
    }
    return body


def _verblijfsobject_json(vbo: BagVerblijfsobject, base: str) -> dict[str, Any]:
    x, y = vbo.punt
    body: dict[str, Any] = {
        "type": "Verblijfsobject",
        "heeftAlsHoofdAdres": vbo.heeftAlsHoofdAdres,
        "identificatie": vbo.identificatie,
        "domein": "NL.IMBAG.Verblijfsobject",
        "geometrie": {"punt": {"type": "Point", "coordinates": [x, y, 0.0]}},
        "gebruiksdoelen": list(vbo.gebruiksdoelen),
        "oppervlakte": vbo.oppervlakte,
        "status": vbo.status,
        "geconstateerd": "N",
        "documentdatum": vbo.documentdatum,
        "documentnummer": vbo.documentnummer,
        "voorkomen": {
            "tijdstipRegistratie": f"{vbo.documentdatum}T09:00:00.000+01:00",
            "versie": 1,
            "beginGeldigheid": vbo.documentdatum,
            "tijdstipRegistratieLV": f"{vbo.documentdatum}T09:05:00.000+01:00",
        },
        "maaktDeelUitVan": list(vbo.maaktDeelUitVan),
    }
    if vbo.heeftAlsNevenAdres:
        body["heeftAlsNevenAdres"] = list(vbo.heeftAlsNevenAdres)
    links: dict[str, Any] = {
        "self": {"href": f"{base}verblijfsobjecten/{vbo.identificatie}"},
        "heeftAlsHoofdAdres": {"href": f"{base}nummeraanduidingen/{vbo.heeftAlsHoofdAdres}"},
        "maaktDeelUitVan": [{"href": f"{base}panden/{pand}"} for pand in vbo.maaktDeelUitVan],
    }
    return {"verblijfsobject": body, "_links": links}
