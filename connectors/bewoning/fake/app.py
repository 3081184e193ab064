"""Test double of BRP Bewoning v2 (Haal Centraal, RvIG), mounted at :data:`MOUNT`.

Speaks the published contract (BRP-API/Haal-Centraal-BRP-bewoning, OpenAPI 2.x and its
feature files): ``POST /bewoningen`` with ``BewoningMetPeildatum`` or
``BewoningMetPeriode``; problem+json errors with ``code`` and ``invalidParams``
(``paramsValidation``: required, pattern, date, value, unknownParam, invalidParam);
``bewoningen[]`` of ``{adresseerbaarObjectIdentificatie, periode{datumVan, datumTot},
bewoners[], mogelijkeBewoners[], indicatieVeelBewoners}`` where a bewoner carries
``burgerservicenummer``, ``geheimhoudingPersoonsgegevens`` (only when true),
``naam.volledigeNaam`` and ``geboorte.datum``; more than 100 (mogelijke) bewoners gives
``indicatieVeelBewoners`` and no persons. No one registered gives ``bewoningen: []``.

Authentication as the RvIG gateway does it: an OAuth2 client-credentials token from this
app's own ``POST /token`` (``Authorization: Bearer``), or the older ``X-API-KEY`` header.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import re
import secrets
import time
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any
from urllib.parse import parse_qs

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from plugins import missing_headers
from plugins.fakes import use_fake_middleware
from plugins.openapi import Documents, Refusal, guard_app

from .data import Inschrijving, demo_residents

__all__ = [
    "FAKE_API_KEY",
    "FAKE_CLIENT_ID",
    "FAKE_CLIENT_SECRET",
    "MOUNT",
    "OPENAPI_SERVED",
    "create_app",
    "status_on",
]

MOUNT = "/haalcentraal/api/bewoning"
#: the API whose official document the ``openapi`` option takes, and its base path
OPENAPI_SERVED = {"bewoning": ""}
FAKE_CLIENT_ID = "opplus-fake"
FAKE_CLIENT_SECRET = "fake-bewoning-client-secret"  # noqa: S105 - the fake's public test secret
FAKE_API_KEY = "fake-bewoning-api-key"
VEEL_BEWONERS = 100

_AOI = re.compile(r"^(?!0{16})[0-9]{16}$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_MAANDEN = (
    "januari februari maart april mei juni juli augustus september oktober november december"
).split()

_PARAMS: Mapping[str, tuple[str, ...]] = {
    "BewoningMetPeildatum": ("adresseerbaarObjectIdentificatie", "peildatum"),
    "BewoningMetPeriode": ("adresseerbaarObjectIdentificatie", "datumVan", "datumTot"),
}

# status -> (section of RFC 7231 / 7235 / 6585, title, code), as the Haal Centraal
# BRP APIs answer them (features/fout-cases.feature, the OpenAPI responses)
_ERRORS: Mapping[int, tuple[str, str, str]] = {
    400: ("rfc7231#section-6.5.1", "Een of meerdere parameters zijn niet correct.",
          "paramsValidation"),
    401: ("rfc7235#section-3.1", "Niet correct geauthenticeerd.", "authentication"),
    403: ("rfc7231#section-6.5.3", "U bent niet geautoriseerd voor deze operatie.",
          "unauthorized"),
    404: ("rfc7231#section-6.5.4", "Opgevraagde resource bestaat niet.", "notFound"),
    405: ("rfc7231#section-6.5.5", "Method not allowed.", "methodNotAllowed"),
    406: ("rfc7231#section-6.5.6", "Gevraagde content type wordt niet ondersteund.",
          "notAcceptable"),
    415: ("rfc7231#section-6.5.13", "Media Type wordt niet ondersteund.", "unsupportedMediaType"),
    429: ("rfc6585#section-4", "Too many request", "tooManyRequests"),
    500: ("rfc7231#section-6.6.1", "Interne server fout.", "serverError"),
    502: ("rfc7231#section-6.6.3", "Bad Gateway.", "badGateway"),
    503: ("rfc7231#section-6.6.4", "Bronservice BRP is tijdelijk niet beschikbaar.",
          "notAvailable"),
    504: ("rfc7231#section-6.6.5", "Gateway Timeout.", "gatewayTimeout"),
}  # fmt: skip


def problem(
    request: Request,
    status: int,
    *,
    detail: str | None = None,
    invalid: Iterable[tuple[str, str, str]] = (),
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """A problem+json answer; ``invalid`` holds (name, code, reason) triples."""
    section, title, code = _ERRORS.get(status, _ERRORS[500])
    kind = f"https://datatracker.ietf.org/doc/html/{section}"
    body: dict[str, Any] = {"type": kind, "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body |= {"instance": request.url.path, "code": code}
    params = [{"name": name, "code": c, "reason": reason} for name, c, reason in invalid]
    if params:
        body["invalidParams"] = params
    return JSONResponse(
        body, status_code=status, media_type="application/problem+json", headers=headers
    )


def status_on(inschrijving: Inschrijving, day: date) -> str | None:
    """``"bewoner"``, ``"mogelijk"`` or None: the person's standing at the object on ``day``."""
    if inschrijving.einde is not None and day >= inschrijving.einde:
        return None
    aanvang = inschrijving.aanvang
    if aanvang.unknown:
        return "mogelijk"
    earliest, latest = aanvang.earliest(), aanvang.latest()
    if day < earliest:
        return None
    if earliest < latest and day <= latest:
        return "mogelijk"
    return "bewoner"


def lang_formaat(day: date) -> str:
    """``1 juli 1984``: the BRP API's long Dutch date."""
    return f"{day.day} {_MAANDEN[day.month - 1]} {day.year}"


def _bewoner(inschrijving: Inschrijving) -> dict[str, Any]:
    body: dict[str, Any] = {"burgerservicenummer": inschrijving.burgerservicenummer}
    if inschrijving.geheimhouding:
        body["geheimhoudingPersoonsgegevens"] = True
    born = inschrijving.geboortedatum
    body["naam"] = {"volledigeNaam": inschrijving.volledigeNaam}
    body["geboorte"] = {
        "datum": {"type": "Datum", "datum": born.isoformat(), "langFormaat": lang_formaat(born)}
    }
    return body


def _bewoning(
    aoi: str, van: date, tot: date, residents: list[Inschrijving]
) -> dict[str, Any] | None:
    """The bewoning in [van, tot) when the composition is the same throughout, else None."""
    bewoners = [r for r in residents if status_on(r, van) == "bewoner"]
    mogelijk = [r for r in residents if status_on(r, van) == "mogelijk"]
    if not bewoners and not mogelijk:
        return None
    body: dict[str, Any] = {
        "adresseerbaarObjectIdentificatie": aoi,
        "periode": {"datumVan": van.isoformat(), "datumTot": tot.isoformat()},
    }
    if len(bewoners) + len(mogelijk) > VEEL_BEWONERS:
        body |= {"bewoners": [], "mogelijkeBewoners": [], "indicatieVeelBewoners": True}
    else:
        body["bewoners"] = [_bewoner(r) for r in bewoners]
        body["mogelijkeBewoners"] = [_bewoner(r) for r in mogelijk]
    return body


def bewoningen_in(
    aoi: str, van: date, tot: date, residents: list[Inschrijving]
) -> list[dict[str, Any]]:
    """One bewoning per composition of (mogelijke) bewoners within [van, tot)."""
    cuts = {van, tot}
    for r in residents:
        if not r.aanvang.unknown:
            cuts |= {r.aanvang.earliest(), r.aanvang.latest() + timedelta(days=1)}
        if r.einde is not None:
            cuts.add(r.einde)
    edges = sorted(day for day in cuts if van <= day <= tot)
    result: list[dict[str, Any]] = []
    previous_key: tuple[frozenset[str], frozenset[str]] | None = None
    for start, end in itertools.pairwise(edges):
        standing = {r.burgerservicenummer: status_on(r, start) for r in residents}
        key = (
            frozenset(bsn for bsn, status in standing.items() if status == "bewoner"),
            frozenset(bsn for bsn, status in standing.items() if status == "mogelijk"),
        )
        if result and key == previous_key:
            result[-1]["periode"]["datumTot"] = end.isoformat()
            continue
        previous_key = key
        bewoning = _bewoning(aoi, start, end, residents)
        if bewoning is not None:
            result.append(bewoning)
        else:
            previous_key = None
    return result


def _parse_date(value: Any) -> date | None:
    if not isinstance(value, str) or not _DATE.match(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _validate(body: dict[str, Any]) -> tuple[str, list[tuple[str, str, str]]]:
    """The query type and the invalid parameters as (name, code, reason)."""
    kind = body.get("type")
    if kind is None or kind == "":
        return "", [("type", "required", "Parameter is verplicht.")]
    if kind not in _PARAMS:
        return "", [("type", "value", "Waarde is geen geldig zoek type.")]
    invalid: list[tuple[str, str, str]] = []
    for name in _PARAMS[kind]:
        value = body.get(name)
        if value is None or value == "":
            invalid.append((name, "required", "Parameter is verplicht."))
        elif name == "adresseerbaarObjectIdentificatie":
            if not isinstance(value, str) or not _AOI.match(value):
                reason = f"Waarde voldoet niet aan patroon {_AOI.pattern}."
                invalid.append((name, "pattern", reason))
        elif _parse_date(value) is None:
            invalid.append((name, "date", "Waarde is geen geldige datum."))
    if kind == "BewoningMetPeriode" and not invalid:
        van, tot = _parse_date(body["datumVan"]), _parse_date(body["datumTot"])
        if van is not None and tot is not None and tot <= van:
            invalid.append(("datumTot", "invalidParam", "datumTot moet na datumVan liggen."))
    for name in body:
        if name != "type" and name not in _PARAMS[kind]:
            invalid.append((name, "unknownParam", "Parameter is niet verwacht."))
    return kind, invalid


def _media_type_ok(value: str, allowed: set[str]) -> bool:
    for part in value.split(","):
        pieces = [p.strip().lower() for p in part.split(";")]
        charset = next((p[8:] for p in pieces[1:] if p.startswith("charset=")), "utf-8")
        if pieces[0] in allowed and charset == "utf-8":
            return True
    return False


def create_app(
    *,
    latency_s: float = 0.0,
    fail_status: int | None = None,
    today: date | None = None,
    residents: Mapping[str, list[Inschrijving]] | None = None,
    token_ttl_s: float = 3600.0,
    client_id: str = FAKE_CLIENT_ID,
    client_secret: str = FAKE_CLIENT_SECRET,
    api_key: str = FAKE_API_KEY,
    openapi: Documents | None = None,
    required_purpose_headers: Sequence[str] = (),
) -> FastAPI:
    """A fresh fake; routes are relative to :data:`MOUNT`.

    ``openapi={"bewoning": document}`` refuses every request outside the official
    document as BRP Bewoning does (400 problem+json with ``invalidParams``).

    ``latency_s`` delays every answer; ``fail_status`` answers every request with that
    status; ``today`` anchors the demo world's recent dates (default: the real today);
    ``residents`` replaces the records (per adresseerbaarObjectIdentificatie);
    ``token_ttl_s`` is the lifetime of issued tokens; ``required_purpose_headers``
    names headers a gateway insists on (without one: 400 with them in ``invalidParams``).
    """
    app = FastAPI(title="BRP Bewoning (fake)", openapi_url=None)
    records = dict(residents) if residents is not None else demo_residents(today or date.today())
    tokens: dict[str, float] = {}
    app.state.tokens = tokens

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return problem(request, exc.status_code)

    use_fake_middleware(app, problem, latency_s=latency_s, fail_status=fail_status)

    def authenticated(request: Request) -> bool:
        if request.headers.get("x-api-key") == api_key:
            return True
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        expires = tokens.get(token.strip()) if scheme.lower() == "bearer" else None
        return expires is not None and time.monotonic() < expires

    @app.post("/token")
    async def token(request: Request) -> Response:
        form = {k: v[0] for k, v in parse_qs((await request.body()).decode("utf-8")).items()}
        given_id, given_secret = form.get("client_id"), form.get("client_secret")
        basic = request.headers.get("authorization", "")
        if basic.lower().startswith("basic "):
            try:
                pair = base64.b64decode(basic[6:]).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                pair = ""
            given_id, _, given_secret = pair.partition(":")
        if form.get("grant_type") != "client_credentials":
            return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)
        if given_id != client_id or given_secret != client_secret:
            return JSONResponse(
                {"error": "invalid_client", "error_description": "client authentication failed"},
                status_code=401,
            )
        issued = secrets.token_urlsafe(24)
        tokens[issued] = time.monotonic() + token_ttl_s
        body: dict[str, Any] = {
            "access_token": issued,
            "token_type": "bearer",
            "expires_in": int(token_ttl_s),
        }
        if form.get("scope"):
            body["scope"] = form["scope"]
        return JSONResponse(body, headers={"Cache-Control": "no-store"})

    @app.post("/bewoningen")
    async def bewoningen(request: Request) -> Response:
        if not authenticated(request):
            return problem(request, 401, headers={"WWW-Authenticate": "Bearer"})
        missing = missing_headers(request.headers, required_purpose_headers)
        if missing:
            # as a gateway that insists on them: refused before the registry is asked
            detail = f"De foutieve parameter(s) zijn: {', '.join(missing)}."
            invalid = [(name, "required", "Header is verplicht.") for name in missing]
            return problem(request, 400, detail=detail, invalid=invalid)
        accept = request.headers.get("accept", "")
        if accept.strip() and not _media_type_ok(accept, {"*/*", "application/json"}):
            detail = "Ondersteunde content type: application/json; charset=utf-8."
            return problem(request, 406, detail=detail)
        content_type = request.headers.get("content-type", "")
        if content_type.strip() and not _media_type_ok(content_type, {"application/json"}):
            detail = "Ondersteunde content type: application/json; charset=utf-8."
            return problem(request, 415, detail=detail)
        try:
            body = await request.json()
        except ValueError:
            return problem(request, 400, detail="De request body is geen geldige JSON.")
        if not isinstance(body, dict):
            return problem(request, 400, detail="De request body is geen JSON object.")
        kind, invalid = _validate(body)
        if invalid:
            names = ", ".join(sorted({name for name, _, _ in invalid}))
            detail = f"De foutieve parameter(s) zijn: {names}."
            return problem(request, 400, detail=detail, invalid=invalid)
        aoi = body["adresseerbaarObjectIdentificatie"]
        people = records.get(aoi, [])
        if kind == "BewoningMetPeildatum":
            day = date.fromisoformat(body["peildatum"])
            found = bewoningen_in(aoi, day, day + timedelta(days=1), people)
        else:
            van, tot = date.fromisoformat(body["datumVan"]), date.fromisoformat(body["datumTot"])
            found = bewoningen_in(aoi, van, tot, people)
        return JSONResponse({"bewoningen": found})

    if openapi:
        guard_app(app, openapi, OPENAPI_SERVED, _refuse, exempt=("/token",))
    return app


def _refuse(refusal: Refusal) -> JSONResponse:
    invalid = [(v.name, v.code, v.reason) for v in refusal.violations]
    return problem(Request(refusal.scope), refusal.status, invalid=invalid)
