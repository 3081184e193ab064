"""Test double of BRP Personen v2 (Haal Centraal, RvIG), mounted at :data:`MOUNT`.

Speaks the published contract of ``POST /personen``:

* authentication: ``Authorization: Bearer <token>`` with a token from this app's own
  OAuth2 client-credentials endpoint ``POST /token`` (form parameters ``grant_type=
  client_credentials``, ``client_id``, ``client_secret``, ``scope``; answers
  ``{access_token, token_type: "Bearer", expires_in}``), or the older demo's
  ``X-API-KEY`` header; anything else is a 401 problem with code ``authentication``.
  Test credentials: :data:`~connectors.brp.fake.data.FAKE_CLIENT_ID` /
  :data:`~connectors.brp.fake.data.FAKE_CLIENT_SECRET` and
  :data:`~connectors.brp.fake.data.FAKE_API_KEY`.
* validation with the registry's own texts: ``type`` and ``fields`` required, ``type``
  one of the seven query types, ``fields`` 1-130 known dot paths (unknown: code
  ``fields``; automatic fields such as ``geheimhoudingPersoonsgegevens``: also code
  ``fields``, "niet toegestane veldnaam"), 1-20 ``burgerservicenummer`` of nine digits,
  each type's required and optional parameters (``required``, ``pattern``, ``integer``,
  ``date``, ``boolean``, ``minimum``/``maximum``, ``unknownParam``), the optional
  ``gemeenteVanInschrijving`` filter (``^[0-9]{4}$``);
* answers ``{"type", "personen": [...]}``: ``Persoon`` for ``RaadpleegMetBurgerservicenummer``
  (also deceased persons), ``PersoonBeperkt`` for the ``Zoek*`` types (without deceased
  persons unless ``inclusiefOverledenPersonen``; more than 10 hits is a 400
  ``tooManyResults``), projected to ``fields``, with the automatic fields
  ``geheimhoudingPersoonsgegevens`` and ``opschortingBijhouding`` added;
* errors as ``application/problem+json`` ``{type, title, status, detail, instance, code,
  invalidParams}``, also for unknown paths (404) and methods (405).

Not implemented: ``rni``, ``verificatie`` and ``inOnderzoek`` (no record carries them),
``gezag``, relatives' data (``ouders``, ``kinderen``, ``partners`` are known fields
without data), diacritic-insensitive search, per-client field authorisation (403).

Failure injection (keyword arguments of :func:`create_app`): ``latency_s`` (sleep per
request), ``fail_status`` with ``fail_times`` (``/personen`` answers that status for the
first ``fail_times`` calls, or always when None) and ``retry_after_s`` (a ``Retry-After``
header on those answers), ``token_ttl_s`` (lifetime of issued tokens), ``today`` (the
fake's current date; recent dates of the demo world are relative to it).
``required_purpose_headers`` names headers a gateway insists on (e.g. ``x-doelbinding``,
``x-gebruiker``): ``/personen`` without one answers 400 with them in ``invalidParams``.

For tests, ``app.state`` keeps ``received_traceparents`` and ``received_bodies`` (the
last 1000 of each), ``tokens`` (issued token -> expiry; clear it to revoke them all),
``tokens_issued`` and ``personen_calls``.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
import time
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any
from urllib.parse import parse_qs

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from plugins import missing_headers
from plugins.fakes import remember, use_fake_middleware
from plugins.openapi import Documents, Refusal, guard_app

from .._fields import PERSOON, PERSOON_BEPERKT, Tree, check_field, project
from ._render import automatic_fields, gba_date, render_persoon, render_persoon_beperkt
from .data import PERSONS, Adres, PersonRecord

__all__ = [
    "FAKE_API_KEY",
    "FAKE_CLIENT_ID",
    "FAKE_CLIENT_SECRET",
    "MAX_FIELDS",
    "MAX_RESULTS",
    "MOUNT",
    "OPENAPI_SERVED",
    "QUERY_TYPES",
    "create_app",
]

#: public test credentials of the fake (never valid anywhere else)
FAKE_CLIENT_ID = "opplus-fake"
FAKE_CLIENT_SECRET = "fake-brp-client-secret"  # noqa: S105 - a published test value
FAKE_API_KEY = "fake-brp-api-key"

MOUNT = "/haalcentraal/api/brp"
#: the API whose official document the ``openapi`` option takes, and its base path
OPENAPI_SERVED = {"personen": ""}
MAX_RESULTS = 10
MAX_FIELDS = 130
MAX_BSN = 20
KEPT = 1000

_PROBLEM = "application/problem+json"
_RFC7231 = "https://datatracker.ietf.org/doc/html/rfc7231"
# status -> (type, title, code)
_ERRORS: Mapping[int, tuple[str, str, str]] = {
    400: (
        f"{_RFC7231}#section-6.5.1",
        "Een of meerdere parameters zijn niet correct.",
        "paramsValidation",
    ),
    401: (
        "https://datatracker.ietf.org/doc/html/rfc7235#section-3.1",
        "Niet correct geauthenticeerd.",
        "authentication",
    ),
    403: (
        f"{_RFC7231}#section-6.5.3",
        "U bent niet geautoriseerd voor deze operatie.",
        "autorisation",
    ),
    404: (f"{_RFC7231}#section-6.5.4", "Opgevraagde resource bestaat niet.", "notFound"),
    405: (f"{_RFC7231}#section-6.5.5", "Gebruikte methode is niet toegestaan.", "methodNotAllowed"),
    415: (
        f"{_RFC7231}#section-6.5.13",
        "Media Type wordt niet ondersteund.",
        "unsupportedMediaType",
    ),
    429: (
        "https://datatracker.ietf.org/doc/html/rfc6585#section-4",
        "Too many request",
        "tooManyRequests",
    ),
    500: (f"{_RFC7231}#section-6.6.1", "Interne server fout.", "serverError"),
    502: (f"{_RFC7231}#section-6.6.3", "Bad Gateway.", "badGateway"),
    503: (
        f"{_RFC7231}#section-6.6.4",
        "Bronservice BRP is tijdelijk niet beschikbaar.",
        "notAvailable",
    ),
    504: (f"{_RFC7231}#section-6.6.5", "Gateway Timeout.", "gatewayTimeout"),
}

# --- request parameters --------------------------------------------------------------

_NAAM_CHARS = r"a-zA-Z0-9À-ž \.\-\'"
_P_BSN = r"^[0-9]{9}$"
_P_GEMEENTE = r"^[0-9]{4}$"
_P_GESLACHTSNAAM = rf"^[{_NAAM_CHARS}]{{1,200}}$|^[{_NAAM_CHARS}]{{3,199}}\*{{1}}$"
_P_VOORNAMEN_OPTIONEEL = rf"^[{_NAAM_CHARS}]{{1,199}}\*{{0,1}}$"
_P_VOORVOEGSEL = r"^[a-zA-Z \']{1,10}$"
_P_GESLACHT = r"^([Mm]|[Vv]|[Oo])$"
_P_POSTCODE = r"^[1-9]{1}[0-9]{3}[ ]?[A-Za-z]{2}$"
_P_HUISLETTER = r"^[a-zA-Z]{1}$"
_P_TOEVOEGING = r"^[a-zA-Z0-9 \-]{1,4}$"
_STRAAT_CHARS = r"a-zA-Z0-9À-ž \-\'\."
_P_STRAAT = (
    rf"^[{_STRAAT_CHARS}]{{1,80}}$|^[{_STRAAT_CHARS}]{{7,79}}\*{{1}}$"
    rf"|^\*{{1}}[{_STRAAT_CHARS}]{{7,79}}$"
)
_P_BAG_ID = r"^[0-9]{16}$"

# parameter -> kind ("string" with a pattern, "integer", "date", "boolean")
_PARAMS: Mapping[str, tuple[str, str | None]] = {
    "geslachtsnaam": ("string", _P_GESLACHTSNAAM),
    "voornamen": ("string", _P_VOORNAMEN_OPTIONEEL),
    "voorvoegsel": ("string", _P_VOORVOEGSEL),
    "geslacht": ("string", _P_GESLACHT),
    "geboortedatum": ("date", None),
    "postcode": ("string", _P_POSTCODE),
    "huisnummer": ("integer", None),
    "huisletter": ("string", _P_HUISLETTER),
    "huisnummertoevoeging": ("string", _P_TOEVOEGING),
    "straat": ("string", _P_STRAAT),
    "nummeraanduidingIdentificatie": ("string", _P_BAG_ID),
    "adresseerbaarObjectIdentificatie": ("string", _P_BAG_ID),
    "gemeenteVanInschrijving": ("string", _P_GEMEENTE),
    "inclusiefOverledenPersonen": ("boolean", None),
}

_OVERLEDEN = "inclusiefOverledenPersonen"
#: type -> (required parameters, optional parameters) besides type, fields and the filter
QUERY_TYPES: Mapping[str, tuple[frozenset[str], frozenset[str]]] = {
    "RaadpleegMetBurgerservicenummer": (frozenset({"burgerservicenummer"}), frozenset()),
    "ZoekMetGeslachtsnaamEnGeboortedatum": (
        frozenset({"geslachtsnaam", "geboortedatum"}),
        frozenset({"voornamen", "voorvoegsel", "geslacht", _OVERLEDEN}),
    ),
    "ZoekMetNaamEnGemeenteVanInschrijving": (
        frozenset({"geslachtsnaam", "voornamen", "gemeenteVanInschrijving"}),
        frozenset({"voorvoegsel", "geslacht", _OVERLEDEN}),
    ),
    "ZoekMetPostcodeEnHuisnummer": (
        frozenset({"postcode", "huisnummer"}),
        frozenset(
            {"huisletter", "huisnummertoevoeging", "geboortedatum", "geslachtsnaam", _OVERLEDEN}
        ),
    ),
    "ZoekMetStraatHuisnummerEnGemeenteVanInschrijving": (
        frozenset({"straat", "huisnummer", "gemeenteVanInschrijving"}),
        frozenset({"huisletter", "huisnummertoevoeging", _OVERLEDEN}),
    ),
    "ZoekMetNummeraanduidingIdentificatie": (
        frozenset({"nummeraanduidingIdentificatie"}),
        frozenset({_OVERLEDEN}),
    ),
    "ZoekMetAdresseerbaarObjectIdentificatie": (
        frozenset({"adresseerbaarObjectIdentificatie"}),
        frozenset({"huisletter", "huisnummertoevoeging", _OVERLEDEN}),
    ),
}
_RAADPLEEG = "RaadpleegMetBurgerservicenummer"
_NAME_SEARCHES = frozenset(
    {"ZoekMetGeslachtsnaamEnGeboortedatum", "ZoekMetNaamEnGemeenteVanInschrijving"}
)

_REQUIRED = "Parameter is verplicht."

InvalidParam = dict[str, str]


def _invalid(name: str, code: str, reason: str) -> InvalidParam:
    return {"name": name, "code": code, "reason": reason}


def _check_fields(value: Any, tree: Tree) -> list[InvalidParam]:
    if value is None:
        return [_invalid("fields", "required", _REQUIRED)]
    if not isinstance(value, list):
        return [_invalid("fields", "array", "Parameter is geen array.")]
    if not value:
        return [_invalid("fields", "minItems", "Array bevat minder dan 1 items.")]
    if len(value) > MAX_FIELDS:
        return [_invalid("fields", "maxItems", f"Array bevat meer dan {MAX_FIELDS} items.")]
    errors = []
    for i, item in enumerate(value):
        name = f"fields[{i}]"
        verdict = check_field(item, tree) if isinstance(item, str) else "pattern"
        if verdict == "pattern":
            reason = r"Waarde voldoet niet aan patroon ^[a-zA-Z0-9\._]{1,200}$."
            errors.append(_invalid(name, "pattern", reason))
        elif verdict == "unknown":
            errors.append(_invalid(name, "fields", "Parameter bevat een niet bestaande veldnaam."))
        elif verdict == "not_allowed":
            reason = "Parameter bevat een niet toegestane veldnaam."
            errors.append(_invalid(name, "fields", reason))
    return errors


def _check_bsns(value: Any) -> list[InvalidParam]:
    name = "burgerservicenummer"
    if not isinstance(value, list):
        return [_invalid(name, "array", "Parameter is geen array.")]
    if not value:
        return [_invalid(name, "minItems", "Array bevat minder dan 1 items.")]
    if len(value) > MAX_BSN:
        return [_invalid(name, "maxItems", f"Array bevat meer dan {MAX_BSN} items.")]
    return [
        _invalid(f"{name}[{i}]", "pattern", f"Waarde voldoet niet aan patroon {_P_BSN}.")
        for i, bsn in enumerate(value)
        if not (isinstance(bsn, str) and re.fullmatch(_P_BSN, bsn))
    ]


def _check_param(name: str, value: Any) -> list[InvalidParam]:
    kind, pattern = _PARAMS[name]
    if kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            return [_invalid(name, "integer", "Waarde is geen geldig getal.")]
        if value < 1:
            return [_invalid(name, "minimum", "Waarde is lager dan minimum 1.")]
        if value > 99999:
            return [_invalid(name, "maximum", "Waarde is hoger dan maximum 99999.")]
        return []
    if kind == "boolean":
        ok = isinstance(value, bool)
        return [] if ok else [_invalid(name, "boolean", "Waarde is geen boolean.")]
    if not isinstance(value, str):
        return [_invalid(name, kind, "Waarde is geen geldige string.")]
    if kind == "date":
        try:
            date.fromisoformat(value)
        except ValueError:
            return [_invalid(name, "date", "Waarde is geen geldige datum.")]
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
            return [_invalid(name, "date", "Waarde is geen geldige datum.")]
        return []
    if pattern and not re.match(pattern, value):
        return [_invalid(name, "pattern", f"Waarde voldoet niet aan patroon {pattern}.")]
    return []


def validate(body: Mapping[str, Any]) -> list[InvalidParam]:
    """All that is wrong with a ``/personen`` request body (empty when it is valid)."""
    query_type = body.get("type")
    if query_type is None:
        return [_invalid("type", "required", _REQUIRED)]
    if query_type not in QUERY_TYPES:
        return [_invalid("type", "value", "Waarde is geen geldig zoek type.")]
    required, optional = QUERY_TYPES[query_type]
    tree = PERSOON if query_type == _RAADPLEEG else PERSOON_BEPERKT
    errors = _check_fields(body.get("fields"), tree)
    for name in sorted(required):
        if body.get(name) is None:
            errors.append(_invalid(name, "required", _REQUIRED))
    allowed = required | optional | {"type", "fields", "gemeenteVanInschrijving"}
    for name, value in body.items():
        if name not in allowed:
            errors.append(_invalid(name, "unknownParam", "Parameter is niet verwacht."))
        elif name == "burgerservicenummer":
            errors.extend(_check_bsns(value))
        elif name in _PARAMS and value is not None:
            errors.extend(_check_param(name, value))
    return errors


# --- searching --------------------------------------------------------------------


def _text_matches(pattern: str, value: str | None) -> bool:
    if value is None:
        return False
    pattern, value = pattern.casefold(), value.casefold()
    if pattern.endswith("*"):
        return value.startswith(pattern[:-1])
    if pattern.startswith("*"):
        return value.endswith(pattern[1:])
    return value == pattern


def _same(wanted: Any, value: str | None) -> bool:
    return wanted is None or (value or "").casefold() == str(wanted).casefold()


def _address_matches(p: PersonRecord, body: Mapping[str, Any], query_type: str) -> bool:
    adres = p.verblijfplaats
    if not isinstance(adres, Adres):
        return False
    if not (
        _same(body.get("huisletter"), adres.huisletter)
        and _same(body.get("huisnummertoevoeging"), adres.huisnummertoevoeging)
    ):
        return False
    if query_type == "ZoekMetAdresseerbaarObjectIdentificatie":
        return bool(
            adres.adresseerbaarObjectIdentificatie == body["adresseerbaarObjectIdentificatie"]
        )
    if query_type == "ZoekMetNummeraanduidingIdentificatie":
        return bool(adres.nummeraanduidingIdentificatie == body["nummeraanduidingIdentificatie"])
    if adres.huisnummer != body["huisnummer"]:
        return False
    if query_type == "ZoekMetPostcodeEnHuisnummer":
        return adres.postcode == str(body["postcode"]).replace(" ", "").upper()
    straatnamen = (adres.korteStraatnaam, adres.officieleStraatnaam)
    return any(_text_matches(body["straat"], s) for s in straatnamen)


def _matches(p: PersonRecord, body: Mapping[str, Any], today: date) -> bool:
    query_type = body["type"]
    if p.overlijden is not None and not body.get(_OVERLEDEN):
        return False
    if "geslachtsnaam" in body and not _text_matches(body["geslachtsnaam"], p.geslachtsnaam):
        return False
    if "voornamen" in body and not _text_matches(body["voornamen"], p.voornamen):
        return False
    if not _same(body.get("voorvoegsel"), p.voorvoegsel):
        return False
    if not _same(body.get("geslacht"), p.geslacht):
        return False
    if "geboortedatum" in body:
        if gba_date(p.geboortedatum, today) != body["geboortedatum"].replace("-", ""):
            return False
    if query_type in _NAME_SEARCHES:
        return True
    return _address_matches(p, body, query_type)


# --- the app ------------------------------------------------------------------------


def _problem(
    request: Request,
    status: int,
    *,
    detail: str | None = None,
    code: str | None = None,
    title: str | None = None,
    invalid: list[InvalidParam] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    type_, default_title, default_code = _ERRORS.get(status, _ERRORS[500])
    body: dict[str, Any] = {
        "type": type_,
        "title": title or default_title,
        "status": status,
        "detail": detail or default_title,
        "instance": request.url.path,
        "code": code or default_code,
    }
    if invalid:
        body["invalidParams"] = invalid
    return JSONResponse(body, status_code=status, media_type=_PROBLEM, headers=headers)


def create_app(
    *,
    latency_s: float = 0.0,
    today: date | None = None,
    fail_status: int | None = None,
    fail_times: int | None = None,
    retry_after_s: int | None = None,
    token_ttl_s: int = 3600,
    openapi: Documents | None = None,
    required_purpose_headers: Sequence[str] = (),
) -> FastAPI:
    """A fresh fake BRP Personen v2; see the module docstring for the options.

    ``openapi={"personen": document}`` refuses every request outside the official
    document as BRP does (400 ``paramsValidation`` with ``invalidParams``).
    """
    app = FastAPI(
        title="BRP Personen v2 (fake)",
        description="Test double of the Haal Centraal BRP Personen v2 API. Not the registry.",
        version="2.0.0",
    )
    app.state.received_bodies = []
    app.state.tokens = {}  # access token -> monotonic expiry
    app.state.tokens_issued = 0
    app.state.personen_calls = 0
    app.state.today = today

    def current_date() -> date:
        return app.state.today or date.today()

    # injected failures are /personen's own (they count its calls only): see below
    use_fake_middleware(app, _problem, latency_s=latency_s)

    @app.exception_handler(StarletteHTTPException)
    async def http_problem(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _problem(request, exc.status_code)

    @app.post(
        "/token",
        summary="OAuth2 client-credentials token endpoint of the fake",
        description=(
            "Form parameters (application/x-www-form-urlencoded): grant_type="
            "client_credentials, client_id, client_secret, scope. Client credentials may "
            "also come as HTTP Basic. Answers {access_token, token_type: Bearer, "
            f"expires_in}}. Test client: {FAKE_CLIENT_ID}."
        ),
    )
    async def token(request: Request) -> JSONResponse:
        raw = (await request.body()).decode("utf-8", "replace")
        form = {k: v[0] for k, v in parse_qs(raw).items()}
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        basic = request.headers.get("authorization", "")
        if basic.lower().startswith("basic "):
            try:
                decoded = base64.b64decode(basic[6:]).decode("utf-8")
                client_id, _, client_secret = decoded.partition(":")
            except (binascii.Error, UnicodeDecodeError):
                return _oauth_error("invalid_client", 401)
        if form.get("grant_type") is None or client_id is None:
            return _oauth_error("invalid_request", 400)
        if form["grant_type"] != "client_credentials":
            return _oauth_error("unsupported_grant_type", 400)
        good_id = secrets.compare_digest(client_id, FAKE_CLIENT_ID)
        good_secret = secrets.compare_digest(client_secret or "", FAKE_CLIENT_SECRET)
        if not (good_id and good_secret):
            return _oauth_error("invalid_client", 401)
        access_token = secrets.token_urlsafe(32)
        app.state.tokens[access_token] = time.monotonic() + token_ttl_s
        app.state.tokens_issued += 1
        answer: dict[str, Any] = {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": token_ttl_s,
        }
        if form.get("scope"):
            answer["scope"] = form["scope"]
        return JSONResponse(answer, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})

    def authenticated(request: Request) -> bool:
        authorization = request.headers.get("authorization", "")
        if authorization.lower().startswith("bearer "):
            expiry = app.state.tokens.get(authorization[7:].strip())
            return expiry is not None and expiry > time.monotonic()
        api_key = request.headers.get("x-api-key")
        return api_key is not None and secrets.compare_digest(api_key, FAKE_API_KEY)

    @app.post("/personen", summary="Zoek of raadpleeg personen")
    async def personen(request: Request) -> JSONResponse:
        app.state.personen_calls += 1
        if not authenticated(request):
            return _problem(request, 401, headers={"WWW-Authenticate": 'Bearer realm="brp"'})
        missing = missing_headers(request.headers, required_purpose_headers)
        if missing:
            # as a gateway that insists on them: refused before the registry is asked
            invalid = [_invalid(name, "required", "Header is verplicht.") for name in missing]
            detail = f"De foutieve parameter(s) zijn: {', '.join(missing)}."
            return _problem(request, 400, detail=detail, invalid=invalid)
        failing = fail_times is None or app.state.personen_calls <= fail_times
        if fail_status is not None and failing:
            headers = {"Retry-After": str(retry_after_s)} if retry_after_s is not None else None
            return _problem(request, fail_status, headers=headers)
        media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type != "application/json":
            return _problem(request, 415)
        try:
            body = json.loads(await request.body())
        except (ValueError, UnicodeDecodeError):
            return _problem(request, 400, detail="De request body is geen geldige JSON.")
        if not isinstance(body, dict):
            return _problem(request, 400, detail="De request body is geen JSON object.")
        remember(app.state.received_bodies, body, KEPT)
        invalid = validate(body)
        if invalid:
            names = ", ".join(dict.fromkeys(p["name"] for p in invalid))
            return _problem(
                request, 400, detail=f"De foutieve parameter(s) zijn: {names}.", invalid=invalid
            )
        return _answer(request, body, current_date())

    if openapi:
        guard_app(app, openapi, OPENAPI_SERVED, _refuse, exempt=("/token",))
    return app


def _refuse(refusal: Refusal) -> JSONResponse:
    invalid = [v.as_invalid_param() for v in refusal.violations]
    names = ", ".join(dict.fromkeys(p["name"] for p in invalid))
    detail = f"De foutieve parameter(s) zijn: {names}." if refusal.status == 400 else None
    return _problem(Request(refusal.scope), refusal.status, detail=detail, invalid=invalid)


def _oauth_error(error: str, status: int) -> JSONResponse:
    headers = {"Cache-Control": "no-store"}
    if status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="brp-token"'
    return JSONResponse({"error": error}, status_code=status, headers=headers)


def _answer(request: Request, body: Mapping[str, Any], today: date) -> JSONResponse:
    query_type: str = body["type"]
    gemeente = body.get("gemeenteVanInschrijving")
    fields: list[str] = body["fields"]
    if query_type == _RAADPLEEG:
        found = [
            PERSONS[bsn] for bsn in dict.fromkeys(body["burgerservicenummer"]) if bsn in PERSONS
        ]
    else:
        found = [p for p in PERSONS.values() if _matches(p, body, today)]
    if gemeente is not None:
        found = [p for p in found if p.gemeenteVanInschrijving == gemeente]
    if query_type != _RAADPLEEG and len(found) > MAX_RESULTS:
        return _problem(
            request,
            400,
            code="tooManyResults",
            title="Te veel zoekresultaten.",
            detail=f"Er zijn meer dan {MAX_RESULTS} personen gevonden. Verfijn de zoekvraag.",
        )
    render = render_persoon if query_type == _RAADPLEEG else render_persoon_beperkt
    personen = [{**project(render(p, today), fields), **automatic_fields(p, today)} for p in found]
    return JSONResponse({"type": query_type, "personen": personen})
