"""Shared pieces of the fake ZGW APIs: problem+json errors, URLs, paging, rendering.

Records in :class:`~.data.World` reference each other by uuid; here they become the
absolute URLs a ZGW API returns, built from the base URL of the request (so the fake
works wherever it is mounted), and incoming URLs are resolved back to uuids.
"""

from __future__ import annotations

import re
import uuid
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import JSONResponse

from .data import Record, World

__all__ = [
    "API_VERSIONS",
    "CRS",
    "PREFIX",
    "Problem",
    "Renderer",
    "base_url",
    "check_crs",
    "invalid",
    "paginate",
    "parse_date",
    "problem_response",
    "resolve",
]

CRS = "EPSG:4326"

#: path prefix of each API inside the app, and its resources
PREFIX = {
    "zaken": "zaken/api/v1",
    "catalogi": "catalogi/api/v1",
    "documenten": "documenten/api/v1",
}
RESOURCE_API = {
    "zaken": "zaken",
    "statussen": "zaken",
    "resultaten": "zaken",
    "rollen": "zaken",
    "zaakobjecten": "zaken",
    "zaakinformatieobjecten": "zaken",
    "zaaktypen": "catalogi",
    "statustypen": "catalogi",
    "resultaattypen": "catalogi",
    "roltypen": "catalogi",
    "informatieobjecttypen": "catalogi",
    "catalogussen": "catalogi",
    "enkelvoudiginformatieobjecten": "documenten",
}
API_VERSIONS = {"zaken": "1.5.1", "catalogi": "1.3.1", "documenten": "1.4.2"}

_TITLES = {
    400: ("ValidationError", "Invalid input."),
    403: ("PermissionDenied", "U heeft geen toestemming om deze actie uit te voeren."),
    404: ("NotFound", "Niet gevonden."),
    405: ("MethodNotAllowed", "Methode niet toegestaan."),
    406: ("NotAcceptable", "Kan niet voldoen aan de opgegeven Accept header."),
    412: ("PreconditionFailed", "Precondition failed"),
    415: ("UnsupportedMediaType", "Niet ondersteund media type in verzoek."),
    500: ("APIException", "Er is een serverfout opgetreden."),
    503: ("ServiceUnavailable", "Service tijdelijk niet beschikbaar."),
}


class Problem(Exception):
    """An error the fake answers with ``application/problem+json``."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        *,
        title: str | None = None,
        invalid_params: list[dict[str, str]] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.title = title
        self.invalid_params = invalid_params


def check_crs(request: Request, header: str, status: int, code: str) -> None:
    """The CRS header ``header`` (``Accept-Crs`` on reads, ``Content-Crs`` on writes) must
    be there (412) and name :data:`CRS` (else ``status`` with ``code``)."""
    value = request.headers.get(header.lower())
    if value is None:
        raise Problem(412, "precondition_failed", f"'{header}' header ontbreekt")
    if value.strip() != CRS:
        raise Problem(status, code, f"CRS '{value}' is niet ondersteund")


def base_url(request: Request) -> str:
    """Where this app is mounted, with a trailing slash (``request.base_url`` leaves out
    the prefix of a Starlette ``Mount``; ``root_path`` has it)."""
    root = str(request.scope.get("root_path") or "").rstrip("/")
    return str(request.url.replace(path=f"{root}/", query="", fragment=""))


def problem_response(request: Request, problem: Problem) -> JSONResponse:
    """The ZGW error body (``Fout``, or ``ValidatieFout`` with ``invalidParams``)."""
    name, title = _TITLES.get(problem.status, ("APIException", "Fout"))
    body: dict[str, Any] = {
        "type": f"{base_url(request)}ref/fouten/{name}/",
        "code": problem.code,
        "title": problem.title or title,
        "status": problem.status,
        "detail": problem.detail,
        "instance": f"urn:uuid:{uuid.uuid4()}",
    }
    if problem.invalid_params is not None:
        body["invalidParams"] = problem.invalid_params
    return JSONResponse(body, status_code=problem.status, media_type="application/problem+json")


def invalid(name: str, code: str, reason: str) -> Problem:
    """A 400 with one invalid parameter."""
    return invalid_many([{"name": name, "code": code, "reason": reason}])


def invalid_many(params: list[dict[str, str]]) -> Problem:
    return Problem(400, "invalid", "", invalid_params=params)


def parse_date(name: str, value: Any) -> date:
    if not isinstance(value, str):
        raise invalid(name, "invalid", "Voer een geldige datum in.")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise invalid(name, "invalid", "Voer een geldige datum in.") from None


_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_UUID_TAIL = re.compile(rf"/([a-z]+)/({_UUID})/?$")


def is_url(value: Any) -> bool:
    if not isinstance(value, str) or len(value) > 1000:
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def resolve(value: Any, resource: str) -> str | None:
    """The uuid of ``resource`` that URL ``value`` points to in this fake, or None.

    Only the path is compared: behind a proxy the host a client sees may differ.
    """
    if not is_url(value):
        return None
    path = urlsplit(value).path
    match = _UUID_TAIL.search(path)
    if not match or match.group(1) != resource:
        return None
    api_prefix = "/" + PREFIX[RESOURCE_API[resource]] + f"/{resource}/"
    return match.group(2) if api_prefix in path else None


def paginate(request: Request, items: list[Record], page_size: int) -> dict[str, Any]:
    """One page of ``items`` as ``{count, next, previous, results}`` (DRF page numbers)."""
    raw = request.query_params.get("page", "1")
    try:
        page = int(raw)
    except ValueError:
        page = 0
    last = max(1, -(-len(items) // page_size))
    if page < 1 or page > last:
        raise Problem(404, "not_found", "Ongeldige pagina.")
    url = request.url

    def link(number: int) -> str:
        if number == 1:
            return str(url.remove_query_params("page"))
        return str(url.include_query_params(page=number))

    start = (page - 1) * page_size
    return {
        "count": len(items),
        "next": link(page + 1) if page < last else None,
        "previous": link(page - 1) if page > 1 else None,
        "results": items[start : start + page_size],
    }


class Renderer:
    """Turns stored records into API representations under one request's base URL."""

    def __init__(self, request: Request, world: World) -> None:
        self.base = base_url(request)
        self.world = world

    def url(self, resource: str, key: str | None) -> str | None:
        if key is None:
            return None
        return f"{self.base}{PREFIX[RESOURCE_API[resource]]}/{resource}/{key}"

    def _urls(self, resource: str, keys: list[str]) -> list[str]:
        return [u for u in (self.url(resource, k) for k in keys) if u]

    def zaak(self, key: str) -> Record:
        z = self.world.zaken[key]
        w = self.world
        return {
            "url": self.url("zaken", key),
            "uuid": key,
            "identificatie": z["identificatie"],
            "bronorganisatie": z["bronorganisatie"],
            "omschrijving": z["omschrijving"],
            "toelichting": z["toelichting"],
            "zaaktype": self.url("zaaktypen", z["zaaktype"]),
            "registratiedatum": z["registratiedatum"],
            "verantwoordelijkeOrganisatie": z["verantwoordelijkeOrganisatie"],
            "startdatum": z["startdatum"],
            "einddatum": z["einddatum"],
            "einddatumGepland": z["einddatumGepland"],
            "uiterlijkeEinddatumAfdoening": z["uiterlijkeEinddatumAfdoening"],
            "publicatiedatum": None,
            "communicatiekanaal": "",
            "productenOfDiensten": [],
            "vertrouwelijkheidaanduiding": z["vertrouwelijkheidaanduiding"],
            "betalingsindicatie": "",
            "betalingsindicatieWeergave": "",
            "laatsteBetaaldatum": None,
            "zaakgeometrie": z["zaakgeometrie"],
            "verlenging": None,
            "opschorting": {"indicatie": False, "reden": ""},
            "selectielijstklasse": "",
            "hoofdzaak": self.url("zaken", z.get("hoofdzaak")),
            "deelzaken": self._urls(
                "zaken", [k for k, d in w.zaken.items() if d.get("hoofdzaak") == key]
            ),
            "relevanteAndereZaken": [],
            "eigenschappen": [],
            "rollen": self._urls("rollen", [k for k, r in w.rollen.items() if r["zaak"] == key]),
            "status": self.url("statussen", z["status"]),
            "zaakinformatieobjecten": self._urls(
                "zaakinformatieobjecten",
                [k for k, r in w.zaakinformatieobjecten.items() if r["zaak"] == key],
            ),
            "zaakobjecten": self._urls(
                "zaakobjecten", [k for k, r in w.zaakobjecten.items() if r["zaak"] == key]
            ),
            "kenmerken": [],
            "archiefnominatie": None,
            "archiefstatus": "nog_te_archiveren",
            "archiefactiedatum": None,
            "resultaat": self.url("resultaten", z["resultaat"]),
            "opdrachtgevendeOrganisatie": "",
        }

    def status(self, key: str) -> Record:
        s = self.world.statussen[key]
        return {
            "url": self.url("statussen", key),
            "uuid": key,
            "zaak": self.url("zaken", s["zaak"]),
            "statustype": self.url("statustypen", s["statustype"]),
            "datumStatusGezet": s["datumStatusGezet"],
            "statustoelichting": s["statustoelichting"],
            # required in Zaken 1.5.1: the zaak's current status, and the documents
            # that got this status (the demo world's documents carry none)
            "indicatieLaatstGezetteStatus": self.world.zaken[s["zaak"]]["status"] == key,
            "zaakinformatieobjecten": self._urls(
                "zaakinformatieobjecten",
                [k for k, z in self.world.zaakinformatieobjecten.items() if z.get("status") == key],
            ),
        }

    def resultaat(self, key: str) -> Record:
        r = self.world.resultaten[key]
        return {
            "url": self.url("resultaten", key),
            "uuid": key,
            "zaak": self.url("zaken", r["zaak"]),
            "resultaattype": self.url("resultaattypen", r["resultaattype"]),
            "toelichting": r["toelichting"],
        }

    def rol(self, key: str) -> Record:
        r = self.world.rollen[key]
        roltype = self.world.roltypen[r["roltype"]]
        return {
            "url": self.url("rollen", key),
            "uuid": key,
            "zaak": self.url("zaken", r["zaak"]),
            "betrokkene": r["betrokkene"],
            "betrokkeneType": r["betrokkeneType"],
            "roltype": self.url("roltypen", r["roltype"]),
            "omschrijving": roltype["omschrijving"],
            "omschrijvingGeneriek": roltype["omschrijvingGeneriek"],
            "roltoelichting": r["roltoelichting"],
            "registratiedatum": r["registratiedatum"],
            "indicatieMachtiging": r["indicatieMachtiging"],
            "betrokkeneIdentificatie": r["betrokkeneIdentificatie"],
            # required in Zaken 1.5.1: statussen set by this rol (none in the demo world)
            "statussen": [],
        }

    def zaakobject(self, key: str) -> Record:
        o = self.world.zaakobjecten[key]
        return {
            "url": self.url("zaakobjecten", key),
            "uuid": key,
            "zaak": self.url("zaken", o["zaak"]),
            "object": o["object"],
            "objectType": o["objectType"],
            "objectTypeOverige": "",
            "objectTypeOverigeDefinitie": None,
            "relatieomschrijving": o["relatieomschrijving"],
            "objectIdentificatie": o["objectIdentificatie"],
        }

    def zaakinformatieobject(self, key: str) -> Record:
        z = self.world.zaakinformatieobjecten[key]
        return {
            "url": self.url("zaakinformatieobjecten", key),
            "uuid": key,
            "informatieobject": self.url("enkelvoudiginformatieobjecten", z["informatieobject"]),
            "zaak": self.url("zaken", z["zaak"]),
            "aardRelatieWeergave": "Hoort bij, omgekeerd: kent",
            "titel": z["titel"],
            "beschrijving": z["beschrijving"],
            "registratiedatum": z["registratiedatum"],
            "vernietigingsdatum": None,
            "status": None,
        }

    def document(self, key: str) -> Record:
        d = self.world.documenten[key]
        url = self.url("enkelvoudiginformatieobjecten", key)
        fields = {k: v for k, v in d.items() if k not in ("inhoud", "informatieobjecttype")}
        return {
            "url": url,
            **fields,
            "inhoud": f"{url}/download?versie={d['versie']}",
            "informatieobjecttype": self.url("informatieobjecttypen", d["informatieobjecttype"]),
            "locked": False,
        }

    def zaaktype(self, key: str) -> Record:
        z = dict(self.world.zaaktypen[key])
        return {
            "url": self.url("zaaktypen", key),
            **z,
            "catalogus": self.url("catalogussen", z["catalogus"]),
            "statustypen": self._urls("statustypen", z["statustypen"]),
            "resultaattypen": self._urls("resultaattypen", z["resultaattypen"]),
            "roltypen": self._urls("roltypen", z["roltypen"]),
            "informatieobjecttypen": self._urls(
                "informatieobjecttypen", z["informatieobjecttypen"]
            ),
        }

    def typed(self, resource: str, key: str, record: Record) -> Record:
        """A statustype, resultaattype, roltype or informatieobjecttype."""
        out = {"url": self.url(resource, key), **record}
        if "zaaktype" in out:
            out["zaaktype"] = self.url("zaaktypen", record["zaaktype"])
        if "catalogus" in out:
            out["catalogus"] = self.url("catalogussen", record["catalogus"])
        return out
