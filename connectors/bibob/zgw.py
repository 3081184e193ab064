"""A second Bibob source: a ZGW zaaksysteem where the Bibob investigation is a zaak.

Many municipalities keep permits in a zaaksysteem that speaks the VNG ZGW APIs. The
mapping onto the seam (:mod:`.source`):

- every zaak of the configured Bibob-onderzoek zaaktype is one screening; its
  ``hoofdzaak`` is the permit application: ``identificatie`` is the vergunningnummer,
  ``startdatum`` the datumAanvraag, ``einddatum`` the datumBesluit, the omschrijving of
  its zaaktype the permit type and the omschrijving of its resultaattype the status
  (no resultaat yet: ``aangevraagd``);
- the Bibob zaak's resultaattype omschrijving is the mate van gevaar, the resultaat's
  ``toelichting`` the besluit, its ``einddatum`` the date of the outcome; a rol with
  ``omschrijvingGeneriek`` ``adviseur`` means the Landelijk Bureau Bibob advised
  (``lbb_advies``), else the municipality screened itself (``eigen_onderzoek``);
- the applicant is the rol with ``omschrijvingGeneriek`` ``initiator`` (a vestiging
  or niet-natuurlijk persoon with its ``kvkNummer``; the name is its handelsnaam or
  statutaire naam), the address the zaakobject of ``objectType`` ``adres``.

Omschrijvingen are read as the seam's codes or Dutch labels; ``omschrijvingen`` in the
settings maps a register's own wording onto a code. Zaken 1.5.1 has no filter on a
KvK number or on address attributes, so the source lists the zaken of the Bibob
zaaktype (only that zaaktype: other zaken never leave the registry) and matches
applicant and address itself. The rollen and zaakobjecten of other applicants'
screenings are not kept as evidence; the list pages are (they prove "none found"),
and they carry every Bibob zaak's identificatie, omschrijving and zaakgeometrie.

Authentication is the SDK's ZGW JWT (:class:`plugins.ZgwJwt`), signed
per query for the officer (the Zaken API keeps the user in its audit trail); the
token goes only to URLs under the configured Zaken and Catalogi APIs.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

import httpx

from plugins import (
    AddressRef,
    BadResponse,
    BusinessRef,
    ConnectorContext,
    Evidence,
    Health,
    Probe,
    Query,
    ZgwJwt,
    json_body,
    problem_detail,
    raise_for_status,
    registry_client,
    send,
)

from .source import (
    MATE_VAN_GEVAAR,
    VERGUNNINGSTATUS,
    VERGUNNINGTYPE,
    BibobOutcome,
    CodeList,
    Permit,
    PermitAddress,
    PermitError,
    Permits,
)

__all__ = ["REGISTRY", "ZgwBibobSource"]

REGISTRY = "Zaaksysteem (Bibob-onderzoek, ZGW Zaken API)"
CRS = "EPSG:4326"
_T = TypeVar("_T")


@dataclass
class _Call:
    """One query's token, and the responses its facts rest on."""

    headers: dict[str, str]
    trace: Any
    evidence: list[Evidence] = field(default_factory=list)
    types: dict[str, asyncio.Task[dict[str, Any]]] = field(default_factory=dict)


@dataclass(frozen=True)
class _Screening:
    """A Bibob zaak with its rollen and address zaakobjecten, and where they came from."""

    zaak: dict[str, Any]
    rollen: list[dict[str, Any]]
    objecten: list[dict[str, Any]]
    evidence: list[Evidence]


class ZgwBibobSource:
    """Permits and Bibob outcomes from the zaken of a Bibob-onderzoek zaaktype."""

    registry = REGISTRY

    def __init__(self, settings: Any, context: ConnectorContext) -> None:
        self.settings = settings
        self._jwt = ZgwJwt.from_settings(settings, context)
        self._zaaktype = settings.zaaktype_url()
        self._roots = (settings.base_url.rstrip("/") + "/", settings.catalogi_root() + "/")
        self._extra: Mapping[str, str] = settings.omschrijvingen
        self._slots = asyncio.Semaphore(8)
        self.http = registry_client(settings, context, headers={"Accept": "application/json"})

    # --- the BibobSource protocol ---------------------------------------------------

    async def permits(self, subject: BusinessRef | AddressRef, query: Query) -> Permits:
        call = _Call(self._jwt.authorization(query.officer.id, query.officer.name), query.trace)
        zaken, listed = await self._pages(
            call, "zaken", {"zaaktype": self._zaaktype}, "zaak_list", crs=True
        )
        call.evidence.extend(listed)
        screenings = await _all(self._screening(call, zaak) for zaak in zaken)
        found = [s for s in screenings if _concerns(s, subject)]
        for screening in found:
            call.evidence.extend(screening.evidence)
        permits = await _all(self._permit(call, s) for s in found)
        return Permits(tuple(permits), tuple(call.evidence))

    async def check(self) -> Health:
        probe = Probe()
        try:
            call = _Call(self._jwt.authorization("opplus-check", "opplus health check"), None)
            await self._get(call, self._zaaktype, "zaaktype_retrieve")
        except Exception as exc:  # a probe reports, it never raises
            return probe.failed(exc)
        return probe.ok("Catalogi API answered; Bibob zaaktype found")

    async def aclose(self) -> None:
        await self.http.aclose()

    # --- reading --------------------------------------------------------------------

    async def _fetch(
        self,
        call: _Call,
        url: str,
        operation: str,
        params: Mapping[str, str] | None = None,
        *,
        crs: bool = False,
    ) -> tuple[Any, Evidence]:
        if url.startswith(("http://", "https://")) and not url.startswith(self._roots):
            raise BadResponse(
                f"the registry points to {httpx.URL(url).copy_with(query=None)}, outside the "
                "configured Zaken and Catalogi APIs (set catalogi_base_url?)"
            )
        headers = {**call.headers, **({"Accept-Crs": CRS} if crs else {})}
        # a `next` URL carries its own query: httpx would replace it with params
        extra = {"params": dict(params)} if params else {}
        async with self._slots:
            response = await send(self.http, "GET", url, trace=call.trace, headers=headers, **extra)
        if response.status_code == 404:
            # a resource the registry itself pointed to: its answers disagree
            raise BadResponse(f"{operation}: HTTP 404 from {response.request.url.path}")
        raise_for_status(response, detail=problem_detail)
        body = json_body(response)
        if not isinstance(body, dict):
            raise BadResponse(f"{operation}: the answer is not a JSON object")
        return body, Evidence.from_response(response, operation)

    async def _get(self, call: _Call, url: str, operation: str, *, crs: bool = False) -> Any:
        body, evidence = await self._fetch(call, url, operation, crs=crs)
        call.evidence.append(evidence)
        return body

    async def _pages(
        self,
        call: _Call,
        path: str,
        params: Mapping[str, str],
        operation: str,
        *,
        crs: bool = False,
    ) -> tuple[list[dict[str, Any]], list[Evidence]]:
        """Every result of a ZGW list, following ``next``, and the pages' evidence."""
        results: list[dict[str, Any]] = []
        evidence: list[Evidence] = []
        url: str | None = path
        query: Mapping[str, str] | None = params
        while url is not None:
            if len(evidence) == self.settings.max_pages:
                raise BadResponse(f"{operation}: more than {len(evidence)} pages (max_pages)")
            body, proof = await self._fetch(call, url, operation, query, crs=crs)
            evidence.append(proof)
            page = body.get("results")
            nxt = body.get("next")
            if not isinstance(page, list) or not all(isinstance(r, dict) for r in page):
                raise BadResponse(f"{operation}: 'results' is missing or not a list of objects")
            if nxt is not None and not isinstance(nxt, str):
                raise BadResponse(f"{operation}: 'next' is not a URL")
            results.extend(page)
            url, query = nxt or None, None
        return results, evidence

    async def _typed(self, call: _Call, url: Any, operation: str) -> str:
        """The omschrijving of a Catalogi resource, fetched once per query."""
        link = _url(url, operation)
        task = call.types.get(link)
        if task is None:
            task = asyncio.ensure_future(self._get(call, link, operation))
            call.types[link] = task
        return _field(await task, "omschrijving", str, operation)

    async def _screening(self, call: _Call, zaak: Any) -> _Screening:
        url = _field(zaak, "url", str, "zaak_list")
        rollen, by_rol = await self._pages(call, "rollen", {"zaak": url}, "rol_list")
        objecten, by_object = await self._pages(
            call, "zaakobjecten", {"zaak": url, "objectType": "adres"}, "zaakobject_list"
        )
        return _Screening(zaak, rollen, objecten, by_rol + by_object)

    async def _outcome(
        self, call: _Call, zaak: Mapping[str, Any], operation: str, codes: CodeList
    ) -> tuple[str | None, str | None]:
        """The code a zaak's resultaat stands for, and the resultaat's toelichting."""
        link = zaak.get("resultaat")
        if not link:
            return None, None
        resultaat = await self._get(call, _url(link, operation), "resultaat_retrieve")
        omschrijving = await self._typed(
            call, resultaat.get("resultaattype"), "resultaattype_retrieve"
        )
        toelichting = resultaat.get("toelichting")
        text = toelichting.strip() if isinstance(toelichting, str) and toelichting.strip() else None
        return codes.code_for(omschrijving, self._extra), text

    async def _permit(self, call: _Call, screening: _Screening) -> Permit:
        zaak = screening.zaak
        hoofdzaak_url = zaak.get("hoofdzaak")
        if not hoofdzaak_url:
            raise BadResponse("zaak: a Bibob-onderzoek without hoofdzaak (the permit application)")
        hoofdzaak = await self._get(call, _url(hoofdzaak_url, "zaak"), "zaak_retrieve", crs=True)
        (mate, besluit), (status, _), type_text = await _all(
            [
                self._outcome(call, zaak, "zaak", MATE_VAN_GEVAAR),
                self._outcome(call, hoofdzaak, "hoofdzaak", VERGUNNINGSTATUS),
                self._typed(call, hoofdzaak.get("zaaktype"), "zaaktype_retrieve"),
            ]
        )
        kvk, naam = _applicant(screening.rollen)
        return Permit(
            vergunningnummer=_field(hoofdzaak, "identificatie", str, "hoofdzaak"),
            type=VERGUNNINGTYPE.code_for(type_text, self._extra),
            status=status or "aangevraagd",
            kvkNummer=kvk,
            naam=naam,
            adres=_address(screening.objecten),
            datumAanvraag=_date(hoofdzaak, "startdatum", "hoofdzaak"),
            datumBesluit=_optional_date(hoofdzaak, "einddatum", "hoofdzaak"),
            bibob=BibobOutcome(
                onderzoek="lbb_advies" if _advised(screening.rollen) else "eigen_onderzoek",
                datum=_optional_date(zaak, "einddatum", "zaak"),
                mateVanGevaar=mate,
                besluit=besluit,
            ),
        )


async def _all(calls: Iterable[Any]) -> list[Any]:
    """Run ``calls`` together; the first error wins, the others are awaited first."""
    outcomes = await asyncio.gather(*calls, return_exceptions=True)
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            raise outcome
    return list(outcomes)


def _field(body: Any, key: str, kind: type[_T], what: str) -> _T:
    value = body.get(key) if isinstance(body, dict) else None
    if not isinstance(value, kind):
        raise BadResponse(f"{what}: field {key!r} is missing or has the wrong type")
    return value


def _url(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.startswith(("http://", "https://")):
        raise BadResponse(f"{what}: a link is not a URL")
    return value


def _date(body: Mapping[str, Any], key: str, what: str) -> date:
    try:
        return date.fromisoformat(str(body.get(key)))
    except ValueError as exc:
        raise BadResponse(f"{what}: field {key!r} is not a date") from exc


def _optional_date(body: Mapping[str, Any], key: str, what: str) -> date | None:
    return None if body.get(key) is None else _date(body, key, what)


def _generiek(rol: Mapping[str, Any]) -> str:
    return str(rol.get("omschrijvingGeneriek") or "")


def _advised(rollen: list[dict[str, Any]]) -> bool:
    return any(_generiek(rol) == "adviseur" for rol in rollen)


def _initiator_kvk(rol: Mapping[str, Any]) -> str | None:
    ident = rol.get("betrokkeneIdentificatie")
    if _generiek(rol) != "initiator" or not isinstance(ident, dict):
        return None
    kvk = ident.get("kvkNummer")
    return kvk if isinstance(kvk, str) and kvk else None


def _applicant(rollen: list[dict[str, Any]]) -> tuple[str, str]:
    """KvK number and name of the business that applied."""
    for rol in rollen:
        kvk = _initiator_kvk(rol)
        if kvk is None:
            continue
        ident = rol["betrokkeneIdentificatie"]
        names = ident.get("handelsnaam")
        naam = names[0] if isinstance(names, list) and names else ident.get("statutaireNaam")
        if not isinstance(naam, str) or not naam.strip():
            raise PermitError("the applicant's rol has no handelsnaam or statutaireNaam")
        return kvk, naam
    raise PermitError("no applicant (rol initiator with a kvkNummer)")


def _address_of(zaakobject: Mapping[str, Any]) -> PermitAddress:
    ident = zaakobject.get("objectIdentificatie")
    if not isinstance(ident, dict):
        raise PermitError("an address zaakobject without objectIdentificatie")
    try:
        huisnummer = int(ident.get("huisnummer") or 0)
    except (TypeError, ValueError) as exc:
        raise PermitError("adres.huisnummer is not a number") from exc
    return PermitAddress(
        straatnaam=str(ident.get("gorOpenbareRuimteNaam") or ""),
        huisnummer=huisnummer,
        postcode=str(ident.get("postcode") or ""),
        woonplaats=str(ident.get("wplWoonplaatsNaam") or ""),
        huisletter=str(ident.get("huisletter") or "") or None,
        huisnummertoevoeging=str(ident.get("huisnummertoevoeging") or "") or None,
    )


def _address(objecten: list[dict[str, Any]]) -> PermitAddress:
    if not objecten:
        raise PermitError("no address (zaakobject of objectType adres)")
    return _address_of(objecten[0])


def _concerns(screening: _Screening, subject: BusinessRef | AddressRef) -> bool:
    """True when the screening's applicant is the business, or its address the address."""
    if isinstance(subject, BusinessRef):
        return any(_initiator_kvk(rol) == subject.kvkNummer for rol in screening.rollen)
    for zaakobject in screening.objecten:
        try:
            ref = _address_of(zaakobject).ref
        except PermitError:
            continue  # another address the hub cannot read; it is not this one
        if ref.key == subject.key:
            return True
    return False
