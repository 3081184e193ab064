"""A test double of the KvK Handelsregister APIs (Zoeken v2, Basisprofiel v1, Vestigingsprofiel v1).

It speaks KvK's published contract, relative to the base path ``/api`` (production
``https://api.kvk.nl/api``, test ``https://api.kvk.nl/test/api``):

- ``GET /v2/zoeken`` with every published search parameter validated, ``pagina`` /
  ``resultatenPerPagina`` paging (at most 1000 results shown), ``type`` filter and
  ``inclusiefInactieveRegistraties``; no hits -> 404 ``IPD5200``;
- ``GET /v1/basisprofielen/{kvkNummer}`` (and ``/hoofdvestiging``, ``/vestigingen``,
  ``/eigenaar``), ``GET /v1/vestigingsprofielen/{vestigingsnummer}``; unknown numbers ->
  404 ``IPD0005`` / ``IPD0007``, malformed numbers -> 400 ``IPD0004`` / ``IPD0006``;
- the ``apikey`` header on every request (401 without the right key);
- KvK's conventions: numbers as strings, ``"Ja"``/``"Nee"`` flags, ``YYYYMMDD`` dates,
  errors as ``{"fout": [{"code", "omschrijving"}]}`` (not problem+json).

The key KvK publishes for its test environment is the default credential. For tests and
benchmarks :func:`create_app` can add latency and inject failures.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from plugins.fakes import MountPrefix, accepts, use_fake_middleware
from plugins.openapi import Documents, Refusal, guard_app

from .data import Adres, Inschrijving, Registry, SbiActiviteit, Vestiging, build_registry

__all__ = ["FAKE_API_KEY", "MOUNT", "OPENAPI_SERVED", "create_app"]

#: the official base path the fake is mounted at
MOUNT = "/api"
#: the APIs whose official documents the ``openapi`` option takes, and their base paths
OPENAPI_SERVED = {"zoeken": "/v2", "basisprofiel": "/v1", "vestigingsprofiel": ""}
#: the key KvK publishes for its test environment (https://developers.kvk.nl, "testen")
FAKE_API_KEY = "l7xx1f2691f2520d487b902f4e0b57a0b197"

_HAL_JSON = "application/hal+json"
_MAX_SHOWN = 1000  # "Er wordt max. 1000 resultaten getoond."

_KVK = re.compile(r"^[0-9]{8}$")
_RSIN = re.compile(r"^[0-9]{9}$")
_VESTIGING = re.compile(r"^[0-9]{12}$")
_POSTCODE = re.compile(r"^[0-9]{4}[a-zA-Z]{2}$")
_NUMMER = re.compile(r"^[0-9]{1,5}$")
_HUISLETTER = re.compile(r"^[a-zA-Z]$")
_TOEVOEGING = re.compile(r"^[a-zA-Z0-9]{1,4}$")
_TYPES = ("hoofdvestiging", "nevenvestiging", "rechtspersoon")
_SEARCH_CRITERIA = (
    "kvkNummer",
    "rsin",
    "vestigingsnummer",
    "naam",
    "straatnaam",
    "plaats",
    "postcode",
    "huisnummer",
    "postbusnummer",
)


# --- errors in KvK's format -------------------------------------------------------------


def _fout(status: int, *fouten: tuple[str, str]) -> JSONResponse:
    return JSONResponse(
        {"fout": [{"code": code, "omschrijving": text} for code, text in fouten]},
        status_code=status,
    )


def _injected(request: Request, status: int, *, headers: Mapping[str, str]) -> Response:
    response = _fout(status, ("IPD9999", "Algemene technische fout."))
    response.headers.update(headers)
    return response


def _invalid_params(names: Iterable[str]) -> tuple[str, str]:
    listed = ", ".join(names)
    return ("IPD1999", f"De volgende opgegeven parameter(s) is(zijn) ongeldig: {listed}")


def _no_hits() -> JSONResponse:
    return _fout(
        404,
        ("IPD5200", "Er zijn geen gegevens gevonden die voldoen aan de opgegeven zoekparameters."),
    )


def _kvk_invalid(kvk: str) -> tuple[str, str]:
    return ("IPD0004", f"Het KVK-nummer {kvk} is niet valide.")


def _kvk_unknown(kvk: str) -> JSONResponse:
    return _fout(
        404, ("IPD0005", f"Op basis van het KVK-nummer {kvk} kan het product niet worden geleverd.")
    )


def _vestiging_invalid(nummer: str) -> tuple[str, str]:
    return ("IPD0006", f"Het vestigingsnummer {nummer} is niet valide.")


def _vestiging_unknown(nummer: str) -> JSONResponse:
    return _fout(
        404,
        (
            "IPD0007",
            f"Op basis van het vestigingsnummer {nummer} kan het product niet worden geleverd.",
        ),
    )


def _hal(body: Mapping[str, Any]) -> JSONResponse:
    return JSONResponse(body, media_type=_HAL_JSON)


# --- shaping records as the APIs return them -------------------------------------------


def _ja_nee(flag: bool) -> str:
    return "Ja" if flag else "Nee"


def _link(rel: str, href: str) -> dict[str, str]:
    return {"rel": rel, "href": href}


def _volledig_adres(adres: Adres) -> str | None:
    """KvK's one-line address, with its habit of padding between street and postcode."""
    if adres.afgeschermd:
        return None
    if adres.postbusnummer is not None:
        street = f"Postbus {adres.postbusnummer}"
    else:
        letter = adres.huisletter or ""
        extra = f" {adres.huisnummerToevoeging}" if adres.huisnummerToevoeging else ""
        street = f"{adres.straatnaam} {adres.huisnummer}{letter}{extra}"
    return f"{street.ljust(42)} {adres.postcode} {adres.plaats}"


def _adres(adres: Adres, geo: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"type": adres.type, "indAfgeschermd": _ja_nee(adres.afgeschermd)}
    if adres.afgeschermd:
        out.update(plaats=adres.plaats, land=adres.land)
        return out
    out["volledigAdres"] = _volledig_adres(adres)
    for key in (
        "straatnaam",
        "huisnummer",
        "huisletter",
        "huisnummerToevoeging",
        "postcode",
        "postbusnummer",
        "plaats",
        "land",
    ):
        value = getattr(adres, key)
        if value is not None:
            out[key] = value
    if geo and adres.addresseerbaarObjectId:
        out["geoData"] = {
            "addresseerbaarObjectId": adres.addresseerbaarObjectId,
            "nummerAanduidingId": adres.nummerAanduidingId,
        }
    return out


def _sbi(activiteiten: Iterable[SbiActiviteit]) -> list[dict[str, str]]:
    return [
        {
            "sbiCode": a.sbiCode,
            "sbiOmschrijving": a.sbiOmschrijving,
            "indHoofdactiviteit": _ja_nee(a.hoofdactiviteit),
        }
        for a in activiteiten
    ]


def _materiele_registratie(aanvang: str, einde: str | None) -> dict[str, str]:
    out = {"datumAanvang": aanvang}
    if einde:
        out["datumEinde"] = einde
    return out


def _handelsnamen(namen: Iterable[str]) -> list[dict[str, Any]]:
    return [{"naam": naam, "volgorde": i} for i, naam in enumerate(namen)]


def _vestiging(ins: Inschrijving, ves: Vestiging, base: str, geo: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"vestigingsnummer": ves.vestigingsnummer, "kvkNummer": ins.kvkNummer}
    if ins.rsin:
        out["rsin"] = ins.rsin
    out.update(
        indNonMailing=_ja_nee(ins.indNonMailing),
        formeleRegistratiedatum=ves.formeleRegistratiedatum,
        materieleRegistratie=_materiele_registratie(ves.datumAanvang, ves.datumEinde),
    )
    if ins.statutaireNaam:
        out["statutaireNaam"] = ins.statutaireNaam
    out.update(
        eersteHandelsnaam=ves.eersteHandelsnaam,
        indHoofdvestiging=_ja_nee(ves.hoofdvestiging),
        indCommercieleVestiging=_ja_nee(ves.commercieel),
        voltijdWerkzamePersonen=ves.voltijdWerkzamePersonen,
        totaalWerkzamePersonen=ves.totaalWerkzamePersonen,
        deeltijdWerkzamePersonen=ves.deeltijdWerkzamePersonen,
        handelsnamen=_handelsnamen(ves.handelsnamen),
        adressen=[_adres(a, geo) for a in ves.adressen],
        sbiActiviteiten=_sbi(ves.sbiActiviteiten),
        links=[
            _link("self", f"{base}/v1/vestigingsprofielen/{ves.vestigingsnummer}"),
            _link("basisprofiel", f"{base}/v1/basisprofielen/{ins.kvkNummer}"),
        ],
    )
    return out


def _eigenaar(ins: Inschrijving, base: str, geo: bool) -> dict[str, Any]:
    # The owner of an eenmanszaak is a natural person: KvK gives only the legal form.
    out: dict[str, Any] = {}
    if ins.rsin:
        out["rsin"] = ins.rsin
    out.update(rechtsvorm=ins.rechtsvorm, uitgebreideRechtsvorm=ins.uitgebreideRechtsvorm)
    if ins.rechtspersoon:
        out["adressen"] = [_adres(a, geo) for a in ins.hoofdvestiging.adressen]
    out["links"] = [
        _link("self", f"{base}/v1/basisprofielen/{ins.kvkNummer}/eigenaar"),
        _link("basisprofiel", f"{base}/v1/basisprofielen/{ins.kvkNummer}"),
    ]
    return out


def _basisprofiel(ins: Inschrijving, base: str, geo: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "kvkNummer": ins.kvkNummer,
        "indNonMailing": _ja_nee(ins.indNonMailing),
        "naam": ins.naam,
        "formeleRegistratiedatum": ins.formeleRegistratiedatum,
        "materieleRegistratie": _materiele_registratie(ins.datumAanvang, ins.datumEinde),
        "totaalWerkzamePersonen": ins.totaalWerkzamePersonen,
    }
    if ins.statutaireNaam:
        out["statutaireNaam"] = ins.statutaireNaam
    out.update(
        handelsnamen=_handelsnamen(ins.handelsnamen),
        sbiActiviteiten=_sbi(ins.sbiActiviteiten),
        links=[
            _link("self", f"{base}/v1/basisprofielen/{ins.kvkNummer}"),
            _link("vestigingen", f"{base}/v1/basisprofielen/{ins.kvkNummer}/vestigingen"),
        ],
        _embedded={
            "hoofdvestiging": _vestiging(ins, ins.hoofdvestiging, base, geo),
            "eigenaar": _eigenaar(ins, base, geo),
        },
    )
    return out


def _vestigingen(ins: Inschrijving, base: str) -> dict[str, Any]:
    current = [v for v in ins.vestigingen if v.actief]
    items = []
    for ves in current:
        item: dict[str, Any] = {
            "vestigingsnummer": ves.vestigingsnummer,
            "kvkNummer": ins.kvkNummer,
            "eersteHandelsnaam": ves.eersteHandelsnaam,
            "indHoofdvestiging": _ja_nee(ves.hoofdvestiging),
            "indAdresAfgeschermd": _ja_nee(any(a.afgeschermd for a in ves.adressen)),
            "indCommercieleVestiging": _ja_nee(ves.commercieel),
        }
        bezoek = _main_adres(ves)
        if bezoek is not None and not bezoek.afgeschermd:
            item["volledigAdres"] = _volledig_adres(bezoek)
        item["links"] = [
            _link("vestigingsprofiel", f"{base}/v1/vestigingsprofielen/{ves.vestigingsnummer}")
        ]
        items.append(item)
    commercieel = sum(1 for v in current if v.commercieel)
    return {
        "kvkNummer": ins.kvkNummer,
        "aantalCommercieleVestigingen": commercieel,
        "aantalNietCommercieleVestigingen": len(current) - commercieel,
        "totaalAantalVestigingen": len(current),
        "vestigingen": items,
        "links": [
            _link("self", f"{base}/v1/basisprofielen/{ins.kvkNummer}/vestigingen"),
            _link("basisprofiel", f"{base}/v1/basisprofielen/{ins.kvkNummer}"),
        ],
    }


def _main_adres(ves: Vestiging) -> Adres | None:
    for adres in ves.adressen:
        if adres.type == "bezoekadres":
            return adres
    return ves.adressen[0] if ves.adressen else None


# --- the search index -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Hit:
    """One line of the Zoeken index: a vestiging, or the rechtspersoon of a registration."""

    type: str
    inschrijving: Inschrijving
    vestiging: Vestiging | None

    @property
    def actief(self) -> bool:
        return self.inschrijving.actief and (self.vestiging is None or self.vestiging.actief)

    @property
    def names(self) -> tuple[str, ...]:
        if self.vestiging is not None:
            return self.vestiging.handelsnamen
        return (self.inschrijving.statutaireNaam or self.inschrijving.naam,)

    @property
    def adressen(self) -> tuple[Adres, ...]:
        vestiging = self.vestiging or self.inschrijving.hoofdvestiging
        return vestiging.adressen

    def to_json(self, base: str) -> dict[str, Any]:
        ins = self.inschrijving
        out: dict[str, Any] = {"kvkNummer": ins.kvkNummer}
        if ins.rsin:
            out["rsin"] = ins.rsin
        if self.vestiging is not None:
            out["vestigingsnummer"] = self.vestiging.vestigingsnummer
        out["naam"] = self.names[0]
        adres = _main_adres(self.vestiging or ins.hoofdvestiging)
        if adres is not None:
            out["adres"] = {"binnenlandsAdres": _zoek_adres(adres)}
        out["type"] = self.type
        out["actief"] = _ja_nee(self.actief)
        links = [_link("basisprofiel", f"{base}/v1/basisprofielen/{ins.kvkNummer}")]
        if self.vestiging is not None:
            links.append(
                _link(
                    "vestigingsprofiel",
                    f"{base}/v1/vestigingsprofielen/{self.vestiging.vestigingsnummer}",
                )
            )
        out["links"] = links
        return out


def _zoek_adres(adres: Adres) -> dict[str, Any]:
    kind = "postadres" if adres.postbusnummer is not None else "bezoekadres"
    out: dict[str, Any] = {"type": kind}
    if not adres.afgeschermd:
        for key in ("straatnaam", "huisnummer", "huisletter", "postbusnummer", "postcode"):
            value = getattr(adres, key)
            if value is not None:
                out[key] = value
    out["plaats"] = adres.plaats
    return out


def _index(registry: Registry) -> list[_Hit]:
    hits: list[_Hit] = []
    for ins in registry:
        if ins.rechtspersoon:
            hits.append(_Hit("rechtspersoon", ins, None))
        for ves in ins.vestigingen:
            kind = "hoofdvestiging" if ves.hoofdvestiging else "nevenvestiging"
            hits.append(_Hit(kind, ins, ves))
    return hits


@dataclass(frozen=True, slots=True)
class _Search:
    """A validated Zoeken request."""

    kvkNummer: str | None
    rsin: str | None
    vestigingsnummer: str | None
    naam: str | None
    straatnaam: str | None
    plaats: str | None
    postcode: str | None
    huisnummer: int | None
    huisletter: str | None
    huisnummerToevoeging: str | None
    postbusnummer: int | None
    types: frozenset[str]
    inactief: bool
    pagina: int
    resultatenPerPagina: int

    def matches(self, hit: _Hit) -> bool:
        ins = hit.inschrijving
        if hit.type not in self.types or (not self.inactief and not hit.actief):
            return False
        if self.kvkNummer and ins.kvkNummer != self.kvkNummer:
            return False
        if self.rsin and ins.rsin != self.rsin:
            return False
        if self.vestigingsnummer and (
            hit.vestiging is None or hit.vestiging.vestigingsnummer != self.vestigingsnummer
        ):
            return False
        if self.naam and not any(self.naam.lower() in n.lower() for n in hit.names):
            return False
        return self._matches_adres(hit.adressen)

    def _matches_adres(self, adressen: Iterable[Adres]) -> bool:
        wants_adres = self.straatnaam or self.plaats or self.postcode
        if not wants_adres:
            return True
        return any(self._matches_one(a) for a in adressen if not a.afgeschermd) or (
            # only the place of a shielded address can be searched
            bool(self.plaats)
            and not (self.straatnaam or self.postcode)
            and any(a.plaats.lower() == (self.plaats or "").lower() for a in adressen)
        )

    def _matches_one(self, adres: Adres) -> bool:
        if self.plaats and adres.plaats.lower() != self.plaats.lower():
            return False
        if self.straatnaam and self.straatnaam.lower() not in (adres.straatnaam or "").lower():
            return False
        if self.postcode and (adres.postcode or "").upper() != self.postcode.upper():
            return False
        if self.huisnummer is not None and adres.huisnummer != self.huisnummer:
            return False
        if self.postbusnummer is not None and adres.postbusnummer != self.postbusnummer:
            return False
        if self.huisletter and (adres.huisletter or "").upper() != self.huisletter.upper():
            return False
        return not (
            self.huisnummerToevoeging
            and (adres.huisnummerToevoeging or "").upper() != self.huisnummerToevoeging.upper()
        )


def _parse_search(params: Any) -> _Search | JSONResponse:
    """Validate every published parameter; a 400 in KvK's format when any is wrong."""
    fouten: list[tuple[str, str]] = []
    invalid: list[str] = []

    def text(name: str) -> str | None:
        value: str | None = params.get(name)
        return value if value not in (None, "") else None

    def pattern(name: str, regex: re.Pattern[str]) -> str | None:
        value = text(name)
        if value is not None and not regex.match(value):
            invalid.append(name)
            return None
        return value

    def number(name: str, low: int, high: int) -> int | None:
        value = text(name)
        if value is None:
            return None
        if not _NUMMER.match(value) or not low <= int(value) <= high:
            invalid.append(name)
            return None
        return int(value)

    kvk = text("kvkNummer")
    if kvk is not None and not _KVK.match(kvk):
        fouten.append(_kvk_invalid(kvk))
    rsin = text("rsin")
    if rsin is not None and not _RSIN.match(rsin):
        fouten.append(("IPD0010", f"Het RSI-nummer {rsin} is niet valide."))
    vestigingsnummer = text("vestigingsnummer")
    if vestigingsnummer is not None and not _VESTIGING.match(vestigingsnummer):
        fouten.append(_vestiging_invalid(vestigingsnummer))
    postcode = pattern("postcode", _POSTCODE)
    huisnummer = number("huisnummer", 1, 99999)
    huisletter = pattern("huisletter", _HUISLETTER)
    toevoeging = pattern("huisnummerToevoeging", _TOEVOEGING)
    postbusnummer = number("postbusnummer", 1, 99999)

    # ``type`` is an exploded array: one value per repetition, each exactly an enum value
    # (KvK refuses "hoofdvestiging,nevenvestiging" and any other spelling).
    raw_types = params.getlist("type")
    if any(t not in _TYPES for t in raw_types):
        fouten.append(("IPD5203", "Het opgegeven type is niet valide."))
    inactief_raw = (text("inclusiefInactieveRegistraties") or "false").lower()
    if inactief_raw not in ("true", "false"):
        invalid.append("inclusiefInactieveRegistraties")
    pagina = number("pagina", 1, 1000) or 1
    per_pagina = number("resultatenPerPagina", 1, 100) or 10

    # combinations the contract prescribes
    if text("postcode") and not (text("huisnummer") or text("postbusnummer")):
        invalid.append("postcode")
    if (text("huisnummer") or text("postbusnummer")) and not text("postcode"):
        invalid.append("huisnummer" if text("huisnummer") else "postbusnummer")
    for name in ("huisletter", "huisnummerToevoeging"):
        if text(name) and not text("huisnummer"):
            invalid.append(name)

    if invalid:
        fouten.append(_invalid_params(dict.fromkeys(invalid)))
    if not fouten and not any(text(name) for name in _SEARCH_CRITERIA):
        fouten.append(("IPD1998", "Algemene invoer parameter fout."))
    if fouten:
        return _fout(400, *fouten)
    return _Search(
        kvkNummer=kvk,
        rsin=rsin,
        vestigingsnummer=vestigingsnummer,
        naam=text("naam"),
        straatnaam=text("straatnaam"),
        plaats=text("plaats"),
        postcode=postcode,
        huisnummer=huisnummer,
        huisletter=huisletter,
        huisnummerToevoeging=toevoeging,
        postbusnummer=postbusnummer,
        types=frozenset(raw_types or _TYPES),
        inactief=inactief_raw == "true",
        pagina=pagina,
        resultatenPerPagina=per_pagina,
    )


# --- the app ----------------------------------------------------------------------------


def _base(request: Request) -> str:
    """The absolute base URL of the API (scheme, host and mount), for ``links``."""
    root = request.scope.get("root_path", "")
    return str(request.url.replace(path=root, query=None)).rstrip("/")


def _geo(request: Request) -> bool | JSONResponse:
    value = request.query_params.get("geoData", "false").lower()
    if value not in ("true", "false"):
        return _fout(400, _invalid_params(["geoData"]))
    return value == "true"


def create_app(
    *,
    api_key: str = FAKE_API_KEY,
    today: date | None = None,
    latency_s: float = 0.0,
    fail_status: int | None = None,
    fail_times: int | None = None,
    retry_after: str | None = None,
    openapi: Documents | None = None,
) -> FastAPI:
    """A fresh fake KvK.

    ``openapi`` (documents by the names of :data:`OPENAPI_SERVED`) refuses every request
    outside the official documents as KvK does (``{"fout": [...]}``, code ``IPD1999``).

    ``today`` anchors the demo world's recent dates (default: the current date).
    Failure injection: ``latency_s`` sleeps before every answer; ``fail_status`` answers
    every request (or the first ``fail_times``) with that status in KvK's error format,
    with a ``Retry-After: retry_after`` header when given (for 429/503).
    """
    registry = build_registry(today or date.today())
    index = _index(registry)
    app = FastAPI(
        title="KvK Handelsregister (fake)", docs_url=None, redoc_url=None, openapi_url=None
    )
    app.state.registry = registry

    def gate(request: Request) -> Response | None:
        if request.headers.get("apikey") != api_key:
            return _fout(401, ("401", "Geen of onjuiste apikey aangeleverd."))
        if not accepts(request.headers.get("accept", ""), "application/json", _HAL_JSON):
            return _fout(406, ("406", "Opgegeven Accept header wordt niet ondersteund."))
        return None

    use_fake_middleware(
        app,
        _injected,
        latency_s=latency_s,
        fail_status=fail_status,
        fail_times=fail_times,
        retry_after=retry_after,
        gate=gate,
    )

    @app.get("/v2/zoeken")
    async def zoeken(request: Request) -> Response:
        search = _parse_search(request.query_params)
        if isinstance(search, JSONResponse):
            return search
        found = [hit for hit in index if search.matches(hit)]
        if not found:
            return _no_hits()
        shown = found[:_MAX_SHOWN]
        per = search.resultatenPerPagina
        start = (search.pagina - 1) * per
        page = shown[start : start + per]
        base = _base(request)
        body: dict[str, Any] = {
            "pagina": search.pagina,
            "resultatenPerPagina": per,
            "totaal": len(found),
            "resultaten": [hit.to_json(base) for hit in page],
        }
        links = [_link("self", str(request.url))]
        if search.pagina > 1:
            previous = str(request.url.include_query_params(pagina=search.pagina - 1))
            body["vorige"] = previous
            links.append(_link("vorige", previous))
        if start + per < len(shown):
            following = str(request.url.include_query_params(pagina=search.pagina + 1))
            body["volgende"] = following
            links.append(_link("volgende", following))
        body["links"] = links
        return _hal(body)

    def lookup(kvk: str) -> Inschrijving | JSONResponse:
        if not _KVK.match(kvk):
            return _fout(400, _kvk_invalid(kvk))
        ins = registry.inschrijvingen.get(kvk)
        return ins if ins is not None else _kvk_unknown(kvk)

    @app.get("/v1/basisprofielen/{kvkNummer}")
    async def basisprofiel(kvkNummer: str, request: Request) -> Response:
        ins, geo = lookup(kvkNummer), _geo(request)
        if isinstance(ins, JSONResponse):
            return ins
        if isinstance(geo, JSONResponse):
            return geo
        return _hal(_basisprofiel(ins, _base(request), geo))

    @app.get("/v1/basisprofielen/{kvkNummer}/hoofdvestiging")
    async def hoofdvestiging(kvkNummer: str, request: Request) -> Response:
        ins, geo = lookup(kvkNummer), _geo(request)
        if isinstance(ins, JSONResponse):
            return ins
        if isinstance(geo, JSONResponse):
            return geo
        return _hal(_vestiging(ins, ins.hoofdvestiging, _base(request), geo))

    @app.get("/v1/basisprofielen/{kvkNummer}/vestigingen")
    async def vestigingen(kvkNummer: str, request: Request) -> Response:
        ins = lookup(kvkNummer)
        if isinstance(ins, JSONResponse):
            return ins
        return _hal(_vestigingen(ins, _base(request)))

    @app.get("/v1/basisprofielen/{kvkNummer}/eigenaar")
    async def eigenaar(kvkNummer: str, request: Request) -> Response:
        ins, geo = lookup(kvkNummer), _geo(request)
        if isinstance(ins, JSONResponse):
            return ins
        if isinstance(geo, JSONResponse):
            return geo
        return _hal(_eigenaar(ins, _base(request), geo))

    @app.get("/v1/vestigingsprofielen/{vestigingsnummer}")
    async def vestigingsprofiel(vestigingsnummer: str, request: Request) -> Response:
        if not _VESTIGING.match(vestigingsnummer):
            return _fout(400, _vestiging_invalid(vestigingsnummer))
        found = registry.vestigingen.get(vestigingsnummer)
        if found is None:
            return _vestiging_unknown(vestigingsnummer)
        geo = _geo(request)
        if isinstance(geo, JSONResponse):
            return geo
        ins, ves = found
        return _hal(_vestiging(ins, ves, _base(request), geo))

    if openapi:  # inside the mount prefix: the guard sees paths relative to MOUNT
        guard_app(app, openapi, OPENAPI_SERVED, _refuse)
    app.add_middleware(MountPrefix, prefix=MOUNT)
    return app


def _refuse(refusal: Refusal) -> JSONResponse:
    if refusal.status == 400:
        names = dict.fromkeys(v.name.split(".")[0] for v in refusal.violations)
        return _fout(400, _invalid_params(names))
    reason = " ".join(v.reason for v in refusal.violations)
    return _fout(refusal.status, (str(refusal.status), reason))
