"""Test double of a ZGW zaaksysteem (Open Zaak-like): Zaken, Catalogi and Documenten APIs.

One FastAPI app serves all three APIs under their official relative paths
``/zaken/api/v1``, ``/catalogi/api/v1`` and ``/documenten/api/v1``; mount it at the
root (``FakeSpec.mount == ""``) so the URLs in its answers resolve. What it checks,
as the ZGW standard and Open Zaak do:

- every request carries ``Authorization: Bearer <JWT>`` (HS256, see :mod:`.jwt`)
  whose ``client_id`` (or ``iss``) is the configured client, signed with its secret,
  with an ``iat`` not older than ``token_max_age_s``; else 403 problem+json;
- reading zaken needs ``Accept-Crs: EPSG:4326`` (412 when missing, 406 for another
  CRS) and answers carry ``Content-Crs: EPSG:4326``; creating a zaak needs
  ``Content-Crs`` (412 when missing, 415 for another CRS);
- lists are ``{count, next, previous, results}`` with absolute ``next`` URLs, an
  invalid page is 404; bad filter values, unknown query parameters
  (``unknown-parameters``) and invalid bodies are 400 problem+json with
  ``invalidParams``; unknown resources are 404 problem+json. Lists filter on:
  zaken ``zaaktype, identificatie, startdatum__gte`` and the three ``rol__``
  identifications (the KvK one is Open Zaak's, not ZGW Zaken 1.5.1's: ``rol_kvk_filter=False``
  refuses it) (``_zoek`` also ``zaaktype__in, uuid__in``); zaakobjecten
  ``zaak, object, objectType``; rollen ``zaak, betrokkeneType``.

Failure injection: ``latency_s`` (sleep per request), ``fail_first`` (the first N
requests answer ``fail_status``), ``error_rate`` (that fraction of requests answers
``fail_status``; ``seed`` makes it repeatable). ``app.state.received_traceparents``
and ``app.state.received_claims`` keep the last 1000 of each; ``app.state.world``
holds all records, including what clients wrote.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import date
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from plugins import ZgwJwtError, unverified_zgw_claims, verify_zgw_jwt
from plugins.fakes import remember, use_fake_middleware
from plugins.openapi import Documents, Refusal, guard_app

from ._base import (
    API_VERSIONS,
    CRS,
    PREFIX,
    Problem,
    Renderer,
    check_crs,
    invalid,
    invalid_many,
    is_url,
    paginate,
    parse_date,
    problem_response,
    resolve,
)
from ._write import write_routers
from .data import Record, World, build_world

__all__ = [
    "FAKE_CLIENT_ID",
    "FAKE_CLIENT_SECRET",
    "MOUNT",
    "OPENAPI_SERVED",
    "ZAKEN_OPTIONAL_HEADERS",
    "create_app",
]

#: public test credentials of the fake (never a real secret)
FAKE_CLIENT_ID = "opplus"
FAKE_CLIENT_SECRET = "fake-zgw-client-secret"  # noqa: S105 - public test credential
#: mounted at the root: the app serves /zaken/api/v1, /catalogi/api/v1 and
#: /documenten/api/v1 itself, and the URLs in its answers point across them
MOUNT = ""

_ROL_BSN = "rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn"
_ROL_KVK = "rol__betrokkeneIdentificatie__nietNatuurlijkPersoon__kvkNummer"
_ROL_VESTIGING = "rol__betrokkeneIdentificatie__vestiging__vestigingsNummer"
# filter -> (betrokkeneType, identification key, max length)
_ROL_FILTERS = {
    _ROL_BSN: ("natuurlijk_persoon", "inpBsn", 9),
    _ROL_KVK: ("niet_natuurlijk_persoon", "kvkNummer", 8),
    _ROL_VESTIGING: ("vestiging", "vestigingsNummer", 24),
}
OBJECT_TYPES = frozenset(
    "adres besluit buurt enkelvoudig_document gemeente gemeentelijke_openbare_ruimte "
    "huishouden inrichtingselement kadastrale_onroerende_zaak kunstwerkdeel "
    "maatschappelijke_activiteit medewerker natuurlijk_persoon niet_natuurlijk_persoon "
    "openbare_ruimte organisatorische_eenheid overige pand spoorbaandeel status "
    "terrein_gebouwd_object terreindeel vestiging waterdeel wegdeel wijk woonplaats "
    "woz_deelobject woz_object woz_waarde zakelijk_recht".split()
)
#: Headers the official VNG Zaken 1.5.1 document declares required where the standard
#: and Open Zaak do not: a known quirk of that document is Content-Crs as a required
#: request header on GET/HEAD/DELETE /zaken* (a request without a body has no CRS).
ZAKEN_OPTIONAL_HEADERS: Mapping[str, frozenset[str]] = {
    method: frozenset({"Content-Crs"}) for method in ("GET", "HEAD", "DELETE")
}
#: the APIs whose official documents the ``openapi`` option takes, and their base paths
#: (no Catalogi document is stored: that API stays unchecked)
OPENAPI_SERVED = {"zaken": f"/{PREFIX['zaken']}", "documenten": f"/{PREFIX['documenten']}"}
_CRS_HEADERS = frozenset({"accept-crs", "content-crs"})
BETROKKENE_TYPES = frozenset(
    {
        "natuurlijk_persoon",
        "niet_natuurlijk_persoon",
        "vestiging",
        "organisatorische_eenheid",
        "medewerker",
    }
)


def _api_of(path: str) -> str | None:
    for api, prefix in PREFIX.items():
        if path.startswith(f"/{prefix}/") or path == f"/{prefix}":
            return api
    return None


def _authenticate(
    request: Request, client_id: str, secret: str, max_age_s: float
) -> dict[str, Any]:
    header = request.headers.get("authorization", "")
    if not header:
        raise Problem(
            403,
            "not_authenticated",
            "Authenticatiegegevens zijn niet opgegeven.",
            title="Authenticatiegegevens zijn niet opgegeven.",
        )
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Problem(403, "permission_denied", "Authorization header is geen Bearer-token.")
    try:
        unverified = unverified_zgw_claims(token.strip())
        claimed = unverified.get("client_id") or unverified.get("iss")
        if claimed != client_id:
            raise Problem(403, "permission_denied", f"Onbekende client_id {claimed!r}.")
        claims = verify_zgw_jwt(token.strip(), secret)
    except ZgwJwtError as exc:
        raise Problem(403, "permission_denied", f"JWT is ongeldig: {exc}.") from None
    iat = claims.get("iat")
    now = time.time()
    if not isinstance(iat, int | float) or iat > now + 60 or now - iat > max_age_s:
        raise Problem(403, "permission_denied", "JWT is verlopen of heeft een ongeldige 'iat'.")
    return claims


def _accept_crs(request: Request) -> None:
    check_crs(request, "Accept-Crs", 406, "not_acceptable")


def _zaak_json(body: Any, **headers: str) -> JSONResponse:
    return JSONResponse(
        body, headers={"Content-Crs": CRS, "API-version": API_VERSIONS["zaken"], **headers}
    )


def _str_param(params: Mapping[str, Any], name: str, max_length: int | None = None) -> str | None:
    value = params.get(name)
    if value is None or value == "":
        return None  # django-filter ignores empty filter values
    if not isinstance(value, str):
        raise invalid(name, "invalid", "Voer een geldige waarde in.")
    if max_length is not None and len(value) > max_length:
        reason = f"Zorg ervoor dat dit veld niet meer dan {max_length} karakters bevat."
        raise invalid(name, "max_length", reason)
    return value


def _url_param(params: Mapping[str, Any], name: str) -> str | None:
    value = _str_param(params, name)
    if value is not None and not is_url(value):
        raise invalid(name, "invalid", "Voer een geldige URL in.")
    return value


_ZAAK_FILTERS = frozenset({"zaaktype", "identificatie", "startdatum__gte", "page", *_ROL_FILTERS})


def _known(request: Request, *names: str | frozenset[str]) -> Mapping[str, str]:
    """The query parameters, after refusing unknown ones as ZGW APIs do (not ignoring
    them: an ignored filter would silently widen the list)."""
    allowed: set[str] = set()
    for name in names:
        allowed |= {name} if isinstance(name, str) else set(name)
    unknown = sorted(set(request.query_params) - allowed)
    if unknown:
        raise invalid(
            "nonFieldErrors",
            "unknown-parameters",
            f"Onbekende query parameters: {', '.join(unknown)}",
        )
    return request.query_params


def filter_zaken(world: World, params: Mapping[str, Any]) -> list[str]:
    """Uuids of the zaken matching the zaak_list filters in ``params`` (query or _zoek body)."""
    keys = list(world.zaken)
    zaaktype = _url_param(params, "zaaktype")
    if zaaktype is not None:
        wanted = resolve(zaaktype, "zaaktypen")
        keys = [k for k in keys if world.zaken[k]["zaaktype"] == wanted]
    zaaktype_in = params.get("zaaktype__in")
    if zaaktype_in is not None:
        values = zaaktype_in.split(",") if isinstance(zaaktype_in, str) else zaaktype_in
        if not isinstance(values, list) or not all(is_url(v) for v in values):
            raise invalid("zaaktype__in", "invalid", "Voer een lijst van geldige URLs in.")
        wanted_in = {resolve(v, "zaaktypen") for v in values}
        keys = [k for k in keys if world.zaken[k]["zaaktype"] in wanted_in]
    identificatie = _str_param(params, "identificatie", 40)
    if identificatie is not None:
        keys = [k for k in keys if world.zaken[k]["identificatie"] == identificatie]
    for name, (betrokkene_type, field, max_length) in _ROL_FILTERS.items():
        value = _str_param(params, name, max_length)
        if value is None:
            continue
        matching = {
            r["zaak"]
            for r in world.rollen.values()
            if r["betrokkeneType"] == betrokkene_type
            and r["betrokkeneIdentificatie"].get(field) == value
        }
        keys = [k for k in keys if k in matching]
    start = params.get("startdatum__gte")
    if start not in (None, ""):
        since = parse_date("startdatum__gte", start).isoformat()
        keys = [k for k in keys if world.zaken[k]["startdatum"] >= since]
    keys.sort(key=lambda k: world.zaken[k]["identificatie"])
    keys.sort(key=lambda k: world.zaken[k]["startdatum"], reverse=True)
    return keys


def _get(store: dict[str, Record], key: str) -> Record:
    record = store.get(key)
    if record is None:
        raise Problem(404, "not_found", "Niet gevonden.")
    return record


def _zaken_router(world: World, page_size: int, *, rol_kvk_filter: bool) -> APIRouter:
    router = APIRouter(prefix=f"/{PREFIX['zaken']}")

    def render(request: Request) -> Renderer:
        return Renderer(request, world)

    zaak_filters = _ZAAK_FILTERS if rol_kvk_filter else _ZAAK_FILTERS - {_ROL_KVK}

    @router.get("/zaken")
    async def zaak_list(request: Request) -> Response:
        _accept_crs(request)
        keys = filter_zaken(world, _known(request, zaak_filters))
        r = render(request)
        return _zaak_json(paginate(request, [r.zaak(k) for k in keys], page_size))

    @router.post("/zaken/_zoek")
    async def zaak_zoek(request: Request) -> Response:
        _accept_crs(request)
        _known(request, "page")
        try:
            body = await request.json()
        except ValueError:
            raise Problem(400, "parse_error", "JSON parse error") from None
        if not isinstance(body, dict):
            raise invalid_many(
                [{"name": "nonFieldErrors", "code": "invalid", "reason": "Verwacht een object."}]
            )
        keys = filter_zaken(world, body)
        uuid_in = body.get("uuid__in")
        if isinstance(uuid_in, list):
            keys = [k for k in keys if k in set(uuid_in)]
        r = render(request)
        return _zaak_json(paginate(request, [r.zaak(k) for k in keys], page_size))

    @router.get("/zaken/{key}")
    async def zaak_retrieve(request: Request, key: str) -> Response:
        _accept_crs(request)
        _get(world.zaken, key)
        return _zaak_json(render(request).zaak(key))

    @router.get("/statussen/{key}")
    async def status_retrieve(request: Request, key: str) -> Response:
        _get(world.statussen, key)
        return JSONResponse(render(request).status(key))

    @router.get("/resultaten/{key}")
    async def resultaat_retrieve(request: Request, key: str) -> Response:
        _get(world.resultaten, key)
        return JSONResponse(render(request).resultaat(key))

    @router.get("/rollen")
    async def rol_list(request: Request) -> Response:
        params = _known(request, "zaak", "betrokkeneType", "page")
        keys = list(world.rollen)
        zaak = _url_param(params, "zaak")
        if zaak is not None:
            keys = [k for k in keys if world.rollen[k]["zaak"] == resolve(zaak, "zaken")]
        betrokkene_type = _str_param(params, "betrokkeneType")
        if betrokkene_type is not None:
            if betrokkene_type not in BETROKKENE_TYPES:
                raise invalid("betrokkeneType", "invalid_choice", "Selecteer een geldige keuze.")
            keys = [k for k in keys if world.rollen[k]["betrokkeneType"] == betrokkene_type]
        r = render(request)
        return JSONResponse(paginate(request, [r.rol(k) for k in keys], page_size))

    @router.get("/rollen/{key}")
    async def rol_retrieve(request: Request, key: str) -> Response:
        _get(world.rollen, key)
        return JSONResponse(render(request).rol(key))

    @router.get("/zaakobjecten")
    async def zaakobject_list(request: Request) -> Response:
        params = _known(request, "zaak", "object", "objectType", "page")
        keys = list(world.zaakobjecten)
        zaak = _url_param(params, "zaak")
        if zaak is not None:
            keys = [k for k in keys if world.zaakobjecten[k]["zaak"] == resolve(zaak, "zaken")]
        obj = _url_param(params, "object")
        if obj is not None:
            keys = [k for k in keys if world.zaakobjecten[k]["object"] == obj]
        object_type = _str_param(params, "objectType")
        if object_type is not None:
            if object_type not in OBJECT_TYPES:
                raise invalid("objectType", "invalid_choice", "Selecteer een geldige keuze.")
            keys = [k for k in keys if world.zaakobjecten[k]["objectType"] == object_type]
        r = render(request)
        return JSONResponse(paginate(request, [r.zaakobject(k) for k in keys], page_size))

    @router.get("/zaakobjecten/{key}")
    async def zaakobject_retrieve(request: Request, key: str) -> Response:
        _get(world.zaakobjecten, key)
        return JSONResponse(render(request).zaakobject(key))

    @router.get("/zaakinformatieobjecten")
    async def zio_list(request: Request) -> Response:
        # not paginated in the standard: a plain array
        params = _known(request, "zaak", "informatieobject")
        keys = list(world.zaakinformatieobjecten)
        zaak = _url_param(params, "zaak")
        if zaak is not None:
            wanted = resolve(zaak, "zaken")
            keys = [k for k in keys if world.zaakinformatieobjecten[k]["zaak"] == wanted]
        informatieobject = _url_param(params, "informatieobject")
        if informatieobject is not None:
            wanted = resolve(informatieobject, "enkelvoudiginformatieobjecten")
            keys = [
                k for k in keys if world.zaakinformatieobjecten[k]["informatieobject"] == wanted
            ]
        r = render(request)
        return JSONResponse([r.zaakinformatieobject(k) for k in keys])

    @router.get("/zaakinformatieobjecten/{key}")
    async def zio_retrieve(request: Request, key: str) -> Response:
        _get(world.zaakinformatieobjecten, key)
        return JSONResponse(render(request).zaakinformatieobject(key))

    return router


def _catalogi_router(world: World, page_size: int) -> APIRouter:
    router = APIRouter(prefix=f"/{PREFIX['catalogi']}")

    @router.get("/zaaktypen")
    async def zaaktype_list(request: Request) -> Response:
        _known(request, "page")
        r = Renderer(request, world)
        return JSONResponse(paginate(request, [r.zaaktype(k) for k in world.zaaktypen], page_size))

    @router.get("/zaaktypen/{key}")
    async def zaaktype_retrieve(request: Request, key: str) -> Response:
        _get(world.zaaktypen, key)
        return JSONResponse(Renderer(request, world).zaaktype(key))

    stores = {
        "statustypen": world.statustypen,
        "resultaattypen": world.resultaattypen,
        "roltypen": world.roltypen,
        "informatieobjecttypen": world.informatieobjecttypen,
    }
    for resource, store in stores.items():
        router.add_api_route(f"/{resource}/{{key}}", _typed_retrieve(world, resource, store))
    return router


def _typed_retrieve(
    world: World, resource: str, store: dict[str, Record]
) -> Callable[[Request, str], Awaitable[Response]]:
    async def retrieve(request: Request, key: str) -> Response:
        return JSONResponse(Renderer(request, world).typed(resource, key, _get(store, key)))

    retrieve.__name__ = f"{resource}_retrieve"
    return retrieve


def create_app(
    *,
    client_id: str = FAKE_CLIENT_ID,
    client_secret: str = FAKE_CLIENT_SECRET,
    page_size: int = 100,
    token_max_age_s: float = 3600.0,
    latency_s: float = 0.0,
    fail_first: int = 0,
    error_rate: float = 0.0,
    fail_status: int = 503,
    seed: int | None = None,
    extra_zaken: int = 0,
    extra_zaken_bsn: str = "999993653",
    today: date | None = None,
    rol_kvk_filter: bool = True,
    openapi: Documents | None = None,
) -> FastAPI:
    """A fresh fake zaaksysteem; see the module docstring for what it checks and injects.

    ``rol_kvk_filter=False`` makes it a plain ZGW Zaken 1.5.1 system, which refuses the
    Open Zaak filter on a niet-natuurlijk persoon's KvK number as an unknown parameter.
    ``openapi`` (documents by the names of :data:`OPENAPI_SERVED`) refuses every request
    outside the official documents as a ZGW API does (400 ``unknown-parameters`` or
    ``invalidParams``, 412 without a CRS header); with ``rol_kvk_filter`` the Open Zaak
    filter stays allowed, as the extension it is."""
    if page_size < 1:
        raise ValueError("page_size must be at least 1")
    world = build_world(
        today or date.today(), extra_zaken=extra_zaken, extra_zaken_bsn=extra_zaken_bsn
    )
    app = FastAPI(title="Fake ZGW zaaksysteem (opplus)", openapi_url=None, docs_url=None)
    app.state.world = world
    app.state.received_claims = []

    @app.exception_handler(Problem)
    async def on_problem(request: Request, exc: Problem) -> Response:
        return problem_response(request, exc)

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException) -> Response:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "error")
        return problem_response(request, Problem(exc.status_code, code, str(exc.detail)))

    # registered first, so it is the inner one: injected failures carry no API-version
    @app.middleware("http")
    async def api_version(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        api = _api_of(request.url.path)
        if api is not None and "API-version" not in response.headers:
            response.headers["API-version"] = API_VERSIONS[api]
        return response

    def gate(request: Request) -> Response | None:
        try:
            claims = _authenticate(request, client_id, client_secret, token_max_age_s)
        except Problem as problem:
            return problem_response(request, problem)
        remember(app.state.received_claims, claims)
        return None

    use_fake_middleware(
        app,
        _injected,
        latency_s=latency_s,
        fail_status=fail_status if fail_first or error_rate else None,
        fail_times=fail_first,
        error_rate=error_rate,
        seed=seed,
        gate=gate,
    )

    app.include_router(_zaken_router(world, page_size, rol_kvk_filter=rol_kvk_filter))
    app.include_router(_catalogi_router(world, page_size))
    for router in write_routers(world):
        app.include_router(router)
    if openapi:
        guard_app(
            app,
            openapi,
            OPENAPI_SERVED,
            _refuse,
            exempt=(f"/{PREFIX['catalogi']}",),
            optional_headers={"zaken": ZAKEN_OPTIONAL_HEADERS},
            extensions={"zaken": [_ROL_KVK] if rol_kvk_filter else []},
        )
    return app


def _refuse(refusal: Refusal) -> JSONResponse:
    """The ZGW answer to what the official documents do not allow."""
    request = Request(refusal.scope)
    violations = refusal.violations
    if any(v.code == "required" and v.name.lower() in _CRS_HEADERS for v in violations):
        names = " en ".join(v.name for v in violations if v.name.lower() in _CRS_HEADERS)
        return problem_response(
            request, Problem(412, "precondition_failed", f"'{names}' header ontbreekt")
        )
    unknown = [v.name for v in violations if v.code == "unknownParam"]
    if unknown:
        reason = f"Onbekende query parameters: {', '.join(unknown)}"
        return problem_response(request, invalid("nonFieldErrors", "unknown-parameters", reason))
    if refusal.status != 400:
        code = {404: "not_found", 405: "method_not_allowed", 415: "unsupported_media_type"}
        detail = " ".join(v.reason for v in violations)
        return problem_response(request, Problem(refusal.status, code[refusal.status], detail))
    return problem_response(request, invalid_many([v.as_invalid_param() for v in violations]))


def _injected(request: Request, status: int, *, headers: Mapping[str, str]) -> Response:
    response = problem_response(
        request, Problem(status, "injected", "Ingestelde storing van de fake.")
    )
    response.headers.update(headers)
    return response
