"""The handhaving connector: zaken of handhaving zaaktypes from a ZGW Zaken API.

For a person (``rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn``), a
business (``...vestiging__vestigingsNummer`` when a vestiging is named, plus
``...nietNatuurlijkPersoon__kvkNummer`` only where the system declares that filter with
``rol_kvk_filter``: it is an Open Zaak extension, not part of ZGW Zaken 1.5.1) or an address
(zaakobjecten of ``objectType=adres``), it lists the zaken of the configured
handhaving zaaktypes (one list per zaaktype, so other zaken stay in the registry),
resolves each zaak's status and resultaat through the Catalogi API, and records two
facts: ``zaken`` (a summary per zaak) and ``aantalOpenZaken``. "No zaken" is
recorded as ``zaken: []`` and ``aantalOpenZaken: 0``, so that "checked, none found"
differs from a failure.

Each query signs its own ZGW JWT, whose ``user_id`` and ``user_representation`` are
the officer of the query (the Zaken API keeps them in its audit trail), and uses it
for all of that query's requests; every zaak read carries
``Accept-Crs: EPSG:4326``. URLs found in answers are followed only when they lie
under the configured Zaken or Catalogi API, so the token never goes elsewhere.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterable, Mapping
from typing import Any

import httpx
from pydantic import Field, model_validator

from plugins import (
    AddressRef,
    BadResponse,
    BusinessRef,
    Classification,
    ConnectorContext,
    ConnectorInfo,
    ConnectorSettings,
    EnrichResult,
    Evidence,
    FieldSpec,
    Health,
    PersonRef,
    Probe,
    Query,
    QueryRejected,
    Subject,
    ZgwClientSettings,
    ZgwJwt,
    json_body,
    normalise_postcode,
    problem_detail,
    raise_for_status,
    registry_client,
    send,
)

__all__ = ["INFO", "HandhavingConnector", "Settings"]

CRS = "EPSG:4326"
ROL_BSN = "rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn"
ROL_KVK = "rol__betrokkeneIdentificatie__nietNatuurlijkPersoon__kvkNummer"
ROL_VESTIGING = "rol__betrokkeneIdentificatie__vestiging__vestigingsNummer"
_ZAKEN_SUFFIX = "/zaken/api/v1"
_CATALOGI_SUFFIX = "/catalogi/api/v1"

INFO = ConnectorInfo(
    name="handhaving",
    version="0.1.0",
    registry="Zaaksysteem (ZGW Zaken API)",
    subject_kinds=frozenset({"person", "business", "address"}),
    fields={
        "zaken": FieldSpec(
            Classification.CONFIDENTIAL,
            "Handhavingszaken over de persoon, het bedrijf of het adres: per zaak "
            "identificatie, omschrijving, zaaktype, startdatum, einddatum, status, "
            "resultaat, open (ja/nee) en de URL van de zaak.",
            "Handhavingszaken",
            parts={
                "identificatie": "Zaaknummer",
                "omschrijving": "Omschrijving",
                "zaaktype": "Zaaktype",
                "startdatum": "Startdatum",
                "einddatum": "Einddatum",
                "status": "Status",
                "resultaat": "Resultaat",
                "open": "Open",
                "url": "Zaak in het zaaksysteem",
            },
        ),
        "aantalOpenZaken": FieldSpec(
            Classification.CONFIDENTIAL,
            "Aantal handhavingszaken zonder einddatum (nog in behandeling).",
            "Open handhavingszaken",
        ),
    },
)


#: the zaak identificatie the health probe filters on, chosen to match no real zaak, so
#: the answer proves the token without listing anyone's zaken
PROBE_IDENTIFICATIE = "opplus-gezondheidscontrole"


class Settings(ConnectorSettings, ZgwClientSettings):
    """``[connectors.handhaving]``: where the Zaken API is and which zaaktypes count."""

    base_url: str = Field(
        description="the Zaken API root, e.g. https://zaken.gemeente.nl/zaken/api/v1"
    )
    zaaktypen: list[str] = Field(
        default_factory=list,
        description="URLs of the handhaving zaaktypes to include (absolute, or relative to "
        "catalogi_base_url such as 'zaaktypen/<uuid>'); empty means every zaaktype",
    )
    catalogi_base_url: str | None = Field(
        default=None,
        description="the Catalogi API root; by default the sibling of base_url "
        "(.../zaken/api/v1 -> .../catalogi/api/v1)",
    )
    max_pages: int = Field(
        default=20, ge=1, le=1000, description="pages followed per list before giving up"
    )
    discover: bool = Field(
        default=True,
        description="report the addresses and betrokkenen of the zaken found as discovered "
        "subjects",
    )
    concurrency: int = Field(default=8, ge=1, le=64, description="requests in flight per query")
    rol_kvk_filter: bool = Field(
        default=False,
        description="the Zaken API knows the filter "
        "rol__betrokkeneIdentificatie__nietNatuurlijkPersoon__kvkNummer (Open Zaak; not part "
        "of ZGW Zaken 1.5.1). Without it a business is looked up by its vestigingsnummer only",
    )

    @model_validator(mode="after")
    def _zaaktypen_resolve(self) -> Settings:
        self.zaaktype_urls()
        return self

    def catalogi_root(self) -> str | None:
        """The Catalogi API root: configured, or derived from the Zaken API root."""
        if self.catalogi_base_url:
            return self.catalogi_base_url.rstrip("/")
        root = self.base_url.rstrip("/")
        if root.endswith(_ZAKEN_SUFFIX):
            return root[: -len(_ZAKEN_SUFFIX)] + _CATALOGI_SUFFIX
        return None

    def zaaktype_urls(self) -> frozenset[str]:
        """The configured zaaktypes as absolute URLs without trailing slash."""
        urls = set()
        for entry in self.zaaktypen:
            if entry.startswith(("http://", "https://")):
                urls.add(entry.rstrip("/"))
                continue
            root = self.catalogi_root()
            if root is None:
                raise ValueError(
                    f"zaaktype {entry!r} is relative, but catalogi_base_url is not set and "
                    f"base_url does not end in {_ZAKEN_SUFFIX}"
                )
            urls.add(f"{root}/{entry.strip('/')}")
        return frozenset(urls)


def _check(response: httpx.Response) -> None:
    """Raise the plugins error for a non-2xx answer, with the ZGW-specific cases first."""
    status = response.status_code
    if 200 <= status < 300:
        return
    where = str(response.request.url.copy_with(query=None))
    try:
        detail = problem_detail(response)
    except ValueError:
        detail = None
    suffix = f": {detail}" if detail else ""
    if status == 412:
        raise QueryRejected(
            f"HTTP 412 Precondition Failed from {where}: the Zaken API requires the header "
            f"'Accept-Crs: {CRS}' (or 'Content-Crs' on writes); a proxy may drop it{suffix}",
            detail=detail,
        )
    if status == 404:
        # a list, a zaak or a type the registry itself pointed to: its answers disagree,
        # or base_url is not the Zaken API root
        raise BadResponse(f"HTTP 404 from {where}{suffix}", detail=detail)
    raise_for_status(response, detail=problem_detail)


def _need(body: Any, key: str, kind: type | tuple[type, ...], what: str) -> Any:
    if not isinstance(body, dict) or not isinstance(body.get(key), kind):
        raise BadResponse(f"{what}: field {key!r} is missing or has the wrong type")
    return body[key]


def _optional_url(body: Mapping[str, Any], key: str, what: str) -> str | None:
    value = body.get(key)
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise BadResponse(f"{what}: field {key!r} is not a URL")
    return value


def _same_address(zaakobject: Mapping[str, Any], address: AddressRef) -> bool:
    """True when a zaakobject of objectType adres is ``address``.

    Matches the BAG id (in ``objectIdentificatie.identificatie`` or at the end of the
    ``object`` URL) when the address carries one, else postcode, huisnummer,
    huisletter and huisnummertoevoeging.
    """
    aoi = address.adresseerbaarObjectIdentificatie
    obj = zaakobject.get("object")
    if aoi and isinstance(obj, str) and obj.rstrip("/").rsplit("/", 1)[-1] == aoi:
        return True
    ident = zaakobject.get("objectIdentificatie")
    if not isinstance(ident, dict):
        return False
    if aoi and ident.get("identificatie") == aoi:
        return True
    try:
        postcode = normalise_postcode(str(ident.get("postcode") or ""))
        huisnummer = int(ident.get("huisnummer") or 0)
    except (TypeError, ValueError):
        return False

    def same(value: Any, wanted: str | None) -> bool:
        return str(value or "").strip().upper() == (wanted or "").upper()

    return (
        postcode == address.postcode
        and huisnummer == address.huisnummer
        and same(ident.get("huisletter"), address.huisletter)
        and same(ident.get("huisnummertoevoeging"), address.huisnummertoevoeging)
    )


def _address_of(ident: Mapping[str, Any]) -> AddressRef | None:
    try:
        return AddressRef(
            postcode=str(ident.get("postcode") or ""),
            huisnummer=int(ident.get("huisnummer") or 0),
            huisletter=str(ident.get("huisletter") or "") or None,
            huisnummertoevoeging=str(ident.get("huisnummertoevoeging") or "") or None,
        )
    except (TypeError, ValueError):
        return None  # not a Dutch address the hub can follow


def _betrokkene_of(rol: Mapping[str, Any]) -> Subject | None:
    ident = rol.get("betrokkeneIdentificatie")
    if not isinstance(ident, dict):
        return None
    kind = rol.get("betrokkeneType")
    try:
        if kind == "natuurlijk_persoon" and ident.get("inpBsn"):
            return PersonRef(str(ident["inpBsn"]))
        if kind == "niet_natuurlijk_persoon" and ident.get("kvkNummer"):
            return BusinessRef(str(ident["kvkNummer"]))
        if kind == "vestiging" and ident.get("kvkNummer"):
            return BusinessRef(
                str(ident["kvkNummer"]), str(ident.get("vestigingsNummer") or "") or None
            )
    except ValueError:
        return None
    return None


class _Lookup:
    """One enrich call: its token, its evidence, and a cache of the types it resolved."""

    def __init__(self, connector: HandhavingConnector, query: Query, token: str) -> None:
        self.c = connector
        self.query = query
        self.headers = {"Authorization": f"Bearer {token}"}
        self.evidence: list[Evidence] = []
        self._types: dict[str, asyncio.Task[dict[str, Any]]] = {}
        self._slots = asyncio.Semaphore(connector.settings.concurrency)

    async def fetch(
        self,
        url: str,
        operation: str,
        *,
        params: Mapping[str, str] | None = None,
        crs: bool = False,
    ) -> tuple[Any, Evidence]:
        """GET ``url`` (absolute, or relative to the Zaken API): its JSON body and evidence."""
        self.c.trusted(url)
        headers = dict(self.headers)
        if crs:
            headers["Accept-Crs"] = CRS
        # no params at all on a `next` URL: httpx would replace its query with them
        extra = {"params": dict(params)} if params else {}
        async with self._slots:
            response = await send(
                self.c.http, "GET", url, trace=self.query.trace, headers=headers, **extra
            )
        _check(response)
        return json_body(response), Evidence.from_response(response, operation)

    async def get(
        self,
        url: str,
        operation: str,
        *,
        params: Mapping[str, str] | None = None,
        crs: bool = False,
        keep: bool = True,
    ) -> Any:
        """The JSON body of ``url``; its evidence is kept unless ``keep`` is false."""
        body, evidence = await self.fetch(url, operation, params=params, crs=crs)
        if keep:
            self.evidence.append(evidence)
        return body

    async def pages(
        self,
        path: str,
        params: Mapping[str, str],
        operation: str,
        *,
        crs: bool = False,
        keep: bool = True,
    ) -> list[dict[str, Any]]:
        """Every result of a ZGW list, following ``next`` up to ``max_pages`` pages."""
        results: list[dict[str, Any]] = []
        url: str | None = path
        query: Mapping[str, str] | None = params
        pages = 0
        while url is not None:
            if pages == self.c.settings.max_pages:
                raise BadResponse(
                    f"{operation}: more than {pages} pages; not all zaken could be read "
                    "(raise max_pages, or narrow the zaaktypen)"
                )
            body = await self.get(url, operation, params=query, crs=crs, keep=keep)
            pages += 1
            page = _need(body, "results", list, operation)
            if not all(isinstance(item, dict) for item in page):
                raise BadResponse(f"{operation}: a result is not an object")
            results.extend(page)
            nxt = body.get("next")
            if nxt is not None and not isinstance(nxt, str):
                raise BadResponse(f"{operation}: 'next' is not a URL")
            url, query = nxt or None, None
        return results

    async def typed(self, url: str, operation: str) -> dict[str, Any]:
        """A Catalogi resource (zaaktype, statustype, resultaattype), fetched once per call."""
        task = self._types.get(url)
        if task is None:
            task = asyncio.ensure_future(self.get(url, operation))
            self._types[url] = task
        body = await task
        _need(body, "omschrijving", str, operation)
        return dict(body)

    async def gather(self, calls: Iterable[Awaitable[Any]]) -> list[Any]:
        """Run ``calls`` together; the first plugins error wins."""
        outcomes = await asyncio.gather(*calls, return_exceptions=True)
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome
        return list(outcomes)


class HandhavingConnector:
    """Enforcement files (handhaving) from a ZGW Zaken API."""

    info = INFO

    def __init__(self, settings: Settings, context: ConnectorContext) -> None:
        self.settings = settings
        self._jwt = ZgwJwt.from_settings(settings, context)
        self._zaaktypen = settings.zaaktype_urls()
        self._roots = tuple(
            root + "/" for root in (settings.base_url.rstrip("/"), settings.catalogi_root()) if root
        )
        self.http = registry_client(settings, context, headers={"Accept": "application/json"})

    # --- the Connector protocol ---------------------------------------------------

    def accepts(self, subject: Subject) -> bool:
        return subject.kind in self.info.subject_kinds

    async def enrich(self, query: Query) -> EnrichResult:
        result = EnrichResult(info=self.info, query=query)
        wanted = query.fields & self.info.fields.keys()
        if not wanted:
            return result  # nothing of ours was asked for: do not call the registry
        lookup = _Lookup(self, query, self._jwt.token(query.officer.id, query.officer.name))
        subject = query.subject
        if isinstance(subject, PersonRef):
            zaken = await self._zaken_by_rol(lookup, [{ROL_BSN: subject.burgerservicenummer}])
        elif isinstance(subject, BusinessRef):
            # two lists, not one query with both filters: the filters would have to hold
            # for one zaak together, and a zaak may name the business or the vestiging
            zaken = await self._zaken_by_rol(lookup, self._business_filters(subject))
        else:
            zaken = await self._zaken_by_address(lookup, subject)
        zaken = [z for z in zaken if self._counts(z)]
        details = "zaken" in wanted
        summaries = await lookup.gather(self._summary(lookup, z, details=details) for z in zaken)
        summaries.sort(key=lambda s: s["identificatie"])
        summaries.sort(key=lambda s: s["startdatum"], reverse=True)
        primary, *supporting = lookup.evidence
        if "zaken" in wanted:
            result.add("zaken", summaries, primary)
        if "aantalOpenZaken" in wanted:
            result.add("aantalOpenZaken", sum(1 for s in summaries if s["open"]), primary)
        for evidence in supporting:
            if evidence not in result.evidence:
                result.evidence.append(evidence)
        if details and self.settings.discover and zaken:
            await self._discover(lookup, result, zaken)
        return result

    async def check(self) -> Health:
        """Ask the Zaken API for the zaak :data:`PROBE_IDENTIFICATIE`: the token is
        checked, and no one's zaak is read (it used to read the first page of zaken)."""
        probe = Probe()
        if not self._jwt.has_secret:
            return probe.failed(self._jwt.missing)
        try:
            response = await send(
                self.http,
                "GET",
                "zaken",
                params={"identificatie": PROBE_IDENTIFICATIE},
                headers={
                    **self._jwt.authorization("opplus-check", "opplus health check"),
                    "Accept-Crs": CRS,
                },
            )
            _check(response)
            _need(json_body(response), "results", list, "zaak_list")
        except Exception as exc:  # a probe reports, it never raises
            return probe.failed(exc)
        return probe.ok("Zaken API answered; token accepted")

    async def aclose(self) -> None:
        await self.http.aclose()

    # --- helpers ------------------------------------------------------------------

    def trusted(self, url: str) -> None:
        """Refuse to send the token to a URL outside the configured APIs."""
        if not url.startswith(("http://", "https://")):
            return  # relative to the Zaken API
        if not url.startswith(self._roots):
            raise BadResponse(
                f"the registry points to {httpx.URL(url).copy_with(query=None)}, outside the "
                "configured Zaken and Catalogi APIs (set catalogi_base_url?)"
            )

    def _counts(self, zaak: Mapping[str, Any]) -> bool:
        if not self._zaaktypen:
            return True
        return str(zaak.get("zaaktype", "")).rstrip("/") in self._zaaktypen

    def _business_filters(self, subject: BusinessRef) -> list[dict[str, str]]:
        """The rol filters for a business: by KvK number only where the system declares the
        filter (ZGW Zaken 1.5.1 has none; an unknown filter is a 400, never a wider list)."""
        filters: list[dict[str, str]] = []
        if self.settings.rol_kvk_filter:
            filters.append({ROL_KVK: subject.kvkNummer})
        if subject.vestigingsnummer:
            filters.append({ROL_VESTIGING: subject.vestigingsnummer})
        if not filters:
            raise QueryRejected(
                f"het zaaksysteem kan niet zoeken op KvK-nummer {subject.kvkNummer} (geen filter "
                "in ZGW Zaken 1.5.1) en er is geen vestigingsnummer; zet rol_kvk_filter = true "
                "als het zaaksysteem dat filter kent (Open Zaak)"
            )
        return filters

    async def _zaken_by_rol(
        self, lookup: _Lookup, filters: list[dict[str, str]]
    ) -> list[dict[str, Any]]:
        # The list filters on one zaaktype at a time, so there is one list per handhaving
        # zaaktype: the registry then never sends zaken of other zaaktypes (parking
        # permits, care) that the purpose does not cover.
        zaaktypen: list[dict[str, str]] = [{"zaaktype": z} for z in sorted(self._zaaktypen)]
        found: dict[str, dict[str, Any]] = {}
        for rol_filter in filters:
            for zaaktype in zaaktypen or [{}]:
                params = {**rol_filter, **zaaktype}
                for zaak in await lookup.pages("zaken", params, "zaak_list", crs=True):
                    url = _need(zaak, "url", str, "zaak_list")
                    found.setdefault(url, zaak)
        return list(found.values())

    async def _zaken_by_address(self, lookup: _Lookup, address: AddressRef) -> list[dict[str, Any]]:
        # The Zaken API cannot filter zaakobjecten on address attributes (only on zaak,
        # object and objectType), and POST /zaken/_zoek filters zaken on zaak
        # attributes and zaakgeometrie, which needs coordinates the signal does not
        # have. So: read the zaakobjecten of objectType adres and match them here.
        zaakobjecten = await lookup.pages(
            "zaakobjecten", {"objectType": "adres"}, "zaakobject_list"
        )
        urls: list[str] = []
        for zaakobject in zaakobjecten:
            if _same_address(zaakobject, address):
                url = _need(zaakobject, "zaak", str, "zaakobject_list")
                if url not in urls:
                    urls.append(url)
        fetched = await lookup.gather(lookup.fetch(url, "zaak_retrieve", crs=True) for url in urls)
        zaken: list[dict[str, Any]] = []
        for zaak, evidence in fetched:
            _need(zaak, "url", str, "zaak_retrieve")
            if self._counts(zaak):  # a zaak of another zaaktype leaves no evidence behind
                lookup.evidence.append(evidence)
                zaken.append(zaak)
        return zaken

    async def _summary(
        self, lookup: _Lookup, zaak: Mapping[str, Any], *, details: bool
    ) -> dict[str, Any]:
        what = "zaak"
        url = _need(zaak, "url", str, what)
        identificatie = _need(zaak, "identificatie", str, what)
        zaaktype_url = _need(zaak, "zaaktype", str, what)
        startdatum = _need(zaak, "startdatum", str, what)
        einddatum = zaak.get("einddatum")
        if einddatum is not None and not isinstance(einddatum, str):
            raise BadResponse("zaak: field 'einddatum' has the wrong type")
        status_url = _optional_url(zaak, "status", what)
        resultaat_url = _optional_url(zaak, "resultaat", what)
        summary: dict[str, Any] = {
            "identificatie": identificatie,
            "omschrijving": str(zaak.get("omschrijving") or ""),
            "zaaktype": None,
            "startdatum": startdatum,
            "einddatum": einddatum,
            "status": None,
            "resultaat": None,
            "open": einddatum is None,
            "url": url,
        }
        if not details:
            return summary

        async def status() -> str | None:
            if status_url is None:
                return None
            body = await lookup.get(status_url, "status_retrieve")
            statustype = _need(body, "statustype", str, "status")
            return str((await lookup.typed(statustype, "statustype_retrieve"))["omschrijving"])

        async def resultaat() -> str | None:
            if resultaat_url is None:
                return None
            body = await lookup.get(resultaat_url, "resultaat_retrieve")
            resultaattype = _need(body, "resultaattype", str, "resultaat")
            typed = await lookup.typed(resultaattype, "resultaattype_retrieve")
            return str(typed["omschrijving"])

        async def zaaktype() -> str:
            return str((await lookup.typed(zaaktype_url, "zaaktype_retrieve"))["omschrijving"])

        (
            summary["zaaktype"],
            summary["status"],
            summary["resultaat"],
        ) = await lookup.gather([zaaktype(), status(), resultaat()])
        return summary

    async def _discover(
        self, lookup: _Lookup, result: EnrichResult, zaken: list[dict[str, Any]]
    ) -> None:
        """Addresses and betrokkenen of the zaken found, for the engine's next round."""
        subject = lookup.query.subject

        async def of(zaak: Mapping[str, Any]) -> list[Subject]:
            url = str(zaak["url"])
            found: list[Subject] = []
            objecten = await lookup.pages(
                "zaakobjecten",
                {"zaak": url, "objectType": "adres"},
                "zaakobject_list",
                keep=False,
            )
            for zaakobject in objecten:
                ident = zaakobject.get("objectIdentificatie")
                address = _address_of(ident) if isinstance(ident, dict) else None
                if address is not None:
                    found.append(address)
            for rol in await lookup.pages("rollen", {"zaak": url}, "rol_list", keep=False):
                betrokkene = _betrokkene_of(rol)
                if betrokkene is not None:
                    found.append(betrokkene)
            return found

        for subjects in await lookup.gather(of(z) for z in zaken):
            for found in subjects:
                if (
                    isinstance(subject, BusinessRef)
                    and isinstance(found, BusinessRef)
                    and found.kvkNummer == subject.kvkNummer
                ):
                    continue  # the business itself, seen through one of its vestigingen
                result.discover(found)
